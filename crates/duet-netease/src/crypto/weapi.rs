//! weapi, the web transport (spec §2): two AES-128-CBC layers over the JSON text, the second
//! under a fresh random secret that travels RSA-encrypted beside it.

mod rsa;

#[cfg(test)]
pub(in crate::crypto) use rsa::rsa_modulus;

use std::sync::OnceLock;

use aes::cipher::KeyInit;
use aes::Aes128;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use rand::Rng as _;

use super::block::{cbc_encrypt, encrypt_in_place_cbc, hex_lower, padded_len};
#[cfg(feature = "service-side")]
use super::{block::cbc_decrypt_in_place, CryptoError};

/// weapi first-layer AES-128-CBC key (spec §2.1 step 3).
pub const WEAPI_PRESET_KEY: &[u8; 16] = b"0CoJUm6Qyw8W8jud";
/// IV of both weapi AES-128-CBC layers (spec §2.1 steps 3-4).
pub const WEAPI_IV: &[u8; 16] = b"0102030405060708";
/// Alphabet of the 16-character weapi secret (spec §2.1 step 2).
pub const WEAPI_SECRET_ALPHABET: &[u8; 62] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// weapi RSA modulus n (1024 bit, lower-case hex, no leading `00`) (spec §2.1 step 5).
pub const WEAPI_RSA_MODULUS_HEX: &str = "e0b509f6259df8642dbc35662901477df22677ec152b5ff68ace615bb7b725152b3ab17a876aea8a5aa76d2e417629ec4ee341f56135fccf695280104e0312ecbda92557c93870114af6c9d05c4f7f0c3685b7a46bee255932575cce10b424d813cfe4875d3e82047b97ddef52741d546b8e289dc6935b3ece0462db0a22b8e7";
/// weapi RSA public exponent e = 0x010001 (spec §2.1 step 5).
pub const WEAPI_RSA_EXPONENT: u32 = 0x0001_0001;

/// A weapi form: both fields of the `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeapiForm {
    /// Standard Base64 of the second AES layer (not yet URL-encoded).
    pub params: String,
    /// 256 lower-case hex chars: RSA of the reversed secret.
    pub enc_sec_key: String,
}

impl WeapiForm {
    /// `params=<urlencoded params>&encSecKey=<hex>`, encoded like WHATWG
    /// `URLSearchParams` (what NeteaseCloudMusicApi sends): `+`→`%2B`,
    /// `/`→`%2F`, `=`→`%3D`.
    pub fn to_form_body(&self) -> String {
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("params", &self.params)
            .append_pair("encSecKey", &self.enc_sec_key)
            .finish()
    }
}

/// Full weapi encryption of `text` with the 16-byte `secret` (spec §2.1).
pub fn weapi_encrypt(text: &str, secret: &[u8; 16]) -> WeapiForm {
    let layer1 = cbc_encrypt(preset_cipher(), WEAPI_IV, text.as_bytes());
    // Layer 2 encrypts the ASCII Base64 of layer 1: encode straight into the
    // buffer that is then padded and encrypted in place.
    let b64_len = base64_len(layer1.len());
    let mut buf = vec![0u8; padded_len(b64_len)];
    let written = STANDARD
        .encode_slice(&layer1, &mut buf[..b64_len])
        .expect("buffer sized by base64_len");
    debug_assert_eq!(written, b64_len);
    let ct = encrypt_in_place_cbc(Aes128::new(secret.into()), WEAPI_IV, &mut buf, b64_len);
    WeapiForm {
        params: STANDARD.encode(ct),
        enc_sec_key: weapi_enc_sec_key(secret),
    }
}

/// Base64 of the first weapi AES layer: AES-128-CBC(`WEAPI_PRESET_KEY`, `WEAPI_IV`).
pub fn weapi_layer1(text: &str) -> String {
    STANDARD.encode(cbc_encrypt(preset_cipher(), WEAPI_IV, text.as_bytes()))
}

/// `encSecKey`: textbook RSA (no padding) of the **reversed** secret, as
/// lower-case hex left-padded with zeros to 256 chars (spec §2.1 step 5).
pub fn weapi_enc_sec_key(secret: &[u8; 16]) -> String {
    // The reversed secret read big-endian is the secret read little-endian.
    hex_lower(&rsa::encrypt_le(secret))
}

/// Inverse of both weapi AES layers, given the secret (the fake server knows it,
/// since it cannot undo the RSA; spec §2.3). `params_b64` is the Base64
/// `params` value after form-URL-decoding.
#[cfg(feature = "service-side")]
pub fn weapi_decrypt(params_b64: &str, secret: &[u8; 16]) -> Result<String, CryptoError> {
    let mut outer = STANDARD
        .decode(params_b64.as_bytes())
        .map_err(|_| CryptoError::NotBase64)?;
    let layer1_b64 = cbc_decrypt_in_place(Aes128::new(secret.into()), WEAPI_IV, &mut outer)?;
    let mut inner = STANDARD
        .decode(layer1_b64)
        .map_err(|_| CryptoError::NotBase64)?;
    let plain = cbc_decrypt_in_place(preset_cipher().clone(), WEAPI_IV, &mut inner)?;
    let n = plain.len();
    inner.truncate(n);
    String::from_utf8(inner).map_err(|_| CryptoError::NotUtf8)
}

/// A fresh 16-character weapi secret drawn uniformly from
/// [`WEAPI_SECRET_ALPHABET`] with `rand::thread_rng`.
pub fn random_weapi_secret() -> [u8; 16] {
    let mut rng = rand::thread_rng();
    let mut secret = [0u8; 16];
    for b in &mut secret {
        *b = WEAPI_SECRET_ALPHABET[rng.gen_range(0..WEAPI_SECRET_ALPHABET.len())];
    }
    secret
}

fn preset_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(WEAPI_PRESET_KEY.into()))
}

/// Length of the padded standard Base64 encoding of `n` bytes.
#[inline]
const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_vectors::{any_secret, s, secret16, section};
    use proptest::prelude::*;

    #[test]
    fn weapi_vectors() {
        let entries = section("weapi");
        for e in &entries {
            let name = s(e, "name");
            let text = s(e, "text");
            let secret = secret16(e, "secret_key");
            let mut rev = secret;
            rev.reverse();
            assert_eq!(&rev[..], s(e, "secret_key_reversed").as_bytes(), "{name}");
            assert_eq!(weapi_layer1(text), s(e, "layer1_base64"), "{name} layer1");
            let form = weapi_encrypt(text, &secret);
            assert_eq!(form.params, s(e, "params"), "{name} params");
            assert_eq!(form.enc_sec_key, s(e, "encSecKey"), "{name} encSecKey");
            assert_eq!(form.enc_sec_key.len(), 256, "{name}");
            assert_eq!(form.to_form_body(), s(e, "form_body"), "{name} form_body");
            assert_eq!(
                weapi_decrypt(s(e, "params"), &secret).as_deref(),
                Ok(text),
                "{name} decrypt"
            );
        }
        assert_eq!(entries.len(), 5);
    }

    #[test]
    fn weapi_enc_sec_key_vectors() {
        let entries = section("weapi_encSecKey_only");
        for e in &entries {
            let secret = secret16(e, "secret_key");
            assert_eq!(
                weapi_enc_sec_key(&secret),
                s(e, "encSecKey"),
                "secret {}",
                s(e, "secret_key")
            );
        }
        assert_eq!(entries.len(), 5);
    }

    #[test]
    fn weapi_layer1_vectors() {
        let entries = section("weapi_layer1_only");
        for e in &entries {
            assert_eq!(weapi_layer1(s(e, "text")), s(e, "layer1_base64"));
        }
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn random_secret_alphabet_and_spread() {
        let mut seen = [false; 256];
        for _ in 0..200 {
            let sec = random_weapi_secret();
            for b in sec {
                assert!(WEAPI_SECRET_ALPHABET.contains(&b));
                seen[b as usize] = true;
            }
        }
        // 3200 draws over 62 symbols: all should have appeared.
        let distinct = seen.iter().filter(|&&x| x).count();
        assert_eq!(distinct, 62);
        assert_ne!(random_weapi_secret(), random_weapi_secret());
    }

    #[test]
    fn form_body_encoding() {
        let f = WeapiForm {
            params: "a+b/c=d e~é".into(),
            enc_sec_key: "00ff".into(),
        };
        assert_eq!(
            f.to_form_body(),
            "params=a%2Bb%2Fc%3Dd+e%7E%C3%A9&encSecKey=00ff"
        );
    }

    proptest! {
        #[test]
        fn prop_weapi_round_trip(text in any::<String>(), secret in any_secret()) {
            let form = weapi_encrypt(&text, &secret);
            prop_assert_eq!(form.enc_sec_key.len(), 256);
            prop_assert_eq!(weapi_decrypt(&form.params, &secret), Ok(text.clone()));
            prop_assert_eq!(weapi_layer1(&text).len(), base64_len(padded_len(text.len())));
        }

        #[test]
        fn prop_weapi_round_trip_random_secret(text in ".{0,200}") {
            let secret = random_weapi_secret();
            prop_assert_eq!(weapi_decrypt(&weapi_encrypt(&text, &secret).params, &secret), Ok(text));
        }
    }
}
