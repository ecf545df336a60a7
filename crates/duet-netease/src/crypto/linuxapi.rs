//! linuxapi, the old Linux client's transport (spec §4): the request object as JSON,
//! AES-128-ECB under a fixed key, upper-case hex in the `eparams` field.

use std::sync::OnceLock;

use aes::cipher::KeyInit;
use aes::Aes128;

use super::block::{ecb_encrypt, hex_upper};
#[cfg(feature = "service-side")]
use super::{block::ecb_decrypt_hex_to_string, CryptoError};

/// linuxapi AES-128-ECB key (spec §4).
pub const LINUXAPI_KEY: &[u8; 16] = b"rFgB&h#%2?^eDg:Q";

/// linuxapi `eparams`: UPPER-case hex of AES-128-ECB(`LINUXAPI_KEY`, PKCS#7(text)).
pub fn linuxapi_encrypt(text: &str) -> String {
    hex_upper(&ecb_encrypt(linuxapi_cipher(), text.as_bytes()))
}

/// Inverse of [`linuxapi_encrypt`] (hex of either case).
#[cfg(feature = "service-side")]
pub fn linuxapi_decrypt(eparams_hex: &str) -> Result<String, CryptoError> {
    ecb_decrypt_hex_to_string(linuxapi_cipher(), eparams_hex)
}

fn linuxapi_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(LINUXAPI_KEY.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::test_vectors::{s, section};
    use proptest::prelude::*;

    #[test]
    fn linuxapi_vectors() {
        let entries = section("linuxapi");
        for e in &entries {
            let name = s(e, "name");
            let text = s(e, "text");
            let eparams = s(e, "eparams_hex_upper");
            assert_eq!(linuxapi_encrypt(text), eparams, "{name}");
            assert_eq!(linuxapi_decrypt(eparams).as_deref(), Ok(text), "{name}");
            assert_eq!(
                linuxapi_decrypt(&eparams.to_ascii_lowercase()).as_deref(),
                Ok(text),
                "{name} lower"
            );
        }
        assert_eq!(entries.len(), 2);
    }

    proptest! {
        #[test]
        fn prop_linuxapi_round_trip(text in any::<String>()) {
            let ep = linuxapi_encrypt(&text);
            prop_assert_eq!(linuxapi_decrypt(&ep), Ok(text.clone()));
            prop_assert_eq!(linuxapi_decrypt(&ep.to_ascii_lowercase()), Ok(text));
        }
    }
}
