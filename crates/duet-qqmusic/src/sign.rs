//! The `musics.fcg` request signs zzc, zzb and the historical zza (spec §3.5).

use md5::{Digest as _, Md5};
use sha1::Sha1;

/// Positions in the uppercase SHA-1 hex of the zzc head. The JS list is
/// `[23,14,6,36,16,40,7,19]`; `H[40]` is undefined and `join('')` drops it (spec §3.5).
const ZZC_HEAD: [usize; 7] = [23, 14, 6, 36, 16, 7, 19];
const ZZC_TAIL: [usize; 8] = [16, 1, 32, 12, 19, 27, 8, 5];
const ZZC_XOR: [u8; 20] = [
    89, 39, 179, 150, 218, 82, 58, 252, 177, 52, 186, 123, 120, 64, 242, 133, 143, 161, 121, 179,
];

const ZZB_HEAD: [usize; 8] = [21, 4, 9, 26, 16, 20, 27, 30];
const ZZB_TAIL: [usize; 8] = [18, 11, 3, 2, 1, 7, 6, 25];
const ZZB_XOR: [u8; 16] = [
    212, 45, 80, 68, 195, 163, 163, 203, 157, 220, 254, 91, 204, 79, 104, 6,
];

/// The secret prefix of the zza MD5 (spec §3.5).
const ZZA_SALT: &[u8] = b"CJBPACrRuNy7";

const LOWER_HEX: &[u8; 16] = b"0123456789abcdef";
/// Standard base64 alphabet, already lowercased: the sign is lowercased at the end anyway.
const BASE64_LOWER: &[u8; 64] = b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The current web sign: `"zzc" + 7 + base64(sha1 ^ K) without '+/=' + 8`, lowercased.
pub fn zzc(body: &[u8]) -> String {
    let digest: [u8; 20] = Sha1::digest(body).into();
    let mut sign = String::with_capacity(3 + ZZC_HEAD.len() + 27 + ZZC_TAIL.len());
    sign.push_str("zzc");
    push_hex_digits(&mut sign, &digest, &ZZC_HEAD);
    let mut masked = digest;
    xor_in_place(&mut masked, &ZZC_XOR);
    push_stripped_base64(&mut sign, &masked);
    push_hex_digits(&mut sign, &digest, &ZZC_TAIL);
    sign
}

/// The 2023 – mid-2025 web sign: `"zzb" + 8 + base64(md5 ^ L) without '+/=' + 8`, lowercased.
pub fn zzb(body: &[u8]) -> String {
    let digest: [u8; 16] = Md5::digest(body).into();
    let mut sign = String::with_capacity(3 + ZZB_HEAD.len() + 22 + ZZB_TAIL.len());
    sign.push_str("zzb");
    push_hex_digits(&mut sign, &digest, &ZZB_HEAD);
    let mut masked = digest;
    xor_in_place(&mut masked, &ZZB_XOR);
    push_stripped_base64(&mut sign, &masked);
    push_hex_digits(&mut sign, &digest, &ZZB_TAIL);
    sign
}

/// Whether `sign` (any letter case) is a valid zzc, zzb or zza sign of `body`.
///
/// zza carries a random infix, so only its shape and its MD5 suffix are checked (spec §3.5).
pub fn is_valid(body: &[u8], sign: &str) -> bool {
    let sign = sign.as_bytes();
    if sign.len() < 3 {
        return false;
    }
    let scheme = [
        sign[0].to_ascii_lowercase(),
        sign[1].to_ascii_lowercase(),
        sign[2].to_ascii_lowercase(),
    ];
    match &scheme {
        b"zzc" => sign.eq_ignore_ascii_case(zzc(body).as_bytes()),
        b"zzb" => sign.eq_ignore_ascii_case(zzb(body).as_bytes()),
        b"zza" => is_valid_zza(body, sign),
        _ => false,
    }
}

/// `"zza" + 10..=16 of [a-z0-9] + lowercase hex MD5("CJBPACrRuNy7" + body)`.
fn is_valid_zza(body: &[u8], sign: &[u8]) -> bool {
    const MD5_HEX_LEN: usize = 32;
    let Some(infix_len) = sign.len().checked_sub(3 + MD5_HEX_LEN) else {
        return false;
    };
    if !(10..=16).contains(&infix_len) {
        return false;
    }
    let (infix, md5_hex) = sign[3..].split_at(infix_len);
    if !infix.iter().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let mut hasher = Md5::new();
    hasher.update(ZZA_SALT);
    hasher.update(body);
    let digest: [u8; 16] = hasher.finalize().into();
    digest
        .iter()
        .zip(md5_hex.chunks_exact(2))
        .all(|(byte, pair)| {
            pair[0].to_ascii_lowercase() == LOWER_HEX[usize::from(byte >> 4)]
                && pair[1].to_ascii_lowercase() == LOWER_HEX[usize::from(byte & 0x0f)]
        })
}

/// Appends hex digit `i` (lowercase) of `digest`'s hex form for each `i` in `positions`.
fn push_hex_digits(out: &mut String, digest: &[u8], positions: &[usize]) {
    for &position in positions {
        let byte = digest[position / 2];
        let nibble = if position.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 0x0f
        };
        out.push(char::from(LOWER_HEX[usize::from(nibble)]));
    }
}

fn xor_in_place(bytes: &mut [u8], mask: &[u8]) {
    for (byte, m) in bytes.iter_mut().zip(mask) {
        *byte ^= m;
    }
}

/// Appends lowercased standard base64 of `bytes` with every '+', '/' and '=' left out.
fn push_stripped_base64(out: &mut String, bytes: &[u8]) {
    let mut push_sextet = |sextet: u32| {
        let symbol = BASE64_LOWER[(sextet & 0x3f) as usize];
        if symbol != b'+' && symbol != b'/' {
            out.push(char::from(symbol));
        }
    };
    let mut chunks = bytes.chunks_exact(3);
    for chunk in &mut chunks {
        let group = u32::from(chunk[0]) << 16 | u32::from(chunk[1]) << 8 | u32::from(chunk[2]);
        push_sextet(group >> 18);
        push_sextet(group >> 12);
        push_sextet(group >> 6);
        push_sextet(group);
    }
    // The '=' padding is dropped, so a short tail only yields its significant sextets.
    match *chunks.remainder() {
        [a] => {
            let group = u32::from(a) << 16;
            push_sextet(group >> 18);
            push_sextet(group >> 12);
        }
        [a, b] => {
            let group = u32::from(a) << 16 | u32::from(b) << 8;
            push_sextet(group >> 18);
            push_sextet(group >> 12);
            push_sextet(group >> 6);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body() {
        assert_eq!(zzc(b""), "zzcf0e03e5gx4qeiq5cfgdyqwu7sdqfsb5fro3aa45053");
        assert_eq!(zzb(b""), "zzb98ffe087addcnuyjec90xpfdilcqea80d149dc");
    }

    #[test]
    fn is_valid_rejects_short_and_unknown() {
        assert!(!is_valid(b"", ""));
        assert!(!is_valid(b"", "zz"));
        assert!(!is_valid(b"", "zzd"));
        assert!(!is_valid(b"", "zza"));
        assert!(is_valid(b"", &zzc(b"").to_uppercase()));
    }
}
