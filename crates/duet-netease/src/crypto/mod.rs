//! NetEase Cloud Music request/response ciphers, one module per transport — [`weapi`](weapi_encrypt)
//! (web), [`eapi`](eapi_encrypt) (PC client), [`linuxapi`](linuxapi_encrypt) — plus the
//! anonymous-login username encoding, over a shared AES/PKCS#7 block layer.
//!
//! Everything here is a pure function: no I/O, no global mutable state (the only
//! statics are lazily-built, read-only AES key schedules and RSA/Montgomery
//! constants).
//! The byte formats follow `docs/protocol/netease.md` §2 (weapi), §3 (eapi),
//! §4 (linuxapi) and §5.2 (anonymous username); `testdata/vectors/netease.json`
//! pins every one of them (see each module's tests).
//!
//! The client encrypts requests and decrypts `e_r` answers. The service's side — decrypting
//! requests and encrypting answers — exists for `duet-fake-upstream` and the tests, so it sits
//! behind the `service-side` cargo feature: the app never links it and it is not part of the
//! client's API. (A feature rather than a second crate: the inverses share this module's private
//! key schedules and padding arithmetic, and each stays next to the cipher it undoes.)
//!
//! Decrypt functions are fed attacker-controlled bytes by the fake server, so
//! they never panic: any malformed input yields a [`CryptoError`].

mod anonymous;
mod block;
mod eapi;
mod linuxapi;
#[cfg(test)]
mod test_vectors;
mod weapi;

pub use anonymous::{
    anonymous_encoded_id, anonymous_username, anonymous_username_urlsafe, ANONYMOUS_XOR_KEY,
};
#[cfg(feature = "service-side")]
pub use eapi::{eapi_decrypt_plaintext, eapi_decrypt_request, eapi_encrypt_response, EapiRequest};
pub use eapi::{
    eapi_decrypt_response, eapi_digest, eapi_encrypt, eapi_plaintext, EAPI_KEY, EAPI_SEPARATOR,
    MAX_GUNZIP_BYTES,
};
#[cfg(feature = "service-side")]
pub use linuxapi::linuxapi_decrypt;
pub use linuxapi::{linuxapi_encrypt, LINUXAPI_KEY};
#[cfg(feature = "service-side")]
pub use weapi::weapi_decrypt;
pub use weapi::{
    random_weapi_secret, weapi_enc_sec_key, weapi_encrypt, weapi_layer1, WeapiForm, WEAPI_IV,
    WEAPI_PRESET_KEY, WEAPI_RSA_EXPONENT, WEAPI_RSA_MODULUS_HEX, WEAPI_SECRET_ALPHABET,
};

/// Why a decryption failed. Every decrypt entry point returns one of these
/// instead of panicking.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum CryptoError {
    /// Input is not an even-length string of hex digits (either case accepted).
    #[error("input is not valid hex (odd length or a non-hex character)")]
    NotHex,
    /// Input is not valid standard (padded) Base64.
    #[error("input is not valid base64")]
    NotBase64,
    /// Ciphertext length is zero or not a multiple of the 16-byte AES block.
    #[error("ciphertext length {0} is not a non-zero multiple of 16")]
    BadLength(usize),
    /// PKCS#7 padding is malformed (usually: wrong key or corrupted data).
    #[error("bad PKCS#7 padding")]
    BadPadding,
    /// The decrypted plaintext is not UTF-8.
    #[error("decrypted plaintext is not valid UTF-8")]
    NotUtf8,
    /// The decrypted eapi plaintext is not `url-36cd479b6b5-text-36cd479b6b5-digest`.
    #[error("malformed eapi plaintext: {0}")]
    MalformedPlaintext(&'static str),
    /// The decrypted `x-aeapi` body is not a valid gzip stream, or inflates past
    /// [`MAX_GUNZIP_BYTES`].
    #[error("gzip: {0}")]
    Gzip(String),
}

/// The contract every transport shares: the vectors' constants, and typed errors (never a
/// panic) for whatever bytes reach a decrypt function.
#[cfg(test)]
mod tests {
    use super::test_vectors::{any_secret, gzip, s, unhex, vectors};
    use super::*;
    use aes::cipher::{BlockEncrypt, KeyInit};
    use aes::Aes128;
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine as _;
    use proptest::prelude::*;

    #[test]
    fn constants_match_vectors() {
        let v = vectors();
        let c = &v["constants"];
        assert_eq!(s(c, "weapi_preset_key").as_bytes(), WEAPI_PRESET_KEY);
        assert_eq!(s(c, "weapi_iv").as_bytes(), WEAPI_IV);
        assert_eq!(
            s(c, "weapi_secret_key_alphabet").as_bytes(),
            WEAPI_SECRET_ALPHABET
        );
        assert_eq!(s(c, "rsa_modulus_hex"), WEAPI_RSA_MODULUS_HEX);
        assert_eq!(
            s(c, "rsa_modulus_hex_as_in_core_js"),
            format!("00{WEAPI_RSA_MODULUS_HEX}")
        );
        assert_eq!(
            u32::from_str_radix(s(c, "rsa_exponent_hex"), 16).unwrap(),
            WEAPI_RSA_EXPONENT
        );
        assert_eq!(s(c, "linuxapi_key").as_bytes(), LINUXAPI_KEY);
        assert_eq!(s(c, "eapi_key").as_bytes(), EAPI_KEY);
        assert_eq!(s(c, "eapi_separator"), EAPI_SEPARATOR);
        assert_eq!(
            s(c, "eapi_digest_template"),
            "nobody{url}use{text}md5forencrypt"
        );
        // The PEM's SubjectPublicKeyInfo carries the same modulus and exponent.
        let pem = s(c, "rsa_public_key_pem");
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        let der = STANDARD.decode(b64).unwrap();
        let n = unhex(WEAPI_RSA_MODULUS_HEX);
        let pos = der
            .windows(n.len())
            .position(|w| w == n.as_slice())
            .expect("modulus inside the PEM");
        assert_eq!(der[pos - 1], 0x00, "DER integer sign byte");
        assert_eq!(&der[der.len() - 3..], &[0x01, 0x00, 0x01]);
        // The modulus parses to a 1024-bit number.
        assert_eq!(weapi::rsa_modulus().bits(), 1024);
    }

    #[test]
    fn garbage_inputs_are_errors() {
        let good = eapi_encrypt("/api/x", "{}");
        // odd-length hex
        assert_eq!(eapi_decrypt_request("ABC"), Err(CryptoError::NotHex));
        assert_eq!(linuxapi_decrypt("0"), Err(CryptoError::NotHex));
        // non-hex characters, incl. non-ASCII
        assert_eq!(eapi_decrypt_request("GG"), Err(CryptoError::NotHex));
        assert_eq!(eapi_decrypt_request("é0"), Err(CryptoError::NotHex));
        assert_eq!(linuxapi_decrypt("zz00"), Err(CryptoError::NotHex));
        // empty and truncated blocks
        assert_eq!(eapi_decrypt_request(""), Err(CryptoError::BadLength(0)));
        assert_eq!(
            eapi_decrypt_request(&good[..good.len() - 2]),
            Err(CryptoError::BadLength(good.len() / 2 - 1))
        );
        assert_eq!(
            eapi_decrypt_response(&[0u8; 15], false),
            Err(CryptoError::BadLength(15))
        );
        assert_eq!(
            eapi_decrypt_response(&[], true),
            Err(CryptoError::BadLength(0))
        );
        // whole blocks but wrong key → bad padding (overwhelmingly likely; this
        // particular input is checked to be so)
        assert_eq!(
            eapi_decrypt_request(&linuxapi_encrypt("{}")),
            Err(CryptoError::BadPadding)
        );
        // dropping the last block of a two-block ciphertext breaks the padding
        let two = eapi_encrypt_response(&[b'x'; 20]);
        assert_eq!(two.len(), 32);
        assert_eq!(
            eapi_decrypt_response(&two[..16], false),
            Err(CryptoError::BadPadding)
        );
        // valid padding with a zero pad byte
        let mut zero_pad = [7u8; 16];
        zero_pad[15] = 0;
        let ct = ecb_raw_encrypt(&zero_pad);
        assert_eq!(
            eapi_decrypt_response(&ct, false),
            Err(CryptoError::BadPadding)
        );
        // pad byte > 16
        let mut big_pad = [17u8; 16];
        big_pad[0] = b'a';
        assert_eq!(
            eapi_decrypt_response(&ecb_raw_encrypt(&big_pad), false),
            Err(CryptoError::BadPadding)
        );
        // non-UTF-8 plaintext
        let bad_utf8 = hex::encode_upper(eapi_encrypt_response(&[0xff, 0xfe]));
        assert_eq!(eapi_decrypt_request(&bad_utf8), Err(CryptoError::NotUtf8));
        // separators missing
        let plain_hex = |p: &str| hex::encode(eapi_encrypt_response(p.as_bytes()));
        assert!(matches!(
            eapi_decrypt_request(&plain_hex("/api/x{}")),
            Err(CryptoError::MalformedPlaintext(_))
        ));
        assert!(matches!(
            eapi_decrypt_request(&plain_hex("/api/x-36cd479b6b5-{}")),
            Err(CryptoError::MalformedPlaintext(_))
        ));
        // overlapping separators are not two separators
        assert!(matches!(
            eapi_decrypt_request(&plain_hex("/a-36cd479b6b5-36cd479b6b5-d")),
            Err(CryptoError::MalformedPlaintext(_))
        ));
        // wrong digest is reported, not rejected
        let r = eapi_decrypt_request(&plain_hex("/a-36cd479b6b5-{}-36cd479b6b5-00")).unwrap();
        assert!(!r.digest_ok);
        assert_eq!((r.url_path.as_str(), r.text.as_str()), ("/a", "{}"));
        // gzip flag on non-gzip plaintext, and truncated gzip
        assert!(matches!(
            eapi_decrypt_response(&eapi_encrypt_response(b"{\"code\":200}"), true),
            Err(CryptoError::Gzip(_))
        ));
        let gz = gzip(b"{\"code\":200,\"data\":true}");
        assert!(matches!(
            eapi_decrypt_response(&eapi_encrypt_response(&gz[..gz.len() - 5]), true),
            Err(CryptoError::Gzip(_))
        ));
        // weapi: not base64, wrong secret, not a block multiple, inner not base64
        let secret = *b"0123456789abcdef";
        let form = weapi_encrypt("{}", &secret);
        assert_eq!(weapi_decrypt("***", &secret), Err(CryptoError::NotBase64));
        assert_eq!(
            weapi_decrypt("AAAA", &secret),
            Err(CryptoError::BadLength(3))
        );
        assert_eq!(weapi_decrypt("", &secret), Err(CryptoError::BadLength(0)));
        assert!(weapi_decrypt(&form.params, b"0123456789abcdeX").is_err());
        let inner_not_b64 = {
            let mut buf = b"!!!!".to_vec();
            buf.resize(16, 0);
            STANDARD.encode(block::encrypt_in_place_cbc(
                Aes128::new((&secret).into()),
                WEAPI_IV,
                &mut buf,
                4,
            ))
        };
        assert_eq!(
            weapi_decrypt(&inner_not_b64, &secret),
            Err(CryptoError::NotBase64)
        );
    }

    /// One AES-128 block under the eapi key, without padding.
    fn ecb_raw_encrypt(block: &[u8; 16]) -> Vec<u8> {
        let mut b = aes::Block::clone_from_slice(block);
        Aes128::new(EAPI_KEY.into()).encrypt_block(&mut b);
        b.to_vec()
    }

    proptest! {
        #[test]
        fn prop_no_panic_strings(s in any::<String>(), secret in any_secret()) {
            let _ = eapi_decrypt_request(&s);
            let _ = eapi_decrypt_plaintext(&s);
            let _ = linuxapi_decrypt(&s);
            let _ = weapi_decrypt(&s, &secret);
        }

        #[test]
        fn prop_no_panic_hex_strings(s in "[0-9a-fA-F]{0,200}", secret in any_secret()) {
            // Valid hex of arbitrary length reaches the AES/padding/UTF-8 stages.
            let _ = eapi_decrypt_request(&s);
            let _ = linuxapi_decrypt(&s);
            let _ = weapi_decrypt(&s, &secret);
        }

        #[test]
        fn prop_no_panic_base64(bytes in proptest::collection::vec(any::<u8>(), 0..200), secret in any_secret()) {
            // Valid base64 of arbitrary bytes reaches the AES stages of weapi.
            let _ = weapi_decrypt(&STANDARD.encode(&bytes), &secret);
        }

        #[test]
        fn prop_no_panic_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = eapi_decrypt_response(&bytes, false);
            let _ = eapi_decrypt_response(&bytes, true);
            // Arbitrary plaintext behind a valid AES layer reaches the gzip and
            // separator stages.
            let body = eapi_encrypt_response(&bytes);
            let _ = eapi_decrypt_response(&body, true);
            let _ = eapi_decrypt_request(&hex::encode_upper(&body));
        }
    }
}
