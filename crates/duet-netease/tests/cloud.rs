//! The cloud disk against the strict fake: the listing with its matched, unmatched and hostile
//! uploads, a search within it, an upload whose every step the fake checks in order (the bytes'
//! MD5 included) with its progress reported in order, and the typed refusals, none sent twice.

use std::sync::{Arc, Mutex};

use duet_core::cloud::{self, UploadFile, UploadProgress, UploadStage, CLOUD_PAGE_SIZE};
use duet_core::{ErrorKind, Provider, Quality};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_netease::cloud::{NOS_BUCKET, NOS_CHUNK};
use duet_test_support::{netease_logged_in as logged_in, netease_logged_out as provider_for};

/// A real MP3 of about 2.6 MiB (the fake's tone, its frames repeated): three chunks.
fn song_file(name: &str) -> UploadFile {
    let tone = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../duet-fake-upstream/audio/tone.mp3"
    ))
    .unwrap();
    let mut bytes = Vec::new();
    while bytes.len() < 2 * NOS_CHUNK + NOS_CHUNK / 2 {
        bytes.extend_from_slice(&tone);
    }
    duet_upload::from_bytes(name, bytes).unwrap()
}

/// The logical paths the fake saw after login, in order, the NOS ones by host.
fn steps(fake: &FakeUpstream) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| match r.host.as_str() {
            "wanproxy.127.net" => "lbs".to_owned(),
            "nosup-jd1.127.net" => "nos".to_owned(),
            _ => r.logical_path.clone(),
        })
        .filter(|p| {
            p.starts_with("/api/cloud")
                || p.contains("/cloud/")
                || p.contains("/nos/")
                || p == "lbs"
                || p == "nos"
        })
        .collect()
}

#[tokio::test]
async fn the_listing_shows_matched_unmatched_and_hostile_uploads() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let page = provider.cloud_tracks(1).await.unwrap();
    assert_eq!(page.total, 3);
    assert!(!page.has_more);
    assert_eq!(page.items.len(), 3);
    assert!(page.capacity_bytes.unwrap() > page.used_bytes.unwrap());

    let hostile = &page.items[0];
    assert!(
        hostile.track.title.starts_with("<img src=x"),
        "kept as text"
    );
    assert!(hostile.file_name.contains('\u{202e}'));
    assert_eq!(hostile.matched, None);

    let only_a_name = &page.items[1];
    assert_eq!(only_a_name.track.id, "9500000001");
    assert_eq!(
        only_a_name.track.title, "rehearsal 2019-03-02",
        "the file's name"
    );
    assert_eq!(only_a_name.file_name, "rehearsal 2019-03-02.m4a");
    assert_eq!(only_a_name.track.artists[0].name, "未知艺术家");
    assert_eq!(only_a_name.track.artists[0].id, "");
    assert_eq!(only_a_name.bitrate_kbps, Some(256));
    assert!(only_a_name.matched.is_none());
    assert!(only_a_name.track.playable);

    let matched = &page.items[2];
    let catalogue = matched.matched.as_ref().expect("matched to the catalogue");
    assert_eq!(catalogue.id, "347230");
    assert_eq!(catalogue.title, "海阔天空");
    assert_eq!(matched.track.title, "海阔天空");
    assert_eq!(matched.track.artists[0].name, "Beyond");
    assert!(
        matched.uploaded_at_ms < only_a_name.uploaded_at_ms,
        "newest first"
    );
    assert_eq!(matched.file_size, 35_678_901);
    assert!(
        matched.track.playable && !matched.track.vip,
        "the person's own file plays whole, whatever the catalogue's copy"
    );

    let past = provider.cloud_tracks(2).await.unwrap();
    assert!(past.items.is_empty() && !past.has_more);
    for bad in [0, 10_001] {
        let error = provider.cloud_tracks(bad).await.unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{bad}");
    }
}

#[tokio::test]
async fn an_upload_plays_the_steps_in_order_and_reports_its_progress() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let file = song_file("我的 demo.v2.mp3");
    let total = file.bytes.len() as u64;
    fake.netease().clear_requests();

    let seen: Arc<Mutex<Vec<UploadProgress>>> = Arc::default();
    let sink = {
        let seen = seen.clone();
        move |p: UploadProgress| seen.lock().unwrap().push(p)
    };
    let uploaded = provider.cloud_upload(&file, &sink).await.unwrap();

    assert_eq!(
        steps(&fake),
        [
            "/api/cloud/upload/check",
            "/api/nos/token/alloc",
            "lbs",
            "nos",
            "nos",
            "nos",
            "/api/upload/cloud/info/v2",
            "/api/cloud/pub/v2",
        ]
    );
    let seen = seen.lock().unwrap().clone();
    let stages: Vec<UploadStage> = seen.iter().map(|p| p.stage).collect();
    assert_eq!(stages.first(), Some(&UploadStage::Checking));
    assert_eq!(stages.last(), Some(&UploadStage::Done));
    let sent: Vec<u64> = seen
        .iter()
        .filter(|p| p.stage == UploadStage::Sending)
        .map(|p| p.sent_bytes)
        .collect();
    let chunk = NOS_CHUNK as u64;
    assert_eq!(sent, [0, chunk, 2 * chunk, total]);
    assert!(
        stages.windows(2).all(|w| w[0] as u8 <= w[1] as u8),
        "{stages:?}"
    );
    assert!(seen.iter().all(|p| p.total_bytes == total));

    // Not matched: the file's own name (no tags), kept, first in the listing, and it plays.
    assert_eq!(uploaded.track.title, "我的 demo.v2");
    assert_eq!(uploaded.file_name, "我的 demo.v2.mp3");
    assert_eq!(uploaded.file_size, total);
    assert!(uploaded.matched.is_none());
    let page = provider.cloud_tracks(1).await.unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(page.items[0].track.id, uploaded.track.id);
    assert_eq!(
        fake.netease().cloud_song_ids()[0].to_string(),
        uploaded.track.id
    );
    let url = provider
        .stream_url(&uploaded.track.id, Quality::Standard)
        .await
        .unwrap();
    let audio = reqwest::get(&url.url).await.unwrap();
    assert!(audio.status().is_success());
    assert!(!audio.bytes().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_same_file_again_is_already_there_and_nothing_is_sent() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let file = song_file("twice.mp3");
    provider.cloud_upload(&file, &|_| {}).await.unwrap();
    fake.netease().clear_requests();
    let error = provider.cloud_upload(&file, &|_| {}).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::AlreadyExists, "{error:?}");
    assert!(error.message.contains("twice.mp3"));
    assert_eq!(
        steps(&fake),
        ["/api/cloud/upload/check", "/api/v1/cloud/get/byids"],
        "no token, no bytes, nothing published"
    );
    assert_eq!(provider.cloud_tracks(1).await.unwrap().total, 4);
}

#[tokio::test]
async fn a_refused_step_keeps_its_reason_and_nothing_is_sent_twice() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let cases = [
        (
            "/cloud/upload/check",
            FaultKind::RiskControl,
            ErrorKind::RiskControl,
        ),
        (
            "/nos/token/alloc",
            FaultKind::RateLimit,
            ErrorKind::RateLimited,
        ),
        (
            "/upload/cloud/info/v2",
            FaultKind::ServerError,
            ErrorKind::Upstream,
        ),
        (
            "/cloud/pub/v2",
            FaultKind::Verification,
            ErrorKind::VerificationRequired,
        ),
    ];
    for (n, (path, fault, kind)) in cases.into_iter().enumerate() {
        fake.netease().clear_requests();
        fake.netease().fail(Fault::new(fault).path(path));
        let file = song_file(&format!("refused {n}.mp3"));
        let mut file = file;
        file.bytes.push(n as u8);
        file.md5_hex = {
            use md5::Digest as _;
            hex::encode(md5::Md5::digest(&file.bytes))
        };
        let error = provider.cloud_upload(&file, &|_| {}).await.unwrap_err();
        assert_eq!(error.kind, kind, "{path}: {error:?}");
        let made = steps(&fake);
        assert_eq!(
            made.iter().filter(|s| s.ends_with(path)).count(),
            1,
            "{path} is made once: {made:?}"
        );
        assert_eq!(
            made.last().map(String::as_str),
            Some(&*format!("/api{path}"))
        );
    }
    assert_eq!(provider.cloud_tracks(1).await.unwrap().total, 3);
}

#[tokio::test]
async fn bytes_that_do_not_hash_to_the_checked_md5_are_refused_by_the_storage() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let mut file = song_file("lying.mp3");
    file.md5_hex = "0123456789abcdef0123456789abcdef".into();
    let error = provider.cloud_upload(&file, &|_| {}).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::Upstream, "{error:?}");
    assert!(error.message.contains("refused the file"), "{error:?}");
    assert!(
        !steps(&fake).contains(&"/api/upload/cloud/info/v2".to_owned()),
        "nothing is described after a refused upload"
    );
    assert_eq!(provider.cloud_tracks(1).await.unwrap().total, 3);
}

#[tokio::test]
async fn without_a_login_nothing_is_listed_or_sent() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = provider_for(&fake);
    let error = provider.cloud_tracks(1).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    let error = provider
        .cloud_upload(&song_file("a.mp3"), &|_| {})
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
    assert!(!steps(&fake).iter().any(|s| s == "nos" || s == "lbs"));
    let _ = NOS_BUCKET;
}

#[tokio::test]
async fn a_search_within_the_cloud_disk_reads_every_page_and_filters_here() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    // Enough uploads for a second page.
    for n in 0..CLOUD_PAGE_SIZE {
        let mut file = song_file(&format!("take {n}.mp3"));
        file.bytes.truncate(NOS_CHUNK / 4 + n as usize);
        file.md5_hex = {
            use md5::Digest as _;
            hex::encode(md5::Md5::digest(&file.bytes))
        };
        provider.cloud_upload(&file, &|_| {}).await.unwrap();
    }
    assert!(provider.cloud_tracks(1).await.unwrap().has_more);
    let found = cloud::search(&provider, "rehearsal").await.unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].track.id, "9500000001");
    let found = cloud::search(&provider, "BEYOND 海阔").await.unwrap();
    assert_eq!(found[0].track.id, "347230", "on the second page");
    assert_eq!(cloud::search(&provider, "take").await.unwrap().len(), 50);
    assert!(cloud::search(&provider, "nothing like it")
        .await
        .unwrap()
        .is_empty());
    let error = cloud::search(&provider, "  ").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadRequest);
}

#[tokio::test]
async fn a_deleted_upload_leaves_the_listing_in_one_write() {
    let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
    let provider = logged_in(&fake).await;
    let first = provider.cloud_tracks(1).await.unwrap().items[0]
        .track
        .id
        .clone();
    fake.netease().clear_requests();
    provider.cloud_delete(&first).await.unwrap();
    let deletes: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.logical_path == "/api/cloud/del")
        .collect();
    assert_eq!(deletes.len(), 1, "{deletes:?}");
    assert_eq!(deletes[0].code, Some(200));
    let after = provider.cloud_tracks(1).await.unwrap();
    assert_eq!(after.total, 2);
    assert!(after.items.iter().all(|c| c.track.id != first));

    // Gone already: the service's refusal, typed, and asked once.
    fake.netease().clear_requests();
    let error = provider.cloud_delete(&first).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound, "{error:?}");
    assert_eq!(fake.requests().len(), 1);
    // Not an id at all: nothing is sent.
    fake.netease().clear_requests();
    let error = provider.cloud_delete("../1").await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::BadRequest, "{error:?}");
    assert!(fake.requests().is_empty());
    // Without a login: refused by the service.
    let error = provider_for(&fake).cloud_delete(&first).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn, "{error:?}");
}
