//! Every entry of `testdata/vectors/qqmusic.json`, checked against the crate.

use std::io::Read as _;
use std::sync::OnceLock;

use base64::Engine as _;
use duet_qqmusic::{ptui, qrc, sign, tokens};
use md5::{Digest as _, Md5};
use serde_json::Value;
use sha1::Sha1;

const VECTORS_JSON: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../testdata/vectors/qqmusic.json"
));

fn vectors() -> &'static Value {
    static VECTORS: OnceLock<Value> = OnceLock::new();
    VECTORS.get_or_init(|| serde_json::from_str(VECTORS_JSON).expect("qqmusic.json parses"))
}

/// The array at `pointer`, which must hold exactly `expected_len` entries: a vector that is
/// added to or removed from the file without a matching test change fails here.
fn section(pointer: &str, expected_len: usize) -> &'static [Value] {
    let entries = vectors()
        .pointer(pointer)
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("{pointer} is an array"));
    assert_eq!(entries.len(), expected_len, "entry count of {pointer}");
    entries
}

fn str_field<'a>(entry: &'a Value, field: &str) -> &'a str {
    entry[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is a string in {entry}"))
}

fn u32_field(entry: &Value, field: &str) -> u32 {
    entry[field]
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_else(|| panic!("{field} is a u32 in {entry}"))
}

#[test]
fn hash33_ptqrtoken() {
    let mut checked = 0;
    for entry in section("/hash33/ptqrtoken", 7) {
        let input = str_field(entry, "input");
        let expected = u32_field(entry, "output");
        assert_eq!(u32_field(entry, "init"), 0);
        assert_eq!(tokens::ptqrtoken(input), expected, "{}", entry["name"]);
        assert_eq!(tokens::hash33(input, 0), expected, "{}", entry["name"]);
        if let Some(rule) = entry.get("input_literal_rule") {
            assert_eq!(rule, "'qrsig' * 1000");
            assert_eq!(input, "qrsig".repeat(1000));
        }
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn hash33_g_tk() {
    let mut checked = 0;
    for entry in section("/hash33/g_tk", 8) {
        let input = str_field(entry, "input");
        assert_eq!(u32_field(entry, "init"), 5381);
        // The astral vector has separate JS/Python values; the browser (UTF-16) one is ours.
        let expected = entry
            .get("output")
            .map(|_| u32_field(entry, "output"))
            .unwrap_or_else(|| u32_field(entry, "output_js_utf16_units"));
        assert_eq!(tokens::g_tk(Some(input)), expected, "{}", entry["name"]);
        assert_eq!(tokens::hash33(input, 5381), expected, "{}", entry["name"]);
        if entry.get("output_python_codepoints").is_some() {
            assert_eq!(u32_field(entry, "output_rust_utf16_units"), expected);
            assert_ne!(u32_field(entry, "output_python_codepoints"), expected);
        }
        checked += 1;
    }
    assert_eq!(checked, 8);
    assert_eq!(tokens::g_tk(None), 5381);
}

#[test]
fn g_tk_context() {
    let context = &vectors()["g_tk_context"];
    let key = str_field(context, "synthetic_musickey_used_in_logged_in_payloads");
    let expected = u32_field(context, "its_g_tk");
    assert_eq!(tokens::g_tk(Some(key)), expected);
    // The logged-in sign payloads carry that g_tk.
    let carrying = section("/sign/zzc", 13)
        .iter()
        .filter(|entry| str_field(entry, "payload").contains(&format!("\"g_tk\":{expected}")))
        .count();
    assert_eq!(carrying, 3);
}

fn strip_base64(encoded: &str) -> String {
    encoded
        .chars()
        .filter(|c| !matches!(c, '+' | '/' | '=' | '\\'))
        .collect::<String>()
        .to_lowercase()
}

#[test]
fn sign_zzc() {
    const XOR: [u8; 20] = [
        89, 39, 179, 150, 218, 82, 58, 252, 177, 52, 186, 123, 120, 64, 242, 133, 143, 161, 121,
        179,
    ];
    let mut checked = 0;
    for entry in section("/sign/zzc", 13) {
        let name = &entry["name"];
        let payload = str_field(entry, "payload").as_bytes();
        let expected = str_field(entry, "sign");
        let ours = sign::zzc(payload);
        assert_eq!(ours, expected, "{name}");
        assert!(sign::is_valid(payload, expected), "{name}");
        assert!(sign::is_valid(payload, &expected.to_uppercase()), "{name}");

        // The intermediate parts, recomputed from the digest, must assemble into the sign.
        let digest = Sha1::digest(payload);
        assert_eq!(
            hex::encode_upper(digest),
            str_field(entry, "sha1_upper"),
            "{name}"
        );
        let part1 = str_field(entry, "part1");
        let part2 = str_field(entry, "part2");
        let base64_full = str_field(entry, "part3_base64_before_strip");
        assert_eq!(part1.len(), 7, "part1 is always 7 chars ({name})");
        assert_eq!(part2.len(), 8, "{name}");
        let masked: Vec<u8> = digest.iter().zip(XOR).map(|(d, k)| d ^ k).collect();
        assert_eq!(
            base64::engine::general_purpose::STANDARD.encode(&masked),
            base64_full
        );
        let assembled =
            format!("zzc{}{}{}", part1, strip_base64(base64_full), part2).to_lowercase();
        assert_eq!(ours, assembled, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 13);
}

#[test]
fn sign_zzb() {
    let mut checked = 0;
    for entry in section("/sign/zzb", 7) {
        let name = &entry["name"];
        let payload = str_field(entry, "payload").as_bytes();
        let expected = str_field(entry, "sign");
        assert_eq!(
            hex::encode_upper(Md5::digest(payload)),
            str_field(entry, "md5_upper")
        );
        assert_eq!(sign::zzb(payload), expected, "{name}");
        assert!(sign::is_valid(payload, expected), "{name}");
        assert!(!sign::is_valid(b"other body", expected), "{name}");
        if let Some(observed) = entry.get("observed_in_the_wild") {
            assert_eq!(observed, expected);
            assert_eq!(entry["observed_matches"], true);
        }
        checked += 1;
    }
    assert_eq!(checked, 7);
}

#[test]
fn sign_zza_verification() {
    let mut checked = 0;
    for entry in section("/sign/zza", 1) {
        let payload = str_field(entry, "payload").as_bytes();
        let fixed = str_field(entry, "sign_with_fixed_prefix");
        let md5_hex = str_field(entry, "md5_of_CJBPACrRuNy7_plus_payload");
        assert!(fixed.ends_with(md5_hex));
        assert!(sign::is_valid(payload, fixed));
        assert!(sign::is_valid(payload, &fixed.to_uppercase()));
        // Any 10..=16 char [a-z0-9] infix is accepted; other lengths and characters are not.
        assert!(sign::is_valid(
            payload,
            &format!("zzaabcdefghijklmnop{md5_hex}")
        ));
        assert!(!sign::is_valid(payload, &format!("zza123456789{md5_hex}")));
        assert!(!sign::is_valid(
            payload,
            &format!("zza0123456789abcdefg{md5_hex}")
        ));
        assert!(!sign::is_valid(payload, &format!("zza00000_0000{md5_hex}")));
        assert!(!sign::is_valid(b"{}", fixed));
        let mut wrong_digest = fixed.to_owned();
        wrong_digest.replace_range(fixed.len() - 1.., "0");
        assert!(!sign::is_valid(payload, &wrong_digest));
        checked += 1;
    }
    assert_eq!(checked, 1);
}

#[test]
fn ptui_cb_parse() {
    let mut checked = 0;
    let mut extracted = 0;
    for entry in section("/ptuiCB_parse", 5) {
        let raw = str_field(entry, "raw");
        let expected: Vec<String> = entry["args"]
            .as_array()
            .expect("args")
            .iter()
            .map(|arg| arg.as_str().expect("string arg").to_owned())
            .collect();
        assert_eq!(expected.len(), 6);
        assert_eq!(ptui::parse_ptui_cb(raw).as_ref(), Some(&expected), "{raw}");

        // The reported 7th trailing '' and a trailing newline/semicolon parse too.
        let seven = format!("{}, '');\r\n", raw.trim_end_matches(')'));
        let mut expected_seven = expected.clone();
        expected_seven.push(String::new());
        assert_eq!(ptui::parse_ptui_cb(&seven), Some(expected_seven), "{seven}");

        if let Some(extract) = entry.get("extract") {
            let uin = str_field(extract, "uin").to_owned();
            let ptsigx = str_field(extract, "ptsigx").to_owned();
            assert_eq!(ptui::check_sig_params(&expected[2]), Some((uin, ptsigx)));
            extracted += 1;
        } else {
            assert_eq!(ptui::check_sig_params(&expected[2]), None);
        }
        checked += 1;
    }
    assert_eq!((checked, extracted), (5, 1));
}

#[test]
fn qrc_lyric_cipher() {
    let mut checked = 0;
    for entry in section("/qrc_lyric_cipher/vectors", 2) {
        let plaintext = str_field(entry, "plaintext");
        let ciphertext = str_field(entry, "ciphertext_hex_upper");
        let zlib_padded = hex::decode(str_field(entry, "zlib_hex_padded")).expect("hex");
        assert_eq!(u32_field(entry, "zlib_level"), 6);

        // Decrypt direction: the ciphertext (either case) gives the plaintext.
        assert_eq!(
            qrc::decrypt_hex(ciphertext).ok().as_deref(),
            Some(plaintext)
        );
        assert_eq!(
            qrc::decrypt_hex(&ciphertext.to_lowercase()).ok().as_deref(),
            Some(plaintext)
        );
        // The vector's own zlib layer is consistent.
        let mut inflated = String::new();
        flate2::read::ZlibDecoder::new(zlib_padded.as_slice())
            .read_to_string(&mut inflated)
            .expect("vector zlib inflates");
        assert_eq!(inflated, plaintext);

        // Encrypt direction: our zlib (miniz_oxide) picks other bytes than the vector's (C zlib),
        // so the ciphertexts differ; the round trip through the vector-checked decryption (a
        // bijection on blocks) pins the cipher's encrypt direction.
        let ours = qrc::encrypt_to_hex(plaintext);
        assert!(ours.bytes().all(|b| !b.is_ascii_lowercase()));
        assert!(ours.len().is_multiple_of(16));
        assert_eq!(qrc::decrypt_hex(&ours).ok().as_deref(), Some(plaintext));

        if plaintext.contains("LyricContent=\"") {
            assert_eq!(
                qrc::lyric_content(plaintext).as_deref(),
                Some("[ti:Test]\n[0,1500]Hel(0,500)lo(500,1000)\n")
            );
        } else {
            assert_eq!(qrc::lyric_content(plaintext), None);
        }
        checked += 1;
    }
    assert_eq!(checked, 2);
}

/// The two S-box deviations the file documents are what make the vectors decrypt: a single
/// flipped ciphertext bit must not decrypt to the same text (the check is not vacuous).
#[test]
fn qrc_tampered_ciphertext_fails() {
    let entry = &section("/qrc_lyric_cipher/vectors", 2)[0];
    let ciphertext = str_field(entry, "ciphertext_hex_upper");
    let mut tampered = ciphertext.to_owned();
    let flipped = if tampered.starts_with('1') { "0" } else { "1" };
    tampered.replace_range(..1, flipped);
    assert_ne!(
        qrc::decrypt_hex(&tampered).ok().as_deref(),
        Some(str_field(entry, "plaintext"))
    );
    let note = str_field(&vectors()["qrc_lyric_cipher"], "non_standard_des");
    assert!(note.contains("entry #23 is 15") && note.contains("entry #53 is 10"));
}
