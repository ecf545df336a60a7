//! The whole score: each normalisation and hard rule seen through [`score`], [`rank`] and
//! [`confidence`].

use duet_core::{AlbumRef, ArtistRef, ProviderId, Track};

use super::*;

fn track(provider: ProviderId, id: &str, title: &str, artists: &[&str], seconds: u64) -> Track {
    Track {
        provider,
        id: id.to_owned(),
        title: title.to_owned(),
        artists: artists
            .iter()
            .map(|name| ArtistRef {
                id: String::new(),
                name: (*name).to_owned(),
            })
            .collect(),
        album: AlbumRef {
            id: String::new(),
            name: String::new(),
            cover_url: None,
        },
        duration_ms: seconds * 1000,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

fn ne(title: &str, artists: &[&str], seconds: u64) -> Track {
    track(ProviderId::Netease, "1", title, artists, seconds)
}

fn qq(title: &str, artists: &[&str], seconds: u64) -> Track {
    track(ProviderId::Qq, "0039MnYb0qxYhV", title, artists, seconds)
}

fn with_album(mut t: Track, album: &str) -> Track {
    t.album.name = album.to_owned();
    t
}

const JAY: &[&str] = &["周杰伦"];

#[test]
fn the_same_recording_is_sure() {
    let s = score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 269));
    assert!((SURE..=1.0).contains(&s), "{s}");
}

#[test]
fn traditional_and_full_width_spellings_are_the_same_recording() {
    assert!(
        score(
            &ne("愛在西元前", &["周杰倫"], 234),
            &qq("爱在西元前", JAY, 234)
        ) >= SURE
    );
    assert!(
        score(
            &ne("ＬＯＶＥ", &["Ｇ.Ｅ.Ｍ.邓紫棋"], 200),
            &qq("Love", &["G.E.M. 邓紫棋"], 200)
        ) >= SURE
    );
}

#[test]
fn case_punctuation_and_spacing_do_not_matter() {
    assert!(
        score(
            &ne("Don't Stop Me Now", &["Queen"], 209),
            &qq("DONT STOP ME NOW!", &["QUEEN"], 209)
        ) >= SURE
    );
}

#[test]
fn remaster_notes_and_source_notes_do_not_matter() {
    assert!(
        score(
            &ne("Let It Be", &["The Beatles"], 243),
            &qq("Let It Be - Remastered 2009", &["The Beatles"], 243)
        ) >= SURE
    );
    assert!(
        score(
            &ne("光年之外", &["G.E.M.邓紫棋"], 235),
            &qq(
                "光年之外 (电影《太空旅客》中国区主题曲)",
                &["G.E.M. 邓紫棋"],
                235
            )
        ) >= SURE
    );
}

#[test]
fn feat_credits_in_a_title_count_as_artists() {
    let a = ne("Stay (feat. Justin Bieber)", &["The Kid LAROI"], 141);
    let b = qq("Stay", &["The Kid LAROI", "Justin Bieber"], 141);
    assert!(score(&a, &b) >= SURE, "{}", score(&a, &b));
}

#[test]
fn artist_lists_in_another_order_and_separator_are_the_same() {
    let a = ne("千里之外", &["周杰伦", "费玉清"], 255);
    let b = qq("千里之外", &["费玉清 / 周杰伦"], 255);
    assert!(score(&a, &b) >= SURE);
}

#[test]
fn live_is_never_the_studio_recording() {
    assert_eq!(
        score(&ne("晴天", JAY, 269), &qq("晴天 (Live)", JAY, 269)),
        0.0
    );
    assert_eq!(
        score(&ne("晴天 - Live at 台北", JAY, 300), &qq("晴天", JAY, 300)),
        0.0
    );
    assert!(score(&ne("晴天 (Live)", JAY, 300), &qq("晴天 [Live]", JAY, 300)) >= SURE);
}

#[test]
fn live_takes_from_two_concerts_are_two_recordings() {
    let wanted = with_album(ne("小情歌 (Live)", &["苏打绿"], 277), "十年一刻");
    let other_concert = with_album(qq("小情歌 (Live)", &["苏打绿"], 284), "AIR World Tour Live");
    assert!(score(&wanted, &other_concert) < SURE);
    assert!(score(&wanted, &other_concert) >= UNSURE);
    let same_take_elsewhere = with_album(qq("小情歌 (Live)", &["苏打绿"], 278), "精选");
    assert!(score(&wanted, &same_take_elsewhere) >= SURE);
    let same_concert = with_album(qq("小情歌 (Live)", &["苏打绿"], 284), "十年一刻");
    assert!(score(&wanted, &same_concert) >= SURE);
}

#[test]
fn a_concert_album_makes_a_take_live() {
    let studio = with_album(ne("晴天", JAY, 269), "叶惠美");
    let concert = with_album(qq("晴天", JAY, 270), "2004无与伦比演唱会");
    assert_eq!(score(&studio, &concert), 0.0);
    let titled = with_album(qq("晴天 (Live)", JAY, 270), "2004无与伦比演唱会");
    assert!(score(&concert, &titled) >= SURE);
    let forever = with_album(ne("Live Forever", &["Oasis"], 276), "Definitely Maybe");
    assert!(
        score(
            &forever,
            &with_album(qq("Live Forever", &["Oasis"], 276), "")
        ) >= SURE
    );
}

#[test]
fn an_instrumental_is_never_the_song() {
    assert_eq!(
        score(&ne("晴天", JAY, 269), &qq("晴天 (伴奏)", JAY, 269)),
        0.0
    );
    assert_eq!(
        score(&ne("晴天", JAY, 269), &qq("晴天（伴奏版）", JAY, 269)),
        0.0
    );
    assert_eq!(
        score(
            &ne("Lemon", &["米津玄師"], 255),
            &qq("Lemon (Instrumental)", &["米津玄師"], 255)
        ),
        0.0
    );
    assert!(
        score(
            &ne("晴天 (伴奏)", JAY, 269),
            &qq("晴天 (Instrumental)", JAY, 269)
        ) >= SURE
    );
}

#[test]
fn remixes_covers_and_altered_versions_are_never_the_original() {
    let original = ne("晴天", JAY, 269);
    for other in [
        "晴天 (DJ版)",
        "晴天 (Remix)",
        "晴天 (翻自 周杰伦)",
        "晴天 (加速版)",
        "晴天 (Sped Up)",
        "晴天 (8D环绕)",
        "晴天 (Demo)",
    ] {
        assert_eq!(score(&original, &qq(other, JAY, 269)), 0.0, "{other}");
    }
    assert!(score(&ne("晴天 (DJ版)", JAY, 200), &qq("晴天 (DJ版)", JAY, 200)) >= SURE);
}

#[test]
fn the_same_title_by_another_artist_is_not_a_match() {
    let s = score(&ne("晴天", JAY, 269), &qq("晴天", &["林俊杰"], 269));
    assert!(s < UNSURE, "{s}");
}

#[test]
fn another_title_by_the_same_artist_is_not_a_match() {
    let s = score(&ne("晴天", JAY, 269), &qq("雨天", JAY, 269));
    assert!(s < UNSURE, "{s}");
}

#[test]
fn durations_a_few_seconds_apart_are_the_same_and_twenty_are_not() {
    assert!(score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 271)) >= SURE);
    assert!(score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 266)) >= SURE);
    let s = score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 289));
    assert!(s < SURE, "{s}");
    let a = score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 270));
    let b = score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 276));
    assert!(a > b, "{a} {b}");
}

#[test]
fn an_unknown_duration_is_left_out() {
    assert!(score(&ne("晴天", JAY, 0), &qq("晴天", JAY, 269)) >= SURE);
}

#[test]
fn a_different_version_note_is_only_an_alternative() {
    let s = score(
        &ne("Love Story", &["Taylor Swift"], 235),
        &qq("Love Story (Taylor's Version)", &["Taylor Swift"], 235),
    );
    assert!((UNSURE..SURE).contains(&s), "{s}");
}

#[test]
fn the_same_album_is_a_bonus() {
    let plain = score(&ne("晴天", JAY, 269), &qq("晴天", JAY, 275));
    let album = score(
        &with_album(ne("晴天", JAY, 269), "叶惠美"),
        &with_album(qq("晴天", JAY, 275), "葉惠美"),
    );
    assert!(album > plain, "{album} {plain}");
}

#[test]
fn rank_keeps_matches_best_first_and_ties_in_order() {
    let wanted = ne("晴天", JAY, 269);
    let mut first = qq("晴天", JAY, 269);
    first.id = "first".into();
    let mut second = qq("晴天", JAY, 269);
    second.id = "second".into();
    let near = qq("晴天", JAY, 275);
    let live = qq("晴天 (Live)", JAY, 269);
    let other = qq("晴天", &["林俊杰"], 269);
    let ranked = rank(&wanted, [near.clone(), first, live, second, other]);
    let ids: Vec<&str> = ranked.iter().map(|s| s.track.id.as_str()).collect();
    assert_eq!(ids, ["first", "second", near.id.as_str()]);
    assert!(ranked.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn confidence_reads_the_best_score() {
    let wanted = ne("晴天", JAY, 269);
    assert_eq!(
        confidence(&rank(&wanted, [qq("晴天", JAY, 269)])),
        Confidence::Sure
    );
    assert_eq!(
        confidence(&rank(&wanted, [qq("晴天", JAY, 300)])),
        Confidence::Unsure
    );
    assert_eq!(
        confidence(&rank(&wanted, [qq("晴天 (Live)", JAY, 269)])),
        Confidence::Missing
    );
    assert_eq!(confidence(&[]), Confidence::Missing);
    assert_eq!(
        serde_json::to_string(&Confidence::Unsure).unwrap(),
        "\"unsure\""
    );
}

#[test]
fn the_search_query_is_the_plain_title_and_first_artist() {
    assert_eq!(search_query(&ne("晴天", JAY, 269)), "晴天 周杰伦");
    assert_eq!(
        search_query(&ne("Stay (feat. Justin Bieber)", &["The Kid LAROI"], 141)),
        "Stay The Kid LAROI"
    );
    assert_eq!(
        search_query(&ne("千里之外", &["周杰伦/费玉清"], 255)),
        "千里之外 周杰伦"
    );
    assert_eq!(
        search_query(&ne("晴天 (Live)", JAY, 300)),
        "晴天 周杰伦 live"
    );
}

#[test]
fn scored_serialises_as_track_and_score() {
    let scored = Scored {
        track: qq("晴天", JAY, 269),
        score: 0.9,
    };
    let json = serde_json::to_value(&scored).unwrap();
    assert_eq!(json["track"]["title"], "晴天");
    assert!((json["score"].as_f64().unwrap() - 0.9).abs() < 1e-6);
}
