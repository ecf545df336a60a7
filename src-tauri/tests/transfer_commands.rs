//! Moving a playlist across through the app's commands (Tauri's mock runtime, the real config
//! and capabilities): "Duet twins" previewed and moved from NetEase to QQ Music, its progress
//! told as events, the new playlist read back through the `playlist` command; the typed errors.

mod mock_app;

use std::time::{Duration, Instant};

use duet_app::transfer::TransferEvent;
use duet_fake_upstream::qq::QqAccount;
use duet_fake_upstream::twins::TWINS_PLAYLIST_ID;
use mock_app::MockApp;
use serde_json::{json, Value};

fn log_in_qq(mock: &MockApp) {
    let issued = mock.fake.qq().issue_session(QqAccount::Qq);
    let cookie = format!(
        "uin=o0{}; qqmusic_key={key}; qm_keyst={key}",
        issued.musicid,
        key = issued.musickey
    );
    mock.ok("login_cookie", json!({"provider": "qq", "cookie": cookie}));
}

fn twins() -> Value {
    json!({"provider": "netease", "playlist": TWINS_PLAYLIST_ID.to_string()})
}

#[test]
fn duet_twins_moves_to_qq_music_through_the_commands() {
    let mock = MockApp::start();
    let error = mock.error(
        "transfer_preview",
        json!({"source": twins(), "target": "qq"}),
    );
    assert_eq!(error["kind"], "not_logged_in", "{error}");
    mock.log_in_netease();
    log_in_qq(&mock);
    let error = mock.error(
        "transfer_preview",
        json!({"source": twins(), "target": "netease"}),
    );
    assert_eq!(error["kind"], "bad_request", "{error}");

    let preview = mock.ok(
        "transfer_preview",
        json!({"source": twins(), "target": "qq"}),
    );
    let items = preview["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    let sure = items.iter().filter(|i| i["confidence"] == "sure").count();
    assert_eq!(sure, 6, "{preview}");
    let progress: Vec<(u64, u64)> = mock
        .transfer_events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            TransferEvent::Preview(p) => Some((p.progress.done.into(), p.progress.total.into())),
            TransferEvent::Changed(_) => None,
        })
        .collect();
    assert_eq!(progress.first(), Some(&(0, 8)));
    assert_eq!(progress.last(), Some(&(8, 8)));

    let job = mock.ok(
        "transfer_start",
        json!({"request": {"preview_id": preview["id"], "name": "From NetEase"}}),
    );
    let id = job["id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(20);
    let job = loop {
        let job = mock.ok("transfer_get", json!({ "id": id }));
        if job["status"] != "running" {
            break job;
        }
        assert!(Instant::now() < deadline, "{job}");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(job["status"], "finished", "{job}");
    assert_eq!(job["outcome"]["added"], 6);
    let playlist_id = job["playlist_id"].as_str().unwrap();
    let read = mock.ok("playlist", json!({"provider": "qq", "id": playlist_id}));
    assert_eq!(read["name"], "From NetEase");
    assert_eq!(read["tracks"].as_array().unwrap().len(), 6);

    // The UI was told of the job's progress, to its end.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let finished = mock.transfer_events.lock().unwrap().iter().any(|e| {
            matches!(e, TransferEvent::Changed(c)
                if c.0.id == id && c.0.status == duet_transfer::JobStatus::Finished)
        });
        if finished {
            break;
        }
        assert!(Instant::now() < deadline, "no transfer-changed for the end");
        std::thread::sleep(Duration::from_millis(20));
    }
    let list = mock.ok("transfer_list", json!({}));
    assert_eq!(list[0]["id"], id.as_str());
    let stopped = mock.ok("transfer_stop", json!({ "id": id }));
    assert_eq!(
        stopped["status"], "finished",
        "a finished move stays finished"
    );
    let error = mock.error("transfer_get", json!({"id": "nope"}));
    assert_eq!(error["kind"], "not_found");
}
