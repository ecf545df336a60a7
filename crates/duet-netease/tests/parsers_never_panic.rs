//! Property tests: no answer, however malformed, makes a parser panic. Inputs are arbitrary
//! JSON trees, fixtures with their values swapped for other types, and arbitrary lyric text.

use duet_core::{Quality, SearchType};
use duet_netease::{errors, lyrics, parse, radio};
use proptest::prelude::*;
use serde_json::Value;

fn arbitrary_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Past i64: counts and times near the end of u64 (arithmetic on them must saturate).
        prop_oneof![Just(u64::MAX), Just(u64::MAX - 1), any::<u64>()].prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z0-9 \\[\\]:.,(){}]{0,24}".prop_map(Value::String),
        prop_oneof![Just("code"), Just("200"), Just("-462")].prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(5, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("code"),
                        Just("songs"),
                        Just("privileges"),
                        Just("playlist"),
                        Just("trackIds"),
                        Just("tracks"),
                        Just("id"),
                        Just("ar"),
                        Just("al"),
                        Just("dt"),
                        Just("result"),
                        Just("data"),
                        Just("profile"),
                        Just("account"),
                        Just("url"),
                        Just("lrc"),
                        Just("lyric"),
                        Just("tlyric"),
                        Just("yrc"),
                        Just("comments"),
                        Just("hotComments"),
                        Just("user"),
                        Just("beReplied"),
                        Just("unikey"),
                        Just("freeTrialInfo"),
                        Just("start"),
                        Just("end"),
                        Just("dailySongs"),
                        Just("songInfo"),
                        Just("artists"),
                        Just("album"),
                        Just("name"),
                        Just("creator"),
                        Just("point"),
                        Just("expi"),
                        Just("br"),
                        Just("size"),
                    ]
                    .prop_map(str::to_owned),
                    inner,
                ),
                0..8,
            )
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn every_parser(body: &Value) {
    let _ = parse::song_detail(body);
    let _ = parse::playlist_detail(body);
    let _ = parse::user_playlists(body);
    let _ = parse::recommended(body);
    let _ = parse::profile(body);
    let _ = parse::personalized(body);
    for kind in [
        SearchType::Track,
        SearchType::Album,
        SearchType::Artist,
        SearchType::Playlist,
    ] {
        let _ = parse::search(body, kind);
    }
    let _ = parse::comments(body, "1", 1);
    let _ = parse::posted_comment(body);
    let _ = parse::checkin(body);
    let _ = parse::qr_key(body);
    let _ = parse::qr_answer(body);
    let _ = parse::stream_url(body, "1", Quality::High);
    let _ = lyrics::lyrics(body, "1");
    let _ = radio::fm_batch(body);
    let _ = radio::heartbeat_list(body);
    if let Some(code) = errors::code_of(body) {
        let _ = errors::error_for_code(code, body, true);
    }
}

/// Replaces the value at one position (in depth-first order) of a tree with `replacement`.
fn replace_nth(value: &mut Value, n: &mut usize, replacement: &Value) -> bool {
    if *n == 0 {
        *value = replacement.clone();
        return true;
    }
    *n -= 1;
    match value {
        Value::Array(items) => items.iter_mut().any(|v| replace_nth(v, n, replacement)),
        Value::Object(map) => map.values_mut().any(|v| replace_nth(v, n, replacement)),
        _ => false,
    }
}

fn fixtures() -> &'static [Value] {
    static ALL: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    ALL.get_or_init(load_fixtures)
}

fn load_fixtures() -> Vec<Value> {
    let dir = format!(
        "{}/../../testdata/fixtures/netease",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut all: Vec<Value> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "json")
                .then(|| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
        })
        .collect();
    all.sort_by_key(|v| v.to_string());
    assert!(all.len() > 30);
    all
}

/// Times and sizes at the end of u64: a URL's expiry, a preview window, lyric stamps, credit
/// lines and word timings. Overflow panics in debug builds; these must saturate or be refused.
#[test]
fn upstream_numbers_at_the_end_of_u64_do_not_overflow() {
    let max = u64::MAX;
    let body = serde_json::json!({"code": 200, "data": [{
        "id": 1, "url": "http://m8.music.126.net/a.mp3", "br": max, "size": max, "expi": max,
        "freeTrialInfo": {"start": max - 1, "end": max},
    }]});
    let stream = parse::stream_url(&body, "1", Quality::High).unwrap();
    assert_eq!(stream.expires_at, Some(max));
    let trial = stream.trial.unwrap();
    assert_eq!((trial.start_ms, trial.end_ms), (max - 1, max));
    let short = serde_json::json!({"code": 200, "data": [{
        "id": 1, "url": "http://m8.music.126.net/a.mp3", "freeTrialInfo": {"start": 0, "end": 30},
    }]});
    assert_eq!(
        parse::stream_url(&short, "1", Quality::High)
            .unwrap()
            .trial
            .unwrap()
            .end_ms,
        30_000,
        "seconds below an hour"
    );

    let lyric = format!(
        "{{\"t\":{max},\"c\":[{{\"tx\":\"credits\"}}]}}\n[99999999:99.999]never\n[307445734561825:51.615]last"
    );
    let yrc = format!("[{max},{max}]({max},{max},0)词({},{max},0)尾", max - 1);
    let body = serde_json::json!({
        "lrc": {"lyric": &lyric}, "tlyric": {"lyric": &lyric}, "romalrc": {"lyric": &lyric},
        "yrc": {"lyric": yrc},
    });
    let parsed = lyrics::lyrics(&body, "1").unwrap();
    assert_eq!(parsed.lines.len(), 1);
    let words = parsed.lines[0].words.as_ref().unwrap();
    assert_eq!(words[0].duration_ms, max);
    assert_eq!(parsed.lines[0].translation.as_deref(), Some("credits"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_never_panics(body in arbitrary_json()) {
        every_parser(&body);
    }

    #[test]
    fn fixtures_with_a_value_swapped_never_panic(
        index in any::<prop::sample::Index>(),
        position in 0usize..400,
        replacement in arbitrary_json(),
    ) {
        let all = fixtures();
        let mut body = all[index.index(all.len())].clone();
        let mut n = position;
        replace_nth(&mut body, &mut n, &replacement);
        every_parser(&body);
    }

    #[test]
    fn arbitrary_lyric_text_never_panics(text in "(\\[[0-9:.,]{0,12}\\]|\\([0-9,]{0,12}\\)|[^\\[\\(]{0,8}|\n){0,24}") {
        let body = serde_json::json!({"lrc": {"lyric": &text}, "tlyric": {"lyric": &text}, "yrc": {"lyric": &text}});
        let parsed = lyrics::lyrics(&body, "1").unwrap();
        prop_assert!(parsed.lines.windows(2).all(|w| w[0].start_ms <= w[1].start_ms));
    }
}
