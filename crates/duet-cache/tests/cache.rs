//! The audio cache on a real directory: keys, cap and eviction order, pins, partial and damaged
//! entries, reopening, and readers while entries come and go.

use std::io::{Read, Write};
use std::sync::Arc;

use duet_cache::{AudioCache, CacheError, CacheKey};
use duet_core::{ErrorKind, ProviderId, Quality};

fn bytes(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

fn put(cache: &Arc<AudioCache>, provider: ProviderId, id: &str, quality: Quality, data: &[u8]) {
    let mut writer = cache
        .writer(CacheKey::new(provider, id, quality), "mp3")
        .unwrap();
    for piece in data.chunks(1000) {
        writer.write_all(piece).unwrap();
    }
    writer.commit(Some(data.len() as u64)).unwrap();
}

fn read(cache: &AudioCache, provider: ProviderId, id: &str) -> Option<Vec<u8>> {
    let hit = cache.lookup(provider, id)?;
    let mut out = Vec::new();
    hit.open().unwrap().read_to_end(&mut out).unwrap();
    assert_eq!(out.len() as u64, hit.len);
    Some(out)
}

fn files_in(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map(|d| d.count()).unwrap_or(0)
}

#[test]
fn a_track_is_found_by_provider_and_id_whatever_url_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 20).unwrap();
    let data = bytes(5000, 1);
    // The key has no URL in it: a renewed, differently signed URL of the same track finds it.
    put(&cache, ProviderId::Netease, "1001", Quality::High, &data);
    assert_eq!(read(&cache, ProviderId::Netease, "1001").unwrap(), data);
    assert!(cache.contains(ProviderId::Netease, "1001"));
    // Same id, other service: another track.
    assert!(read(&cache, ProviderId::Qq, "1001").is_none());
    assert!(!cache.contains(ProviderId::Qq, "1001"));
    let usage = cache.usage();
    assert_eq!((usage.bytes, usage.tracks), (5000, 1));
}

#[test]
fn the_best_cached_quality_wins() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 20).unwrap();
    put(
        &cache,
        ProviderId::Qq,
        "m1",
        Quality::Standard,
        &bytes(100, 1),
    );
    put(
        &cache,
        ProviderId::Qq,
        "m1",
        Quality::Lossless,
        &bytes(300, 2),
    );
    put(&cache, ProviderId::Qq, "m1", Quality::High, &bytes(200, 3));
    let hit = cache.lookup(ProviderId::Qq, "m1").unwrap();
    assert_eq!(hit.key.quality, Quality::Lossless);
    assert_eq!(read(&cache, ProviderId::Qq, "m1").unwrap(), bytes(300, 2));
    assert_eq!(cache.usage().tracks, 3, "each quality is its own entry");
    assert_eq!(
        cache.tracks().into_iter().collect::<Vec<_>>(),
        [(ProviderId::Qq, "m1".to_owned())],
        "one track"
    );
}

#[test]
fn the_least_recently_played_goes_first_when_over_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 3000).unwrap();
    for id in ["a", "b", "c"] {
        put(
            &cache,
            ProviderId::Netease,
            id,
            Quality::High,
            &bytes(1000, 0),
        );
    }
    // Play "a" again: "b" is now the least recently played.
    assert!(cache.lookup(ProviderId::Netease, "a").is_some());
    put(
        &cache,
        ProviderId::Netease,
        "d",
        Quality::High,
        &bytes(1000, 0),
    );
    assert!(!cache.contains(ProviderId::Netease, "b"));
    for id in ["a", "c", "d"] {
        assert!(cache.contains(ProviderId::Netease, id), "{id}");
    }
    assert_eq!(cache.usage().bytes, 3000);
    assert_eq!(
        files_in(&dir.path().join("netease")),
        3,
        "the file went too"
    );

    // A lower cap evicts at once, oldest first: c, then a.
    cache.set_cap(1500).unwrap();
    assert!(!cache.contains(ProviderId::Netease, "c"));
    assert!(!cache.contains(ProviderId::Netease, "a"));
    assert!(cache.contains(ProviderId::Netease, "d"));
    assert_eq!(cache.usage().bytes, 1000);
}

#[test]
fn a_file_larger_than_the_cap_and_a_cap_of_zero_keep_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 500).unwrap();
    let mut writer = cache
        .writer(CacheKey::new(ProviderId::Qq, "big", Quality::High), "mp3")
        .unwrap();
    writer.write_all(&bytes(800, 0)).unwrap();
    assert!(writer.commit(Some(800)).unwrap().is_none());
    assert!(!cache.contains(ProviderId::Qq, "big"));

    cache.set_cap(0).unwrap();
    assert!(!cache.enabled());
    let mut writer = cache
        .writer(CacheKey::new(ProviderId::Qq, "small", Quality::High), "mp3")
        .unwrap();
    writer.write_all(&bytes(10, 0)).unwrap();
    assert!(writer.commit(Some(10)).unwrap().is_none());
    assert_eq!(cache.usage().tracks, 0);
    assert_eq!(files_in(&dir.path().join("qq")), 0);
    assert_eq!(files_in(&dir.path().join("partial")), 0);
}

#[test]
fn pinned_tracks_outlive_the_cap_until_unpinned() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 2000).unwrap();
    put(
        &cache,
        ProviderId::Qq,
        "kept",
        Quality::High,
        &bytes(1000, 0),
    );
    assert!(cache.pin(ProviderId::Qq, "kept", "qq:playlist:7").unwrap());
    assert!(!cache
        .pin(ProviderId::Qq, "absent", "qq:playlist:7")
        .unwrap());
    // A track fetched for a kept album is pinned as it is committed, even with the cache off.
    cache.set_cap(0).unwrap();
    let mut writer = cache
        .writer(
            CacheKey::new(ProviderId::Qq, "fetched", Quality::High),
            "flac",
        )
        .unwrap();
    writer.pin("qq:album:9");
    writer.write_all(&bytes(1500, 0)).unwrap();
    assert!(writer.commit(Some(1500)).unwrap().is_some());
    put(
        &cache,
        ProviderId::Qq,
        "played",
        Quality::High,
        &bytes(10, 0),
    );

    assert!(cache.contains(ProviderId::Qq, "kept"));
    assert!(cache.contains(ProviderId::Qq, "fetched"));
    assert!(!cache.contains(ProviderId::Qq, "played"));
    let usage = cache.usage();
    assert_eq!((usage.pinned_tracks, usage.pinned_bytes), (2, 2500));
    assert_eq!(
        cache
            .pinned("qq:playlist:7")
            .into_iter()
            .collect::<Vec<_>>(),
        vec![(ProviderId::Qq, "kept".to_owned())]
    );
    // Clearing the cache leaves kept tracks.
    cache.clear().unwrap();
    assert_eq!(cache.usage().tracks, 2);

    cache.unpin("qq:playlist:7").unwrap();
    assert!(!cache.contains(ProviderId::Qq, "kept"), "evicted at once");
    assert!(cache.contains(ProviderId::Qq, "fetched"));
    cache.unpin("qq:album:9").unwrap();
    assert_eq!(cache.usage().tracks, 0);
}

#[test]
fn a_partial_download_never_counts_as_cached() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 20).unwrap();
    let key = CacheKey::new(ProviderId::Netease, "cut", Quality::High);

    // Cut off: fewer bytes than the Content-Length said.
    let mut writer = cache.writer(key.clone(), "mp3").unwrap();
    writer.write_all(&bytes(700, 0)).unwrap();
    assert_eq!(files_in(&dir.path().join("partial")), 1);
    let err = writer.commit(Some(1000)).unwrap_err();
    assert!(matches!(
        err,
        CacheError::Incomplete {
            expected: 1000,
            got: 700
        }
    ));
    assert_eq!(duet_core::Error::from(err).kind, ErrorKind::Storage);
    assert!(!cache.contains(ProviderId::Netease, "cut"));

    // Abandoned (the person skipped): the writer is dropped.
    let mut writer = cache.writer(key.clone(), "mp3").unwrap();
    writer.write_all(&bytes(700, 0)).unwrap();
    drop(writer);
    assert!(matches!(
        cache.writer(key, "mp3").unwrap().commit(None),
        Err(CacheError::Empty)
    ));
    assert_eq!(files_in(&dir.path().join("partial")), 0);
    assert_eq!(files_in(&dir.path().join("netease")), 0);
    assert_eq!(cache.usage().tracks, 0);
}

#[test]
fn a_damaged_or_missing_file_is_dropped_so_the_track_is_fetched_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 1 << 20).unwrap();
    put(&cache, ProviderId::Qq, "t1", Quality::High, &bytes(1000, 0));
    put(&cache, ProviderId::Qq, "t2", Quality::High, &bytes(1000, 0));
    let t1 = cache.lookup(ProviderId::Qq, "t1").unwrap();
    std::fs::write(&t1.path, b"short").unwrap();
    assert!(cache.lookup(ProviderId::Qq, "t1").is_none());
    assert!(!t1.path.exists(), "the damaged file is deleted");
    let t2 = cache.lookup(ProviderId::Qq, "t2").unwrap();
    std::fs::remove_file(&t2.path).unwrap();
    assert!(cache.lookup(ProviderId::Qq, "t2").is_none());
    assert_eq!(cache.usage().tracks, 0);

    // One the decoder refused (right length, wrong bytes) is removed by key.
    put(&cache, ProviderId::Qq, "t3", Quality::High, &bytes(1000, 0));
    let t3 = cache.lookup(ProviderId::Qq, "t3").unwrap();
    cache.remove(&t3.key).unwrap();
    assert!(!t3.path.exists());
    assert!(!cache.contains(ProviderId::Qq, "t3"));
}

#[test]
fn reopening_keeps_entries_order_and_pins_and_cleans_up_leftovers() {
    let dir = tempfile::tempdir().unwrap();
    {
        let cache = AudioCache::open(dir.path(), 10_000).unwrap();
        put(
            &cache,
            ProviderId::Netease,
            "old",
            Quality::High,
            &bytes(1000, 0),
        );
        put(
            &cache,
            ProviderId::Netease,
            "pinned",
            Quality::High,
            &bytes(1000, 0),
        );
        put(
            &cache,
            ProviderId::Netease,
            "new",
            Quality::High,
            &bytes(1000, 0),
        );
        cache.pin(ProviderId::Netease, "pinned", "tag").unwrap();
        // A crash mid-download and a stray file.
        std::fs::write(dir.path().join("partial/x.part"), b"half").unwrap();
        std::fs::write(dir.path().join("netease/stray.high.mp3"), b"?").unwrap();
    }
    // Reopened with a smaller cap: "old" is evicted, "pinned" stays pinned.
    let cache = AudioCache::open(dir.path(), 1000).unwrap();
    assert!(!cache.contains(ProviderId::Netease, "old"));
    assert!(cache.contains(ProviderId::Netease, "pinned"));
    assert!(cache.contains(ProviderId::Netease, "new"));
    assert_eq!(cache.pinned("tag").len(), 1);
    assert_eq!(files_in(&dir.path().join("partial")), 0);
    assert!(!dir.path().join("netease/stray.high.mp3").exists());
    assert_eq!(files_in(&dir.path().join("netease")), 2);

    // An unreadable index starts afresh, and the files it named go with it.
    drop(cache);
    std::fs::write(dir.path().join("index.json"), b"{not json").unwrap();
    let cache = AudioCache::open(dir.path(), 1000).unwrap();
    assert_eq!(cache.usage().tracks, 0);
    assert_eq!(files_in(&dir.path().join("netease")), 0);
}

#[test]
fn readers_keep_reading_while_entries_are_written_and_evicted() {
    let dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(dir.path(), 64 * 1024).unwrap();
    let data = bytes(32 * 1024, 7);
    put(&cache, ProviderId::Qq, "shared", Quality::High, &data);
    // Each reader opens the entry first (as the player does), then reads while the writers
    // push it out of the cache.
    let readers: Vec<_> = (0..4)
        .map(|_| {
            let hit = cache.lookup(ProviderId::Qq, "shared").unwrap();
            let mut file = hit.open().unwrap();
            let data = data.clone();
            std::thread::spawn(move || {
                let mut out = Vec::new();
                let mut chunk = [0u8; 997];
                loop {
                    let n = file.read(&mut chunk).unwrap();
                    if n == 0 {
                        break;
                    }
                    out.extend_from_slice(&chunk[..n]);
                    std::thread::yield_now();
                }
                assert!(out == data, "read back byte-exact");
            })
        })
        .collect();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let cache = cache.clone();
            std::thread::spawn(move || {
                for i in 0..10 {
                    put(
                        &cache,
                        ProviderId::Netease,
                        &format!("{w}-{i}"),
                        Quality::High,
                        &bytes(16 * 1024, i),
                    );
                }
            })
        })
        .collect();
    for thread in readers.into_iter().chain(writers) {
        thread.join().unwrap();
    }
    assert!(
        !cache.contains(ProviderId::Qq, "shared"),
        "evicted while it was read"
    );
    let usage = cache.usage();
    assert!(usage.bytes <= 64 * 1024, "{usage:?}");
    assert_eq!(usage.bytes, usage.tracks as u64 * 16 * 1024);
    // On Windows a file evicted while open stays until the next open of the cache deletes it.
    if cfg!(unix) {
        let on_disk = files_in(&dir.path().join("netease")) + files_in(&dir.path().join("qq"));
        assert_eq!(on_disk, usage.tracks, "index and files agree");
    }
}
