//! QRC lyrics: QQ Music's DES-variant cipher over zlib data (spec §5.5, `vectors.json →
//! qrc_lyric_cipher`).
//!
//! The cipher is triple DES in ECB mode with the usual EDE key order, but three details differ
//! from the textbook (so a stock DES crate does not interoperate):
//! - each 8-byte block (and each 8-byte key) is read and written as two little-endian 32-bit
//!   words, i.e. bytes `3 2 1 0 7 6 5 4` are DES bits 1..64;
//! - S-box 2 entry 23 is 15 (textbook 14) and S-box 4 entry 53 is 10 (textbook 1), so these
//!   S-box rows are no longer permutations;
//! - the key schedule takes the second half of each round key from `D` one position further
//!   right than PC-2 says, so one round-key bit is always 0.

use std::io::{self, Write as _};
use std::sync::OnceLock;

use flate2::write::ZlibEncoder;
use flate2::{Compression, Decompress, FlushDecompress, Status};

/// The 3DES key of the `GetPlayLyricInfo` lyric fields: three 8-byte DES keys.
const LYRIC_KEY: &[u8; 24] = b"!@#)(*$%123ZXC!@!@#)(NHL";

/// How many blocks [`Cipher::process`] runs side by side.
const INTERLEAVED_BLOCKS: usize = 4;

/// Refuse to inflate more than this; a real QRC lyric is a few hundred KB at most.
const MAX_PLAINTEXT_BYTES: usize = 32 << 20;

/// Why a QRC hex string could not be decrypted.
#[derive(Debug, thiserror::Error)]
pub enum QrcError {
    #[error("QRC ciphertext is not valid hex")]
    NotHex,
    #[error("QRC ciphertext is {0} bytes, not a multiple of 8")]
    BadLength(usize),
    #[error("QRC plaintext does not inflate: {0}")]
    Inflate(io::Error),
    #[error("QRC plaintext is not UTF-8")]
    NotUtf8,
}

/// Decrypts a hex QRC field (either letter case) to its text: hex → QQ 3DES decrypt → zlib
/// inflate (trailing zero padding ignored) → UTF-8. An empty field decrypts to "".
pub fn decrypt_hex(hex: &str) -> Result<String, QrcError> {
    let hex = hex.trim();
    if hex.is_empty() {
        return Ok(String::new());
    }
    let mut data = decode_hex(hex.as_bytes()).ok_or(QrcError::NotHex)?;
    if !data.len().is_multiple_of(8) {
        return Err(QrcError::BadLength(data.len()));
    }
    let cipher = cipher();
    cipher.process(&mut data, &cipher.decrypt_keys);
    let plaintext = inflate_zlib(&data)?;
    String::from_utf8(plaintext).map_err(|_| QrcError::NotUtf8)
}

/// Reads a hex field that is zlib data with no cipher around it (the short `789C…` form QQ
/// Music sends for some instrumentals, docs/protocol/fidelity-2026-12.md row 4d): hex → zlib
/// inflate → UTF-8.
pub fn inflate_hex(hex: &str) -> Result<String, QrcError> {
    let data = decode_hex(hex.trim().as_bytes()).ok_or(QrcError::NotHex)?;
    let plaintext = inflate_zlib(&data)?;
    String::from_utf8(plaintext).map_err(|_| QrcError::NotUtf8)
}

/// Inflates the zlib stream at the start of `data`; whatever follows its Adler-32 (the zero
/// padding of the last cipher block) is ignored.
fn inflate_zlib(data: &[u8]) -> Result<Vec<u8>, QrcError> {
    let corrupt =
        |message: &str| QrcError::Inflate(io::Error::new(io::ErrorKind::InvalidData, message));
    let mut inflater = Decompress::new(true);
    let mut plaintext = Vec::with_capacity(data.len().saturating_mul(3).min(1 << 20));
    loop {
        if plaintext.len() == plaintext.capacity() {
            plaintext.reserve(plaintext.len().max(4096));
        }
        let (consumed_before, produced_before) = (inflater.total_in(), inflater.total_out());
        let input = usize::try_from(consumed_before)
            .ok()
            .and_then(|consumed| data.get(consumed..))
            .unwrap_or_default();
        let status = inflater
            .decompress_vec(input, &mut plaintext, FlushDecompress::None)
            .map_err(|error| {
                QrcError::Inflate(io::Error::new(io::ErrorKind::InvalidData, error))
            })?;
        if plaintext.len() > MAX_PLAINTEXT_BYTES {
            return Err(corrupt("QRC plaintext exceeds the size limit"));
        }
        match status {
            Status::StreamEnd => return Ok(plaintext),
            _ if inflater.total_in() == consumed_before
                && inflater.total_out() == produced_before =>
            {
                return Err(corrupt("QRC zlib stream is truncated"));
            }
            _ => {}
        }
    }
}

/// Value of each ASCII hex digit, `INVALID` (> 0x0f) for every other byte.
const HEX_VALUES: [u8; 256] = {
    let mut values = [INVALID; 256];
    let mut digit = 0;
    while digit < 10 {
        values[b'0' as usize + digit] = digit as u8;
        digit += 1;
    }
    let mut letter = 0;
    while letter < 6 {
        values[b'a' as usize + letter] = 10 + letter as u8;
        values[b'A' as usize + letter] = 10 + letter as u8;
        letter += 1;
    }
    values
};
const INVALID: u8 = 0xff;

fn decode_hex(hex: &[u8]) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    let mut bytes = Vec::with_capacity(hex.len() / 2);
    for pair in hex.chunks_exact(2) {
        let (high, low) = (
            HEX_VALUES[usize::from(pair[0])],
            HEX_VALUES[usize::from(pair[1])],
        );
        if (high | low) > 0x0f {
            return None;
        }
        bytes.push(high << 4 | low);
    }
    Some(bytes)
}

fn encode_hex_upper(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut hex = String::with_capacity(bytes.len() * 2);
    for &byte in bytes {
        hex.push(char::from(DIGITS[usize::from(byte >> 4)]));
        hex.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    hex
}

/// The server side of [`decrypt_hex`]: zlib (level 6) → zero-pad to 8 bytes → QQ 3DES encrypt
/// → UPPERCASE hex.
pub fn encrypt_to_hex(text: &str) -> String {
    let mut encoder =
        ZlibEncoder::new(Vec::with_capacity(text.len() / 2 + 64), Compression::new(6));
    // Writing into a Vec cannot fail.
    let mut data = encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .expect("zlib into a Vec is infallible");
    data.resize(data.len().next_multiple_of(8), 0);
    let cipher = cipher();
    cipher.process(&mut data, &cipher.encrypt_keys);
    encode_hex_upper(&data)
}

/// The `LyricContent="…"` attribute of the QRC XML wrapper, with XML entities unescaped.
///
/// A `"` inside the lyric may arrive unescaped (the spec extracts with the regex
/// `LyricContent="(.*?)"/>`, §5.5), so the value ends at the first `"` that is followed by the
/// end of the tag or by another attribute, not simply at the first `"`.
pub fn lyric_content(xml: &str) -> Option<String> {
    const ATTRIBUTE: &str = "LyricContent=\"";
    let start = xml.find(ATTRIBUTE)? + ATTRIBUTE.len();
    let value = &xml[start..];
    let end = value
        .match_indices('"')
        .map(|(index, _)| index)
        .find(|&index| closes_attribute(&value[index + 1..]))?;
    Some(unescape_xml(&value[..end]))
}

/// Whether the text after a `"` starts with the end of the tag or with the next attribute.
fn closes_attribute(after_quote: &str) -> bool {
    let rest = after_quote.trim_start();
    if rest.is_empty() || rest.starts_with("/>") || rest.starts_with('>') {
        return true;
    }
    if rest.len() == after_quote.len() {
        return false; // attributes are separated by whitespace
    }
    let name_len = rest
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.')))
        .unwrap_or(rest.len());
    name_len > 0 && rest[name_len..].trim_start().starts_with('=')
}

/// Resolves `&amp; &lt; &gt; &quot; &apos; &#NN; &#xNN;`; anything else stays as written.
fn unescape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest
            .find(';')
            .filter(|&semi| semi <= 12)
            .and_then(|semi| decode_entity(&rest[1..semi]).map(|c| (c, semi + 1)));
        match decoded {
            Some((c, consumed)) => {
                out.push(c);
                rest = &rest[consumed..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
                    u32::from_str_radix(hex, 16).ok()?
                }
                None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
                    number.parse().ok()?
                }
                _ => return None,
            };
            char::from_u32(code)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The cipher. Bit positions below are DES's: 1-based, bit 1 = most significant.

/// Initial permutation: output bit i comes from input bit `IP[i]`.
const IP: [u8; 64] = [
    58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4, //
    62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8, //
    57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3, //
    61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7,
];

/// Permutation of the S-box outputs.
const P: [u8; 32] = [
    16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10, //
    2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25,
];

/// Permuted choice 1: the key bits that fill `C` and `D`.
const PC1_C: [u8; 28] = [
    57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, //
    10, 2, 59, 51, 43, 35, 27, 19, 11, 3, 60, 52, 44, 36,
];
const PC1_D: [u8; 28] = [
    63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22, //
    14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4,
];

/// Permuted choice 2 over `C ‖ D` (56 bits): the 48 round-key bits.
const PC2: [u8; 48] = [
    14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, //
    26, 8, 16, 7, 27, 20, 13, 2, 41, 52, 31, 37, 47, 55, 30, 40, //
    51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36, 29, 32,
];

/// Left rotation of `C` and `D` before each round.
const KEY_ROTATIONS: [u32; 16] = [1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1];

/// The S-boxes, row-major (row = outer bits, column = inner four bits), with QQ's two
/// deviations marked.
#[rustfmt::skip]
const S_BOXES: [[u8; 64]; 8] = [
    [14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
     0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
     15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13],
    [15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
     3, 13, 4, 7, 15, 2, 8, /* QQ: 15, textbook 14 */ 15, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
     13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9],
    [10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
     13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
     1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12],
    [7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
     13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
     3, 15, 0, 6, 10, /* QQ: 10, textbook 1 */ 10, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14],
    [2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
     14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
     11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3],
    [12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
     10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
     4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13],
    [4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
     13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
     6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12],
    [13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
     1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
     2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11],
];

/// A round key: its eight 6-bit groups laid out as in [`Cipher::feistel`]'s two words, even
/// groups (0, 2, 4, 6) in `.0` and odd ones in `.1`, each group at bits 24, 16, 8 and 0.
type RoundKey = (u32, u32);
/// The 48 round keys of one 3DES direction (three DES passes of 16 rounds).
type TripleSchedule = [RoundKey; 48];

/// Lookup tables built once: byte-wise IP / IP⁻¹, S-box-then-P per group, both schedules.
struct Cipher {
    /// `initial[i][b]`: the IP image of byte `b` at byte position `i` of the block.
    initial: [[u64; 256]; 8],
    /// `final_[i][b]`: the IP⁻¹ image of byte `b` at byte position `i`.
    final_: [[u64; 256]; 8],
    /// `s_p[i][x]`: P applied to S-box `i`'s output for the 6-bit group `x`, in place.
    s_p: [[u32; 64]; 8],
    encrypt_keys: TripleSchedule,
    decrypt_keys: TripleSchedule,
}

fn cipher() -> &'static Cipher {
    static CIPHER: OnceLock<Box<Cipher>> = OnceLock::new();
    CIPHER.get_or_init(|| Box::new(Cipher::new(LYRIC_KEY)))
}

/// `value`'s DES bit `position` (1-based from the most significant of `width` bits).
fn bit(value: u64, width: u32, position: u8) -> u64 {
    (value >> (width - u32::from(position))) & 1
}

/// The 64-bit DES view of an 8-byte block or key: two little-endian words (QQ's byte order).
fn load_block(bytes: &[u8]) -> u64 {
    let word = |range: std::ops::Range<usize>| {
        let mut word = [0; 4];
        word.copy_from_slice(&bytes[range]);
        u64::from(u32::from_le_bytes(word))
    };
    word(0..4) << 32 | word(4..8)
}

fn store_block(value: u64, bytes: &mut [u8]) {
    bytes[..4].copy_from_slice(&((value >> 32) as u32).to_le_bytes());
    bytes[4..8].copy_from_slice(&(value as u32).to_le_bytes());
}

/// Byte-indexed tables for a 64-bit permutation (`output bit i = input bit source[i]`).
fn byte_permutation_tables(source: &[u8; 64]) -> [[u64; 256]; 8] {
    let mut tables = [[0u64; 256]; 8];
    for (byte_position, table) in tables.iter_mut().enumerate() {
        for (byte, entry) in table.iter_mut().enumerate() {
            let input = (byte as u64) << (56 - 8 * byte_position);
            *entry = permute(input, 64, source, 64);
        }
    }
    tables
}

/// The `source.len()`-bit value whose bit i is bit `source[i]` of the `width`-bit `input`.
fn permute(input: u64, width: u32, source: &[u8], out_width: u32) -> u64 {
    source.iter().enumerate().fold(0, |out, (i, &position)| {
        out | bit(input, width, position) << (out_width - 1 - i as u32)
    })
}

/// The 16 round keys of one DES key, in encryption order, with QQ's PC-2 quirk.
fn des_round_keys(key: &[u8]) -> [RoundKey; 16] {
    const MASK_28: u32 = 0x0fff_ffff;
    let key = load_block(key);
    let mut c = permute(key, 64, &PC1_C, 28) as u32;
    let mut d = permute(key, 64, &PC1_D, 28) as u32;
    let mut round_keys = [(0, 0); 16];
    for (round_key, &rotation) in round_keys.iter_mut().zip(&KEY_ROTATIONS) {
        c = ((c << rotation) | (c >> (28 - rotation))) & MASK_28;
        d = ((d << rotation) | (d >> (28 - rotation))) & MASK_28;
        let mut bits = 0u64;
        for (i, &position) in PC2.iter().enumerate() {
            let chosen = if position <= 28 {
                bit(u64::from(c), 28, position)
            } else {
                // Textbook DES reads D at `position - 28`; QQ reads one further right, so
                // PC-2's 56 points past D and that round-key bit is always 0.
                let d_position = position - 28 + 1;
                if d_position <= 28 {
                    bit(u64::from(d), 28, d_position)
                } else {
                    0
                }
            };
            bits |= chosen << (47 - i);
        }
        let group = |index: u32| ((bits >> (42 - 6 * index)) & 0x3f) as u32;
        *round_key = (
            group(0) << 24 | group(2) << 16 | group(4) << 8 | group(6),
            group(1) << 24 | group(3) << 16 | group(5) << 8 | group(7),
        );
    }
    round_keys
}

impl Cipher {
    fn new(key: &[u8; 24]) -> Self {
        let mut final_source = [0u8; 64];
        for (output, &input) in IP.iter().enumerate() {
            final_source[usize::from(input - 1)] = output as u8 + 1;
        }
        let mut s_p = [[0u32; 64]; 8];
        for (box_index, table) in s_p.iter_mut().enumerate() {
            for (group, entry) in table.iter_mut().enumerate() {
                let row = ((group >> 4) & 0b10) | (group & 1);
                let column = (group >> 1) & 0xf;
                let nibble = u64::from(S_BOXES[box_index][row * 16 + column]);
                *entry = permute(nibble << (28 - 4 * box_index), 32, &P, 32) as u32;
            }
        }
        let [k1, k2, k3] = [&key[0..8], &key[8..16], &key[16..24]].map(des_round_keys);
        let reversed = |mut keys: [RoundKey; 16]| {
            keys.reverse();
            keys
        };
        // EDE: encrypt = E(k1) D(k2) E(k3); decrypt = D(k3) E(k2) D(k1).
        let concat = |parts: [[RoundKey; 16]; 3]| {
            let mut all = [(0, 0); 48];
            for (chunk, part) in all.chunks_exact_mut(16).zip(parts) {
                chunk.copy_from_slice(&part);
            }
            all
        };
        Cipher {
            initial: byte_permutation_tables(&IP),
            final_: byte_permutation_tables(&final_source),
            s_p,
            encrypt_keys: concat([k1, reversed(k2), k3]),
            decrypt_keys: concat([reversed(k3), k2, reversed(k1)]),
        }
    }

    /// The round function: expand `half` to eight 6-bit groups, mix in the key, S-boxes, P.
    ///
    /// Expansion group i is DES bits 4i..4i+5 of `half` (cyclically, bit 0 meaning bit 32).
    /// Rotated right by 3, `half` holds the even groups at bits 24, 16, 8, 0; rotated left by
    /// 1, the odd ones.
    #[inline(always)]
    fn feistel(&self, half: u32, (even_key, odd_key): RoundKey) -> u32 {
        let even = half.rotate_right(3) ^ even_key;
        let odd = half.rotate_left(1) ^ odd_key;
        let lookup = |group: usize, word: u32, shift: u32| {
            self.s_p[group][((word >> shift) & 0x3f) as usize]
        };
        lookup(0, even, 24)
            | lookup(1, odd, 24)
            | lookup(2, even, 16)
            | lookup(3, odd, 16)
            | lookup(4, even, 8)
            | lookup(5, odd, 8)
            | lookup(6, even, 0)
            | lookup(7, odd, 0)
    }

    /// Encrypts or decrypts (per `schedule`) whole 8-byte blocks of `data` in place, ECB.
    fn process(&self, data: &mut [u8], schedule: &TripleSchedule) {
        // Each block is a serial chain of 48 table-lookup rounds; interleaving independent
        // blocks keeps the CPU busy while one block waits on its lookups.
        let mut groups = data.chunks_exact_mut(8 * INTERLEAVED_BLOCKS);
        for group in &mut groups {
            self.process_blocks::<INTERLEAVED_BLOCKS>(group, schedule);
        }
        for block in groups.into_remainder().chunks_exact_mut(8) {
            self.process_blocks::<1>(block, schedule);
        }
    }

    /// Three DES passes over `N` consecutive blocks (`data.len() == 8 * N`). Between passes
    /// IP⁻¹·IP cancels, and only the final half swap of each pass remains.
    #[inline(always)]
    fn process_blocks<const N: usize>(&self, data: &mut [u8], schedule: &TripleSchedule) {
        let mut left = [0u32; N];
        let mut right = [0u32; N];
        for (lane, block) in data.chunks_exact(8).enumerate().take(N) {
            let permuted = self.permute_bytes(&self.initial, load_block(block));
            (left[lane], right[lane]) = ((permuted >> 32) as u32, permuted as u32);
        }
        for pass in schedule.chunks_exact(16) {
            for &round_key in pass {
                for lane in 0..N {
                    let mixed = left[lane] ^ self.feistel(right[lane], round_key);
                    (left[lane], right[lane]) = (right[lane], mixed);
                }
            }
            std::mem::swap(&mut left, &mut right);
        }
        for (lane, block) in data.chunks_exact_mut(8).enumerate().take(N) {
            let preoutput = u64::from(left[lane]) << 32 | u64::from(right[lane]);
            store_block(self.permute_bytes(&self.final_, preoutput), block);
        }
    }

    #[inline(always)]
    fn permute_bytes(&self, tables: &[[u64; 256]; 8], value: u64) -> u64 {
        tables.iter().enumerate().fold(0, |acc, (i, table)| {
            acc | table[((value >> (56 - 8 * i)) & 0xff) as usize]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors() {
        let text = "[ti:x]\n[0,100]a(0,100)";
        assert_eq!(
            decrypt_hex(&encrypt_to_hex(text)).ok().as_deref(),
            Some(text)
        );
        assert!(matches!(decrypt_hex("zz"), Err(QrcError::NotHex)));
        assert!(matches!(decrypt_hex("00"), Err(QrcError::BadLength(1))));
        assert!(matches!(
            decrypt_hex("0000000000000000"),
            Err(QrcError::Inflate(_))
        ));
        assert_eq!(decrypt_hex("").ok().as_deref(), Some(""));
    }

    #[test]
    fn lyric_content_unescapes_and_tolerates_quotes() {
        let xml = r#"<Lyric_1 LyricType="1" LyricContent="[0,1]&quot;a&amp;b&#x4e2d;&#20013;&bogus; "c" d"/>"#;
        assert_eq!(
            lyric_content(xml).as_deref(),
            Some(r#"[0,1]"a&b中中&bogus; "c" d"#)
        );
        let xml = r#"<Lyric_1 LyricContent="x" LyricType="1"/>"#;
        assert_eq!(lyric_content(xml).as_deref(), Some("x"));
        assert_eq!(lyric_content("<Lyric_1 LyricContent=\"unterminated"), None);
    }
}
