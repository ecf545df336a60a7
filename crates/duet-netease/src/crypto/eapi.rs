//! eapi, the PC client's transport (spec §3): AES-128-ECB over
//! `url-36cd479b6b5-text-36cd479b6b5-md5`, upper-case hex on the wire; `e_r` answers come back
//! as raw AES-128-ECB bytes under the same key, gzipped first in the `x-aeapi` variant.

use std::io::Read;
use std::sync::OnceLock;

use aes::cipher::KeyInit;
use aes::Aes128;
use md5::{Digest as _, Md5};

#[cfg(feature = "service-side")]
use super::block::{ecb_decrypt_hex_to_string, ecb_encrypt};
use super::block::{ecb_decrypt_in_place, encrypt_in_place_ecb, hex_upper, padded_len};
use super::CryptoError;

/// eapi AES-128-ECB key, used for requests and `e_r` responses (spec §3).
pub const EAPI_KEY: &[u8; 16] = b"e82ckenh8dichen8";
/// Separator between the three parts of the eapi plaintext (spec §3.1 step 4).
pub const EAPI_SEPARATOR: &str = "-36cd479b6b5-";
/// Upper bound on the size of a gunzipped `x-aeapi` response body (zip-bomb guard).
pub const MAX_GUNZIP_BYTES: usize = 16 * 1024 * 1024;

const EAPI_DIGEST_PREFIX: &[u8] = b"nobody";
const EAPI_DIGEST_MIDDLE: &[u8] = b"use";
const EAPI_DIGEST_SUFFIX: &[u8] = b"md5forencrypt";

/// A decrypted eapi request (what the fake server sees).
#[cfg(feature = "service-side")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EapiRequest {
    /// Part 1: the logical `/api/...` path.
    pub url_path: String,
    /// Part 2: the JSON text (not parsed here).
    pub text: String,
    /// Part 3: the MD5 digest the client sent (as sent).
    pub digest: String,
    /// Whether `digest` equals [`eapi_digest`]`(url_path, text)` (hex case ignored).
    pub digest_ok: bool,
}

/// Lower-case hex MD5 of `"nobody" + url_path + "use" + text + "md5forencrypt"`.
pub fn eapi_digest(url_path: &str, text: &str) -> String {
    let d = eapi_digest_hex(url_path, text);
    // Hex digits are ASCII.
    String::from_utf8(d.to_vec()).expect("hex is ASCII")
}

/// The eapi plaintext `url-36cd479b6b5-text-36cd479b6b5-digest` (spec §3.1 step 4).
pub fn eapi_plaintext(url_path: &str, text: &str) -> String {
    let digest = eapi_digest_hex(url_path, text);
    let mut s = String::with_capacity(eapi_plain_len(url_path, text));
    s.push_str(url_path);
    s.push_str(EAPI_SEPARATOR);
    s.push_str(text);
    s.push_str(EAPI_SEPARATOR);
    s.push_str(std::str::from_utf8(&digest).expect("hex is ASCII"));
    s
}

/// eapi `params`: UPPER-case hex of AES-128-ECB(`EAPI_KEY`, PKCS#7(plaintext))
/// (spec §3.1 step 5).
pub fn eapi_encrypt(url_path: &str, text: &str) -> String {
    // The plaintext is assembled straight into the buffer that is padded and encrypted in place.
    let digest = eapi_digest_hex(url_path, text);
    let msg_len = eapi_plain_len(url_path, text);
    let mut buf = Vec::with_capacity(padded_len(msg_len));
    buf.extend_from_slice(url_path.as_bytes());
    buf.extend_from_slice(EAPI_SEPARATOR.as_bytes());
    buf.extend_from_slice(text.as_bytes());
    buf.extend_from_slice(EAPI_SEPARATOR.as_bytes());
    buf.extend_from_slice(&digest);
    buf.resize(padded_len(msg_len), 0);
    hex_upper(encrypt_in_place_ecb(
        eapi_cipher().clone(),
        &mut buf,
        msg_len,
    ))
}

/// Decrypts a raw-binary `e_r` response body; `gzipped` is the `x-aeapi: true`
/// variant, whose AES plaintext is a gzip stream (inflated here, bounded by
/// [`MAX_GUNZIP_BYTES`]).
pub fn eapi_decrypt_response(body: &[u8], gzipped: bool) -> Result<Vec<u8>, CryptoError> {
    let mut buf = body.to_vec();
    let n = ecb_decrypt_in_place(eapi_cipher().clone(), &mut buf)?.len();
    buf.truncate(n);
    if gzipped {
        gunzip_bounded(&buf, MAX_GUNZIP_BYTES)
    } else {
        Ok(buf)
    }
}

/// Decrypts eapi `params` (hex, either case) to the raw plaintext string.
#[cfg(feature = "service-side")]
pub fn eapi_decrypt_plaintext(params_hex: &str) -> Result<String, CryptoError> {
    ecb_decrypt_hex_to_string(eapi_cipher(), params_hex)
}

/// Decrypts and splits an eapi request (spec §3.2, fake-server side).
///
/// The URL is everything before the **first** separator and the digest
/// everything after the **last** one, so a text that itself contains
/// `-36cd479b6b5-` survives intact. (NeteaseCloudMusicApi's own
/// `eapiReqDecrypt` regex splits the text at its first inner separator instead.)
#[cfg(feature = "service-side")]
pub fn eapi_decrypt_request(params_hex: &str) -> Result<EapiRequest, CryptoError> {
    let plain = eapi_decrypt_plaintext(params_hex)?;
    let (url_path, rest) = plain
        .split_once(EAPI_SEPARATOR)
        .ok_or(CryptoError::MalformedPlaintext("no separator"))?;
    let (text, digest) = rest
        .rsplit_once(EAPI_SEPARATOR)
        .ok_or(CryptoError::MalformedPlaintext("only one separator"))?;
    let expected = eapi_digest_hex(url_path, text);
    let digest_ok = digest.as_bytes().eq_ignore_ascii_case(&expected);
    Ok(EapiRequest {
        url_path: url_path.to_owned(),
        text: text.to_owned(),
        digest: digest.to_owned(),
        digest_ok,
    })
}

/// Raw AES-128-ECB(`EAPI_KEY`, PKCS#7) bytes of `plain`: the body of an
/// `e_r: true` answer (spec §3.2). For the `x-aeapi` variant gzip `plain` first.
#[cfg(feature = "service-side")]
pub fn eapi_encrypt_response(plain: &[u8]) -> Vec<u8> {
    ecb_encrypt(eapi_cipher(), plain)
}

fn eapi_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(EAPI_KEY.into()))
}

#[inline]
fn eapi_plain_len(url_path: &str, text: &str) -> usize {
    url_path.len() + text.len() + 2 * EAPI_SEPARATOR.len() + 32
}

fn eapi_digest_hex(url_path: &str, text: &str) -> [u8; 32] {
    let mut h = Md5::new();
    h.update(EAPI_DIGEST_PREFIX);
    h.update(url_path.as_bytes());
    h.update(EAPI_DIGEST_MIDDLE);
    h.update(text.as_bytes());
    h.update(EAPI_DIGEST_SUFFIX);
    let mut out = [0u8; 32];
    hex::encode_to_slice(h.finalize(), &mut out).expect("32 hex digits for 16 bytes");
    out
}

fn gunzip_bounded(data: &[u8], limit: usize) -> Result<Vec<u8>, CryptoError> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit));
    let decoder = flate2::read::MultiGzDecoder::new(data);
    decoder
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| CryptoError::Gzip(e.to_string()))?;
    if out.len() > limit {
        return Err(CryptoError::Gzip(format!(
            "inflated body exceeds {limit} bytes"
        )));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_vectors::{gzip, s, section, unhex};
    use proptest::prelude::*;

    #[test]
    fn eapi_request_vectors() {
        let entries = section("eapi_request");
        for e in &entries {
            let name = s(e, "name");
            let url = s(e, "url_path_in_plaintext");
            let text = s(e, "text");
            let md5_input = format!(
                "{}{url}{}{text}{}",
                std::str::from_utf8(EAPI_DIGEST_PREFIX).unwrap(),
                std::str::from_utf8(EAPI_DIGEST_MIDDLE).unwrap(),
                std::str::from_utf8(EAPI_DIGEST_SUFFIX).unwrap()
            );
            assert_eq!(md5_input, s(e, "md5_input"), "{name} md5_input");
            assert_eq!(
                hex::encode(Md5::digest(md5_input.as_bytes())),
                s(e, "md5_hex"),
                "{name} md5 of md5_input"
            );
            assert_eq!(eapi_digest(url, text), s(e, "md5_hex"), "{name} digest");
            assert_eq!(eapi_plaintext(url, text), s(e, "plaintext"), "{name}");
            let params = eapi_encrypt(url, text);
            assert_eq!(params, s(e, "params_hex_upper"), "{name} params");
            assert_eq!(
                eapi_decrypt_plaintext(&params).as_deref(),
                Ok(s(e, "plaintext")),
                "{name} plaintext"
            );
            for p in [params.clone(), params.to_ascii_lowercase()] {
                let req = eapi_decrypt_request(&p).unwrap();
                assert_eq!(req.url_path, url, "{name}");
                assert_eq!(req.text, text, "{name}");
                assert_eq!(req.digest, s(e, "md5_hex"), "{name}");
                assert!(req.digest_ok, "{name}");
            }
        }
        assert_eq!(entries.len(), 5);
    }

    #[test]
    fn eapi_request_decrypt_known_vectors() {
        let entries = section("eapi_request_decrypt_known");
        for e in &entries {
            let name = s(e, "name");
            let params = s(e, "params_hex");
            assert_eq!(
                eapi_decrypt_plaintext(params).as_deref(),
                Ok(s(e, "plaintext")),
                "{name}"
            );
            let req = eapi_decrypt_request(params).unwrap();
            assert_eq!(req.url_path, s(e, "url"), "{name}");
            assert_eq!(req.text, s(e, "text"), "{name}");
            assert_eq!(req.digest, s(e, "md5_hex"), "{name}");
            assert_eq!(
                req.digest_ok,
                e["md5_verified"].as_bool().unwrap(),
                "{name}"
            );
            // Re-encrypting what a real client sent reproduces it byte for byte.
            assert_eq!(eapi_encrypt(&req.url_path, &req.text), params, "{name}");
        }
        assert_eq!(entries.len(), 1);
    }

    #[test]
    fn eapi_response_vectors() {
        let entries = section("eapi_response");
        let mut gz = 0;
        for e in &entries {
            let name = s(e, "name");
            let body = unhex(s(e, "body_hex"));
            let gzipped = e["gzip"].as_bool().unwrap();
            let plain = eapi_decrypt_response(&body, gzipped).unwrap();
            assert_eq!(plain, s(e, "plaintext").as_bytes(), "{name}");
            if gzipped {
                gz += 1;
                let gz_bytes = unhex(s(e, "gzip_hex_after_aes_decrypt"));
                assert_eq!(
                    eapi_decrypt_response(&body, false).unwrap(),
                    gz_bytes,
                    "{name} AES layer"
                );
                assert_eq!(eapi_encrypt_response(&gz_bytes), body, "{name} enc");
            } else {
                assert_eq!(
                    eapi_encrypt_response(s(e, "plaintext").as_bytes()),
                    body,
                    "{name} enc"
                );
            }
        }
        assert_eq!(entries.len(), 4);
        assert_eq!(gz, 1, "one gzip (x-aeapi) vector");
    }

    #[test]
    fn gunzip_is_bounded() {
        // 17 MiB of zeros compress to ~17 KiB; the decoder must stop at the cap.
        let bomb = gzip(&vec![0u8; MAX_GUNZIP_BYTES + (1 << 20)]);
        assert!(bomb.len() < 64 * 1024);
        let err = eapi_decrypt_response(&eapi_encrypt_response(&bomb), true).unwrap_err();
        assert!(matches!(err, CryptoError::Gzip(ref m) if m.contains("exceeds")));
        // exactly at the cap is fine
        assert_eq!(
            gunzip_bounded(&gzip(&[1u8; 1000]), 1000).unwrap().len(),
            1000
        );
        assert!(gunzip_bounded(&gzip(&[1u8; 1001]), 1000).is_err());
    }

    #[test]
    fn eapi_text_containing_separator_round_trips() {
        let text = r#"{"note":"a-36cd479b6b5-b","x":"-36cd479b6b5-"}"#;
        let req = eapi_decrypt_request(&eapi_encrypt("/api/x", text)).unwrap();
        assert_eq!(req.url_path, "/api/x");
        assert_eq!(req.text, text);
        assert!(req.digest_ok);
    }

    proptest! {
        #[test]
        fn prop_eapi_request_round_trip(url in "/api/[a-z0-9/]{0,40}", text in any::<String>()) {
            let params = eapi_encrypt(&url, &text);
            prop_assert!(params.bytes().all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b)));
            let req = eapi_decrypt_request(&params).unwrap();
            prop_assert_eq!(&req.url_path, &url);
            prop_assert_eq!(&req.text, &text);
            prop_assert_eq!(&req.digest, &eapi_digest(&url, &text));
            prop_assert!(req.digest_ok);
            prop_assert_eq!(eapi_decrypt_request(&params.to_ascii_lowercase()), Ok(req));
        }

        #[test]
        fn prop_eapi_response_round_trip(plain in proptest::collection::vec(any::<u8>(), 0..600)) {
            let body = eapi_encrypt_response(&plain);
            prop_assert_eq!(body.len(), padded_len(plain.len()));
            prop_assert_eq!(eapi_decrypt_response(&body, false), Ok(plain.clone()));
            let gz_body = eapi_encrypt_response(&gzip(&plain));
            prop_assert_eq!(eapi_decrypt_response(&gz_body, true), Ok(plain));
        }
    }
}
