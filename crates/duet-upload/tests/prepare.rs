//! Files made ready for the cloud disk: the fake's real audio, tagged here with lofty, and every
//! way a chosen file is refused before anything is sent.

use std::path::PathBuf;

use duet_core::cloud::MAX_UPLOAD_BYTES;
use duet_core::ErrorKind;
use lofty::config::WriteOptions;
use lofty::file::TaggedFileExt as _;
use lofty::tag::{Accessor as _, Tag, TagExt as _, TagType};
use md5::{Digest as _, Md5};

fn tone() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../duet-fake-upstream/audio/tone.mp3"
    ))
    .unwrap()
}

fn tagged_copy(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("我的 demo.mp3");
    std::fs::write(&path, tone()).unwrap();
    let mut tag = Tag::new(TagType::Id3v2);
    tag.set_title("海阔天空 (live)".into());
    tag.set_artist("Beyond".into());
    tag.set_album("1991 演唱会".into());
    tag.save_to_path(&path, WriteOptions::default()).unwrap();
    assert!(lofty::read_from_path(&path)
        .unwrap()
        .primary_tag()
        .is_some());
    path
}

#[test]
fn a_tagged_mp3_is_read_with_its_tags_md5_and_duration() {
    let dir = tempfile::tempdir().unwrap();
    let path = tagged_copy(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let file = duet_upload::from_path(&path).unwrap();
    assert_eq!(file.file_name, "我的 demo.mp3");
    assert_eq!(file.extension, "mp3");
    assert_eq!(file.md5_hex, hex::encode(Md5::digest(&bytes)));
    assert_eq!(file.bytes, bytes);
    assert_eq!(file.tags.title.as_deref(), Some("海阔天空 (live)"));
    assert_eq!(file.tags.artist.as_deref(), Some("Beyond"));
    assert_eq!(file.tags.album.as_deref(), Some("1991 演唱会"));
    let duration = file.tags.duration_ms.unwrap();
    assert!((19_000..=21_000).contains(&duration), "{duration}");
    assert!(file.tags.bitrate_kbps.is_some_and(|b| b > 0));
}

#[test]
fn an_untagged_file_has_no_tags_and_its_folders_are_dropped() {
    let file = duet_upload::from_bytes("C:\\music\\take 3.MP3", tone()).unwrap();
    assert_eq!(file.file_name, "take 3.MP3");
    assert_eq!(file.extension, "mp3");
    assert_eq!(file.tags.title, None);
    let file = duet_upload::from_bytes("/home/me/x/take.mp3", tone()).unwrap();
    assert_eq!(file.file_name, "take.mp3");
}

#[test]
fn what_is_not_audio_is_refused_as_a_bad_request() {
    let refusals = [
        duet_upload::from_bytes("notes.txt", b"hello".to_vec()),
        duet_upload::from_bytes("song", tone()),
        duet_upload::from_bytes("fake.mp3", b"<html>not audio at all</html>".repeat(40)),
        duet_upload::from_bytes("empty.flac", Vec::new()),
        duet_upload::from_bytes("/", tone()),
    ];
    for refused in refusals {
        let error = refused.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{error:?}");
    }
    let error = duet_upload::from_bytes("fake.mp3", b"<html>".repeat(40)).unwrap_err();
    assert!(
        error.message.contains("cannot be read as audio"),
        "{error:?}"
    );
}

#[test]
fn a_file_too_big_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.flac");
    // Sparse: its size is what is checked, nothing is read.
    std::fs::File::create(&path)
        .unwrap()
        .set_len(MAX_UPLOAD_BYTES + 1)
        .unwrap();
    let error = duet_upload::from_path(&path).unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert!(error.message.contains("at most 200 MB"), "{error:?}");
}
