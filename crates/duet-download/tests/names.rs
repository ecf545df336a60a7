//! File names from patterns: hostile track names stay inside the download folder and are valid
//! file names everywhere.

use std::path::{Component, Path};

use duet_core::{AlbumRef, ArtistRef, ErrorKind, ProviderId, Track};
use duet_download::name::{inside, safe_component};
use duet_download::{FileNamePattern, NameContext, DEFAULT_PATTERN};

fn track(title: &str, artists: &[&str], album: &str) -> Track {
    Track {
        provider: ProviderId::Qq,
        id: "001".into(),
        title: title.into(),
        artists: artists
            .iter()
            .map(|n| ArtistRef {
                id: "1".into(),
                name: (*n).into(),
            })
            .collect(),
        album: AlbumRef {
            id: "2".into(),
            name: album.into(),
            cover_url: None,
        },
        duration_ms: 1000,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

fn render(pattern: &str, track: &Track, track_no: Option<u32>) -> String {
    let path = FileNamePattern::parse(pattern).unwrap().render(
        track,
        &NameContext {
            track_no,
            album_artist: None,
        },
    );
    assert!(
        path.components().all(|c| matches!(c, Component::Normal(_))),
        "{path:?}"
    );
    assert!(inside(Path::new("/music"), &path).is_some());
    path.to_string_lossy().into_owned()
}

#[test]
fn placeholders_are_filled_from_the_track() {
    let t = track("晴天", &["周杰伦", "Lara"], "叶惠美");
    assert_eq!(render(DEFAULT_PATTERN, &t, None), "周杰伦, Lara - 晴天");
    assert_eq!(
        render("{album_artist}/{album}/{track_no} {title}", &t, Some(3)),
        "周杰伦/叶惠美/03 晴天"
    );
    assert_eq!(render("{provider}-{title}", &t, None), "qq-晴天");
}

#[test]
fn hostile_names_never_leave_the_folder() {
    for (title, artist) in [
        ("../../etc/passwd", "x"),
        ("..", ".."),
        ("a/../../b", "c\\..\\d"),
        ("/absolute", "C:\\Windows"),
        ("nul\0byte", "tab\tand\nnewline"),
    ] {
        let name = render("{artist}/{title}", &track(title, &[artist], "a"), None);
        assert!(
            !name
                .split('/')
                .any(|c| c == ".." || c == "." || c.is_empty()),
            "{name:?}"
        );
        assert!(
            !name.contains('\0') && !name.contains('\n') && !name.contains('\\'),
            "{name:?}"
        );
    }
    // A title that is all dots or spaces becomes nothing, and the name falls back.
    assert_eq!(
        render("{title}", &track("..", &["a"], "b"), None),
        "untitled"
    );
    assert_eq!(
        render("{title}", &track("<>:\"|?*", &["a"], "b"), None),
        "_______"
    );
}

#[test]
fn reserved_device_names_and_long_names_are_made_safe() {
    for reserved in ["CON", "con", "Nul", "COM1", "lpt9", "CON.txt", "aux "] {
        let safe = safe_component(reserved);
        assert!(safe.starts_with('_'), "{reserved} → {safe}");
    }
    assert_eq!(safe_component("CONCERT"), "CONCERT");
    let long = "长".repeat(200); // 600 bytes
    let safe = safe_component(&long);
    assert!(
        safe.len() <= 200 && safe.chars().all(|c| c == '长'),
        "{}",
        safe.len()
    );
    assert_eq!(safe_component(" trailing dot. "), "trailing dot");
    let name = render("{title}", &track(&"x".repeat(1000), &["a"], "b"), None);
    assert_eq!(name.len(), 200);
}

#[test]
fn bad_patterns_are_refused_with_a_reason() {
    for (pattern, why) in [
        ("", "empty"),
        ("{title", "never closed"),
        ("title}", "without its"),
        ("{genre}", "unknown placeholder {genre}"),
        ("song", "no placeholder"),
    ] {
        let err = FileNamePattern::parse(pattern).unwrap_err();
        assert_eq!(err.kind, ErrorKind::BadRequest);
        assert!(err.message.contains(why), "{pattern}: {}", err.message);
    }
    assert!(FileNamePattern::parse(&"{title}".repeat(100)).is_err());
}
