//! For tests only: the real NetEase and QQ Music providers pointed at the offline fake
//! (`duet-fake-upstream`), logged out or logged in the way a person would be, for the tests of
//! the crates that work across both services (one search, play anywhere, moving playlists, the
//! fake's twin catalogue). Nothing that ships depends on it.
//!
//! Each provider keeps its session in memory and asks the fake at a test's pace.

use std::sync::Arc;

use duet_core::budget::Pace;
use duet_core::cookies::PastedCookies;
use duet_core::provider::QrPoll;
use duet_core::{MemoryStore, Provider, QrMethod, Secret, Upstream};
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::{FakeUpstream, Transport};
use duet_netease::NeteaseProvider;
use duet_qqmusic::QqProvider;

fn upstream(fake: &FakeUpstream) -> Upstream {
    Upstream::parse_override(&fake.base_url()).expect("the fake's address is an upstream")
}

/// NetEase Cloud Music against `fake`, not logged in.
pub fn netease_logged_out(fake: &FakeUpstream) -> NeteaseProvider {
    let mut config = duet_netease::Config::new(upstream(fake));
    config.pace = Pace::TEST;
    NeteaseProvider::new(config, Arc::new(MemoryStore::new())).expect("a NetEase client")
}

/// NetEase Cloud Music logged in to `fake` by its app's QR code, scanned and confirmed.
pub async fn netease_logged_in(fake: &FakeUpstream) -> NeteaseProvider {
    let provider = netease_logged_out(fake);
    let ticket = provider
        .qr_start(QrMethod::App)
        .await
        .expect("the fake hands out a QR code");
    fake.netease().scan(&ticket.key);
    fake.netease().confirm(&ticket.key);
    let poll = provider
        .qr_poll(&ticket.key)
        .await
        .expect("the fake answers the poll");
    assert!(
        matches!(poll, QrPoll::Confirmed { .. }),
        "the scanned and confirmed QR code logged in: {poll:?}"
    );
    provider
}

/// QQ Music against `fake`, not logged in.
pub fn qq_logged_out(fake: &FakeUpstream) -> QqProvider {
    let mut config = duet_qqmusic::Config::new(upstream(fake));
    config.pace = Pace::TEST;
    QqProvider::new(config, Arc::new(MemoryStore::new())).expect("a QQ Music client")
}

/// QQ Music logged in to `fake` as `account`: a session the fake issued, pasted as the cookies
/// a person copies from the web player.
pub async fn qq_logged_in(fake: &FakeUpstream, account: QqAccount) -> QqProvider {
    let provider = qq_logged_out(fake);
    let issued = fake.qq().issue_session(account);
    let cookies = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    let pasted = PastedCookies::parse(&Secret::new(&cookies)).expect("the cookies parse");
    provider
        .cookie_login(&pasted)
        .await
        .expect("the fake accepts the session it issued");
    provider
}

/// Both services logged in to `fake` (QQ Music with its QQ account), as shared providers.
pub async fn both_logged_in(fake: &FakeUpstream) -> (Arc<dyn Provider>, Arc<dyn Provider>) {
    (
        Arc::new(netease_logged_in(fake).await),
        Arc::new(qq_logged_in(fake, QqAccount::Qq).await),
    )
}

/// The transport and business code of every request the fake saw at logical `path`, in order
/// (what a test reads to check a call was made once, over the right transport).
pub fn calls_to(fake: &FakeUpstream, path: &str) -> Vec<(Transport, Option<i64>)> {
    fake.requests()
        .iter()
        .filter(|r| r.logical_path == path)
        .map(|r| (r.transport, r.code))
        .collect()
}
