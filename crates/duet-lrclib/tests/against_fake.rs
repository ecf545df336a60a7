//! The LRCLIB client against the fake `lrclib.net` of `duet-fake-upstream` (through
//! `DUET_UPSTREAM`'s routing): each record shape, duration matching, the search fallback, 404,
//! 5xx, a truncated body, the per-session cache. No network.

use duet_core::lyrics::{LyricsSite, LyricsSource};
use duet_core::{AlbumRef, ArtistRef, Lyrics, ProviderId, Track, Upstream};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_lrclib::{Lrclib, LrclibClient, LrclibError, USER_AGENT};

fn track(title: &str, album: &str, duration_ms: u64) -> Track {
    Track {
        provider: ProviderId::Qq,
        id: format!("001{}", title.len()),
        title: title.into(),
        artists: vec![
            ArtistRef {
                id: "1".into(),
                name: "Duet Singer".into(),
            },
            ArtistRef {
                id: "2".into(),
                name: "A Guest".into(),
            },
        ],
        album: AlbumRef {
            id: "3".into(),
            name: album.into(),
            cover_url: None,
        },
        duration_ms,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

async fn fake() -> (FakeUpstream, LrclibClient) {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let upstream = Upstream::parse_override(&fake.base_url()).unwrap();
    (fake, LrclibClient::new(upstream).unwrap())
}

/// `(path, status)` of every request the fake's LRCLIB saw.
fn asked(fake: &FakeUpstream) -> Vec<(String, u16)> {
    fake.requests()
        .into_iter()
        .filter(|r| r.host == "lrclib.net")
        .map(|r| (r.logical_path, r.status))
        .collect()
}

fn texts(lyrics: &Lyrics) -> Vec<(u64, &str)> {
    lyrics
        .lines
        .iter()
        .map(|l| (l.start_ms, l.text.as_str()))
        .collect()
}

#[tokio::test]
async fn synced_lyrics_come_from_one_get_and_are_marked() {
    let (fake, client) = fake().await;
    let wanted = track("Duet Synced Song", "Duet Album", 200_000);
    let lyrics = client.find(&wanted).await.unwrap().unwrap();
    assert_eq!(lyrics.provider, ProviderId::Qq);
    assert_eq!(lyrics.track_id, wanted.id);
    assert!(!lyrics.instrumental);
    assert_eq!(
        lyrics.source,
        Some(LyricsSource {
            site: LyricsSite::Lrclib,
            synced: true
        })
    );
    assert_eq!(
        texts(&lyrics),
        [(1000, "First line"), (4500, "Second line")]
    );
    assert_eq!(asked(&fake), [("/api/get".to_owned(), 200)]);
}

#[tokio::test]
async fn the_duration_matches_within_two_seconds_only() {
    let (fake, client) = fake().await;
    // 201.6 s rounds to 202: 2 s from LRCLIB's 200.
    let near = track("Duet Synced Song", "Duet Album", 201_600);
    assert!(client.find(&near).await.unwrap().is_some());
    let far = track("Duet Synced Song", "Duet Album", 203_000);
    assert_eq!(client.find(&far).await.unwrap(), None);
    assert_eq!(
        asked(&fake),
        [
            ("/api/get".to_owned(), 200),
            ("/api/get".to_owned(), 404),
            ("/api/search".to_owned(), 200),
        ],
        "the search found the record, but 3 s away it is another take"
    );
}

#[tokio::test]
async fn plain_lyrics_are_untimed_and_an_instrumental_is_said() {
    let (_fake, client) = fake().await;
    let plain = client
        .find(&track("Duet Plain Song", "Duet Album", 180_000))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        plain.source,
        Some(LyricsSource {
            site: LyricsSite::Lrclib,
            synced: false
        })
    );
    assert_eq!(texts(&plain), [(0, "Only words"), (0, "No timing")]);
    let interlude = client
        .find(&track("Duet Interlude", "Duet Album", 95_000))
        .await
        .unwrap()
        .unwrap();
    assert!(interlude.instrumental);
    assert!(interlude.lines.is_empty());
    assert_eq!(interlude.source.unwrap().site, LyricsSite::Lrclib);
}

#[tokio::test]
async fn a_record_filed_under_another_album_is_found_by_search_and_duration() {
    let (fake, client) = fake().await;
    let live = track("Duet Live Take", "Duet Live", 240_000);
    let lyrics = client.find(&live).await.unwrap().unwrap();
    assert_eq!(
        texts(&lyrics),
        [(2000, "The live take"), (5000, "Sung at home")],
        "the take within 2 s, not the remaster"
    );
    assert_eq!(
        asked(&fake),
        [
            ("/api/get".to_owned(), 404),
            ("/api/search".to_owned(), 200)
        ]
    );
}

#[tokio::test]
async fn an_unknown_track_is_nothing_not_an_error() {
    let (fake, client) = fake().await;
    let lyrics = client
        .find(&track("Never Recorded", "Nowhere", 100_000))
        .await
        .unwrap();
    assert_eq!(lyrics, None);
    assert_eq!(
        asked(&fake),
        [
            ("/api/get".to_owned(), 404),
            ("/api/search".to_owned(), 200)
        ]
    );
}

#[tokio::test]
async fn a_hostile_record_is_text_and_a_bad_stamp_is_dropped() {
    let (_fake, client) = fake().await;
    let hostile = track(
        "<script>alert(\"lrclib\")</script> & \"Duet\" '; --",
        "Duet Album",
        150_000,
    );
    let lyrics = client.find(&hostile).await.unwrap().unwrap();
    assert_eq!(
        texts(&lyrics),
        [
            (1000, "<img src=x onerror=alert(1)>"),
            (2000, "\u{0}nul & \"quotes\" 🎵"),
        ]
    );
}

#[tokio::test]
async fn server_errors_and_truncated_bodies_are_typed() {
    let (fake, client) = fake().await;
    let wanted = track("Duet Synced Song", "Duet Album", 200_000);
    fake.fail(Fault::new(FaultKind::ServerError).path("lrclib.net/api/get"));
    let error = client.find(&wanted).await.unwrap_err();
    assert!(matches!(error, LrclibError::Status(500)), "{error:?}");
    assert_eq!(
        duet_core::Error::from(error).kind,
        duet_core::ErrorKind::Upstream
    );
    fake.fail(Fault::new(FaultKind::Truncated).path("lrclib.net"));
    let error = client.find(&wanted).await.unwrap_err();
    assert!(matches!(error, LrclibError::BadAnswer(_)), "{error:?}");
    fake.fail(Fault::new(FaultKind::Oversized).path("lrclib.net"));
    let error = client.find(&wanted).await.unwrap_err();
    assert!(matches!(error, LrclibError::TooLarge), "{error:?}");
    assert!(
        client.find(&wanted).await.unwrap().is_some(),
        "and then it works"
    );
}

#[tokio::test]
async fn an_unreachable_lrclib_is_a_network_error() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let upstream = Upstream::parse_override(&format!("http://127.0.0.1:{port}")).unwrap();
    let client = LrclibClient::new(upstream).unwrap();
    let error = client
        .find(&track("Duet Synced Song", "Duet Album", 200_000))
        .await
        .unwrap_err();
    assert!(matches!(error, LrclibError::Network(_)), "{error:?}");
    assert_eq!(
        duet_core::Error::from(error).kind,
        duet_core::ErrorKind::Network
    );
}

#[tokio::test]
async fn each_track_is_asked_once_a_session_and_a_failure_is_asked_again() {
    let (fake, client) = fake().await;
    let lrclib = Lrclib::new(client);
    let wanted = track("Duet Synced Song", "Duet Album", 200_000);
    let unknown = track("Never Recorded", "Nowhere", 100_000);
    fake.fail(Fault::new(FaultKind::ServerError).path("lrclib.net"));
    assert!(lrclib.lyrics(&wanted).await.is_err());
    let first = lrclib.lyrics(&wanted).await.unwrap();
    assert_eq!(lrclib.lyrics(&wanted).await.unwrap(), first);
    assert_eq!(lrclib.lyrics(&unknown).await.unwrap(), None);
    assert_eq!(lrclib.lyrics(&unknown).await.unwrap(), None);
    assert_eq!(
        asked(&fake),
        [
            ("/api/get".to_owned(), 500),
            ("/api/get".to_owned(), 200),
            ("/api/get".to_owned(), 404),
            ("/api/search".to_owned(), 200),
        ]
    );
}

#[tokio::test]
async fn only_a_service_answer_without_lines_is_filled_in() {
    let (fake, client) = fake().await;
    let lrclib = Lrclib::new(client);
    let wanted = track("Duet Synced Song", "Duet Album", 200_000);
    let service = |lines: Vec<duet_core::LyricLine>, instrumental| Lyrics {
        provider: ProviderId::Qq,
        track_id: wanted.id.clone(),
        instrumental,
        lines,
        source: None,
        second_source_error: None,
    };
    let sung = service(
        vec![duet_core::LyricLine {
            start_ms: 0,
            text: "the service's own".into(),
            translation: None,
            romanized: None,
            words: None,
        }],
        false,
    );
    assert_eq!(lrclib.fill_in(sung.clone(), &wanted).await, sung);
    assert!(
        asked(&fake).is_empty(),
        "no request when the service had lines"
    );
    // NetEase's `nolyric` and the pure-music marks arrive as instrumental with no lines.
    let filled = lrclib.fill_in(service(Vec::new(), true), &wanted).await;
    assert_eq!(filled.source.unwrap().site, LyricsSite::Lrclib);
    assert_eq!(filled.lines.len(), 2);
    // LRCLIB down: the service's answer stays, with why nothing came from LRCLIB; nothing
    // panics, and the next ask tries again.
    let other = track("Duet Plain Song", "Duet Album", 180_000);
    fake.fail(Fault::new(FaultKind::ServerError).path("lrclib.net"));
    let kept = lrclib.fill_in(service(Vec::new(), false), &other).await;
    assert_eq!(kept.source, None);
    assert!(kept.lines.is_empty());
    let why = kept.second_source_error.expect("the failure is carried");
    assert_eq!(why.kind, duet_core::ErrorKind::Upstream);
    assert!(why.message.contains("LRCLIB"), "{why:?}");
    let again = lrclib.fill_in(service(Vec::new(), false), &other).await;
    assert_eq!(again.source.unwrap().site, LyricsSite::Lrclib);
    assert!(again.second_source_error.is_none());
}

#[tokio::test]
async fn the_fake_refuses_a_client_that_does_not_name_itself_or_skips_a_parameter() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let base = fake.base_url();
    let http = reqwest::Client::new();
    let get = |ua: &'static str, query: &'static str| {
        let request = http.get(format!("{base}/lrclib.net/api/get?{query}"));
        let request = if ua.is_empty() {
            request
        } else {
            request.header("user-agent", ua)
        };
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let full = "track_name=Duet%20Synced%20Song&artist_name=Duet%20Singer&album_name=Duet%20Album&duration=200";
    assert_eq!(get(USER_AGENT, full).await, 200);
    assert_eq!(get("", full).await, 400);
    assert_eq!(get("reqwest/0.12", full).await, 400);
    assert_eq!(
        get(
            USER_AGENT,
            "track_name=Duet%20Synced%20Song&artist_name=Duet%20Singer&duration=200"
        )
        .await,
        400,
        "album_name is required"
    );
    assert_eq!(
        get(
            USER_AGENT,
            "track_name=Duet%20Synced%20Song&artist_name=Duet%20Singer&album_name=Duet%20Album&duration=long"
        )
        .await,
        400
    );
}
