//! The record in a real SQLite file: what a play is, how it is summed by local day at explicit
//! UTC offsets, the top lists by service and together, and what happens to a damaged file.

use std::time::{Duration, Instant};

use duet_core::{AlbumRef, ArtistRef, ProviderId, Track};
use duet_listening::picture::{Language, Picture};
use duet_listening::{
    HeardClock, ListeningStore, LocalDate, Period, Play, Recorder, UtcOffset, DATABASE_FILE,
    MIN_HEARD_MS, SCHEMA_VERSION,
};

const MINUTE: u64 = 60_000;

fn beijing() -> UtcOffset {
    UtcOffset::from_seconds(8 * 3600).unwrap()
}

/// Unix ms of `date` at `hh:mm` local time at `offset`.
fn at(date: &str, hh: i64, mm: i64, offset: UtcOffset) -> i64 {
    LocalDate::parse(date).unwrap().start_ms(offset) + (hh * 60 + mm) * 60_000
}

fn artist(id: &str, name: &str) -> ArtistRef {
    ArtistRef {
        id: id.into(),
        name: name.into(),
    }
}

fn play(provider: ProviderId, id: &str, started_at_ms: i64, heard_ms: u64) -> Play {
    Play {
        provider,
        track_id: id.into(),
        title: format!("song {id}"),
        artists: vec![artist("a1", "周杰伦")],
        album_id: "al1".into(),
        album_name: "叶惠美".into(),
        duration_ms: 269_000,
        started_at_ms,
        heard_ms,
    }
}

fn open(dir: &tempfile::TempDir) -> ListeningStore {
    ListeningStore::open(&dir.path().join(DATABASE_FILE)).unwrap()
}

#[test]
fn a_play_late_at_night_counts_on_its_local_day_east_and_west() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    // 23:50 on 4 December in Beijing is 15:50 UTC the same day; 00:10 on the 5th in Beijing
    // is 16:10 UTC on the 4th.
    store
        .record(&play(
            ProviderId::Qq,
            "late",
            at("2026-12-04", 23, 50, beijing()),
            7 * MINUTE,
        ))
        .unwrap();
    store
        .record(&play(
            ProviderId::Qq,
            "early",
            at("2026-12-05", 0, 10, beijing()),
            3 * MINUTE,
        ))
        .unwrap();
    let first = LocalDate::parse("2026-12-03").unwrap();
    let last = LocalDate::parse("2026-12-05").unwrap();

    let in_beijing: Vec<(String, u64, u32)> = store
        .days(first, last, beijing(), None)
        .unwrap()
        .into_iter()
        .map(|d| (d.date, d.amount.heard_ms, d.amount.plays))
        .collect();
    assert_eq!(
        in_beijing,
        [
            ("2026-12-03".into(), 0, 0),
            ("2026-12-04".into(), 7 * MINUTE, 1),
            ("2026-12-05".into(), 3 * MINUTE, 1),
        ]
    );
    let in_london: Vec<(String, u64)> = store
        .days(first, last, UtcOffset::UTC, None)
        .unwrap()
        .into_iter()
        .map(|d| (d.date, d.amount.heard_ms))
        .collect();
    assert_eq!(
        in_london,
        [
            ("2026-12-03".into(), 0),
            ("2026-12-04".into(), 10 * MINUTE),
            ("2026-12-05".into(), 0),
        ]
    );
    // West of Greenwich the Beijing evening is still the morning of the 4th.
    let new_york = UtcOffset::from_minutes(-300).unwrap();
    let west = store.days(first, last, new_york, None).unwrap();
    assert_eq!(west[1].amount.heard_ms, 10 * MINUTE);
    assert!(
        store.days(last, first, beijing(), None).is_err(),
        "a range backwards"
    );
}

#[test]
fn a_play_written_again_as_it_grows_is_counted_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let start = at("2026-12-05", 9, 0, beijing());
    for heard in [10_000, 40_000, 25_000, 90_000] {
        store
            .record(&play(ProviderId::Netease, "1", start, heard))
            .unwrap();
    }
    let now = start + 5 * MINUTE as i64;
    let totals = store.totals(now, beijing(), None).unwrap();
    assert_eq!(
        (totals.all_time.plays, totals.all_time.heard_ms),
        (1, 90_000)
    );
    assert_eq!(
        store
            .play(ProviderId::Netease, "1", start)
            .unwrap()
            .unwrap()
            .heard_ms,
        90_000,
        "a late, smaller report never shrinks the play"
    );
}

#[test]
fn tops_are_by_time_heard_by_service_and_together() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let offset = beijing();
    let day = |d: &str, h: i64| at(d, h, 0, offset);
    // NetEase: "1" twice (8 min), "2" once (5 min); QQ Music: "x" once (20 min), a duet.
    store
        .record(&play(
            ProviderId::Netease,
            "1",
            day("2026-12-01", 8),
            4 * MINUTE,
        ))
        .unwrap();
    store
        .record(&play(
            ProviderId::Netease,
            "1",
            day("2026-12-02", 8),
            4 * MINUTE,
        ))
        .unwrap();
    let mut two = play(ProviderId::Netease, "2", day("2026-12-03", 8), 5 * MINUTE);
    two.title = "<img src=x onerror=alert(1)>".into();
    two.album_id = String::new();
    two.album_name = String::new();
    store.record(&two).unwrap();
    let mut duet = play(ProviderId::Qq, "x", day("2026-12-04", 8), 20 * MINUTE);
    duet.artists = vec![artist("q1", "周杰伦"), artist("", "费玉清")];
    duet.album_id = "qal".into();
    duet.album_name = "十一月的萧邦".into();
    store.record(&duet).unwrap();
    // Last year: in the year and all time, not in this month.
    store
        .record(&play(
            ProviderId::Qq,
            "old",
            day("2025-06-01", 8),
            60 * MINUTE,
        ))
        .unwrap();

    let now = day("2026-12-05", 12);
    let both = store.tops(Period::Month, now, offset, None, 10).unwrap();
    let tracks: Vec<(&str, u64, u32)> = both
        .tracks
        .iter()
        .map(|t| (t.id.as_str(), t.amount.heard_ms, t.amount.plays))
        .collect();
    assert_eq!(
        tracks,
        [
            ("x", 20 * MINUTE, 1),
            ("1", 8 * MINUTE, 2),
            ("2", 5 * MINUTE, 1)
        ]
    );
    assert_eq!(both.tracks[2].title, "<img src=x onerror=alert(1)>");
    assert_eq!(both.tracks[0].artists.len(), 2);
    // The same name on two services is two artists (each service's own id); an artist without
    // an id is known by the name.
    let artists: Vec<(ProviderId, &str, &str, u64)> = both
        .artists
        .iter()
        .map(|a| {
            (
                a.provider,
                a.id.as_str(),
                a.name.as_str(),
                a.amount.heard_ms,
            )
        })
        .collect();
    assert_eq!(
        artists,
        [
            (ProviderId::Qq, "q1", "周杰伦", 20 * MINUTE),
            (ProviderId::Qq, "", "费玉清", 20 * MINUTE),
            (ProviderId::Netease, "a1", "周杰伦", 13 * MINUTE),
        ]
    );
    let albums: Vec<&str> = both.albums.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        albums,
        ["十一月的萧邦", "叶惠美"],
        "an album without a name is left out"
    );

    let netease = store
        .tops(Period::Month, now, offset, Some(ProviderId::Netease), 10)
        .unwrap();
    assert!(netease
        .tracks
        .iter()
        .all(|t| t.provider == ProviderId::Netease));
    assert_eq!(netease.tracks.len(), 2);
    let qq_year = store
        .tops(Period::Year, now, offset, Some(ProviderId::Qq), 10)
        .unwrap();
    assert_eq!(qq_year.tracks.len(), 1, "last June is not this year");
    let qq_all = store
        .tops(Period::AllTime, now, offset, Some(ProviderId::Qq), 1)
        .unwrap();
    assert_eq!(qq_all.tracks[0].id, "old", "the limit keeps the most heard");
    let week = store.tops(Period::Week, now, offset, None, 10).unwrap();
    // Monday 30 November to Saturday 5 December: all four plays of December.
    assert_eq!(week.tracks.len(), 3);

    let totals = store.totals(now, offset, None).unwrap();
    assert_eq!(totals.today.plays, 0);
    assert_eq!(totals.week.heard_ms, 33 * MINUTE);
    assert_eq!(totals.month.heard_ms, 33 * MINUTE);
    assert_eq!(totals.all_time.heard_ms, 93 * MINUTE);
    let qq = store.totals(now, offset, Some(ProviderId::Qq)).unwrap();
    assert_eq!((qq.month.heard_ms, qq.all_time.plays), (20 * MINUTE, 2));

    let summary = store.summary(Period::Month, None, now, offset).unwrap();
    assert_eq!(summary.days.len(), 30);
    assert_eq!(summary.days.last().unwrap().date, "2026-12-05");
    assert_eq!(
        summary.days[29 - 1].amount.heard_ms,
        20 * MINUTE,
        "4 December"
    );
}

#[test]
fn the_record_survives_a_reopen_and_is_read_by_another_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    assert!(
        ListeningStore::open_read_only(&path).unwrap().is_none(),
        "no record yet"
    );
    let start = at("2026-12-05", 9, 0, beijing());
    {
        let store = ListeningStore::open(&path).unwrap();
        store
            .record(&play(ProviderId::Qq, "1", start, MINUTE))
            .unwrap();
    }
    let writer = ListeningStore::open(&path).unwrap();
    let reader = ListeningStore::open_read_only(&path).unwrap().unwrap();
    writer
        .record(&play(ProviderId::Qq, "2", start + 1, MINUTE))
        .unwrap();
    let totals = reader.totals(start, beijing(), None).unwrap();
    assert_eq!(
        totals.all_time.plays, 2,
        "the reader sees the writer's play (WAL)"
    );
    let header = std::fs::read(&path).unwrap();
    assert_eq!(
        i32::from_be_bytes(header[60..64].try_into().unwrap()),
        SCHEMA_VERSION,
        "PRAGMA user_version, where SQLite keeps it"
    );
}

#[test]
fn an_unreadable_file_is_set_aside_and_a_new_record_started() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    std::fs::write(
        &path,
        b"this is not a database, it is a shopping list\n".repeat(100),
    )
    .unwrap();
    assert!(
        ListeningStore::open_read_only(&path).is_err(),
        "the reader says so"
    );
    let store = ListeningStore::open(&path).unwrap();
    store
        .record(&play(ProviderId::Qq, "1", 1_000_000, MINUTE))
        .unwrap();
    assert!(dir
        .path()
        .join(format!("{DATABASE_FILE}.unreadable"))
        .exists());
    let kept = std::fs::read(dir.path().join(format!("{DATABASE_FILE}.unreadable"))).unwrap();
    assert!(
        kept.starts_with(b"this is not a database"),
        "set aside as it was"
    );
    assert_eq!(
        store
            .totals(1_000_000, UtcOffset::UTC, None)
            .unwrap()
            .all_time
            .plays,
        1
    );
}

#[test]
fn a_record_from_a_newer_duet_is_set_aside_not_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DATABASE_FILE);
    {
        let store = ListeningStore::open(&path).unwrap();
        store
            .record(&play(ProviderId::Qq, "1", 1_000_000, MINUTE))
            .unwrap();
    }
    // What a later schema would leave behind.
    bump_user_version(&path, SCHEMA_VERSION + 1);
    let err = ListeningStore::open_read_only(&path).unwrap_err();
    assert!(err.to_string().contains("newer Duet"), "{err}");
    let store = ListeningStore::open(&path).unwrap();
    assert_eq!(
        store
            .totals(1_000_000, UtcOffset::UTC, None)
            .unwrap()
            .all_time
            .plays,
        0
    );
    assert!(dir
        .path()
        .join(format!("{DATABASE_FILE}.unreadable"))
        .exists());
}

/// Sets `PRAGMA user_version` in the file's header (big-endian at byte 60), as SQLite does.
fn bump_user_version(path: &std::path::Path, version: i32) {
    let mut bytes = std::fs::read(path).unwrap();
    assert!(bytes.len() >= 100 && bytes.starts_with(b"SQLite format 3\0"));
    bytes[60..64].copy_from_slice(&version.to_be_bytes());
    std::fs::write(path, bytes).unwrap();
    for suffix in ["-wal", "-shm"] {
        let mut side = path.as_os_str().to_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
}

fn track(id: &str) -> Track {
    Track {
        provider: ProviderId::Netease,
        id: id.into(),
        title: "晴天".into(),
        artists: vec![artist("6452", "周杰伦")],
        album: AlbumRef {
            id: "18905".into(),
            name: "叶惠美".into(),
            cover_url: None,
        },
        duration_ms: 269_000,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

#[test]
fn time_heard_grows_with_the_position_only_never_with_pauses_or_seeks() {
    let mut clock = HeardClock::new();
    assert_eq!(clock.playing(&track("1"), 1_000), None);
    let now = std::cell::Cell::new(1_000_i64);
    let tick = |clock: &mut HeardClock, position, seeked| {
        now.set(now.get() + 250);
        clock.position(position, seeked, now.get())
    };
    for p in (0..=20_000).step_by(250) {
        tick(&mut clock, p, false);
    }
    // A pause of an hour sends no position; playing on goes on from the same place.
    now.set(now.get() + 3_600_000);
    for p in (20_250..=30_000).step_by(250) {
        tick(&mut clock, p, false);
    }
    // A seek forward to 200 s, and an unmarked jump back (a restored position), count nothing.
    tick(&mut clock, 200_000, true);
    tick(&mut clock, 201_000, false);
    tick(&mut clock, 150_000, false);
    tick(&mut clock, 150_500, false);
    let due = clock.due().expect("a play past the minimum is due");
    assert_eq!(due.heard_ms, 30_000 + 1_000 + 500);
    assert_eq!(due.started_at_ms, 1_000);
    assert_eq!(clock.due(), None, "nothing new to write");
    // Another track ends this play: handed back only if it grew since it was last written.
    assert_eq!(clock.playing(&track("2"), 9_000_000), None);
    assert_eq!(clock.track(), Some((ProviderId::Netease, "2")));
    // A short play is never counted.
    for p in (0..MIN_HEARD_MS - 1000).step_by(500) {
        clock.position(p, false, 9_000_000);
    }
    assert_eq!(clock.due(), None);
    assert_eq!(clock.stop(), None);
}

#[test]
fn repeat_one_starts_a_new_play_of_the_same_track() {
    let mut clock = HeardClock::new();
    clock.playing(&track("1"), 0);
    for p in (0..=268_000).step_by(1_000) {
        clock.position(p, false, p as i64);
    }
    let first = clock
        .position(500, false, 270_000)
        .expect("the first play ended");
    assert_eq!((first.started_at_ms, first.heard_ms), (0, 268_000));
    for p in (1_000..=10_000).step_by(1_000) {
        clock.position(p, false, 270_000 + p as i64);
    }
    let second = clock.stop().expect("the second play counts");
    assert_eq!((second.started_at_ms, second.heard_ms), (270_000, 9_500));
}

#[test]
fn the_recorder_writes_on_its_own_thread() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(open(&dir));
    let recorder = Recorder::spawn(store.clone()).unwrap();
    recorder.record(play(ProviderId::Qq, "1", 5_000, 30_000));
    recorder.record(play(ProviderId::Qq, "1", 5_000, 60_000));
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let recorded = store.play(ProviderId::Qq, "1", 5_000).unwrap();
        if recorded.as_ref().map(|p| p.heard_ms) == Some(60_000) {
            break;
        }
        assert!(Instant::now() < deadline, "not written: {recorded:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn decode(png: &[u8]) -> image::RgbaImage {
    image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("a PNG")
        .to_rgba8()
}

#[test]
fn the_picture_is_a_png_of_the_summary_with_chinese_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let now = at("2026-12-05", 12, 0, beijing());
    let mut hostile = play(ProviderId::Qq, "x", now - 3_600_000, 42 * MINUTE);
    hostile.title = "</text><script>alert(1)</script>\u{0}\u{7}&amp;".into();
    store.record(&hostile).unwrap();
    store
        .record(&play(
            ProviderId::Netease,
            "1",
            now - 7_200_000,
            12 * MINUTE,
        ))
        .unwrap();
    let summary = store.summary(Period::Week, None, now, beijing()).unwrap();

    let picture = Picture::of_summary(&summary, Language::En);
    let png = picture.to_png().unwrap();
    let image = decode(&png);
    assert_eq!(image.width(), 1080);
    assert!(image.height() > 1000, "{}", image.height());
    if let Ok(out) = std::env::var("DUET_LISTENING_PICTURE") {
        std::fs::write(out, &png).unwrap();
    }

    // The same picture with the Chinese names blanked differs where they were drawn: the
    // glyphs came from an installed font (this fails on a machine without a CJK font).
    let mut blank = picture.clone();
    for list in &mut blank.lists {
        for row in &mut list.rows {
            row.name = row.name.replace("周杰伦", "").replace("叶惠美", "");
        }
    }
    assert_ne!(
        decode(&blank.to_png().unwrap()),
        image,
        "Chinese names were drawn"
    );

    // The Chinese words render too.
    let zh = Picture::of_summary(&summary, Language::Zh)
        .to_png()
        .unwrap();
    assert_ne!(decode(&zh), image);
}

#[test]
fn qq_musics_report_draws_a_different_picture() {
    let report = serde_json::json!({
        "Year": 2025, "ListenMinutes": 12_873, "ListenSongs": 1_460, "ListenDays": 311,
        "TopSingers": [{"Name": "周杰伦", "Minutes": 2_210}, {"Name": 7}],
        "TopSongs": [{"Name": "晴天", "Count": 321}]
    });
    let picture = Picture::of_qq_report(&report, Language::En);
    assert_eq!(picture.figures.len(), 3);
    assert_eq!(
        picture.lists[1].rows.len(),
        1,
        "a singer without a name is skipped"
    );
    let image = decode(&picture.to_png().unwrap());
    assert_eq!(image.width(), 1080);
    let empty = Picture::of_qq_report(&serde_json::json!({}), Language::En);
    assert!(empty.figures.is_empty());
    decode(&empty.to_png().unwrap());
}
