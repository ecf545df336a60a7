//! Album and artist pages against the strict fake: every track with its marks, a 2,000-track
//! album, an artist's 300 albums page by page, similar artists for a login, hostile names kept
//! as they are, and the typed errors of a malformed or unknown id.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::provider::QrPoll;
use duet_core::{ArtistAlbums, ErrorKind, MemoryStore, Provider, QrMethod, Upstream};
use duet_fake_upstream::netease::albums::{
    HOSTILE_ALBUM_ID, HOSTILE_ARTIST_ID, LONG_ALBUM_ID, LONG_ALBUM_TRACKS, MISSING_IDS,
    PROLIFIC_ARTIST_ALBUMS, PROLIFIC_ARTIST_ID,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Transport};
use duet_netease::{Config, NeteaseProvider};

async fn setup() -> (FakeUpstream, NeteaseProvider) {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let provider = NeteaseProvider::new(config, Arc::new(MemoryStore::new())).unwrap();
    (fake, provider)
}

async fn log_in(fake: &FakeUpstream, provider: &NeteaseProvider) {
    let ticket = provider.qr_start(QrMethod::App).await.unwrap();
    fake.netease().scan(&ticket.key);
    fake.netease().confirm(&ticket.key);
    loop {
        if let QrPoll::Confirmed { .. } = provider.qr_poll(&ticket.key).await.unwrap() {
            break;
        }
    }
}

fn calls_to(fake: &FakeUpstream, prefix: &str) -> Vec<(Transport, Option<i64>)> {
    fake.requests()
        .iter()
        .filter(|r| r.logical_path.starts_with(prefix))
        .map(|r| (r.transport, r.code))
        .collect()
}

#[tokio::test]
async fn an_album_has_all_its_tracks_with_their_marks() {
    let (fake, provider) = setup().await;
    let album = provider.album(&LONG_ALBUM_ID.to_string()).await.unwrap();
    let tracks = album.tracks.as_ref().unwrap();
    assert_eq!(tracks.len() as u64, LONG_ALBUM_TRACKS);
    assert_eq!(album.track_count, Some(LONG_ALBUM_TRACKS));
    assert_eq!(album.artists[0].id, PROLIFIC_ARTIST_ID.to_string());
    assert!(album
        .description
        .as_deref()
        .unwrap()
        .contains("duet-fake-upstream"));
    assert!(album.published_at_ms.is_some());
    // Ids ending in 13 are grey, 77 VIP: the same marks as a playlist's.
    let grey = tracks.iter().find(|t| t.id.ends_with("13")).unwrap();
    assert!(!grey.playable && grey.unavailable_reason.is_some());
    let vip = tracks.iter().find(|t| t.id.ends_with("77")).unwrap();
    assert!(vip.vip && vip.playable);
    assert!(tracks.iter().all(|t| t.album.id == album.id));
    // One weapi call, whatever the album's length.
    assert_eq!(
        calls_to(&fake, "/api/v1/album/"),
        vec![(Transport::Weapi, Some(200))]
    );
}

#[tokio::test]
async fn hostile_names_and_descriptions_arrive_as_they_are() {
    let (_fake, provider) = setup().await;
    let album = provider.album(&HOSTILE_ALBUM_ID.to_string()).await.unwrap();
    assert!(album.name.contains("<img src=x onerror=alert(1)>"));
    assert!(album.description.unwrap().contains("<script>"));
    assert_eq!(album.tracks.unwrap().len(), 66);
    let artist = provider
        .artist(&HOSTILE_ARTIST_ID.to_string())
        .await
        .unwrap();
    assert!(artist.name.contains("DROP TABLE"));
    assert!(artist.description.unwrap().contains("<script>"));
}

#[tokio::test]
async fn an_artist_page_and_300_albums_a_page_at_a_time() {
    let (fake, provider) = setup().await;
    let id = PROLIFIC_ARTIST_ID.to_string();
    let artist = provider.artist(&id).await.unwrap();
    assert_eq!(artist.id, id);
    assert_eq!(artist.album_count, Some(PROLIFIC_ARTIST_ALBUMS));
    assert_eq!(artist.top_tracks.len(), 50);
    assert!(artist.picture_url.is_some());
    assert!(artist.description.is_some());
    // Similar artists are a login's: without one they are not asked.
    assert!(artist.similar.is_empty());
    assert!(calls_to(&fake, "/api/discovery/simiArtist").is_empty());

    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let albums = provider.artist_albums(&id, page).await.unwrap();
        assert_eq!(albums.page, page);
        assert_eq!(albums.page_size, ArtistAlbums::PAGE_SIZE);
        assert_eq!(albums.total, PROLIFIC_ARTIST_ALBUMS);
        seen.extend(albums.albums.iter().map(|a| a.id.clone()));
        if !albums.has_more {
            break;
        }
        page += 1;
    }
    assert_eq!(page, 10);
    assert_eq!(seen.len() as u64, PROLIFIC_ARTIST_ALBUMS);
    assert_eq!(seen[0], LONG_ALBUM_ID.to_string());
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no album twice across pages");
    // An album of the list opens, and names its artist back.
    let album = provider.album(&seen[7]).await.unwrap();
    assert_eq!(album.artists[0].id, id);
    // Past the end: an empty last page, not an error.
    let beyond = provider.artist_albums(&id, 11).await.unwrap();
    assert!(beyond.albums.is_empty() && !beyond.has_more);
}

#[tokio::test]
async fn similar_artists_come_with_a_login() {
    let (fake, provider) = setup().await;
    log_in(&fake, &provider).await;
    let artist = provider
        .artist(&PROLIFIC_ARTIST_ID.to_string())
        .await
        .unwrap();
    assert_eq!(artist.similar.len(), 6);
    assert_eq!(artist.similar[0].id, HOSTILE_ARTIST_ID.to_string());
    assert_eq!(
        calls_to(&fake, "/api/discovery/simiArtist"),
        vec![(Transport::Weapi, Some(200))]
    );
}

#[tokio::test]
async fn malformed_and_unknown_ids_are_typed_errors() {
    let (fake, provider) = setup().await;
    for bad in ["", "12a", "-1", "<script>", "99999999999999999999999"] {
        assert_eq!(
            provider.album(bad).await.unwrap_err().kind,
            ErrorKind::BadRequest
        );
        assert_eq!(
            provider.artist(bad).await.unwrap_err().kind,
            ErrorKind::BadRequest
        );
        assert_eq!(
            provider.artist_albums(bad, 1).await.unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }
    for page in [0, ArtistAlbums::MAX_PAGE + 1] {
        assert_eq!(
            provider
                .artist_albums(&PROLIFIC_ARTIST_ID.to_string(), page)
                .await
                .unwrap_err()
                .kind,
            ErrorKind::BadRequest
        );
    }
    assert!(fake.requests().is_empty(), "nothing malformed was sent");

    let missing = MISSING_IDS.start().to_string();
    let error = provider.album(&missing).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.upstream_code, Some(404));
    assert_eq!(
        provider.artist(&missing).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    assert_eq!(
        provider.artist_albums(&missing, 1).await.unwrap_err().kind,
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn the_tracks_of_a_generated_playlist_lead_to_their_artist_and_album() {
    let (_fake, provider) = setup().await;
    let playlist = provider.playlist("9000000030").await.unwrap();
    let track = &playlist.tracks.unwrap()[0];
    assert_eq!(track.artists[0].id, PROLIFIC_ARTIST_ID.to_string());
    assert_eq!(track.album.id, LONG_ALBUM_ID.to_string());
    let artist = provider.artist(&track.artists[0].id).await.unwrap();
    assert_eq!(artist.name, track.artists[0].name);
    let album = provider.album(&track.album.id).await.unwrap();
    assert_eq!(album.name, track.album.name);
}
