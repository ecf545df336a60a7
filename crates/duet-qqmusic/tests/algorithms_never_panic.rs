//! Hostile-input properties: nothing panics, and QRC encryption round-trips.

use duet_qqmusic::{ptui, qrc, sign, tokens};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn decrypt_hex_never_panics_on_any_string(input in any::<String>()) {
        let _ = qrc::decrypt_hex(&input);
    }

    #[test]
    fn decrypt_hex_never_panics_on_hex(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let _ = qrc::decrypt_hex(&hex::encode_upper(&bytes));
    }

    /// Valid ciphertext of arbitrary (non-zlib) plaintext: the inflate step must fail cleanly.
    #[test]
    fn decrypt_hex_never_panics_on_whole_blocks(blocks in proptest::collection::vec(any::<[u8; 8]>(), 0..64)) {
        let _ = qrc::decrypt_hex(&hex::encode(blocks.concat()));
    }

    #[test]
    fn qrc_round_trips_any_text(text in any::<String>()) {
        let ciphertext = qrc::encrypt_to_hex(&text);
        prop_assert!(ciphertext.len().is_multiple_of(16));
        prop_assert_eq!(qrc::decrypt_hex(&ciphertext).ok(), Some(text));
    }

    #[test]
    fn lyric_content_never_panics(xml in any::<String>(), content in "[^\"]*") {
        let _ = qrc::lyric_content(&xml);
        let wrapped = format!("<Lyric_1 LyricType=\"1\" LyricContent=\"{content}\"/>");
        let expected_without_entities = !content.contains('&');
        let parsed = qrc::lyric_content(&wrapped);
        prop_assert!(parsed.is_some());
        if expected_without_entities {
            prop_assert_eq!(parsed, Some(content));
        }
    }

    #[test]
    fn parse_ptui_cb_never_panics(body in any::<String>()) {
        let _ = ptui::parse_ptui_cb(&body);
        let _ = ptui::parse_ptui_cb(&format!("ptuiCB({body}"));
        let _ = ptui::check_sig_params(&body);
    }

    #[test]
    fn parse_ptui_cb_reads_back_plain_args(args in proptest::collection::vec("[^'\\\\]*", 1..8)) {
        let quoted: Vec<String> = args.iter().map(|arg| format!("'{arg}'")).collect();
        let body = format!("ptuiCB({})", quoted.join(", "));
        prop_assert_eq!(ptui::parse_ptui_cb(&body), Some(args));
    }

    #[test]
    fn signs_never_panic_and_verify(body in proptest::collection::vec(any::<u8>(), 0..256), sign_text in any::<String>()) {
        let zzc = sign::zzc(&body);
        let zzb = sign::zzb(&body);
        prop_assert!(zzc.starts_with("zzc") && zzb.starts_with("zzb"));
        prop_assert!(sign::is_valid(&body, &zzc));
        prop_assert!(sign::is_valid(&body, &zzb));
        let _ = sign::is_valid(&body, &sign_text);
    }

    #[test]
    fn hash33_is_31_bits(text in any::<String>(), init in any::<u32>()) {
        prop_assert!(tokens::hash33(&text, init) <= 0x7fff_ffff);
    }
}
