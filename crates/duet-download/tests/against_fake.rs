//! Downloads against the strict fake: the file lands in the folder under the pattern's name,
//! tagged (cover and lyrics with translation included), read back with lofty; a cached track is
//! saved without a request to the audio CDN; a name already taken is not overwritten.

use std::io::Write;
use std::sync::Arc;

use duet_cache::{AudioCache, CacheKey};
use duet_core::budget::Pace;
use duet_core::{MemoryStore, Provider, ProviderId, Quality, Upstream};
use duet_download::{DownloadJob, Downloader, FileNamePattern, NameContext};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Transport};
use duet_netease::NeteaseProvider;
use lofty::file::TaggedFileExt;
use lofty::tag::{Accessor, ItemKey};

/// A song the fake lets the account have whole (ids ending in 77 are VIP previews).
const SONG: &str = "9000001";
const VIP_SONG: &str = "9000077";

async fn logged_in() -> (FakeUpstream, NeteaseProvider) {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = duet_test_support::netease_logged_in(&fake).await;
    (fake, provider)
}

fn audio_requests(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.transport == Transport::Audio)
        .count()
}

fn downloader(
    folder: &std::path::Path,
    pattern: &str,
    cache: Option<Arc<AudioCache>>,
) -> Downloader {
    Downloader {
        folder: folder.to_owned(),
        pattern: FileNamePattern::parse(pattern).unwrap(),
        http: reqwest::Client::new(),
        cache,
    }
}

#[tokio::test]
async fn a_track_downloads_as_a_tagged_file_in_each_format() {
    let (fake, provider) = logged_in().await;
    let track = provider.track(SONG).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let downloader = downloader(folder.path(), "{artist}/{track_no} {title}", None);
    for (quality, extension) in [(Quality::High, "mp3"), (Quality::Lossless, "flac")] {
        let before = audio_requests(&fake);
        let job = DownloadJob {
            track: track.clone(),
            context: NameContext {
                track_no: Some(1),
                album_artist: None,
            },
            quality,
        };
        let done = downloader.download(&provider, &job).await.unwrap();
        assert!(!done.from_cache && done.lyrics && done.cover, "{done:?}");
        // The fake's artist is "kidult.": a trailing dot no folder name may end with.
        let artist = duet_download::name::safe_component(&track.artists[0].name);
        let name = format!("01 {}.{extension}", track.title);
        assert_eq!(done.path, folder.path().join(artist).join(name));
        assert_eq!(audio_requests(&fake), before + 1);

        let file = lofty::read_from_path(&done.path).unwrap();
        let tag = file.primary_tag().unwrap();
        assert_eq!(tag.title().as_deref(), Some(track.title.as_str()));
        assert_eq!(tag.album().as_deref(), Some(track.album.name.as_str()));
        assert_eq!(
            tag.get_strings(ItemKey::TrackArtist).collect::<Vec<_>>(),
            track
                .artists
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
        );
        assert_eq!(tag.track(), Some(1));
        let picture = tag.pictures().first().expect("cover embedded");
        assert!(picture.data().len() > 100);
        let key = if extension == "mp3" {
            ItemKey::UnsyncLyrics
        } else {
            ItemKey::Lyrics
        };
        let lyrics = tag.get_string(key).expect("lyrics embedded");
        let expected = provider.lyrics(SONG).await.unwrap();
        let translated = expected
            .lines
            .iter()
            .find(|l| l.translation.is_some())
            .unwrap();
        assert!(lyrics.contains(&translated.text));
        assert!(lyrics.contains(translated.translation.as_deref().unwrap()));
    }
    // Nothing half-written is left behind.
    let leftovers: Vec<_> = walk(folder.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".part"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn a_cached_track_is_saved_without_a_request_to_the_audio_server() {
    let (fake, provider) = logged_in().await;
    let track = provider.track(SONG).await.unwrap();
    let cache_dir = tempfile::tempdir().unwrap();
    let cache = AudioCache::open(cache_dir.path(), 1 << 30).unwrap();
    let audio = std::fs::read(format!(
        "{}/../duet-fake-upstream/audio/tone.mp3",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut writer = cache
        .writer(
            CacheKey::new(ProviderId::Netease, SONG, Quality::High),
            "mp3",
        )
        .unwrap();
    writer.write_all(&audio).unwrap();
    writer.commit(Some(audio.len() as u64)).unwrap().unwrap();

    let folder = tempfile::tempdir().unwrap();
    let downloader = downloader(folder.path(), "{title}", Some(cache.clone()));
    let job = DownloadJob {
        track: track.clone(),
        context: NameContext::default(),
        quality: Quality::Lossless,
    };
    let before = audio_requests(&fake);
    let first = downloader.download(&provider, &job).await.unwrap();
    assert!(first.from_cache);
    assert_eq!(audio_requests(&fake), before, "no request to the audio CDN");
    assert_eq!(
        first.path,
        folder.path().join(format!("{}.mp3", track.title))
    );
    // The cached file itself is untouched by the tagging.
    let cached = cache.lookup(ProviderId::Netease, SONG).unwrap();
    assert_eq!(std::fs::read(&cached.path).unwrap(), audio);

    // The same name again: a second file beside it, never an overwrite.
    let second = downloader.download(&provider, &job).await.unwrap();
    assert_eq!(
        second.path,
        folder.path().join(format!("{} (2).mp3", track.title))
    );
    assert!(first.path.exists());
}

#[tokio::test]
async fn a_preview_is_never_saved_as_the_song() {
    let (_fake, provider) = logged_in().await;
    let track = provider.track(VIP_SONG).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let err = downloader(folder.path(), "{title}", None)
        .download(
            &provider,
            &DownloadJob {
                track,
                context: NameContext::default(),
                quality: Quality::High,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.kind, duet_core::ErrorKind::Unavailable);
    assert!(err.message.contains("preview"), "{}", err.message);
    assert!(walk(folder.path()).is_empty(), "nothing left in the folder");
}

#[tokio::test]
async fn a_kept_track_is_fetched_into_the_cache_pinned_and_a_preview_is_not() {
    let (fake, provider) = logged_in().await;
    let cache_dir = tempfile::tempdir().unwrap();
    // The cap is 0: played tracks are not kept, kept ones are.
    let cache = AudioCache::open(cache_dir.path(), 0).unwrap();
    let http = reqwest::Client::new();
    let track = provider.track(SONG).await.unwrap();
    let url = provider.stream_url(SONG, Quality::High).await.unwrap();
    let before = audio_requests(&fake);
    duet_download::fetch_to_cache(&http, &cache, &track, &url, "netease:album:1")
        .await
        .unwrap();
    assert_eq!(audio_requests(&fake), before + 1);
    assert!(cache
        .pinned("netease:album:1")
        .contains(&(ProviderId::Netease, SONG.to_owned())));
    let hit = cache.lookup(ProviderId::Netease, SONG).unwrap();
    assert_eq!(hit.key.quality, url.quality);
    assert_eq!(Some(hit.len), url.size);

    let vip = provider.track(VIP_SONG).await.unwrap();
    let vip_url = provider.stream_url(VIP_SONG, Quality::High).await.unwrap();
    let err = duet_download::fetch_to_cache(&http, &cache, &vip, &vip_url, "netease:album:1")
        .await
        .unwrap_err();
    assert_eq!(err.kind, duet_core::ErrorKind::Unavailable);
    assert!(!cache.contains(ProviderId::Netease, VIP_SONG));
}

/// 晴天 on the fake's QQ Music: QRC lyrics with a translation, a `y.gtimg.cn` cover (JPEG).
const QQ_SONG: &str = "0039MnYb0qxYhV";

#[tokio::test]
async fn a_qq_music_track_downloads_tagged_with_its_jpeg_cover_and_lyrics() {
    use duet_core::cookies::PastedCookies;
    use duet_core::Secret;
    use duet_fake_upstream::qq::QqAccount;
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let mut config = duet_qqmusic::Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let provider = duet_qqmusic::QqProvider::new(config, Arc::new(MemoryStore::new())).unwrap();
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let cookies = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    provider
        .cookie_login(&PastedCookies::parse(&Secret::new(&cookies)).unwrap())
        .await
        .unwrap();

    let track = provider.track(QQ_SONG).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let done = downloader(folder.path(), "{provider}/{title}", None)
        .download(
            &provider,
            &DownloadJob {
                track: track.clone(),
                context: NameContext::default(),
                quality: Quality::Lossless,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        done.path,
        folder
            .path()
            .join("qq")
            .join(format!("{}.flac", track.title))
    );
    assert!(done.cover && done.lyrics, "{done:?}");
    let file = lofty::read_from_path(&done.path).unwrap();
    let tag = file.primary_tag().unwrap();
    assert_eq!(tag.title().as_deref(), Some(track.title.as_str()));
    let cover = tag.pictures().first().expect("cover embedded");
    assert!(cover.data().starts_with(b"\xff\xd8"), "a JPEG");
    let lyrics = tag.get_string(ItemKey::Lyrics).unwrap();
    let expected = provider.lyrics(QQ_SONG).await.unwrap();
    let translated = expected
        .lines
        .iter()
        .find(|l| l.translation.is_some())
        .expect("a translated line");
    assert!(lyrics.contains(translated.translation.as_deref().unwrap()));
}
