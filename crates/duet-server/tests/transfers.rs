//! `/v1/transfers…` through duet-server against the fake, both services logged in: "Duet twins"
//! moved from NetEase to QQ Music and read back through `/v1/qq/…`; a refused write stops the
//! job, which a restarted server resumes into the same playlist; each route's typed errors.

// Sessions go through the Secret Service, which runs on Linux (./dev test starts one).
#![cfg(target_os = "linux")]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::*;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::{self, TWINS_PLAYLIST_ID, TWINS_PLAYLIST_NAME};
use duet_fake_upstream::{FakeUpstream, Fault, FaultKind};
use serde_json::{json, Value};

struct DataDir(PathBuf);

impl DataDir {
    fn new(name: &str) -> DataDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        DataDir(std::env::temp_dir().join(format!(
            "duet-server-transfers-{name}-{}-{nanos}",
            std::process::id()
        )))
    }

    fn options(&self) -> Options {
        Options {
            extra_args: vec!["--data-dir".into(), self.0.display().to_string()],
            ..Options::default()
        }
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn qq_login(server: &Server, fake: &FakeUpstream) {
    let issued = fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    let (status, body) = server
        .post("/v1/qq/login/cookie", Some(json!({ "cookie": cookie })))
        .await;
    assert_eq!(status, 200, "{body}");
}

fn twins_preview_body() -> Value {
    json!({
        "source": {"provider": "netease", "playlist": TWINS_PLAYLIST_ID.to_string()},
        "target": "qq",
    })
}

/// Polls the job until it is no longer running.
async fn settled(server: &Server, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, job) = server.get(&format!("/v1/transfers/{id}")).await;
        assert_eq!(status, 200, "{job}");
        if job["status"] != "running" {
            return job;
        }
        assert!(Instant::now() < deadline, "still running: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn qq_playlists_named(server: &Server, name: &str) -> Vec<String> {
    let (status, mine) = server.get("/v1/qq/me/playlists").await;
    assert_eq!(status, 200, "{mine}");
    mine.as_array()
        .unwrap()
        .iter()
        .filter(|p| p["name"] == name)
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn qq_track_ids(server: &Server, playlist: &str) -> Vec<String> {
    let (status, read) = server.get(&format!("/v1/qq/playlists/{playlist}")).await;
    assert_eq!(status, 200, "{read}");
    let mut ids: Vec<String> = read["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn twin_mids() -> Vec<String> {
    let mut mids: Vec<String> = twins::TWINS_PLAYLIST_TRACKS
        .iter()
        .filter_map(|id| twins::twins().iter().find(|t| t.netease.id == *id))
        .map(|t| t.qq.track_id())
        .collect();
    mids.sort();
    mids
}

#[tokio::test]
async fn duet_twins_moves_to_qq_music_and_reads_back_there() {
    let fake = fake().await;
    let data = DataDir::new("move");
    let server = Server::start_with(&fake, &keychain_service(), data.options()).await;

    let (status, body) = server
        .post("/v1/transfers/preview", Some(twins_preview_body()))
        .await;
    assert_error(status, &body, 401, "not_logged_in");
    server.login(&fake).await;
    let (status, body) = server
        .post("/v1/transfers/preview", Some(twins_preview_body()))
        .await;
    assert_error(status, &body, 401, "not_logged_in");
    assert_eq!(body["error"]["provider"], "qq", "{body}");
    qq_login(&server, &fake).await;

    let (status, preview) = server
        .post("/v1/transfers/preview", Some(twins_preview_body()))
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["source_name"], TWINS_PLAYLIST_NAME);
    assert_eq!(preview["destination"], "playlist");
    let items = preview["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    let count = |c: &str| items.iter().filter(|i| i["confidence"] == c).count();
    assert_eq!(count("sure"), 6, "{preview}");
    assert_eq!(items[7]["confidence"], "missing", "no counterpart");

    let (status, job) = server
        .post(
            "/v1/transfers",
            Some(json!({"preview_id": preview["id"], "name": "Twins, moved"})),
        )
        .await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let job = settled(&server, &id).await;
    assert_eq!(job["status"], "finished", "{job}");
    assert_eq!(job["outcome"]["added"], 6);
    assert_eq!(job["outcome"]["skipped"], 2);

    let playlists = qq_playlists_named(&server, "Twins, moved").await;
    assert_eq!(playlists.len(), 1);
    assert_eq!(job["playlist_id"], playlists[0].as_str());
    assert_eq!(qq_track_ids(&server, &playlists[0]).await, twin_mids());

    let (status, list) = server.get("/v1/transfers").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list[0]["id"], id.as_str());
    // Stopping or resuming a finished job changes nothing.
    for action in ["stop", "resume"] {
        let (status, again) = server
            .post(&format!("/v1/transfers/{id}/{action}"), None)
            .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(again["status"], "finished");
    }
    assert!(data
        .0
        .join("transfers")
        .join(format!("{id}.json"))
        .is_file());
}

#[tokio::test]
async fn a_refused_write_stops_the_job_and_a_restarted_server_resumes_it() {
    let fake = fake().await;
    let data = DataDir::new("resume");
    let service = keychain_service();
    let server = Server::start_with(&fake, &service, data.options()).await;
    server.login(&fake).await;
    qq_login(&server, &fake).await;
    let (_, preview) = server
        .post("/v1/transfers/preview", Some(twins_preview_body()))
        .await;
    fake.qq()
        .fail(Fault::new(FaultKind::QqRateLimited).method("AddSonglist"));
    let (status, job) = server
        .post("/v1/transfers", Some(json!({"preview_id": preview["id"]})))
        .await;
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_str().unwrap().to_owned();
    let failed = settled(&server, &id).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["kind"], "rate_limited", "{failed}");
    assert_eq!(failed["error"]["provider"], "qq", "{failed}");
    assert_eq!(failed["outcome"]["failed"], 6);
    let playlist = failed["playlist_id"].as_str().unwrap().to_owned();
    server.stop().await;

    let server = Server::start_with(&fake, &service, data.options()).await;
    let (status, kept) = server.get(&format!("/v1/transfers/{id}")).await;
    assert_eq!(status, 200, "{kept}");
    assert_eq!(kept["status"], "failed");
    let (status, resumed) = server
        .post(&format!("/v1/transfers/{id}/resume"), None)
        .await;
    assert_eq!(status, 200, "{resumed}");
    let done = settled(&server, &id).await;
    assert_eq!(done["status"], "finished", "{done}");
    assert_eq!(done["playlist_id"], playlist.as_str());
    assert_eq!(
        qq_playlists_named(&server, TWINS_PLAYLIST_NAME).await,
        std::slice::from_ref(&playlist)
    );
    assert_eq!(qq_track_ids(&server, &playlist).await, twin_mids());
}

#[tokio::test]
async fn transfer_routes_answer_typed_errors() {
    let fake = fake().await;
    let data = DataDir::new("errors");
    let server = Server::start_with(&fake, &keychain_service(), data.options()).await;
    server.login(&fake).await;
    qq_login(&server, &fake).await;

    let same = json!({
        "source": {"provider": "netease", "playlist": TWINS_PLAYLIST_ID.to_string()},
        "target": "netease",
    });
    let unknown = json!({
        "source": {"provider": "netease", "playlist": "9299999999"},
        "target": "qq",
    });
    let no_such_service = json!({
        "source": {"provider": "spotify", "playlist": "1"},
        "target": "qq",
    });
    for (body, status, kind) in [
        (same, 400, "bad_request"),
        (unknown, 404, "not_found"),
        (no_such_service, 400, "bad_request"),
        (json!({"source": "x"}), 400, "bad_request"),
    ] {
        let (got, answer) = server.post("/v1/transfers/preview", Some(body)).await;
        assert_error(got, &answer, status, kind);
    }
    let (status, body) = server
        .post("/v1/transfers", Some(json!({"preview_id": "gone"})))
        .await;
    assert_error(status, &body, 404, "not_found");
    for path in ["/v1/transfers/nope", "/v1/transfers/nope/stop"] {
        let (status, body) = if path.ends_with("stop") {
            server.post(path, None).await
        } else {
            server.get(path).await
        };
        assert_error(status, &body, 404, "not_found");
    }
    let (_, preview) = server
        .post("/v1/transfers/preview", Some(twins_preview_body()))
        .await;
    let (status, body) = server
        .post(
            "/v1/transfers",
            Some(json!({"preview_id": preview["id"], "adjustments": [{"index": 42, "choice": {"action": "skip"}}]})),
        )
        .await;
    assert_error(status, &body, 400, "bad_request");
}
