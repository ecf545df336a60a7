//! The block layer under every transport: AES-128 with PKCS#7 padding, in ECB (eapi,
//! linuxapi) and CBC (weapi) mode, working in place in buffers sized up front, and the hex
//! that goes on the wire (upper-case for eapi and linuxapi, lower-case for weapi's key).

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::crypto_common::InnerInit;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, InnerIvInit};
use aes::Aes128;

use super::CryptoError;

const BLOCK: usize = 16;

/// Length of `n` bytes after PKCS#7 padding (always adds 1..=16 bytes).
#[inline]
pub(super) const fn padded_len(n: usize) -> usize {
    (n / BLOCK + 1) * BLOCK
}

/// Pads `buf[..msg_len]` and CBC-encrypts it in place. `buf.len()` must be
/// `padded_len(msg_len)` (all callers size it so).
pub(super) fn encrypt_in_place_cbc<'a>(
    cipher: Aes128,
    iv: &[u8; 16],
    buf: &'a mut [u8],
    msg_len: usize,
) -> &'a [u8] {
    cbc::Encryptor::<Aes128>::inner_iv_init(cipher, iv.into())
        .encrypt_padded_mut::<Pkcs7>(buf, msg_len)
        .expect("buffer sized by padded_len")
}

/// Pads `buf[..msg_len]` and ECB-encrypts it in place (`buf.len()` as above).
pub(super) fn encrypt_in_place_ecb(cipher: Aes128, buf: &mut [u8], msg_len: usize) -> &[u8] {
    ecb::Encryptor::<Aes128>::inner_init(cipher)
        .encrypt_padded_mut::<Pkcs7>(buf, msg_len)
        .expect("buffer sized by padded_len")
}

/// `msg` copied into a buffer of `padded_len(msg.len())` bytes, for the in-place encryptors.
fn padded_copy(msg: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(padded_len(msg.len()));
    buf.extend_from_slice(msg);
    buf.resize(padded_len(msg.len()), 0);
    buf
}

/// AES-128-CBC(`cipher`, `iv`) of PKCS#7(`msg`) in a fresh buffer.
pub(super) fn cbc_encrypt(cipher: &Aes128, iv: &[u8; 16], msg: &[u8]) -> Vec<u8> {
    let mut buf = padded_copy(msg);
    encrypt_in_place_cbc(cipher.clone(), iv, &mut buf, msg.len());
    buf
}

/// AES-128-ECB(`cipher`) of PKCS#7(`msg`) in a fresh buffer.
pub(super) fn ecb_encrypt(cipher: &Aes128, msg: &[u8]) -> Vec<u8> {
    let mut buf = padded_copy(msg);
    encrypt_in_place_ecb(cipher.clone(), &mut buf, msg.len());
    buf
}

/// Lower-case hex, written into a buffer sized up front (`hex::encode` pushes char by char
/// and takes about twice as long).
pub(super) fn hex_lower(bytes: &[u8]) -> String {
    let mut out = vec![0u8; bytes.len() * 2];
    hex::encode_to_slice(bytes, &mut out).expect("buffer is twice the input");
    String::from_utf8(out).expect("hex is ASCII")
}

/// Upper-case hex, the form eapi `params` and linuxapi `eparams` travel in.
pub(super) fn hex_upper(bytes: &[u8]) -> String {
    let mut out = hex_lower(bytes);
    out.make_ascii_uppercase();
    out
}

fn check_ct_len(len: usize) -> Result<(), CryptoError> {
    // BLOCK is a power of two (a mask test; `is_multiple_of` needs Rust 1.87).
    const _: () = assert!(BLOCK.is_power_of_two());
    if len == 0 || len & (BLOCK - 1) != 0 {
        Err(CryptoError::BadLength(len))
    } else {
        Ok(())
    }
}

#[cfg(feature = "service-side")]
pub(super) fn cbc_decrypt_in_place<'a>(
    cipher: Aes128,
    iv: &[u8; 16],
    buf: &'a mut [u8],
) -> Result<&'a [u8], CryptoError> {
    check_ct_len(buf.len())?;
    cbc::Decryptor::<Aes128>::inner_iv_init(cipher, iv.into())
        .decrypt_padded_mut::<Pkcs7>(buf)
        .map_err(|_| CryptoError::BadPadding)
}

pub(super) fn ecb_decrypt_in_place(cipher: Aes128, buf: &mut [u8]) -> Result<&[u8], CryptoError> {
    check_ct_len(buf.len())?;
    ecb::Decryptor::<Aes128>::inner_init(cipher)
        .decrypt_padded_mut::<Pkcs7>(buf)
        .map_err(|_| CryptoError::BadPadding)
}

/// Hex (either case) → AES-128-ECB decrypt → UTF-8: the inverse of eapi and linuxapi requests.
#[cfg(feature = "service-side")]
pub(super) fn ecb_decrypt_hex_to_string(cipher: &Aes128, hex: &str) -> Result<String, CryptoError> {
    // Into a buffer sized up front: `hex::decode` collects, growing its Vec as it goes.
    let mut buf = vec![0u8; hex.len() / 2];
    hex::decode_to_slice(hex, &mut buf).map_err(|_| CryptoError::NotHex)?;
    let n = ecb_decrypt_in_place(cipher.clone(), &mut buf)?.len();
    buf.truncate(n);
    String::from_utf8(buf).map_err(|_| CryptoError::NotUtf8)
}
