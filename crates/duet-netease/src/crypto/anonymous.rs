//! The anonymous (visitor) login username (spec §5.2): the device id beside a Base64 MD5 of
//! the device id XOR a fixed key, all Base64 again.

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use md5::{Digest as _, Md5};

/// XOR key of the anonymous-login device-id hash (spec §5.2).
pub const ANONYMOUS_XOR_KEY: &[u8; 18] = b"3go8&$8*3*3h0k(2)2";

/// `Base64(deviceId + " " + Base64(MD5(deviceId XOR "3go8&$8*3*3h0k(2)2")))`
/// with standard Base64 (NeteaseCloudMusicApi, pyncm).
///
/// The XOR is over the UTF-8 bytes of `device_id` (key repeated). NCMA XORs
/// UTF-16 code units instead; the two agree for ASCII ids, which is what every
/// real device id is.
pub fn anonymous_username(device_id: &str) -> String {
    anonymous_username_with(device_id, &STANDARD)
}

/// chaunsin's variant of [`anonymous_username`]: URL-safe Base64 (with `=`
/// padding) for the inner hash and the outer encoding.
pub fn anonymous_username_urlsafe(device_id: &str) -> String {
    anonymous_username_with(device_id, &URL_SAFE)
}

/// `Base64(MD5(device_id XOR ANONYMOUS_XOR_KEY))`, standard alphabet.
pub fn anonymous_encoded_id(device_id: &str) -> String {
    STANDARD.encode(anonymous_id_hash(device_id))
}

fn anonymous_id_hash(device_id: &str) -> [u8; 16] {
    let mut h = Md5::new();
    let mut chunk = [0u8; ANONYMOUS_XOR_KEY.len()];
    for part in device_id.as_bytes().chunks(ANONYMOUS_XOR_KEY.len()) {
        for ((o, b), k) in chunk.iter_mut().zip(part).zip(ANONYMOUS_XOR_KEY) {
            *o = b ^ k;
        }
        h.update(&chunk[..part.len()]);
    }
    h.finalize().into()
}

fn anonymous_username_with(device_id: &str, engine: &base64::engine::GeneralPurpose) -> String {
    let inner = engine.encode(anonymous_id_hash(device_id));
    let mut joined = String::with_capacity(device_id.len() + 1 + inner.len());
    joined.push_str(device_id);
    joined.push(' ');
    joined.push_str(&inner);
    engine.encode(joined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_vectors::{s, section};

    #[test]
    fn anonymous_username_vectors() {
        let entries = section("anonymous_username");
        for e in &entries {
            let dev = s(e, "deviceId");
            assert_eq!(s(e, "xor_key").as_bytes(), ANONYMOUS_XOR_KEY);
            assert_eq!(anonymous_encoded_id(dev), s(e, "encoded_id_std_b64"));
            let std_name = anonymous_username(dev);
            assert_eq!(
                std_name,
                s(e, "username_std_b64 (NeteaseCloudMusicApi/pyncm)")
            );
            assert_eq!(
                URL_SAFE.encode(anonymous_id_hash(dev)),
                s(e, "encoded_id_urlsafe_b64 (chaunsin Go)")
            );
            let url_name = anonymous_username_urlsafe(dev);
            assert_eq!(url_name, s(e, "username_urlsafe_b64 (chaunsin Go)"));
            // The URL-safe username is NOT the std username re-encoded with the
            // URL-safe alphabet: the inner hash differs (`/` vs `_`), so the
            // outer Base64 differs too.
            let std_bytes = STANDARD.decode(&std_name).unwrap();
            assert_ne!(URL_SAFE.encode(&std_bytes), url_name);
            let url_bytes = URL_SAFE.decode(&url_name).unwrap();
            let (dev_part, hash_part) = std::str::from_utf8(&url_bytes)
                .unwrap()
                .rsplit_once(' ')
                .unwrap();
            assert_eq!(dev_part, dev);
            assert_eq!(
                URL_SAFE.decode(hash_part).unwrap(),
                STANDARD.decode(s(e, "encoded_id_std_b64")).unwrap()
            );
        }
        assert_eq!(entries.len(), 1);
    }
}
