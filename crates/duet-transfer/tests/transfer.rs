//! Moving "Duet twins" and the liked songs from NetEase to QQ Music through the real providers,
//! against the fake upstream with both services logged in: the preview's matches, the job's
//! writes read back through the QQ Music provider, a stop and a restart, a refused write.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use duet_core::budget::Pace;
use duet_core::{ErrorKind, Provider, ProviderId};
use duet_fake_upstream::twins::{self, Miss, Service, TWINS_PLAYLIST_ID, TWINS_PLAYLIST_NAME};
use duet_fake_upstream::{FakeConfig, FakeUpstream, Fault, FaultKind};
use duet_match::Confidence;
use duet_test_support::both_logged_in;
use duet_transfer::{
    Adjustment, Choice, Destination, Job, JobStatus, Source, StartRequest, TrackState,
    TransferPace, Transfers,
};

struct World {
    fake: FakeUpstream,
    ne: Arc<dyn Provider>,
    qq: Arc<dyn Provider>,
    dir: PathBuf,
}

impl World {
    async fn new(name: &str) -> World {
        let fake = FakeUpstream::spawn(FakeConfig::default()).await.unwrap();
        let (ne, qq) = both_logged_in(&fake).await;
        let dir = std::env::temp_dir().join(format!(
            "duet-transfer-{name}-{}-{}",
            std::process::id(),
            uuid_like()
        ));
        World { fake, ne, qq, dir }
    }

    fn transfers(&self, pace: TransferPace) -> Transfers {
        Transfers::open(&self.dir, vec![self.ne.clone(), self.qq.clone()], pace).unwrap()
    }

    /// The QQ Music account's playlists named `name`.
    async fn qq_playlists_named(&self, name: &str) -> Vec<String> {
        self.qq
            .user_playlists()
            .await
            .unwrap()
            .into_iter()
            .filter(|p| p.name == name)
            .map(|p| p.id)
            .collect()
    }

    async fn qq_track_ids(&self, playlist: &str) -> Vec<String> {
        self.qq
            .playlist(playlist)
            .await
            .unwrap()
            .tracks
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.id)
            .collect()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn uuid_like() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn twins_source() -> Source {
    Source {
        provider: ProviderId::Netease,
        playlist: TWINS_PLAYLIST_ID.to_string(),
    }
}

/// The QQ Music mids the six twins of "Duet twins" must land on, in the playlist's order.
fn twin_mids() -> Vec<String> {
    twins::TWINS_PLAYLIST_TRACKS
        .iter()
        .filter_map(|id| twins::twins().iter().find(|t| t.netease.id == *id))
        .map(|t| t.qq.track_id())
        .collect()
}

fn start(preview_id: &str, name: Option<&str>) -> StartRequest {
    StartRequest {
        preview_id: preview_id.to_owned(),
        name: name.map(str::to_owned),
        adjustments: Vec::new(),
    }
}

#[tokio::test]
async fn the_preview_of_duet_twins_finds_the_six_twins_and_nothing_for_the_rest() {
    let world = World::new("preview").await;
    let transfers = world.transfers(TransferPace::TEST);
    let seen = Mutex::new(Vec::new());
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |p| {
            seen.lock().unwrap().push((p.done, p.total));
        })
        .await
        .unwrap();
    assert_eq!(preview.source_name, TWINS_PLAYLIST_NAME);
    assert_eq!(preview.suggested_name, TWINS_PLAYLIST_NAME);
    assert_eq!(preview.destination, Destination::Playlist);
    assert_eq!(preview.items.len(), twins::TWINS_PLAYLIST_TRACKS.len());
    let seen = seen.into_inner().unwrap();
    assert_eq!(seen.first(), Some(&(0, 8)));
    assert_eq!(seen.last(), Some(&(8, 8)));
    assert_eq!(seen.len(), 9, "after each search: {seen:?}");

    let mut sure = 0;
    for item in &preview.items {
        let id: u64 = item.track.id.parse().unwrap();
        if let Some(twin) = twins::twins().iter().find(|t| t.netease.id == id) {
            assert_eq!(item.confidence, Confidence::Sure, "{}", item.track.title);
            assert_eq!(item.candidates[0].track.id, twin.qq.track_id());
            assert_eq!(item.default_choice().unwrap().id, twin.qq.track_id());
            sure += 1;
            continue;
        }
        let miss = twins::near_misses()
            .iter()
            .find(|m| m.service == Service::Netease && m.listing.id == id)
            .expect("a near miss");
        let studio_ids: Vec<String> = twins::twins().iter().map(|t| t.qq.track_id()).collect();
        match miss.miss {
            Miss::Live => {
                // A live take is never its studio twin, not even as an alternative.
                assert!(
                    item.candidates
                        .iter()
                        .all(|c| !studio_ids.contains(&c.track.id)),
                    "{:?}",
                    item.candidates
                );
                assert_ne!(
                    item.default_choice().map(|t| t.id.as_str()),
                    twins::twin_titled("晴天")
                        .map(|t| t.qq.track_id())
                        .as_deref()
                );
            }
            Miss::NoCounterpart => {
                assert_eq!(
                    item.confidence,
                    Confidence::Missing,
                    "{:?}",
                    item.candidates
                );
                assert!(item.default_choice().is_none());
            }
            other => panic!("unexpected near miss in the playlist: {other:?}"),
        }
    }
    assert_eq!(sure, 6);
}

#[tokio::test]
async fn the_job_creates_the_qq_playlist_and_adds_the_matches_at_its_pace() {
    let world = World::new("job").await;
    let pace = TransferPace {
        between_searches: Duration::ZERO,
        between_writes: Duration::from_millis(150),
    };
    let transfers = world.transfers(pace);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let job = transfers
        .start(start(&preview.id, Some("  Twins on QQ  ")))
        .unwrap();
    assert_eq!(job.status, JobStatus::Running);
    assert_eq!(job.name, "Twins on QQ");
    let job = transfers.settled(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Finished, "{:?}", job.error);
    // Two writes (the playlist, one batch of six): the pause between them was kept.
    assert!(started.elapsed() >= pace.between_writes);
    assert_eq!(job.outcome.added, 6);
    assert_eq!(job.outcome.skipped, 2);
    assert_eq!(job.outcome.failed, 0);
    assert_eq!(job.outcome.pending, 0);

    let ids = world.qq_playlists_named("Twins on QQ").await;
    assert_eq!(ids.len(), 1);
    assert_eq!(job.playlist_id.as_deref(), Some(ids[0].as_str()));
    let mut there = world.qq_track_ids(&ids[0]).await;
    let mut expected = twin_mids();
    there.sort();
    expected.sort();
    assert_eq!(there, expected);

    // The job's file is the job, and a new process reads it back.
    let file = world.dir.join(format!("{}.json", job.id));
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(saved["status"], "finished");
    assert_eq!(saved["playlist_id"], ids[0].as_str());
    assert_eq!(saved["tracks"].as_array().unwrap().len(), 8);
    let again = world.transfers(TransferPace::TEST);
    assert_eq!(again.get(&job.id).unwrap().outcome.added, 6);
    assert_eq!(again.list().len(), 1);
}

#[tokio::test]
async fn adjustments_take_an_alternative_or_skip_and_bad_ones_are_refused() {
    let world = World::new("adjust").await;
    let transfers = world.transfers(TransferPace::TEST);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    let refused = [
        Adjustment {
            index: 99,
            choice: Choice::Skip,
        },
        Adjustment {
            index: 0,
            choice: Choice::Take {
                track_id: "not-a-candidate".into(),
            },
        },
    ];
    for adjustment in refused {
        let mut request = start(&preview.id, None);
        request.adjustments.push(adjustment);
        assert_eq!(
            transfers.start(request).unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }
    for name in ["", &"歌".repeat(41)] {
        let error = transfers.start(start(&preview.id, Some(name))).unwrap_err();
        assert_eq!(error.kind, ErrorKind::BadRequest, "{name:?}");
    }
    assert_eq!(
        transfers.start(start("nope", None)).unwrap_err().kind,
        ErrorKind::NotFound
    );

    let mut request = start(&preview.id, Some("Three twins"));
    request.adjustments = (0..3)
        .map(|index| Adjustment {
            index,
            choice: Choice::Skip,
        })
        .collect();
    // The live take has no sure match: the person takes its best candidate by hand.
    let live = preview
        .items
        .iter()
        .position(|i| i.track.title.contains("Live"))
        .unwrap();
    assert!(preview.items[live].default_choice().is_none());
    let alternative = preview.items[live]
        .candidates
        .last()
        .unwrap()
        .track
        .id
        .clone();
    request.adjustments.push(Adjustment {
        index: live as u32,
        choice: Choice::Take {
            track_id: alternative.clone(),
        },
    });
    let job = transfers.start(request).unwrap();
    let job = transfers.settled(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Finished);
    assert_eq!(job.tracks[0].state, TrackState::Skipped);
    assert_eq!(job.tracks[live].target.as_ref().unwrap().id, alternative);
    let there = world
        .qq_track_ids(job.playlist_id.as_deref().unwrap())
        .await;
    assert_eq!(there.len(), 4, "three twins and the live take: {there:?}");
    assert!(there.contains(&alternative));
    assert!(!there.contains(&twin_mids()[0]));
}

#[tokio::test]
async fn a_stopped_job_resumes_after_a_restart_without_a_second_playlist() {
    let world = World::new("resume").await;
    let slow = TransferPace {
        between_searches: Duration::ZERO,
        between_writes: Duration::from_secs(30),
    };
    let transfers = world.transfers(slow);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    let job = transfers.start(start(&preview.id, None)).unwrap();
    // Stop during the pause after the playlist's creation, before any track is added.
    let mut rx = transfers.subscribe(&job.id).unwrap();
    rx.wait_for(|j| j.playlist_id.is_some()).await.unwrap();
    transfers.stop(&job.id).unwrap();
    let stopped = transfers.settled(&job.id).await.unwrap();
    assert_eq!(stopped.status, JobStatus::Stopped);
    assert_eq!(stopped.outcome.added, 0);
    assert_eq!(stopped.outcome.pending, 6);
    let playlist = stopped.playlist_id.clone().unwrap();
    assert!(world.qq_track_ids(&playlist).await.is_empty());
    drop(transfers);

    // A restart: the job is read from its file, and resumes into the same playlist.
    let transfers = world.transfers(TransferPace::TEST);
    assert_eq!(transfers.get(&job.id).unwrap().status, JobStatus::Stopped);
    transfers.resume(&job.id).unwrap();
    let done = transfers.settled(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Finished, "{:?}", done.error);
    assert_eq!(done.playlist_id.as_deref(), Some(playlist.as_str()));
    assert_eq!(
        world.qq_playlists_named(TWINS_PLAYLIST_NAME).await,
        std::slice::from_ref(&playlist)
    );
    let there = world.qq_track_ids(&playlist).await;
    assert_eq!(there.len(), 6, "{there:?}");

    // A process that ended after a write but before saving it: the file says pending, the
    // playlist already holds the track. The resume reads the playlist and sends nothing.
    let file = world.dir.join(format!("{}.json", job.id));
    let mut saved: Job = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    saved.status = JobStatus::Running;
    saved.tracks[0].state = TrackState::Pending;
    std::fs::write(&file, serde_json::to_vec(&saved).unwrap()).unwrap();
    let transfers = world.transfers(TransferPace::TEST);
    world.fake.qq().clear_requests();
    transfers.resume(&job.id).unwrap();
    let done = transfers.settled(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Finished);
    assert_eq!(done.outcome.added, 6);
    let writes: Vec<String> = world
        .fake
        .qq()
        .requests()
        .into_iter()
        .filter_map(|r| r.call)
        .filter(|c| c.contains("Write"))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    assert_eq!(world.qq_track_ids(&playlist).await.len(), 6);
}

#[tokio::test]
async fn an_interrupted_create_adopts_the_playlist_it_made() {
    let world = World::new("adopt").await;
    let transfers = world.transfers(TransferPace::TEST);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    // The person already had a playlist of that name: it is never the one adopted.
    let theirs = world.qq.create_playlist("Made once").await.unwrap();
    let job = transfers
        .start(start(&preview.id, Some("Made once")))
        .unwrap();
    let job = transfers.settled(&job.id).await.unwrap();
    drop(transfers);
    // As if the process had ended between the create and its save: the id was never written.
    let file = world.dir.join(format!("{}.json", job.id));
    let mut saved: Job = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    saved.playlist_id = None;
    saved.status = JobStatus::Stopped;
    for t in &mut saved.tracks {
        if t.state == TrackState::Done {
            t.state = TrackState::Pending;
        }
    }
    std::fs::write(&file, serde_json::to_vec(&saved).unwrap()).unwrap();

    let transfers = world.transfers(TransferPace::TEST);
    transfers.resume(&job.id).unwrap();
    let done = transfers.settled(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Finished, "{:?}", done.error);
    assert_eq!(done.outcome.added, 6);
    assert_eq!(
        world.qq_playlists_named("Made once").await.len(),
        2,
        "theirs and the move's"
    );
    assert_eq!(done.playlist_id, job.playlist_id);
    assert_ne!(done.playlist_id.as_deref(), Some(theirs.id.as_str()));
    assert_eq!(saved.preexisting, std::slice::from_ref(&theirs.id));
    assert!(world.qq_track_ids(&theirs.id).await.is_empty());
}

#[tokio::test]
async fn a_refused_write_stops_the_job_with_its_kind_and_a_resume_finishes_it() {
    let world = World::new("refused").await;
    let transfers = world.transfers(TransferPace::TEST);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    world
        .fake
        .qq()
        .fail(Fault::new(FaultKind::QqVerify).method("AddSonglist"));
    world.fake.qq().clear_requests();
    let job = transfers.start(start(&preview.id, None)).unwrap();
    let failed = transfers.settled(&job.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    let error = failed.error.clone().unwrap();
    assert_eq!(error.kind, ErrorKind::VerificationRequired, "{error:?}");
    assert_eq!(error.provider, Some(ProviderId::Qq));
    assert_eq!(failed.outcome.failed, 6);
    assert_eq!(failed.outcome.added, 0);
    // Made once, never again by itself.
    let adds = world
        .fake
        .qq()
        .requests()
        .into_iter()
        .filter(|r| {
            r.call
                .as_deref()
                .is_some_and(|c| c.ends_with("AddSonglist"))
        })
        .count();
    assert_eq!(adds, 1);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(transfers.get(&job.id).unwrap().status, JobStatus::Failed);

    // The person dealt with it and resumes: the same playlist, every track once.
    let resumed = transfers.resume(&job.id).unwrap();
    assert_eq!(resumed.status, JobStatus::Running);
    assert!(resumed.error.is_none());
    let done = transfers.settled(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Finished);
    assert_eq!(world.qq_playlists_named(TWINS_PLAYLIST_NAME).await.len(), 1);
    assert_eq!(
        world
            .qq_track_ids(done.playlist_id.as_deref().unwrap())
            .await
            .len(),
        6
    );
}

#[tokio::test]
async fn liked_songs_become_likes_on_the_other_service() {
    let world = World::new("likes").await;
    let transfers = world.transfers(TransferPace::TEST);
    let liked = Source {
        provider: ProviderId::Netease,
        playlist: Source::LIKED.into(),
    };
    let before = world.qq.liked_ids().await.unwrap();
    let preview = transfers
        .preview(liked, ProviderId::Qq, |_| {})
        .await
        .unwrap();
    assert_eq!(preview.destination, Destination::Likes);
    let job = transfers.start(start(&preview.id, None)).unwrap();
    let job = transfers.settled(&job.id).await.unwrap();
    assert_eq!(job.status, JobStatus::Finished, "{:?}", job.error);
    assert!(job.playlist_id.is_none());
    let after = world.qq.liked_ids().await.unwrap();
    let mut newly = 0;
    for id in twins::LIKED_TWINS {
        let twin = twins::twins().iter().find(|t| t.netease.id == id).unwrap();
        let mid = twin.qq.track_id();
        assert!(after.contains(&mid), "{mid} liked on QQ Music");
        newly += usize::from(!before.contains(&mid));
    }
    assert!(
        newly >= 2,
        "most of the liked twins were not liked on QQ Music before"
    );
    assert!(job.outcome.added as usize >= twins::LIKED_TWINS.len());
    // Each like once: nothing liked twice, nothing liked that was not chosen.
    let chosen: Vec<&str> = job
        .tracks
        .iter()
        .filter(|t| t.state == TrackState::Done)
        .filter_map(|t| t.target.as_ref().map(|t| t.id.as_str()))
        .collect();
    for id in &after {
        assert!(before.contains(id) || chosen.contains(&id.as_str()), "{id}");
    }
    // No playlist was made for them.
    assert!(world
        .qq_playlists_named(&preview.source_name)
        .await
        .is_empty());
}

#[tokio::test]
async fn a_preview_needs_both_services_and_a_real_playlist() {
    let world = World::new("errors").await;
    let transfers = world.transfers(TransferPace::TEST);
    let same = transfers
        .preview(twins_source(), ProviderId::Netease, |_| {})
        .await
        .unwrap_err();
    assert_eq!(same.kind, ErrorKind::BadRequest);
    let unknown = Source {
        provider: ProviderId::Netease,
        playlist: "9299999999".into(),
    };
    let error = transfers
        .preview(unknown, ProviderId::Qq, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotFound, "{error:?}");
    assert_eq!(transfers.get("nope").unwrap_err().kind, ErrorKind::NotFound);

    world.qq.logout().await.unwrap();
    let error = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap_err();
    assert_eq!(error.kind, ErrorKind::NotLoggedIn);
    assert_eq!(error.provider, Some(ProviderId::Qq));
}

#[test]
fn the_test_pace_goes_only_with_the_test_request_pace() {
    assert_eq!(TransferPace::for_requests(Pace::HUMAN), TransferPace::HUMAN);
    assert_eq!(TransferPace::for_requests(Pace::TEST), TransferPace::TEST);
    assert!(TransferPace::HUMAN.between_writes >= Duration::from_secs(3));
}

#[tokio::test]
async fn a_cancelled_preview_searches_no_further() {
    let world = World::new("cancel").await;
    let slow = TransferPace {
        between_searches: Duration::from_millis(200),
        between_writes: Duration::ZERO,
    };
    let transfers = Arc::new(world.transfers(slow));
    let searched = Arc::new(Mutex::new(0));
    let running = {
        let (transfers, searched) = (transfers.clone(), searched.clone());
        tokio::spawn(async move {
            transfers
                .preview(twins_source(), ProviderId::Qq, move |p| {
                    *searched.lock().unwrap() = p.done;
                })
                .await
        })
    };
    while *searched.lock().unwrap() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(transfers.cancel_preview(&twins_source(), ProviderId::Qq));
    let error = running.await.unwrap().unwrap_err();
    assert_eq!(error.kind, ErrorKind::Declined, "{error:?}");
    let at_cancel = *searched.lock().unwrap();
    assert!(
        at_cancel <= 3,
        "no search after the cancel: stopped at {at_cancel} of 8"
    );
    assert!(!transfers.cancel_preview(&twins_source(), ProviderId::Qq));
}

#[tokio::test]
async fn a_refused_create_never_adopts_a_playlist_the_person_already_had() {
    let world = World::new("refused-create").await;
    let transfers = world.transfers(TransferPace::TEST);
    let preview = transfers
        .preview(twins_source(), ProviderId::Qq, |_| {})
        .await
        .unwrap();
    // The person already has a playlist of that name on QQ Music.
    let theirs = world.qq.create_playlist(TWINS_PLAYLIST_NAME).await.unwrap();
    world
        .fake
        .qq()
        .fail(Fault::new(FaultKind::QqRateLimited).method("AddPlaylist"));
    let job = transfers.start(start(&preview.id, None)).unwrap();
    let failed = transfers.settled(&job.id).await.unwrap();
    assert_eq!(failed.status, JobStatus::Failed);
    assert_eq!(failed.error.unwrap().kind, ErrorKind::RateLimited);
    assert!(failed.playlist_id.is_none());
    assert!(
        !failed.create_requested,
        "the service said no: nothing was made"
    );

    transfers.resume(&job.id).unwrap();
    let done = transfers.settled(&job.id).await.unwrap();
    assert_eq!(done.status, JobStatus::Finished, "{:?}", done.error);
    let made = done.playlist_id.unwrap();
    assert_ne!(made, theirs.id, "their own playlist is left alone");
    assert!(world.qq_track_ids(&theirs.id).await.is_empty());
    assert_eq!(world.qq_track_ids(&made).await.len(), 6);
}
