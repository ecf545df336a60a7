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
    assemble_sign("zzc", &digest, &ZZC_HEAD, &ZZC_XOR, &ZZC_TAIL)
}

/// The 2023 – mid-2025 web sign: `"zzb" + 8 + base64(md5 ^ L) without '+/=' + 8`, lowercased.
pub fn zzb(body: &[u8]) -> String {
    let digest: [u8; 16] = Md5::digest(body).into();
    assemble_sign("zzb", &digest, &ZZB_HEAD, &ZZB_XOR, &ZZB_TAIL)
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

/// `prefix + hex(digest) at head + base64(digest ^ mask) without '+/=' + hex(digest) at
/// tail`, all lowercase (spec §3.5).
///
/// Built in a local buffer with a local length, so the compiler keeps the length in a register
/// (a length stored next to the bytes costs a store-to-load round trip per character).
fn assemble_sign<const N: usize>(
    prefix: &str,
    digest: &[u8; N],
    head: &[usize],
    mask: &[u8; N],
    tail: &[usize],
) -> String {
    let mut out = [0u8; 64];
    let mut len = 0;
    // Writes `byte` at the end and keeps it only if `keep`: branch-free '+' / '/' removal.
    let mut put = |byte: u8, keep: bool| {
        if let Some(slot) = out.get_mut(len) {
            *slot = byte;
            len += usize::from(keep);
        }
    };
    let hex_digit = |position: usize| {
        let byte = digest.get(position / 2).copied().unwrap_or(0);
        let nibble = if position.is_multiple_of(2) {
            byte >> 4
        } else {
            byte & 0x0f
        };
        LOWER_HEX[usize::from(nibble)]
    };

    for &byte in prefix.as_bytes() {
        put(byte, true);
    }
    for &position in head {
        put(hex_digit(position), true);
    }
    let mut put_sextet = |sextet: u32| {
        let symbol = BASE64_LOWER[(sextet & 0x3f) as usize];
        put(symbol, symbol != b'+' && symbol != b'/');
    };
    let masked = |i: usize| u32::from(digest[i] ^ mask[i]);
    let full_groups = N / 3;
    for group_index in 0..full_groups {
        let i = group_index * 3;
        let group = masked(i) << 16 | masked(i + 1) << 8 | masked(i + 2);
        put_sextet(group >> 18);
        put_sextet(group >> 12);
        put_sextet(group >> 6);
        put_sextet(group);
    }
    // The '=' padding is dropped, so a short tail only yields its significant sextets.
    let i = full_groups * 3;
    match N - i {
        1 => {
            let group = masked(i) << 16;
            put_sextet(group >> 18);
            put_sextet(group >> 12);
        }
        2 => {
            let group = masked(i) << 16 | masked(i + 1) << 8;
            put_sextet(group >> 18);
            put_sextet(group >> 12);
            put_sextet(group >> 6);
        }
        _ => {}
    }
    for &position in tail {
        put(hex_digit(position), true);
    }
    // Only ASCII was written, so this is always valid UTF-8.
    std::str::from_utf8(&out[..len])
        .unwrap_or_default()
        .to_owned()
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
