//! The twin catalogue through the real providers: both fakes list the same recordings the way
//! each service writes them, with the near misses beside them, and play them (or refuse to)
//! as the table says.

use duet_core::{Provider, Quality, SearchItems, SearchQuery, SearchType, Track};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{
    self, Availability, Miss, Service, TWINS_PLAYLIST_ID, TWINS_PLAYLIST_NAME,
    TWINS_PLAYLIST_TRACKS,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_test_support::{netease_logged_in, qq_logged_in};

async fn search_tracks(provider: &dyn Provider, q: &str, size: u32) -> (u64, Vec<Track>) {
    let query = SearchQuery::new(q, SearchType::Track, 1, size).unwrap();
    let page = provider.search(&query).await.unwrap();
    let SearchItems::Track(tracks) = page.items else {
        panic!("not tracks: {:?}", page.items)
    };
    (page.total, tracks)
}

fn artist_names(t: &Track) -> Vec<&str> {
    t.artists.iter().map(|a| a.name.as_str()).collect()
}

fn misses_on(service: Service, title_has: &str) -> Vec<String> {
    twins::near_misses()
        .iter()
        .filter(|m| m.service == service && m.listing.title.contains(title_has))
        .map(|m| m.listing.track_id())
        .collect()
}

#[tokio::test]
async fn searching_qingtian_finds_the_twin_first_then_its_near_misses_on_both() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let twin = twins::twin_titled("晴天").unwrap();
    let (ne, qq) = (
        netease_logged_in(&fake).await,
        qq_logged_in(&fake, QqAccount::Qq).await,
    );

    for (provider, service, listing) in [
        (&ne as &dyn Provider, Service::Netease, &twin.netease),
        (&qq as &dyn Provider, Service::Qq, &twin.qq),
    ] {
        let (total, tracks) = search_tracks(provider, "晴天", 20).await;
        let first = &tracks[0];
        assert_eq!(first.id, listing.track_id(), "{service:?}");
        assert_eq!(first.title, "晴天");
        assert_eq!(artist_names(first), ["周杰伦"]);
        assert_eq!(first.album.name, "叶惠美");
        assert_eq!(first.duration_ms, listing.duration_ms);
        assert!(first.playable);
        let ids: Vec<&str> = tracks.iter().map(|t| t.id.as_str()).collect();
        let misses = misses_on(service, "晴天");
        assert!(
            misses.len() >= 3,
            "{service:?}: live, instrumental, cover/same title"
        );
        for miss in &misses {
            assert!(
                ids.contains(&miss.as_str()),
                "{service:?} lacks {miss}: {ids:?}"
            );
        }
        // The synthesised hits follow, and the total counts the twin entries too (QQ's 137
        // already held its captured 晴天, the twin).
        let found = 1 + misses.len();
        assert_ne!(tracks[found].title, "晴天");
        assert!(tracks[found..].iter().all(|t| !misses.contains(&t.id)));
        let already = u64::from(service == Service::Qq);
        assert_eq!(total, 137 + found as u64 - already, "{service:?}");
    }

    // The live version and the backing track are listed as the services write them.
    let (_, tracks) = search_tracks(&ne, "晴天", 10).await;
    let titles: Vec<&str> = tracks.iter().map(|t| t.title.as_str()).collect();
    assert!(titles.contains(&"晴天 (Live)") && titles.contains(&"晴天 (伴奏)"));
    let (_, tracks) = search_tracks(&qq, "晴天", 10).await;
    let titles: Vec<&str> = tracks.iter().map(|t| t.title.as_str()).collect();
    assert!(titles.contains(&"晴天 (Live)") && titles.contains(&"晴天 (Instrumental)"));
}

#[tokio::test]
async fn each_side_is_written_its_own_way() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (ne, qq) = (
        netease_logged_in(&fake).await,
        qq_logged_in(&fake, QqAccount::Qq).await,
    );
    for title in [
        "后来",
        "Let Me Love You",
        "说好不哭 (with 五月天阿信)",
        "光年之外",
    ] {
        let twin = twins::twin_titled(title).unwrap();
        let n = ne.track(&twin.netease.track_id()).await.unwrap();
        let q = qq.track(&twin.qq.track_id()).await.unwrap();
        assert_eq!(n.title, twin.netease.title);
        assert_eq!(q.title, twin.qq.title);
        assert_eq!(artist_names(&n), twin.netease.artists);
        assert_eq!(artist_names(&q), twin.qq.artists);
        assert_eq!(n.album.name, twin.netease.album);
        assert_eq!(q.album.name, twin.qq.album);
        assert_eq!(n.duration_ms, twin.netease.duration_ms);
        assert_eq!(q.duration_ms, twin.qq.duration_ms);
    }
    let q = qq.track("004DuetTwin004").await.unwrap();
    assert_eq!(
        (q.title.as_str(), q.artists[0].name.as_str()),
        ("後來", "劉若英")
    );
    // Searching QQ Music with NetEase's spelling finds QQ's full-width one.
    let (_, tracks) = search_tracks(&qq, "说好不哭 (with 五月天阿信)", 10).await;
    assert_eq!(tracks[0].title, "说好不哭（with 五月天阿信）");
}

#[tokio::test]
async fn a_grey_netease_twin_plays_from_qq_music() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (ne, qq) = (
        netease_logged_in(&fake).await,
        qq_logged_in(&fake, QqAccount::Qq).await,
    );
    let twin = twins::twins()
        .iter()
        .find(|t| {
            t.netease.availability == Availability::Grey
                && t.qq.availability == Availability::Normal
        })
        .unwrap();
    let grey = ne.track(&twin.netease.track_id()).await.unwrap();
    assert!(!grey.playable, "{grey:?}");
    assert!(grey.unavailable_reason.is_some());
    let refused = ne
        .stream_url(&twin.netease.track_id(), Quality::Standard)
        .await;
    assert!(refused.is_err(), "{refused:?}");

    let other = qq.track(&twin.qq.track_id()).await.unwrap();
    assert!(other.playable && !other.vip);
    let url = qq
        .stream_url(&twin.qq.track_id(), Quality::Standard)
        .await
        .unwrap();
    assert!(url.trial.is_none(), "{url:?}");
    let audio = reqwest::get(&url.url).await.unwrap();
    assert!(audio.status().is_success());
    assert!(!audio.bytes().await.unwrap().is_empty());
    // Its lyric reads like every other song's.
    assert!(!qq
        .lyrics(&twin.qq.track_id())
        .await
        .unwrap()
        .lines
        .is_empty());
}

#[tokio::test]
async fn grey_and_vip_on_one_side_only() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (ne, qq) = (
        netease_logged_in(&fake).await,
        qq_logged_in(&fake, QqAccount::Qq).await,
    );
    let find = |ne: Availability, q: Availability| {
        twins::twins()
            .iter()
            .find(|t| t.netease.availability == ne && t.qq.availability == q)
            .unwrap()
    };
    // Grey on QQ Music, plays on NetEase.
    let twin = find(Availability::Normal, Availability::Grey);
    assert!(!qq.track(&twin.qq.track_id()).await.unwrap().playable);
    assert!(qq
        .stream_url(&twin.qq.track_id(), Quality::Standard)
        .await
        .is_err());
    assert!(ne
        .stream_url(&twin.netease.track_id(), Quality::Standard)
        .await
        .is_ok());
    // VIP on NetEase, plays on QQ Music.
    let twin = find(Availability::Vip, Availability::Normal);
    assert!(ne.track(&twin.netease.track_id()).await.unwrap().vip);
    assert!(qq
        .stream_url(&twin.qq.track_id(), Quality::Standard)
        .await
        .is_ok());
    // VIP on QQ Music (a trial for a non-VIP, as the fake's other pay-to-play songs), a plain
    // song on NetEase.
    let twin = find(Availability::Normal, Availability::Vip);
    assert!(qq.track(&twin.qq.track_id()).await.unwrap().vip);
    assert!(!ne.track(&twin.netease.track_id()).await.unwrap().vip);
    // The instrumentals have no lyric on either side.
    for miss in twins::near_misses()
        .iter()
        .filter(|m| m.miss == Miss::Instrumental)
    {
        let provider: &dyn Provider = match miss.service {
            Service::Netease => &ne,
            Service::Qq => &qq,
        };
        let lyrics = provider.lyrics(&miss.listing.track_id()).await.unwrap();
        assert!(lyrics.instrumental, "{miss:?}");
    }
}

#[tokio::test]
async fn the_duet_twins_playlist_reads_back_through_netease() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let ne = netease_logged_in(&fake).await;
    let id = TWINS_PLAYLIST_ID.to_string();
    let listed = ne
        .user_playlists()
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.id == id)
        .expect("listed among the account's playlists");
    assert_eq!(listed.name, TWINS_PLAYLIST_NAME);
    assert_eq!(listed.track_count, TWINS_PLAYLIST_TRACKS.len() as u64);

    let playlist = ne.playlist(&id).await.unwrap();
    let tracks = playlist.tracks.unwrap();
    let ids: Vec<String> = tracks.iter().map(|t| t.id.clone()).collect();
    let expected: Vec<String> = TWINS_PLAYLIST_TRACKS.iter().map(u64::to_string).collect();
    assert_eq!(ids, expected);
    for t in &tracks {
        let listing = twins::netease(t.id.parse().unwrap()).unwrap();
        assert_eq!(t.title, listing.title);
        assert_eq!(t.duration_ms, listing.duration_ms);
        assert_eq!(t.playable, listing.availability != Availability::Grey);
    }
    // A near miss and a recording QQ Music does not have are in it.
    let kinds: Vec<Miss> = twins::near_misses()
        .iter()
        .filter(|m| m.service == Service::Netease && TWINS_PLAYLIST_TRACKS.contains(&m.listing.id))
        .map(|m| m.miss)
        .collect();
    assert!(kinds.contains(&Miss::Live) && kinds.contains(&Miss::NoCounterpart));

    // A few twins are liked on NetEase.
    let liked = ne.liked_ids().await.unwrap();
    for id in twins::LIKED_TWINS {
        assert!(liked.contains(&id.to_string()), "{id}");
    }
}

#[tokio::test]
async fn a_twins_album_page_lists_it_on_both_sides() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let (ne, qq) = (
        netease_logged_in(&fake).await,
        qq_logged_in(&fake, QqAccount::Qq).await,
    );
    let twin = twins::twin_titled("平凡之路").unwrap();
    for (provider, listing) in [
        (&ne as &dyn Provider, &twin.netease),
        (&qq as &dyn Provider, &twin.qq),
    ] {
        let track = provider.track(&listing.track_id()).await.unwrap();
        let album = provider.album(&track.album.id).await.unwrap();
        assert_eq!(album.name, listing.album);
        let tracks = album.tracks.unwrap();
        let ids: Vec<String> = tracks.iter().map(|t| t.id.clone()).collect();
        assert_eq!(ids, [listing.track_id()]);
        assert_eq!(tracks[0].title, "平凡之路");
        assert_eq!(album.artists[0].name, "朴树");
    }
    // The NetEase album 叶惠美 holds the twin and its backing track, nothing made up.
    let qingtian = twins::twin_titled("晴天").unwrap();
    let track = ne.track(&qingtian.netease.track_id()).await.unwrap();
    let album = ne.album(&track.album.id).await.unwrap();
    let tracks = album.tracks.unwrap();
    let titles: Vec<&str> = tracks.iter().map(|t| t.title.as_str()).collect();
    assert_eq!(titles, ["晴天", "晴天 (伴奏)"]);
}
