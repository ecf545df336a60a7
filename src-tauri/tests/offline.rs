//! Music offline through the app's commands (Tauri's mock runtime, the real config and
//! capabilities) against the fake upstream: a track played twice is heard the second time from
//! the cache, without a URL request or an audio download; a kept album is fetched, pinned and
//! listed; offline mode plays only what is here; a download lands tagged in the folder.

mod mock_app;

use std::time::{Duration, Instant};

use duet_app::offline::Offline;
use duet_app::prefs::PrefsStore;
use duet_app::Duet;
use duet_fake_upstream::{FakeUpstream, Transport};
use mock_app::{free_tracks, MockApp};
use serde_json::{json, Value};
use tauri::Manager;

struct Setup {
    app: MockApp,
    _dir: tempfile::TempDir,
    music: std::path::PathBuf,
}

fn start() -> Setup {
    let app = MockApp::start();
    let dir = tempfile::tempdir().unwrap();
    let music = dir.path().join("Music").join("Duet");
    let prefs = PrefsStore::open(dir.path().join("prefs.json"));
    let offline = Offline::open(
        &dir.path().join("cache"),
        &dir.path().join("data"),
        Some(music.clone()),
        &prefs.get().storage,
        // The app pauses FETCH_PACE between tracks; a test need not wait for it.
        Duration::from_millis(20),
    )
    .unwrap();
    {
        let _guard = mock_app::runtime().enter();
        offline.attach(&app.app.state::<Duet>(), &prefs);
    }
    app.app.manage(prefs);
    app.app.manage(offline);
    app.log_in_netease();
    Setup {
        app,
        _dir: dir,
        music,
    }
}

fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !check() {
        assert!(Instant::now() < deadline, "{what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Requests for a URL or for audio bytes.
fn playback_requests(fake: &FakeUpstream) -> usize {
    fake.requests()
        .iter()
        .filter(|r| {
            r.transport == Transport::Audio || r.logical_path.contains("/song/enhance/player/url")
        })
        .count()
}

fn offline_ids(app: &MockApp) -> Vec<String> {
    app.ok("offline_tracks", json!({}))
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_owned())
        .collect()
}

fn play(app: &MockApp, tracks: Vec<Value>) {
    let since = app.seen();
    app.ok("player_play", json!({ "tracks": tracks, "startIndex": 0 }));
    app.wait_event(since, "player-position", |p| {
        p["position_ms"].as_u64() > Some(0)
    });
}

fn some_playlist(app: &MockApp) -> Value {
    let lists = app.ok("user_playlists", json!({ "provider": "netease" }));
    let id = lists[0]["id"].as_str().unwrap().to_owned();
    app.ok("playlist", json!({ "provider": "netease", "id": id }))
}

#[test]
fn a_second_play_comes_from_the_cache_without_asking_the_service() {
    let setup = start();
    let app = &setup.app;
    let playlist = some_playlist(app);
    let track = free_tracks(&playlist, 1).remove(0);
    let id = track["id"].as_str().unwrap().to_owned();

    let before = playback_requests(&app.fake);
    play(app, vec![track.clone()]);
    assert!(
        playback_requests(&app.fake) >= before + 2,
        "a URL and the audio"
    );
    eventually("the track is cached", || offline_ids(app).contains(&id));
    let status = app.ok("storage_status", json!({}));
    assert_eq!(status["cache_tracks"], 1, "{status}");
    assert!(status["cache_bytes"].as_u64().unwrap() > 1000);
    assert_eq!(status["cap_bytes"], 1u64 << 30);

    app.ok("player_toggle", json!({}));
    let before = playback_requests(&app.fake);
    play(app, vec![track]);
    assert_eq!(
        playback_requests(&app.fake),
        before,
        "no URL asked for and no audio downloaded"
    );

    // Clearing the cache forgets it.
    let cleared = app.ok("cache_clear", json!({}));
    assert_eq!(cleared["cache_tracks"], 0);
    assert!(offline_ids(app).is_empty());
}

#[test]
fn a_kept_album_is_fetched_pinned_and_plays_in_offline_mode() {
    let setup = start();
    let app = &setup.app;
    let playlist = some_playlist(app);
    let track = free_tracks(&playlist, 1).remove(0);
    let album_id = track["album"]["id"].as_str().unwrap().to_owned();
    let collection = json!({ "provider": "netease", "kind": "album", "id": album_id });
    let album = app.ok("album", json!({ "provider": "netease", "id": album_id }));
    let tracks = album["tracks"].as_array().unwrap().clone();

    let status = app.ok("offline_keep", json!({ "collection": collection }));
    assert_eq!(status["jobs"][0]["kind"], "keep");
    assert_eq!(status["jobs"][0]["total"], tracks.len());
    eventually("the keep job ends", || {
        app.ok("storage_status", json!({}))["jobs"][0]["running"] == false
    });
    let status = app.ok("storage_status", json!({}));
    let job = &status["jobs"][0];
    let free = tracks
        .iter()
        .filter(|t| t["playable"] == true && t["vip"] == false)
        .count();
    assert_eq!(job["done"], free, "{job}");
    assert_eq!(status["kept"][0]["kept"], free, "{status}");
    assert_eq!(status["kept"][0]["collection"], collection);
    assert_eq!(status["kept_tracks"], free);
    assert_eq!(
        status["cache_tracks"], 0,
        "kept tracks are not the played cache"
    );

    // Offline mode: the kept track plays without a request; another is skipped and says why.
    let mut prefs = app.ok("prefs_get", json!({}));
    prefs["storage"]["offline_mode"] = json!(true);
    app.ok("prefs_set", json!({ "next": prefs }));
    eventually("offline mode is on", || {
        app.ok("storage_status", json!({}))["offline_mode"] == true
    });
    let elsewhere = free_tracks(&playlist, 5)
        .into_iter()
        .find(|t| t["album"]["id"] != album_id)
        .expect("a track of another album");
    let elsewhere_id = elsewhere["id"].clone();
    let kept = tracks
        .iter()
        .find(|t| t["playable"] == true && t["vip"] == false)
        .unwrap()
        .clone();
    let before = playback_requests(&app.fake);
    let since = app.seen();
    app.ok(
        "player_play",
        json!({ "tracks": [elsewhere, kept], "startIndex": 0 }),
    );
    let skipped = app.wait_event(since, "player-skipped", |_| true);
    assert_eq!(skipped["reason"], duet_player::OFFLINE_NOT_CACHED);
    assert_eq!(skipped["track"]["id"], elsewhere_id);
    app.wait_event(since, "player-position", |p| {
        p["position_ms"].as_u64() > Some(0)
    });
    assert_eq!(playback_requests(&app.fake), before);

    // Its page opens without the service, from the copy kept with it.
    let copy = app.ok("offline_collection", json!({ "collection": collection }));
    assert_eq!(copy["name"], album["name"]);
    assert_eq!(copy["cover_url"], album["cover_url"]);
    assert_eq!(copy["tracks"], album["tracks"]);

    // Un-keeping gives the tracks back to the cap.
    let status = app.ok("offline_unkeep", json!({ "collection": collection }));
    assert_eq!(status["kept_tracks"], 0);
    assert!(status["kept"].as_array().unwrap().is_empty());
    let gone = app.error("offline_collection", json!({ "collection": collection }));
    assert_eq!(gone["kind"], "not_found");
}

#[test]
fn a_track_downloads_into_the_folder_and_bad_settings_are_refused() {
    let setup = start();
    let (app, music) = (&setup.app, &setup.music);
    let playlist = some_playlist(app);
    let track = free_tracks(&playlist, 1).remove(0);
    let path = app.ok("download_track", json!({ "track": track, "trackNo": 3 }));
    let path = std::path::PathBuf::from(path.as_str().unwrap());
    assert!(path.starts_with(music), "{path:?}");
    assert!(path.exists());
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.ends_with(&format!("{}.mp3", track["title"].as_str().unwrap())),
        "{name}"
    );

    let mut prefs = app.ok("prefs_get", json!({}));
    assert_eq!(prefs["storage"]["file_name_pattern"], "{artist} - {title}");
    prefs["storage"]["file_name_pattern"] = json!("{genre}");
    assert_eq!(
        app.error("prefs_set", json!({ "next": prefs.clone() }))["kind"],
        "bad_request"
    );
    prefs["storage"]["file_name_pattern"] = json!("{title}");
    prefs["storage"]["download_dir"] = json!("relative/dir");
    assert_eq!(
        app.error("prefs_set", json!({ "next": prefs }))["kind"],
        "bad_request"
    );
}
