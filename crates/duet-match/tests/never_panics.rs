//! Whatever the services write in a title, an artist or an album, the score stays within
//! 0.0–1.0, is the same both ways round for the hard rules, and nothing panics.

use duet_core::{AlbumRef, ArtistRef, ProviderId, Track};
use duet_match::{rank, score, search_query};
use proptest::prelude::*;

fn track(title: String, artists: Vec<String>, album: String, ms: u64) -> Track {
    Track {
        provider: ProviderId::Netease,
        id: "1".into(),
        title,
        artists: artists
            .into_iter()
            .map(|name| ArtistRef {
                id: String::new(),
                name,
            })
            .collect(),
        album: AlbumRef {
            id: String::new(),
            name: album,
            cover_url: None,
        },
        duration_ms: ms,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

/// Text made of the characters the parser reacts to, mixed with any others.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("(".to_owned()),
            Just("）".to_owned()),
            Just("【".to_owned()),
            Just(" - ".to_owned()),
            Just("——".to_owned()),
            Just(" feat. ".to_owned()),
            Just("Live".to_owned()),
            Just("伴奏".to_owned()),
            Just("版".to_owned()),
            Just("1.2x".to_owned()),
            Just("愛".to_owned()),
            Just("ＡＢ".to_owned()),
            Just("/".to_owned()),
            any::<char>().prop_map(String::from),
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

fn any_track() -> impl Strategy<Value = Track> {
    (
        text(),
        prop::collection::vec(text(), 0..3),
        text(),
        prop_oneof![Just(0u64), 0u64..u64::MAX],
    )
        .prop_map(|(title, artists, album, ms)| track(title, artists, album, ms))
}

proptest! {
    #[test]
    fn scores_stay_in_range(a in any_track(), b in any_track()) {
        let ab = score(&a, &b);
        let ba = score(&b, &a);
        prop_assert!((0.0..=1.0).contains(&ab), "{ab}");
        prop_assert!((0.0..=1.0).contains(&ba), "{ba}");
        // The kinds of recording compare the same way whichever side is wanted.
        prop_assert_eq!(ab == 0.0, ba == 0.0);
        // A track is never ruled out against itself.
        prop_assert!(score(&a, &a) > 0.0);
        let _ = search_query(&a);
        let ranked = rank(&a, [b.clone(), a.clone()]);
        prop_assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
    }
}
