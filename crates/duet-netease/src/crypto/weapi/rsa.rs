//! The weapi `encSecKey` RSA: m^65537 mod n for the one fixed 1024-bit modulus, in Montgomery
//! arithmetic on fixed-size limbs.
//!
//! Why not `num_bigint::BigUint::modpow` (the workspace already has num-bigint, and the tests
//! check every result against it): on this one hot path it is ~7× slower (≈37 µs against
//! ≈5 µs on the README's machine), which would drop weapi to ~8× NeteaseCloudMusicApi's
//! throughput, under the 20× floor the README keeps; `BigUint` square-and-reduce is ~2× slower
//! (≈10 µs) and would halve weapi's throughput. The criterion bench `weapi/rsa num-bigint *`
//! measures both beside `weapi_enc_sec_key`. `BigUint` still parses the modulus and derives
//! the Montgomery constants once.
//!
//! Not constant-time: the exponent is public and the message is a fresh random secret.

use std::sync::OnceLock;

use num_bigint::BigUint;

use super::{WEAPI_RSA_EXPONENT, WEAPI_RSA_MODULUS_HEX};

/// Bytes of a 1024-bit number.
const RSA_BYTES: usize = 128;
/// 64-bit limbs of a 1024-bit number, least significant first.
const LIMBS: usize = RSA_BYTES / 8;
type Limbs = [u64; LIMBS];

/// RSA of the 16-byte `secret` read as a little-endian number (m < 2^128 < n): the big-endian
/// bytes of m^65537 mod n, always 128 of them (zero-padded).
pub(in crate::crypto) fn encrypt_le(secret: &[u8; 16]) -> [u8; RSA_BYTES] {
    let mut m: Limbs = [0; LIMBS];
    for (limb, chunk) in m.iter_mut().zip(secret.chunks_exact(8)) {
        *limb = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
    }
    let c = rsa_public(&m);
    let mut block = [0u8; RSA_BYTES];
    for (out, limb) in block.chunks_exact_mut(8).zip(c.iter().rev()) {
        out.copy_from_slice(&limb.to_be_bytes());
    }
    block
}

pub(in crate::crypto) fn rsa_modulus() -> &'static BigUint {
    static N: OnceLock<BigUint> = OnceLock::new();
    N.get_or_init(|| {
        BigUint::parse_bytes(WEAPI_RSA_MODULUS_HEX.as_bytes(), 16)
            .expect("WEAPI_RSA_MODULUS_HEX is valid hex")
    })
}

/// Montgomery arithmetic modulo the weapi RSA modulus n, with R = 2^1024.
struct Montgomery {
    n: Limbs,
    /// -n⁻¹ mod 2^64.
    n0_neg_inv: u64,
    /// R² mod n, to move a number into Montgomery form.
    r2: Limbs,
}

fn montgomery() -> &'static Montgomery {
    static M: OnceLock<Montgomery> = OnceLock::new();
    M.get_or_init(|| {
        let n_big = rsa_modulus();
        let n = to_limbs(n_big);
        let r2 = to_limbs(&((BigUint::from(1u8) << (2 * 64 * LIMBS)) % n_big));
        // Newton's iteration for n0⁻¹ mod 2^64 (n is odd): each step doubles
        // the number of correct low bits, 1 → 64 in six steps.
        let mut inv = 1u64;
        for _ in 0..6 {
            inv = inv.wrapping_mul(2u64.wrapping_sub(n[0].wrapping_mul(inv)));
        }
        Montgomery {
            n,
            n0_neg_inv: inv.wrapping_neg(),
            r2,
        }
    })
}

fn to_limbs(x: &BigUint) -> Limbs {
    let mut out = [0u64; LIMBS];
    for (o, d) in out.iter_mut().zip(x.iter_u64_digits()) {
        *o = d;
    }
    out
}

impl Montgomery {
    /// a·b·R⁻¹ mod n for a, b < n (CIOS: multiply and reduce limb by limb).
    fn mul(&self, a: &Limbs, b: &Limbs) -> Limbs {
        let n = &self.n;
        let mut t = [0u64; LIMBS + 2];
        for &bi in b {
            let mut c = 0u64;
            for j in 0..LIMBS {
                let s = t[j] as u128 + a[j] as u128 * bi as u128 + c as u128;
                t[j] = s as u64;
                c = (s >> 64) as u64;
            }
            let s = t[LIMBS] as u128 + c as u128;
            t[LIMBS] = s as u64;
            t[LIMBS + 1] = (s >> 64) as u64;

            let m = t[0].wrapping_mul(self.n0_neg_inv);
            let s = t[0] as u128 + m as u128 * n[0] as u128;
            let mut c = (s >> 64) as u64;
            for j in 1..LIMBS {
                let s = t[j] as u128 + m as u128 * n[j] as u128 + c as u128;
                t[j - 1] = s as u64;
                c = (s >> 64) as u64;
            }
            let s = t[LIMBS] as u128 + c as u128;
            t[LIMBS - 1] = s as u64;
            t[LIMBS] = t[LIMBS + 1] + (s >> 64) as u64;
        }
        // Here t < 2n; one conditional subtraction brings it below n.
        let mut r: Limbs = [0; LIMBS];
        r.copy_from_slice(&t[..LIMBS]);
        if t[LIMBS] != 0 || !limbs_lt(&r, n) {
            let mut borrow = false;
            for (ri, &ni) in r.iter_mut().zip(n) {
                let (d1, b1) = ri.overflowing_sub(ni);
                let (d2, b2) = d1.overflowing_sub(borrow as u64);
                *ri = d2;
                borrow = b1 || b2;
            }
        }
        r
    }
}

fn limbs_lt(a: &Limbs, b: &Limbs) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x < y;
        }
    }
    false
}

/// m^65537 mod n for m < n (e = 2^16 + 1: sixteen squarings, one multiply).
fn rsa_public(m: &Limbs) -> Limbs {
    const _: () = assert!(WEAPI_RSA_EXPONENT == (1 << 16) + 1);
    let mt = montgomery();
    let mut x = mt.mul(m, &mt.r2); // m·R mod n
    for _ in 0..16 {
        x = mt.mul(&x, &x);
    }
    mt.mul(&x, m) // (m^65536·R)·m·R⁻¹ = m^65537 mod n
}

#[cfg(test)]
mod tests {
    use super::super::weapi_enc_sec_key;
    use super::*;
    use crate::crypto::test_vectors::any_secret;
    use proptest::prelude::*;

    fn modpow_reference(m: &BigUint) -> BigUint {
        m.modpow(&BigUint::from(WEAPI_RSA_EXPONENT), rsa_modulus())
    }

    fn from_limbs(x: &Limbs) -> BigUint {
        BigUint::from_slice(
            &x.iter()
                .flat_map(|l| [*l as u32, (*l >> 32) as u32])
                .collect::<Vec<_>>(),
        )
    }

    #[test]
    fn rsa_matches_modpow_and_pads() {
        let mt = montgomery();
        assert_eq!(
            mt.n[0].wrapping_mul(mt.n0_neg_inv),
            u64::MAX,
            "n0 * (-n0^-1) = -1"
        );
        assert_eq!(from_limbs(&mt.n), *rsa_modulus());
        for secret in [[0u8; 16], [0xff; 16], *b"FFFFFFFFFFFFFFFF", [1u8; 16]] {
            let m = BigUint::from_bytes_le(&secret);
            let expect = format!("{:0>256}", modpow_reference(&m).to_str_radix(16));
            assert_eq!(weapi_enc_sec_key(&secret), expect);
        }
        // Near the top of the range: n-1, n-2, n-3.
        for k in [1u32, 2, 3] {
            let m = rsa_modulus() - BigUint::from(k);
            assert_eq!(from_limbs(&rsa_public(&to_limbs(&m))), modpow_reference(&m));
        }
        // m = 0 and m = 1 give tiny ciphertexts that must be zero-padded.
        assert_eq!(weapi_enc_sec_key(&[0u8; 16]), "0".repeat(256));
        let mut one = [0u8; 16];
        one[0] = 1; // reversed → big-endian 1
        assert_eq!(weapi_enc_sec_key(&one), format!("{}1", "0".repeat(255)));
    }

    proptest! {
        #[test]
        fn prop_rsa_matches_modpow(words in proptest::array::uniform16(any::<u64>())) {
            let m = from_limbs(&words) % rsa_modulus();
            prop_assert_eq!(from_limbs(&rsa_public(&to_limbs(&m))), modpow_reference(&m));
        }

        #[test]
        fn prop_enc_sec_key_matches_modpow(secret in any_secret()) {
            let m = BigUint::from_bytes_le(&secret);
            let expect = format!("{:0>256}", modpow_reference(&m).to_str_radix(16));
            prop_assert_eq!(weapi_enc_sec_key(&secret), expect);
        }
    }
}
