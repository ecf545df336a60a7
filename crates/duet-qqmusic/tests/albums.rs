//! Album and singer pages against the strict fake: every track with its marks, a 2,000-track
//! album over several pages, a singer's 300 albums page by page, similar singers, hostile names
//! kept as they are, and the typed errors of a malformed or unknown mid.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::{ArtistAlbums, ErrorKind, MemoryStore, Provider, Upstream};
use duet_fake_upstream::qq::albums::{
    HOSTILE_ALBUM_MID, HOSTILE_SINGER_MID, LONG_ALBUM_MID, LONG_ALBUM_TRACKS,
    PROLIFIC_SINGER_ALBUMS, PROLIFIC_SINGER_MID, SPECIAL_ALBUM_MID,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_qqmusic::{Config, QqProvider};

async fn setup() -> (FakeUpstream, QqProvider) {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let mut config = Config::new(Upstream::parse_override(&fake.base_url()).unwrap());
    config.pace = Pace::TEST;
    let provider = QqProvider::new(config, Arc::new(MemoryStore::new())).unwrap();
    (fake, provider)
}

#[tokio::test]
async fn an_album_has_all_its_tracks_across_pages() {
    let (_fake, provider) = setup().await;
    let album = provider.album(LONG_ALBUM_MID).await.unwrap();
    let tracks = album.tracks.as_ref().unwrap();
    assert_eq!(tracks.len() as u64, LONG_ALBUM_TRACKS);
    assert_eq!(album.track_count, Some(LONG_ALBUM_TRACKS));
    let unique: std::collections::HashSet<_> = tracks.iter().map(|t| &t.id).collect();
    assert_eq!(unique.len(), tracks.len());
    assert_eq!(album.artists[0].id, PROLIFIC_SINGER_MID);
    assert!(album.description.is_some());
    assert!(album.published_at_ms.is_some());
    assert!(album.cover_url.is_some());
}

#[tokio::test]
async fn an_albums_tracks_keep_their_vip_marks() {
    let (_fake, provider) = setup().await;
    let album = provider.album(SPECIAL_ALBUM_MID).await.unwrap();
    let tracks = album.tracks.unwrap();
    assert_eq!(tracks.len(), 9);
    let trial = tracks.iter().find(|t| t.id == "001DuetTrial01").unwrap();
    assert!(trial.vip);
    assert!(tracks.iter().any(|t| !t.vip));
}

#[tokio::test]
async fn hostile_names_arrive_as_text() {
    let (_fake, provider) = setup().await;
    let album = provider.album(HOSTILE_ALBUM_MID).await.unwrap();
    assert!(album.name.contains("<img src=x onerror=alert(1)>"));
    assert!(album.description.unwrap().contains("<script>"));
    assert_eq!(album.tracks.unwrap().len(), 66);
    let singer = provider.artist(HOSTILE_SINGER_MID).await.unwrap();
    assert!(singer.name.contains("DROP TABLE"));
}

#[tokio::test]
async fn a_singer_page_and_300_albums_a_page_at_a_time() {
    let (_fake, provider) = setup().await;
    let singer = provider.artist(PROLIFIC_SINGER_MID).await.unwrap();
    assert_eq!(singer.top_tracks.len(), 50);
    assert!(singer.description.is_some());
    assert!(singer.picture_url.is_some());
    assert_eq!(singer.similar[0].id, HOSTILE_SINGER_MID);

    let mut seen = Vec::new();
    let mut page = 1;
    loop {
        let albums = provider
            .artist_albums(PROLIFIC_SINGER_MID, page)
            .await
            .unwrap();
        assert_eq!(albums.total, PROLIFIC_SINGER_ALBUMS);
        assert_eq!(albums.page_size, ArtistAlbums::PAGE_SIZE);
        seen.extend(albums.albums.into_iter().map(|a| a.id));
        if !albums.has_more {
            break;
        }
        page += 1;
    }
    assert_eq!(page, 10);
    assert_eq!(seen.len() as u64, PROLIFIC_SINGER_ALBUMS);
    assert_eq!(seen[0], LONG_ALBUM_MID);
    let unique: std::collections::HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len());
    // An album of the list opens.
    assert!(provider.album(&seen[5]).await.unwrap().tracks.is_some());
}

#[tokio::test]
async fn malformed_and_unknown_mids_are_typed_errors() {
    let (fake, provider) = setup().await;
    for bad in ["", "short", "00Al<script>00", "000MkMni19ClKG0"] {
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
    assert_eq!(
        provider
            .artist_albums(PROLIFIC_SINGER_MID, 0)
            .await
            .unwrap_err()
            .kind,
        ErrorKind::BadRequest
    );
    assert!(fake.requests().is_empty(), "nothing malformed was sent");

    let error = provider.album("00NxNoSuchAlb0").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(error.upstream_code, Some(500_003));
    assert_eq!(
        provider.artist("00NxNoSuchSng0").await.unwrap_err().kind,
        ErrorKind::NotFound
    );
    let none = provider.artist_albums("00NxNoSuchSng0", 1).await.unwrap();
    assert!(none.albums.is_empty() && !none.has_more);
}

#[tokio::test]
async fn a_playlist_tracks_album_and_singer_open() {
    let (_fake, provider) = setup().await;
    let playlist = provider.playlist("8000000030").await.unwrap();
    let track = &playlist.tracks.unwrap()[13];
    let album = provider.album(&track.album.id).await.unwrap();
    assert_eq!(album.name, track.album.name);
    assert!(album.tracks.unwrap().iter().any(|t| t.id == track.id));
    let singer = provider.artist(&track.artists[0].id).await.unwrap();
    assert_eq!(singer.name, track.artists[0].name);
    assert!(singer.top_tracks.iter().any(|t| t.id == track.id));
}
