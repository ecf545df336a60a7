//! `GET /api/listenreport?format=png` through the real binary against the fake: QQ Music's own
//! report drawn as a PNG, or Duet's own listening record (the file the desktop app keeps in its
//! data folder) when QQ Music has none or nobody is logged in; the JSON route as it was; bad
//! parameters answered as `bad_request`.

// The server keeps sessions in the Secret Service, which runs on Linux (./dev test starts one).
#![cfg(target_os = "linux")]

mod common;

use common::*;
use duet_core::{ArtistRef, ProviderId};
use duet_fake_upstream::qq::QqAccount;
use duet_listening::{ListeningStore, Play};

struct Png {
    source: String,
    image: image::RgbaImage,
}

async fn png(server: &Server, path: &str, key: Option<(&str, &str)>) -> Png {
    let mut request = server.http.get(server.url(path));
    if let Some((uin, musickey)) = key {
        request = request.header("Uin", uin).header("Qm-keyst", musickey);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    assert_eq!(response.headers()["content-type"], "image/png");
    let source = response.headers()["x-duet-report-source"]
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = response.bytes().await.unwrap();
    let image = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
        .expect("a PNG that decodes")
        .to_rgba8();
    Png { source, image }
}

fn play(id: &str, title: &str, started_at_ms: i64, minutes: u64) -> Play {
    Play {
        provider: ProviderId::Netease,
        track_id: id.into(),
        title: title.into(),
        artists: vec![ArtistRef {
            id: "6452".into(),
            name: "周杰伦".into(),
        }],
        album_id: "18905".into(),
        album_name: "叶惠美".into(),
        duration_ms: 269_000,
        started_at_ms,
        heard_ms: minutes * 60_000,
    }
}

#[tokio::test]
async fn the_report_as_a_png_from_qq_music_or_from_duets_own_record() {
    // The app's data folder, as the app and the server both find it: under XDG_DATA_HOME, which
    // the server inherits from this test (the only test of this file).
    let data = tempfile::tempdir().unwrap();
    std::env::set_var("XDG_DATA_HOME", data.path());
    let record = duet_listening::app_database_path().unwrap();
    assert!(record.starts_with(data.path()), "{}", record.display());
    {
        let store = ListeningStore::open(&record).unwrap();
        let now = i64::try_from(duet_core::clock::unix_ms()).unwrap();
        store
            .record(&play("186016", "晴天", now - 3_600_000, 42))
            .unwrap();
        store
            .record(&play("185811", "以父之名", now - 7_200_000, 7))
            .unwrap();
    }

    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;

    // No QQ Music session: the JSON route says so, as before; the picture is Duet's own record.
    let (status, body) = server.get("/api/listenreport").await;
    assert_error(status, &body, 401, "not_logged_in");
    let own = png(&server, "/api/listenreport?format=png", None).await;
    assert_eq!(own.source, "duet");
    assert_eq!(own.image.width(), 1080);
    assert!(own.image.height() > 1000, "{}", own.image.height());

    // A QQ account with a report: the JSON as it was, and QQ Music's report as the picture.
    let qq = fake.qq().issue_session(QqAccount::Qq);
    let key = (qq.musicid.to_string(), qq.musickey.clone());
    let response = server
        .http
        .get(server.url("/api/listenreport"))
        .header("Uin", &key.0)
        .header("Qm-keyst", &key.1)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: serde_json::Value = response.json().await.unwrap();
    assert_eq!(report["report"]["ListenSongs"], 1460, "{report}");
    let theirs = png(
        &server,
        "/api/listenreport?format=png",
        Some((&key.0, &key.1)),
    )
    .await;
    assert_eq!(theirs.source, "qq");
    assert_eq!(theirs.image.width(), 1080);
    assert_ne!(theirs.image, own.image, "two sources, two pictures");
    let chinese = png(
        &server,
        "/api/listenreport?format=png&lang=zh&period=year",
        Some((&key.0, &key.1)),
    )
    .await;
    assert_ne!(chinese.image, theirs.image, "the Chinese words are drawn");

    // A WeChat account: QQ Music has no report for it, so the picture is Duet's own.
    let wechat = fake.qq().issue_session(QqAccount::Wechat);
    let none = png(
        &server,
        "/api/listenreport?format=png",
        Some((&wechat.musicid.to_string(), &wechat.musickey)),
    )
    .await;
    assert_eq!(none.source, "duet");
    assert_eq!(none.image, own.image);

    // Bad parameters.
    for bad in [
        "/api/listenreport?format=gif",
        "/api/listenreport?format=png&period=decade",
        "/api/listenreport?format=png&lang=fr",
    ] {
        let (status, body) = server.get(bad).await;
        assert_error(status, &body, 400, "bad_request");
        assert_eq!(body["error"]["provider"], "qq", "{body}");
    }

    // Neither QQ Music nor Duet has anything: not_found, never an empty picture.
    for suffix in ["", "-wal", "-shm"] {
        let mut file = record.as_os_str().to_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
    let (status, body) = server.get("/api/listenreport?format=png").await;
    assert_error(status, &body, 404, "not_found");
    server.stop().await;
}
