//! `duet-server doctor` (crates/duet-doctor), the real binary against the fake, with sessions
//! stored in a real Secret Service: every read endpoint of both services answered and parsed;
//! an endpoint whose answer changed shape failing its own row with the typed error while the
//! others pass; the exit status; no secret printed; nothing written (keychain, account, key).
#![cfg(target_os = "linux")]

mod common;

use std::process::Output;

use duet_core::{CredentialStore, ProviderId, Secret};
use duet_fake_upstream::{FakeUpstream, Fault, FaultKind, QqAccount, QqIssuedSession};
use duet_qqmusic::session::{LoginKind, Session as QqSession};
use serde_json::json;

/// The sessions a person logged in to both services has, stored where the app keeps them.
struct Stored {
    service: String,
    music_u: String,
    csrf: String,
    qq: QqIssuedSession,
}

impl Stored {
    fn netease_entry(&self) -> Option<Secret> {
        common::keychain(&self.service)
            .load(ProviderId::Netease)
            .unwrap()
    }

    fn qq_entry(&self) -> Option<Secret> {
        common::keychain(&self.service)
            .load(ProviderId::Qq)
            .unwrap()
    }

    /// Every value of the sessions that must never be shown.
    fn secrets(&self) -> Vec<String> {
        let q = &self.qq;
        [
            &self.music_u,
            &self.csrf,
            &q.musickey,
            &q.refresh_key,
            &q.refresh_token,
            &q.access_token,
            &q.openid,
            &q.unionid,
        ]
        .into_iter()
        .filter(|s| s.len() >= 8)
        .cloned()
        .collect()
    }
}

/// Logs in to both services on the fake and stores the sessions in the real Secret Service.
/// `key_age_s`: how old QQ Music's key is by the local clock.
fn store_sessions(fake: &FakeUpstream, key_age_s: u64) -> Stored {
    let service = common::keychain_service();
    let keychain = common::keychain(&service);

    let netease = fake.netease().issue_session();
    let mut session = duet_netease::session::Session::new();
    session.apply_set_cookie(&format!("MUSIC_U={}; Path=/", netease.music_u));
    session.apply_set_cookie(&format!("__csrf={}; Path=/", netease.csrf));
    keychain
        .save(ProviderId::Netease, &session.to_secret())
        .expect("a Secret Service must be running (./dev test starts one)");

    let qq = fake.qq().issue_session(QqAccount::Qq);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let session = QqSession::from_login(
        LoginKind::Qq,
        &json!({
            "musicid": qq.musicid,
            "musickey": qq.musickey,
            "encryptUin": qq.encrypt_uin,
            "refresh_key": qq.refresh_key,
            "refresh_token": qq.refresh_token,
            "access_token": qq.access_token,
            "openid": qq.openid,
            "unionid": qq.unionid,
            "musickeyCreateTime": now - key_age_s,
            "keyExpiresIn": 259_200,
            "expired_at": qq.expired_at,
        }),
    )
    .unwrap();
    keychain.save(ProviderId::Qq, &session.to_secret()).unwrap();
    Stored {
        service,
        music_u: netease.music_u,
        csrf: netease.csrf,
        qq,
    }
}

async fn doctor(fake: &FakeUpstream, stored: &Stored) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_duet-server"))
        .args(["doctor", "--keychain-service", &stored.service])
        .args(["--timeout-secs", "5"])
        .env("DUET_UPSTREAM", fake.base_url())
        .env("RUST_LOG", "debug")
        .output()
        .await
        .expect("duet-server runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The table's row for `service`'s `endpoint`.
fn row<'a>(report: &'a str, service: &str, endpoint: &str) -> &'a str {
    let found: Vec<&str> = report
        .lines()
        .filter(|line| {
            let mut cells = line.trim_start().splitn(2, ' ');
            let _outcome = cells.next();
            cells
                .next()
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix(service))
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix(endpoint))
                .is_some_and(|rest| rest.starts_with(' '))
        })
        .collect();
    assert_eq!(found.len(), 1, "one {service} {endpoint} row in\n{report}");
    found[0]
}

const ENDPOINTS: [&str; 9] = [
    "session",
    "search tracks",
    "search playlists",
    "track detail",
    "lyrics",
    "playlist",
    "stream URL",
    "album",
    "artist",
];

/// Removes the test's keychain entries.
fn forget(stored: &Stored) {
    let keychain = common::keychain(&stored.service);
    for provider in [ProviderId::Netease, ProviderId::Qq] {
        let _ = keychain.delete(provider);
    }
}

#[tokio::test]
async fn every_read_endpoint_of_a_healthy_fake_is_answered_and_parsed() {
    let fake = common::fake().await;
    let stored = store_sessions(&fake, 60);
    let output = doctor(&fake, &stored).await;
    let report = stdout(&output);
    forget(&stored);

    for service in ["NetEase", "QQ Music"] {
        for endpoint in ENDPOINTS {
            let line = row(&report, service, endpoint);
            let cells: Vec<&str> = line.split_whitespace().collect();
            assert_eq!(cells[0], "ok", "{line}\n{report}");
            assert!(line.contains(" logged in yes      yes "), "{line}");
        }
    }
    assert!(row(&report, "QQ Music", "track detail").contains("晴天 – 周杰伦"));
    assert!(
        row(&report, "QQ Music", "session")
            .contains("; its key runs out in 2 d 23 h by this clock, and the app can renew it"),
        "{report}"
    );
    assert!(row(&report, "NetEase", "search tracks").contains("10 of 141"));
    assert!(report.contains("  ok    keychain"), "{report}");
    assert!(report.contains("Everything checked works."), "{report}");
    assert!(output.status.success(), "{report}");
}

#[tokio::test]
async fn an_endpoint_that_changed_shape_fails_its_row_alone() {
    let fake = common::fake().await;
    let stored = store_sessions(&fake, 60);
    // NetEase's song URL and QQ Music's playlist answer in a shape of their own (the client
    // retries nothing that was answered, but every attempt would get the new shape).
    fake.fail(
        Fault::new(FaultKind::Reshaped)
            .path("/song/enhance/player/url")
            .times(10),
    );
    fake.fail(
        Fault::new(FaultKind::Reshaped)
            .module("music.srfDissInfo.aiDissInfo")
            .method("uniform_get_Dissinfo")
            .times(10),
    );
    let output = doctor(&fake, &stored).await;
    let report = stdout(&output);
    forget(&stored);

    let failed = [("NetEase", "stream URL"), ("QQ Music", "playlist")];
    for (service, endpoint) in failed {
        let line = row(&report, service, endpoint);
        let cells: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(cells[0], "FAIL", "{line}");
        // answered, not parsed, and the typed error's kind.
        assert!(line.contains(" yes      no "), "{line}");
        assert!(line.contains("  upstream: "), "{line}");
    }
    for service in ["NetEase", "QQ Music"] {
        for endpoint in ENDPOINTS {
            if failed.contains(&(service, endpoint)) {
                continue;
            }
            let line = row(&report, service, endpoint);
            assert!(line.trim_start().starts_with("ok "), "{line}\n{report}");
        }
    }
    assert!(
        report.contains("2 failed: NetEase stream URL, QQ Music playlist."),
        "{report}"
    );
    assert!(report.contains("answered, not parsed"), "{report}");
    assert_eq!(output.status.code(), Some(1), "{report}");
}

/// Every read whose parser once took a changed shape for an empty result or a refusal (NetEase's
/// account, search, lyrics and playlist; QQ Music's lyrics, track detail and play URL),
/// reshaped once each: every one of those rows fails as "answered, not parsed" with `upstream`
/// naming the missing field, and every other row still passes.
#[tokio::test]
async fn each_answer_in_a_changed_shape_fails_as_not_parsed() {
    let fake = common::fake().await;
    let stored = store_sessions(&fake, 60);
    for path in [
        "/nuser/account/get",
        "/cloudsearch/pc",
        "/song/lyric",
        "/playlist/detail",
    ] {
        fake.fail(Fault::new(FaultKind::Reshaped).path(path));
    }
    for (module, method) in [
        ("music.musichallSong.PlayLyricInfo", "GetPlayLyricInfo"),
        ("music.pf_song_detail_svr", "get_song_detail_yqq"),
        ("vkey.GetVkeyServer", "CgiGetVkey"),
    ] {
        fake.fail(
            Fault::new(FaultKind::Reshaped)
                .module(module)
                .method(method),
        );
    }
    let output = doctor(&fake, &stored).await;
    let report = stdout(&output);
    forget(&stored);

    let failed = [
        ("NetEase", "session", "`profile`"),
        ("NetEase", "search tracks", "`result`"),
        ("NetEase", "lyrics", "`lrc`"),
        ("NetEase", "playlist", "`playlist`"),
        ("QQ Music", "track detail", "`track_info`"),
        ("QQ Music", "lyrics", "`lyric`"),
        ("QQ Music", "stream URL", "`midurlinfo`"),
    ];
    for (service, endpoint, field) in failed {
        let line = row(&report, service, endpoint);
        assert!(line.trim_start().starts_with("FAIL "), "{line}\n{report}");
        assert!(line.contains(" yes      no "), "{line}");
        assert!(line.contains("  upstream: "), "{line}");
        assert!(line.contains(field), "{line}");
    }
    for service in ["NetEase", "QQ Music"] {
        for endpoint in ENDPOINTS {
            if failed
                .iter()
                .any(|(s, e, _)| (*s, *e) == (service, endpoint))
            {
                continue;
            }
            let line = row(&report, service, endpoint);
            assert!(line.trim_start().starts_with("ok "), "{line}\n{report}");
        }
    }
    assert!(
        report.contains(
            "7 failed: NetEase session, NetEase search tracks, NetEase lyrics, NetEase \
             playlist, QQ Music track detail, QQ Music lyrics, QQ Music stream URL."
        ),
        "{report}"
    );
    assert_eq!(output.status.code(), Some(1), "{report}");
}

#[tokio::test]
async fn prints_no_secret_and_writes_nothing() {
    let fake = common::fake().await;
    // A key an hour from its end by the local clock: the app would renew it first.
    let stored = store_sessions(&fake, 259_200 - 1800);
    let (netease_before, qq_before) = (stored.netease_entry(), stored.qq_entry());
    let output = doctor(&fake, &stored).await;
    let (netease_after, qq_after) = (stored.netease_entry(), stored.qq_entry());
    forget(&stored);

    let shown = format!(
        "{}{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{shown}");
    for secret in stored.secrets() {
        assert!(!shown.contains(&secret), "a secret was printed:\n{shown}");
    }
    // The keychain entries are as they were, byte for byte.
    assert_eq!(
        netease_before.as_ref().map(Secret::expose),
        netease_after.as_ref().map(Secret::expose)
    );
    assert_eq!(
        qq_before.as_ref().map(Secret::expose),
        qq_after.as_ref().map(Secret::expose)
    );
    // Only reads reached the services: no login, renewal, comment, check-in or logout.
    let writes = [
        "/login",
        "/logout",
        "/comments/add",
        "/comments/reply",
        "/dailyTask",
        "music.login.LoginServer",
        "CommentWriteServer",
        "ActCenterSignNewSvr.SignIn",
    ];
    let requests = fake.requests();
    assert!(requests.len() >= 14, "{requests:?}");
    for request in requests {
        let what = format!(
            "{} {}",
            request.logical_path,
            request.call.as_deref().unwrap_or_default()
        );
        assert!(
            !writes.iter().any(|w| what.contains(w)),
            "the doctor sent {what}"
        );
    }
    // Every QQ Music call went under the stored key: it was not renewed (which would retire it
    // and log the app out).
    let callers = fake.qq().callers();
    assert!(
        callers.iter().any(|c| c.call.contains("GetVkey")),
        "{callers:?}"
    );
    for caller in callers {
        assert_eq!(
            caller.qqmusic_key.as_deref(),
            Some(stored.qq.musickey.as_str()),
            "{}",
            caller.call
        );
    }
}

/// A locked keychain is reported as such, and its sessions are not read (a read would bring up
/// the unlock prompt): the services are checked anonymously. Runs the `#[ignore]`d body below in
/// a Secret Service of its own (locking the shared test keyring would break the tests beside
/// it), on the display when there is one (./dev test's Xvfb): a prompt would open there and
/// wait for a password nobody types, past the time the body allows.
#[test]
fn a_locked_keychain_is_reported_and_not_read() {
    let output = std::process::Command::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../dev"))
        .arg("with-keyring")
        .arg(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "doctor_inside_a_locked_secret_service",
            "--ignored",
            "--nocapture",
        ])
        .env("DUET_LOCKED_KEYCHAIN_RUN", "1")
        .output()
        .expect("./dev runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "the locked run failed:\n{log}");
    assert!(log.contains("1 passed"), "the body did not run:\n{log}");
}

#[tokio::test]
#[ignore = "runs inside its own Secret Service, started by the test above"]
async fn doctor_inside_a_locked_secret_service() {
    assert!(
        std::env::var_os("DUET_LOCKED_KEYCHAIN_RUN").is_some(),
        "run through the test above, never against a person's keyring"
    );
    let fake = common::fake().await;
    let stored = store_sessions(&fake, 60);
    let locked = std::process::Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.secrets",
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service.Lock",
            "array:objpath:/org/freedesktop/secrets/collection/login",
        ])
        .status()
        .unwrap();
    assert!(locked.success());

    let started = std::time::Instant::now();
    let output = doctor(&fake, &stored).await;
    let report = stdout(&output);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "waited {:?}",
        started.elapsed()
    );
    assert!(report.contains("  warn  keychain"), "{report}");
    assert!(
        report.contains("locked; the stored sessions were not read"),
        "{report}"
    );
    for service in ["NetEase", "QQ Music"] {
        let line = row(&report, service, "session");
        assert!(line.contains("skipped: no stored session"), "{line}");
        assert!(!report.contains(" logged in "), "{report}");
    }
    // The anonymous rows still ran, and a warning is no failure.
    assert!(row(&report, "NetEase", "search tracks")
        .trim_start()
        .starts_with("ok "));
    assert!(output.status.success(), "{report}");
}
