//! NetEase Cloud Music request/response ciphers (weapi, eapi, linuxapi) and the
//! anonymous-login username encoding.
//!
//! Everything here is a pure function: no I/O, no global mutable state (the only
//! statics are lazily-built, read-only AES key schedules and RSA/Montgomery
//! constants, plus const lookup tables).
//! The byte formats follow `docs/protocol/netease.md` §2 (weapi), §3 (eapi),
//! §4 (linuxapi) and §5.2 (anonymous username); `testdata/vectors/netease.json`
//! pins every one of them (see the tests at the bottom of this file).
//!
//! Decrypt functions are fed attacker-controlled bytes by the fake server, so
//! they never panic: any malformed input yields a [`CryptoError`].

use std::io::Read;
use std::sync::OnceLock;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::crypto_common::InnerInit;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit};
use aes::Aes128;
use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::Engine as _;
use md5::{Digest as _, Md5};
use num_bigint::BigUint;
use rand::Rng as _;

// ---------------------------------------------------------------------------
// Constants (spec §2, §3, §4, §5.2) — the single source of truth.
// ---------------------------------------------------------------------------

/// weapi first-layer AES-128-CBC key (spec §2.1 step 3).
pub const WEAPI_PRESET_KEY: &[u8; 16] = b"0CoJUm6Qyw8W8jud";
/// IV of both weapi AES-128-CBC layers (spec §2.1 steps 3-4).
pub const WEAPI_IV: &[u8; 16] = b"0102030405060708";
/// eapi AES-128-ECB key, used for requests and `e_r` responses (spec §3).
pub const EAPI_KEY: &[u8; 16] = b"e82ckenh8dichen8";
/// linuxapi AES-128-ECB key (spec §4).
pub const LINUXAPI_KEY: &[u8; 16] = b"rFgB&h#%2?^eDg:Q";
/// Separator between the three parts of the eapi plaintext (spec §3.1 step 4).
pub const EAPI_SEPARATOR: &str = "-36cd479b6b5-";
/// Alphabet of the 16-character weapi secret (spec §2.1 step 2).
pub const WEAPI_SECRET_ALPHABET: &[u8; 62] =
    b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// weapi RSA modulus n (1024 bit, lower-case hex, no leading `00`) (spec §2.1 step 5).
pub const WEAPI_RSA_MODULUS_HEX: &str = "e0b509f6259df8642dbc35662901477df22677ec152b5ff68ace615bb7b725152b3ab17a876aea8a5aa76d2e417629ec4ee341f56135fccf695280104e0312ecbda92557c93870114af6c9d05c4f7f0c3685b7a46bee255932575cce10b424d813cfe4875d3e82047b97ddef52741d546b8e289dc6935b3ece0462db0a22b8e7";
/// weapi RSA public exponent e = 0x010001 (spec §2.1 step 5).
pub const WEAPI_RSA_EXPONENT: u32 = 0x0001_0001;
/// XOR key of the anonymous-login device-id hash (spec §5.2).
pub const ANONYMOUS_XOR_KEY: &[u8; 18] = b"3go8&$8*3*3h0k(2)2";
/// Upper bound on the size of a gunzipped `x-aeapi` response body (zip-bomb guard).
pub const MAX_GUNZIP_BYTES: usize = 16 * 1024 * 1024;

const EAPI_DIGEST_PREFIX: &[u8] = b"nobody";
const EAPI_DIGEST_MIDDLE: &[u8] = b"use";
const EAPI_DIGEST_SUFFIX: &[u8] = b"md5forencrypt";
const BLOCK: usize = 16;
/// Length in hex chars of an encSecKey (a 1024-bit number).
const ENC_SEC_KEY_HEX_LEN: usize = 256;
const RSA_BYTES: usize = ENC_SEC_KEY_HEX_LEN / 2;

// ---------------------------------------------------------------------------
// Errors and result types
// ---------------------------------------------------------------------------

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
        let mut out = String::with_capacity(
            "params=&encSecKey=".len() + self.params.len() * 3 / 2 + 8 + self.enc_sec_key.len(),
        );
        out.push_str("params=");
        form_urlencode_into(&mut out, &self.params);
        out.push_str("&encSecKey=");
        form_urlencode_into(&mut out, &self.enc_sec_key);
        out
    }
}

/// A decrypted eapi request (what the fake server sees).
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

// ---------------------------------------------------------------------------
// weapi (spec §2)
// ---------------------------------------------------------------------------

/// Full weapi encryption of `text` with the 16-byte `secret` (spec §2.1).
pub fn weapi_encrypt(text: &str, secret: &[u8; 16]) -> WeapiForm {
    let layer1 = cbc_encrypt_padded(preset_cipher().clone(), text.as_bytes());
    // Layer 2 encrypts the ASCII Base64 of layer 1: encode straight into the
    // buffer that is then padded and encrypted in place.
    let b64_len = base64_len(layer1.len());
    let mut buf = vec![0u8; padded_len(b64_len)];
    let written = STANDARD
        .encode_slice(&layer1, &mut buf[..b64_len])
        .expect("buffer sized by base64_len");
    debug_assert_eq!(written, b64_len);
    let cipher = Aes128::new(secret.into());
    let ct = encrypt_in_place_cbc(cipher, &mut buf, b64_len);
    WeapiForm {
        params: STANDARD.encode(ct),
        enc_sec_key: weapi_enc_sec_key(secret),
    }
}

/// Base64 of the first weapi AES layer: AES-128-CBC(`WEAPI_PRESET_KEY`, `WEAPI_IV`).
pub fn weapi_layer1(text: &str) -> String {
    STANDARD.encode(cbc_encrypt_padded(preset_cipher().clone(), text.as_bytes()))
}

/// `encSecKey`: textbook RSA (no padding) of the **reversed** secret, as
/// lower-case hex left-padded with zeros to 256 chars (spec §2.1 step 5).
pub fn weapi_enc_sec_key(secret: &[u8; 16]) -> String {
    // The reversed secret read big-endian is the secret read little-endian;
    // m < 2^128 < n.
    let mut m: Limbs = [0; LIMBS];
    for (limb, chunk) in m.iter_mut().zip(secret.chunks_exact(8)) {
        *limb = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
    }
    let c = rsa_public(&m);
    // Big-endian bytes of c, always 128 of them (zero-padded).
    let mut block = [0u8; RSA_BYTES];
    for (out, limb) in block.chunks_exact_mut(8).zip(c.iter().rev()) {
        out.copy_from_slice(&limb.to_be_bytes());
    }
    hex_encode(&block, &HEX_LOWER)
}

/// Inverse of both weapi AES layers, given the secret (the fake server knows it,
/// since it cannot undo the RSA; spec §2.3). `params_b64` is the Base64
/// `params` value after form-URL-decoding.
pub fn weapi_decrypt(params_b64: &str, secret: &[u8; 16]) -> Result<String, CryptoError> {
    let mut outer = STANDARD
        .decode(params_b64.as_bytes())
        .map_err(|_| CryptoError::NotBase64)?;
    let layer1_b64 = cbc_decrypt_in_place(Aes128::new(secret.into()), &mut outer)?;
    let mut inner = STANDARD
        .decode(layer1_b64)
        .map_err(|_| CryptoError::NotBase64)?;
    let plain = cbc_decrypt_in_place(preset_cipher().clone(), &mut inner)?;
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

// ---------------------------------------------------------------------------
// eapi (spec §3)
// ---------------------------------------------------------------------------

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
    let digest = eapi_digest_hex(url_path, text);
    let msg_len = eapi_plain_len(url_path, text);
    let mut buf = Vec::with_capacity(padded_len(msg_len));
    buf.extend_from_slice(url_path.as_bytes());
    buf.extend_from_slice(EAPI_SEPARATOR.as_bytes());
    buf.extend_from_slice(text.as_bytes());
    buf.extend_from_slice(EAPI_SEPARATOR.as_bytes());
    buf.extend_from_slice(&digest);
    buf.resize(padded_len(msg_len), 0);
    let ct = encrypt_in_place_ecb(eapi_cipher().clone(), &mut buf, msg_len);
    hex_encode(ct, &HEX_UPPER)
}

/// Decrypts eapi `params` (hex, either case) to the raw plaintext string.
pub fn eapi_decrypt_plaintext(params_hex: &str) -> Result<String, CryptoError> {
    ecb_decrypt_hex_to_string(eapi_cipher(), params_hex)
}

/// Decrypts and splits an eapi request (spec §3.2, fake-server side).
///
/// The URL is everything before the **first** separator and the digest
/// everything after the **last** one, so a text that itself contains
/// `-36cd479b6b5-` survives intact. (NeteaseCloudMusicApi's own
/// `eapiReqDecrypt` regex splits the text at its first inner separator instead.)
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
pub fn eapi_encrypt_response(plain: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(padded_len(plain.len()));
    buf.extend_from_slice(plain);
    buf.resize(padded_len(plain.len()), 0);
    let n = encrypt_in_place_ecb(eapi_cipher().clone(), &mut buf, plain.len()).len();
    buf.truncate(n);
    buf
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

// ---------------------------------------------------------------------------
// linuxapi (spec §4)
// ---------------------------------------------------------------------------

/// linuxapi `eparams`: UPPER-case hex of AES-128-ECB(`LINUXAPI_KEY`, PKCS#7(text)).
pub fn linuxapi_encrypt(text: &str) -> String {
    let mut buf = Vec::with_capacity(padded_len(text.len()));
    buf.extend_from_slice(text.as_bytes());
    buf.resize(padded_len(text.len()), 0);
    let ct = encrypt_in_place_ecb(linuxapi_cipher().clone(), &mut buf, text.len());
    hex_encode(ct, &HEX_UPPER)
}

/// Inverse of [`linuxapi_encrypt`] (hex of either case).
pub fn linuxapi_decrypt(eparams_hex: &str) -> Result<String, CryptoError> {
    ecb_decrypt_hex_to_string(linuxapi_cipher(), eparams_hex)
}

// ---------------------------------------------------------------------------
// Anonymous (visitor) login username (spec §5.2)
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Internals: key schedules, AES modes, padding arithmetic
// ---------------------------------------------------------------------------

fn preset_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(WEAPI_PRESET_KEY.into()))
}

fn eapi_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(EAPI_KEY.into()))
}

fn linuxapi_cipher() -> &'static Aes128 {
    static C: OnceLock<Aes128> = OnceLock::new();
    C.get_or_init(|| Aes128::new(LINUXAPI_KEY.into()))
}

/// Length of `n` bytes after PKCS#7 padding (always adds 1..=16 bytes).
#[inline]
const fn padded_len(n: usize) -> usize {
    (n / BLOCK + 1) * BLOCK
}

/// Length of the padded standard Base64 encoding of `n` bytes.
#[inline]
const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
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
    let d: [u8; 16] = h.finalize().into();
    let mut out = [0u8; 32];
    for (pair, b) in out.chunks_exact_mut(2).zip(d) {
        pair.copy_from_slice(&HEX_LOWER[b as usize]);
    }
    out
}

/// AES-128-CBC(`cipher`, `WEAPI_IV`) of PKCS#7(`msg`) in a fresh buffer.
fn cbc_encrypt_padded(cipher: Aes128, msg: &[u8]) -> Vec<u8> {
    let mut buf = Vec::with_capacity(padded_len(msg.len()));
    buf.extend_from_slice(msg);
    buf.resize(padded_len(msg.len()), 0);
    let n = encrypt_in_place_cbc(cipher, &mut buf, msg.len()).len();
    buf.truncate(n);
    buf
}

/// Pads `buf[..msg_len]` and CBC-encrypts it in place. `buf.len()` must be
/// `padded_len(msg_len)` (all callers size it so).
fn encrypt_in_place_cbc(cipher: Aes128, buf: &mut [u8], msg_len: usize) -> &[u8] {
    cbc::Encryptor::<Aes128>::inner_iv_init(cipher, WEAPI_IV.into())
        .encrypt_padded_mut::<Pkcs7>(buf, msg_len)
        .expect("buffer sized by padded_len")
}

/// Pads `buf[..msg_len]` and ECB-encrypts it in place (`buf.len()` as above).
fn encrypt_in_place_ecb(cipher: Aes128, buf: &mut [u8], msg_len: usize) -> &[u8] {
    ecb::Encryptor::<Aes128>::inner_init(cipher)
        .encrypt_padded_mut::<Pkcs7>(buf, msg_len)
        .expect("buffer sized by padded_len")
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

fn cbc_decrypt_in_place(cipher: Aes128, buf: &mut [u8]) -> Result<&[u8], CryptoError> {
    check_ct_len(buf.len())?;
    cbc::Decryptor::<Aes128>::inner_iv_init(cipher, WEAPI_IV.into())
        .decrypt_padded_mut::<Pkcs7>(buf)
        .map_err(|_| CryptoError::BadPadding)
}

fn ecb_decrypt_in_place(cipher: Aes128, buf: &mut [u8]) -> Result<&[u8], CryptoError> {
    check_ct_len(buf.len())?;
    ecb::Decryptor::<Aes128>::inner_init(cipher)
        .decrypt_padded_mut::<Pkcs7>(buf)
        .map_err(|_| CryptoError::BadPadding)
}

fn ecb_decrypt_hex_to_string(cipher: &Aes128, hex: &str) -> Result<String, CryptoError> {
    let mut buf = hex_decode(hex)?;
    let n = ecb_decrypt_in_place(cipher.clone(), &mut buf)?.len();
    buf.truncate(n);
    String::from_utf8(buf).map_err(|_| CryptoError::NotUtf8)
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

// ---------------------------------------------------------------------------
// Internals: RSA
// ---------------------------------------------------------------------------

fn rsa_modulus() -> &'static BigUint {
    static N: OnceLock<BigUint> = OnceLock::new();
    N.get_or_init(|| {
        BigUint::parse_bytes(WEAPI_RSA_MODULUS_HEX.as_bytes(), 16)
            .expect("WEAPI_RSA_MODULUS_HEX is valid hex")
    })
}

/// 64-bit limbs of a 1024-bit number, least significant first.
const LIMBS: usize = RSA_BYTES / 8;
type Limbs = [u64; LIMBS];

/// Montgomery arithmetic modulo the weapi RSA modulus n, with R = 2^1024.
///
/// `m^65537 mod n` is sixteen squarings and one multiplication; on fixed-size
/// limbs that is ~5× faster than `BigUint::modpow` and ~2× faster than
/// `BigUint` square-and-reduce (see the bench). Not constant-time: the
/// exponent is public and the message is a fresh random secret.
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

// ---------------------------------------------------------------------------
// Internals: hex and form encoding
// ---------------------------------------------------------------------------

const fn hex_table(digits: &[u8; 16]) -> [[u8; 2]; 256] {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [digits[i >> 4], digits[i & 0xf]];
        i += 1;
    }
    t
}

static HEX_UPPER: [[u8; 2]; 256] = hex_table(b"0123456789ABCDEF");
static HEX_LOWER: [[u8; 2]; 256] = hex_table(b"0123456789abcdef");

/// 0xFF marks a non-hex byte.
static HEX_VALUE: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

fn hex_encode(bytes: &[u8], table: &[[u8; 2]; 256]) -> String {
    let mut out = Vec::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.extend_from_slice(&table[b as usize]);
    }
    // Only ASCII hex digits were written; the check is a cheap ASCII scan.
    String::from_utf8(out).expect("hex is ASCII")
}

fn hex_decode(hex: &str) -> Result<Vec<u8>, CryptoError> {
    let bytes = hex.as_bytes();
    if bytes.len() & 1 != 0 {
        return Err(CryptoError::NotHex);
    }
    let mut out = Vec::with_capacity(bytes.len() / 2);
    for pair in bytes.chunks_exact(2) {
        let hi = HEX_VALUE[pair[0] as usize];
        let lo = HEX_VALUE[pair[1] as usize];
        if (hi | lo) & 0xF0 != 0 {
            return Err(CryptoError::NotHex);
        }
        out.push(hi << 4 | lo);
    }
    Ok(out)
}

/// WHATWG `application/x-www-form-urlencoded` byte serializer (as used by
/// `URLSearchParams`): keeps `A-Z a-z 0-9 * - . _`, space → `+`, else `%XX`.
fn form_urlencode_into(out: &mut String, s: &str) {
    for &b in s.as_bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => {
                let [h, l] = HEX_UPPER[b as usize];
                out.push('%');
                out.push(h as char);
                out.push(l as char);
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    const VECTORS: &str = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/vectors/netease.json"
    ));

    fn vectors() -> Value {
        serde_json::from_str(VECTORS).expect("netease.json parses")
    }

    fn section(name: &str) -> Vec<Value> {
        let v = vectors();
        let arr = v[name]
            .as_array()
            .unwrap_or_else(|| panic!("section {name} is an array"))
            .clone();
        assert!(!arr.is_empty(), "section {name} is empty");
        arr
    }

    fn s<'a>(v: &'a Value, key: &str) -> &'a str {
        v[key]
            .as_str()
            .unwrap_or_else(|| panic!("field {key} is a string in {v}"))
    }

    fn secret16(v: &Value, key: &str) -> [u8; 16] {
        s(v, key).as_bytes().try_into().expect("secret is 16 bytes")
    }

    fn unhex(h: &str) -> Vec<u8> {
        hex::decode(h).expect("vector hex")
    }

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
        assert_eq!(rsa_modulus().bits(), 1024);
    }

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
        let bad_utf8 = hex_encode(&eapi_encrypt_response(&[0xff, 0xfe]), &HEX_UPPER);
        assert_eq!(eapi_decrypt_request(&bad_utf8), Err(CryptoError::NotUtf8));
        // separators missing
        let plain_hex = |p: &str| hex_encode(&eapi_encrypt_response(p.as_bytes()), &HEX_LOWER);
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
            STANDARD.encode(encrypt_in_place_cbc(
                Aes128::new((&secret).into()),
                &mut buf,
                4,
            ))
        };
        assert_eq!(
            weapi_decrypt(&inner_not_b64, &secret),
            Err(CryptoError::NotBase64)
        );
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

    #[test]
    fn eapi_text_containing_separator_round_trips() {
        let text = r#"{"note":"a-36cd479b6b5-b","x":"-36cd479b6b5-"}"#;
        let req = eapi_decrypt_request(&eapi_encrypt("/api/x", text)).unwrap();
        assert_eq!(req.url_path, "/api/x");
        assert_eq!(req.text, text);
        assert!(req.digest_ok);
    }

    fn ecb_raw_encrypt(block: &[u8; 16]) -> Vec<u8> {
        use aes::cipher::BlockEncrypt;
        let mut b = aes::Block::clone_from_slice(block);
        eapi_cipher().encrypt_block(&mut b);
        b.to_vec()
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    fn any_secret() -> impl Strategy<Value = [u8; 16]> {
        proptest::array::uniform16(any::<u8>())
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

        #[test]
        fn prop_linuxapi_round_trip(text in any::<String>()) {
            let ep = linuxapi_encrypt(&text);
            prop_assert_eq!(linuxapi_decrypt(&ep), Ok(text.clone()));
            prop_assert_eq!(linuxapi_decrypt(&ep.to_ascii_lowercase()), Ok(text));
        }

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
            let _ = eapi_decrypt_request(&hex_encode(&body, &HEX_UPPER));
        }
    }
}
