//! hash33 and the tokens built on it: ptqrtoken and g_tk (spec §2).

/// `h = h * 33 + c` over the UTF-16 code units of `s` (as JS `charCodeAt`), starting at `init`;
/// only the low 31 bits are kept. Wrapping `u32` arithmetic gives the same low 31 bits as the
/// big-integer form.
pub fn hash33(s: &str, init: u32) -> u32 {
    s.encode_utf16().fold(init, |h, unit| {
        h.wrapping_mul(33).wrapping_add(u32::from(unit))
    }) & 0x7fff_ffff
}

/// The `ptqrtoken` poll parameter of ptlogin2 QR login: `hash33(qrsig, 0)`.
pub fn ptqrtoken(qrsig: &str) -> u32 {
    hash33(qrsig, 0)
}

/// The CSRF token `g_tk` (a.k.a. `bkn`): `hash33(key, 5381)`, and 5381 when there is no key.
pub fn g_tk(key: Option<&str>) -> u32 {
    match key {
        Some(key) if !key.is_empty() => hash33(key, 5381),
        _ => 5381,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        assert_eq!(hash33("abc", 5381), 193_485_963);
        assert_eq!(ptqrtoken("abc"), 108_966);
        assert_eq!(g_tk(None), 5381);
        assert_eq!(g_tk(Some("")), 5381);
    }
}
