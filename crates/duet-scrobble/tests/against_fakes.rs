//! The scrobbler against the offline fakes of Last.fm and ListenBrainz (duet-fake-upstream),
//! through the upstream switch every request of Duet takes: connecting, "now playing", the
//! queue sent in order and in batches, an offline spell, a refused play, a revoked session.

use std::sync::Arc;

use duet_core::{ErrorKind, Upstream};
use duet_fake_upstream::scrobblers::{
    ScrobblerMode, FAKE_LASTFM_API_KEY, FAKE_LASTFM_API_SECRET, FAKE_LISTENBRAINZ_TOKEN,
    FAKE_SCROBBLE_USER,
};
use duet_fake_upstream::{FakeConfig, FakeUpstream};
use duet_scrobble::{Scrobble, ScrobbleService, Scrobbler, ScrobblerConfig};
use duet_services::{AccountSecrets, MemoryAccounts};

struct World {
    fake: FakeUpstream,
    secrets: Arc<MemoryAccounts>,
    scrobbler: Scrobbler,
    _dir: tempfile::TempDir,
}

async fn world() -> World {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(MemoryAccounts::default());
    let scrobbler = scrobbler_over(&fake, &dir, secrets.clone());
    World {
        fake,
        secrets,
        scrobbler,
        _dir: dir,
    }
}

fn scrobbler_over(
    fake: &FakeUpstream,
    dir: &tempfile::TempDir,
    secrets: Arc<MemoryAccounts>,
) -> Scrobbler {
    let upstream = Upstream::parse_override(&fake.base_url()).unwrap();
    let mut config = ScrobblerConfig::new(dir.path().join(duet_scrobble::QUEUE_FILE), upstream);
    config.timeout = std::time::Duration::from_secs(3);
    Scrobbler::new(config, secrets).unwrap()
}

/// An hour ago, fixed for the whole run (so a play's timestamp can be asked for again).
fn an_hour_ago() -> i64 {
    static AT: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    *AT.get_or_init(|| i64::try_from(duet_core::clock::unix_ms() / 1000).unwrap() - 3600)
}

fn play(n: usize) -> Scrobble {
    Scrobble {
        artist: "周杰伦".into(),
        title: format!("Song {n}"),
        album: Some("范特西".into()),
        duration_s: 240,
        started_at: an_hour_ago() + i64::try_from(n).unwrap(),
    }
}

async fn connect_lastfm(w: &World) {
    w.scrobbler
        .lastfm_set_api_account(FAKE_LASTFM_API_KEY, FAKE_LASTFM_API_SECRET)
        .await
        .unwrap();
    let approval = w.scrobbler.lastfm_begin().await.unwrap();
    let url = url::Url::parse(&approval.url).unwrap();
    assert!(url.path().ends_with("/www.last.fm/api/auth/"), "{url}");
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    // Before the person approves, finishing says so.
    let early = w.scrobbler.lastfm_finish().await.unwrap_err();
    assert_eq!(early.kind, ErrorKind::NotLoggedIn, "{early}");
    // The person approves on the page (the fake's form), then presses "I approved it".
    let page = reqwest::get(url.clone())
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&token), "{page}");
    let approve = url.join("approve").unwrap();
    let answer = reqwest::Client::new()
        .post(approve)
        .form(&[("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert!(answer.status().is_success());
    let status = w.scrobbler.lastfm_finish().await.unwrap();
    assert!(status.lastfm.connected);
    assert_eq!(status.lastfm.user_name.as_deref(), Some(FAKE_SCROBBLE_USER));
    w.scrobbler.set_enabled(ScrobbleService::Lastfm, true);
}

async fn connect_listenbrainz(w: &World) {
    let wrong = w
        .scrobbler
        .listenbrainz_connect("not-a-token")
        .await
        .unwrap_err();
    assert_eq!(wrong.kind, ErrorKind::BadRequest);
    let status = w
        .scrobbler
        .listenbrainz_connect(FAKE_LISTENBRAINZ_TOKEN)
        .await
        .unwrap();
    assert!(status.listenbrainz.connected);
    w.scrobbler.set_enabled(ScrobbleService::Listenbrainz, true);
}

fn titles(plays: &[duet_fake_upstream::scrobblers::ReceivedPlay]) -> Vec<String> {
    plays.iter().map(|p| p.title.clone()).collect()
}

fn expected(range: std::ops::Range<usize>) -> Vec<String> {
    range.map(|n| format!("Song {n}")).collect()
}

#[tokio::test]
async fn connecting_keeps_secrets_in_the_keychain_store_and_survives_a_restart() {
    let w = world().await;
    connect_lastfm(&w).await;
    connect_listenbrainz(&w).await;
    let lastfm = w.secrets.load("scrobble-lastfm").unwrap().unwrap();
    assert!(lastfm.expose().contains("session_key"));
    let listenbrainz = w.secrets.load("scrobble-listenbrainz").unwrap().unwrap();
    assert!(listenbrainz.expose().contains(FAKE_LISTENBRAINZ_TOKEN));
    let shown = format!("{:?} {:?}", w.scrobbler, w.scrobbler.status());
    for secret in [
        FAKE_LISTENBRAINZ_TOKEN,
        FAKE_LASTFM_API_SECRET,
        FAKE_LASTFM_API_KEY,
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    // A new start reads the accounts back.
    let dir = tempfile::tempdir().unwrap();
    let again = scrobbler_over(&w.fake, &dir, w.secrets.clone());
    again.load_accounts().await.unwrap();
    let status = again.status();
    assert!(status.lastfm.connected && status.listenbrainz.connected);
    assert!(
        !status.lastfm.enabled,
        "off until the preferences say otherwise"
    );
    // Disconnecting forgets the account.
    again
        .disconnect(ScrobbleService::Listenbrainz)
        .await
        .unwrap();
    assert!(w.secrets.load("scrobble-listenbrainz").unwrap().is_none());
}

#[tokio::test]
async fn now_playing_is_told_and_never_queued() {
    let w = world().await;
    connect_lastfm(&w).await;
    connect_listenbrainz(&w).await;
    w.scrobbler.now_playing(&play(1)).await;
    for service in ["lastfm", "listenbrainz"] {
        let got = w.fake.scrobblers().received(service).unwrap();
        assert_eq!(titles(&got.now_playing), ["Song 1"], "{service}");
        assert_eq!(got.now_playing[0].timestamp, None);
        assert!(got.scrobbles.is_empty());
    }
    // Offline, it is simply not told: nothing waits.
    w.fake
        .scrobblers()
        .set_mode("lastfm", ScrobblerMode::Offline);
    w.scrobbler.now_playing(&play(2)).await;
    assert_eq!(w.scrobbler.status().lastfm.queued, 0);
}

#[tokio::test]
async fn plays_kept_through_an_offline_spell_arrive_in_order_in_batches() {
    let w = world().await;
    connect_lastfm(&w).await;
    connect_listenbrainz(&w).await;
    let fakes = w.fake.scrobblers();
    fakes.set_mode("lastfm", ScrobblerMode::Offline);
    fakes.set_mode("listenbrainz", ScrobblerMode::ServerError);
    for n in 0..120 {
        w.scrobbler.counted(&play(n)).unwrap();
        if n % 40 == 0 {
            w.scrobbler.flush().await;
        }
    }
    let status = w.scrobbler.status();
    assert_eq!(status.lastfm.queued, 120);
    assert_eq!(status.listenbrainz.queued, 120);
    assert!(status.lastfm.last_error.is_some());
    assert!(!status.lastfm.needs_reconnect);
    assert!(fakes.received("lastfm").unwrap().failed_while_down >= 1);
    assert!(fakes.received("lastfm").unwrap().scrobbles.is_empty());

    fakes.set_mode("lastfm", ScrobblerMode::Online);
    fakes.set_mode("listenbrainz", ScrobblerMode::Online);
    w.scrobbler.flush().await;
    let lastfm = fakes.received("lastfm").unwrap();
    assert_eq!(titles(&lastfm.scrobbles), expected(0..120));
    assert_eq!(lastfm.batches, [50, 50, 20]);
    let listenbrainz = fakes.received("listenbrainz").unwrap();
    assert_eq!(titles(&listenbrainz.scrobbles), expected(0..120));
    assert_eq!(listenbrainz.batches, [100, 20]);
    let status = w.scrobbler.status();
    assert_eq!((status.lastfm.queued, status.listenbrainz.queued), (0, 0));
    assert_eq!(status.lastfm.last_error, None);
    // The timestamps are when each play began.
    assert_eq!(lastfm.scrobbles[7].timestamp, Some(play(7).started_at));
}

#[tokio::test]
async fn the_queue_survives_a_restart_while_offline() {
    let w = world().await;
    connect_listenbrainz(&w).await;
    w.fake
        .scrobblers()
        .set_mode("listenbrainz", ScrobblerMode::Offline);
    for n in 0..3 {
        w.scrobbler.counted(&play(n)).unwrap();
    }
    w.scrobbler.flush().await;
    let upstream = Upstream::parse_override(&w.fake.base_url()).unwrap();
    let config = ScrobblerConfig::new(w._dir.path().join(duet_scrobble::QUEUE_FILE), upstream);
    drop(w.scrobbler);
    let again = Scrobbler::new(config, w.secrets.clone()).unwrap();
    again.load_accounts().await.unwrap();
    again.set_enabled(ScrobbleService::Listenbrainz, true);
    assert_eq!(again.status().listenbrainz.queued, 3);
    w.fake
        .scrobblers()
        .set_mode("listenbrainz", ScrobblerMode::Online);
    again.flush().await;
    let got = w.fake.scrobblers().received("listenbrainz").unwrap();
    assert_eq!(titles(&got.scrobbles), expected(0..3));
}

#[tokio::test]
async fn a_refused_play_is_dropped_and_the_rest_go() {
    let w = world().await;
    connect_lastfm(&w).await;
    connect_listenbrainz(&w).await;
    let mut too_old = play(1);
    too_old.started_at = 1_000_000_000; // 2001: Last.fm ignores it, ListenBrainz refuses it.
    for p in [play(0), too_old, play(2), play(3)] {
        w.scrobbler.counted(&p).unwrap();
    }
    w.scrobbler.flush().await;
    let fakes = w.fake.scrobblers();
    for service in ["lastfm", "listenbrainz"] {
        let got = fakes.received(service).unwrap();
        assert_eq!(
            titles(&got.scrobbles),
            ["Song 0", "Song 2", "Song 3"],
            "{service}"
        );
    }
    assert_eq!(
        titles(&fakes.received("lastfm").unwrap().refused),
        ["Song 1"]
    );
    let status = w.scrobbler.status();
    assert_eq!((status.lastfm.queued, status.listenbrainz.queued), (0, 0));
    assert!(!status.listenbrainz.needs_reconnect);
}

#[tokio::test]
async fn an_auth_error_stops_sending_until_connected_again() {
    let w = world().await;
    connect_lastfm(&w).await;
    connect_listenbrainz(&w).await;
    let fakes = w.fake.scrobblers();
    fakes.revoke("lastfm");
    fakes.revoke("listenbrainz");
    w.scrobbler.counted(&play(0)).unwrap();
    w.scrobbler.flush().await;
    let status = w.scrobbler.status();
    for service in [&status.lastfm, &status.listenbrainz] {
        assert!(service.needs_reconnect, "{service:?}");
        assert_eq!(service.queued, 1, "kept for after reconnecting");
    }
    // Nothing more is tried while the session is refused.
    w.scrobbler.counted(&play(1)).unwrap();
    w.scrobbler.flush().await;
    w.scrobbler.now_playing(&play(2)).await;
    assert_eq!(w.scrobbler.status().lastfm.queued, 2);
    assert!(fakes.received("lastfm").unwrap().now_playing.is_empty());

    // Connecting again sends what waited, in order.
    let approval = w.scrobbler.lastfm_begin().await.unwrap();
    let (token, _) = fakes.tokens().into_iter().last().unwrap();
    assert!(approval.url.contains(&token));
    assert!(fakes.approve(&token));
    w.scrobbler.lastfm_finish().await.unwrap();
    w.scrobbler.flush().await;
    assert_eq!(
        titles(&fakes.received("lastfm").unwrap().scrobbles),
        ["Song 0", "Song 1"]
    );
    assert_eq!(w.scrobbler.status().listenbrainz.queued, 2);
}

#[tokio::test]
async fn a_service_switched_off_or_not_connected_gets_nothing() {
    let w = world().await;
    connect_listenbrainz(&w).await;
    w.scrobbler
        .set_enabled(ScrobbleService::Listenbrainz, false);
    w.scrobbler.set_enabled(ScrobbleService::Lastfm, true);
    w.scrobbler.counted(&play(0)).unwrap();
    w.scrobbler.now_playing(&play(0)).await;
    w.scrobbler.flush().await;
    let status = w.scrobbler.status();
    assert_eq!((status.lastfm.queued, status.listenbrainz.queued), (0, 0));
    let got = w.fake.scrobblers().received("listenbrainz").unwrap();
    assert!(got.scrobbles.is_empty() && got.now_playing.is_empty());
}

#[tokio::test]
async fn a_wrong_api_account_is_refused_with_a_clear_error() {
    let w = world().await;
    let short = w
        .scrobbler
        .lastfm_set_api_account("abc", "def")
        .await
        .unwrap_err();
    assert_eq!(short.kind, ErrorKind::BadRequest);
    let no_account = w.scrobbler.lastfm_begin().await;
    // Without a pasted account (and none built in), connecting says what to do.
    if !w.scrobbler.status().lastfm_api_account {
        assert_eq!(no_account.unwrap_err().kind, ErrorKind::BadRequest);
    }
    // A well-formed secret the service does not know: its signature is refused.
    w.scrobbler
        .lastfm_set_api_account(FAKE_LASTFM_API_KEY, "00000000000000000000000000000000")
        .await
        .unwrap();
    let refused = w.scrobbler.lastfm_begin().await.unwrap_err();
    assert_eq!(refused.kind, ErrorKind::BadRequest);
    assert!(refused.message.contains("error 13"), "{refused}");
    assert!(!refused.message.contains("0000000000000000"), "{refused}");
}

/// The start's keychain read may end after the person connected: it keeps what they did.
#[tokio::test]
async fn a_late_read_of_the_keychain_keeps_an_account_connected_meanwhile() {
    let w = world().await;
    connect_listenbrainz(&w).await;
    let fresh = Arc::new(MemoryAccounts::default());
    let dir = tempfile::tempdir().unwrap();
    let started = scrobbler_over(&w.fake, &dir, fresh.clone());
    started
        .listenbrainz_connect(FAKE_LISTENBRAINZ_TOKEN)
        .await
        .unwrap();
    // A read that began before the connection was written finds no entry: it must not undo it.
    fresh.delete("scrobble-listenbrainz").unwrap();
    started.load_accounts().await.unwrap();
    assert!(started.status().listenbrainz.connected);
}
