//! Tags written with lofty and read back with lofty, for the formats the services (and the fake)
//! serve: MP3 (ID3v2, with synchronised lyrics) and FLAC (Vorbis comments).

use std::path::{Path, PathBuf};

use duet_core::{LyricLine, Lyrics, ProviderId};
use duet_download::tags::{lrc_text, TRANSLATION_DESCRIPTION};
use duet_download::{write_tags, TrackTags};
use lofty::config::ParseOptions;
use lofty::file::{AudioFile, TaggedFileExt};
use lofty::id3::v2::{Frame, FrameFlags, SynchronizedTextFrame};
use lofty::picture::PictureType;
use lofty::tag::{Accessor, ItemKey};

fn fake_audio(name: &str, dir: &Path) -> PathBuf {
    let from = format!(
        "{}/../duet-fake-upstream/audio/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let to = dir.join(name);
    std::fs::copy(from, &to).unwrap();
    to
}

fn line(start_ms: u64, text: &str, translation: Option<&str>) -> LyricLine {
    LyricLine {
        start_ms,
        text: text.into(),
        translation: translation.map(str::to_owned),
        romanized: None,
        words: None,
    }
}

fn tags() -> TrackTags {
    let mut cover = b"\x89PNG\r\n\x1a\n".to_vec();
    cover.extend_from_slice(&[7u8; 300]);
    TrackTags {
        title: "海阔天空".into(),
        artists: vec!["Beyond".into(), "黄家驹".into()],
        album: "乐与怒".into(),
        album_artist: Some("Beyond".into()),
        track_no: Some(4),
        cover: Some(cover),
        lyrics: Some(Lyrics {
            provider: ProviderId::Netease,
            track_id: "347230".into(),
            instrumental: false,
            lines: vec![
                line(0, "今天我", Some("Today I")),
                line(
                    61_500,
                    "寒夜里看雪飘过",
                    Some("watch the snow in the cold night"),
                ),
                line(3_723_990, "(间奏)", None),
            ],
            source: None,
            second_source_error: None,
        }),
    }
}

#[test]
fn lrc_text_puts_each_translation_under_its_line() {
    assert_eq!(
        lrc_text(tags().lyrics.as_ref().unwrap()),
        "[00:00.00]今天我\n[00:00.00]Today I\n[01:01.50]寒夜里看雪飘过\n\
         [01:01.50]watch the snow in the cold night\n[62:03.99](间奏)\n"
    );
}

#[test]
fn mp3_tags_read_back_with_synchronised_lyrics() {
    let dir = tempfile::tempdir().unwrap();
    let path = fake_audio("tone.mp3", dir.path());
    let expected = tags();
    write_tags(&path, &expected).unwrap();

    let file = lofty::read_from_path(&path).unwrap();
    let tag = file.primary_tag().unwrap();
    assert_eq!(tag.title().as_deref(), Some("海阔天空"));
    assert_eq!(
        tag.get_strings(ItemKey::TrackArtist).collect::<Vec<_>>(),
        ["Beyond", "黄家驹"]
    );
    assert_eq!(tag.album().as_deref(), Some("乐与怒"));
    assert_eq!(tag.get_string(ItemKey::AlbumArtist), Some("Beyond"));
    assert_eq!(tag.track(), Some(4));
    let picture = &tag.pictures()[0];
    assert_eq!(picture.pic_type(), PictureType::CoverFront);
    assert_eq!(picture.data(), expected.cover.as_deref().unwrap());
    let lyrics = tag.get_string(ItemKey::UnsyncLyrics).unwrap();
    assert!(lyrics.contains("[01:01.50]寒夜里看雪飘过\n[01:01.50]watch the snow"));

    // The synchronised lyrics: original and translation, timed in milliseconds.
    let mut reader = std::fs::File::open(&path).unwrap();
    let mpeg = lofty::mpeg::MpegFile::read_from(&mut reader, ParseOptions::new()).unwrap();
    let id3 = mpeg.id3v2().unwrap();
    let synced: Vec<SynchronizedTextFrame<'_>> = id3
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Binary(b) if frame.id_str() == "SYLT" => {
                Some(SynchronizedTextFrame::parse(&b.data, FrameFlags::default()).unwrap())
            }
            _ => None,
        })
        .collect();
    assert_eq!(synced.len(), 2, "original and translation");
    let original = synced.iter().find(|f| f.description.is_none()).unwrap();
    assert_eq!(
        original.content,
        [
            (0, "今天我".to_owned()),
            (61_500, "寒夜里看雪飘过".to_owned()),
            (3_723_990, "(间奏)".to_owned())
        ]
    );
    let translation = synced
        .iter()
        .find(|f| f.description.as_deref() == Some(TRANSLATION_DESCRIPTION))
        .unwrap();
    assert_eq!(
        translation.content[1],
        (61_500, "watch the snow in the cold night".to_owned())
    );
    // Still audio, with its length.
    assert!(file.properties().duration().as_millis() > 1000);
}

#[test]
fn flac_tags_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = fake_audio("tone.flac", dir.path());
    let expected = tags();
    write_tags(&path, &expected).unwrap();

    let file = lofty::read_from_path(&path).unwrap();
    let tag = file.primary_tag().unwrap();
    assert_eq!(tag.title().as_deref(), Some("海阔天空"));
    assert_eq!(
        tag.get_strings(ItemKey::TrackArtist).collect::<Vec<_>>(),
        ["Beyond", "黄家驹"]
    );
    assert_eq!(tag.get_string(ItemKey::AlbumArtist), Some("Beyond"));
    assert_eq!(tag.track(), Some(4));
    assert_eq!(tag.pictures()[0].data(), expected.cover.as_deref().unwrap());
    let lyrics = tag.get_string(ItemKey::Lyrics).unwrap();
    assert!(lyrics.starts_with("[00:00.00]今天我\n[00:00.00]Today I\n"));
    assert!(file.properties().duration().as_millis() > 1000);
}

#[test]
fn m4a_tags_read_back() {
    // The services also serve AAC in MP4 (QQ Music's standard quality); the fake serves MP3 and
    // FLAC only, so the player's test file stands in.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tone.m4a");
    std::fs::copy(
        format!(
            "{}/../duet-player/testdata/tone.m4a",
            env!("CARGO_MANIFEST_DIR")
        ),
        &path,
    )
    .unwrap();
    let expected = tags();
    write_tags(&path, &expected).unwrap();

    let file = lofty::read_from_path(&path).unwrap();
    let tag = file.primary_tag().unwrap();
    assert_eq!(tag.title().as_deref(), Some("海阔天空"));
    assert_eq!(
        tag.get_strings(ItemKey::TrackArtist).collect::<Vec<_>>(),
        ["Beyond", "黄家驹"]
    );
    assert_eq!(tag.album().as_deref(), Some("乐与怒"));
    assert_eq!(tag.get_string(ItemKey::AlbumArtist), Some("Beyond"));
    assert_eq!(tag.track(), Some(4));
    assert_eq!(tag.pictures()[0].data(), expected.cover.as_deref().unwrap());
    let lyrics = tag.get_string(ItemKey::Lyrics).unwrap();
    assert!(lyrics.contains("[01:01.50]watch the snow in the cold night"));
    assert!(file.properties().duration().as_millis() > 1000);
}

#[test]
fn a_file_that_is_not_audio_is_a_storage_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.mp3");
    std::fs::write(&path, b"<html>not audio</html>").unwrap();
    let err = write_tags(&path, &tags()).unwrap_err();
    assert_eq!(err.kind, duet_core::ErrorKind::Storage);
}
