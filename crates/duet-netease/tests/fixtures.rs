//! Every NetEase fixture (real answers, testdata/fixtures/netease, see its SOURCES.md) parses
//! into Duet's model: one test per fixture.

use duet_core::{ErrorKind, Quality, SearchItems, SearchType};
use duet_netease::parse::{self, QrAnswer};
use duet_netease::session::Session;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    serde_json::from_str(&raw(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn raw(name: &str) -> String {
    let path = format!(
        "{}/../../testdata/fixtures/netease/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn login_qr_key() {
    assert_eq!(
        parse::qr_key(&fixture("login_qr_key.json")).unwrap(),
        fixture("login_qr_key.json")["unikey"].as_str().unwrap()
    );
    // NCMA's wrapped form.
    let wrapped = serde_json::json!({"data": {"code": 200, "unikey": "abc-1"}, "code": 200});
    assert_eq!(parse::qr_key(&wrapped).unwrap(), "abc-1");
    assert!(parse::qr_key(&serde_json::json!({"code": 200})).is_err());
}

#[test]
fn login_qr_check_800() {
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_800.json")).unwrap(),
        QrAnswer::Expired
    );
}

#[test]
fn login_qr_check_801() {
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_801.json")).unwrap(),
        QrAnswer::Waiting
    );
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_801.ncma.json")).unwrap(),
        QrAnswer::Waiting
    );
}

#[test]
fn login_qr_check_802() {
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_802.json")).unwrap(),
        QrAnswer::Scanned {
            nickname: Some("xxx".into())
        }
    );
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_802.ncma.json")).unwrap(),
        QrAnswer::Scanned {
            nickname: Some("elhim".into())
        }
    );
}

#[test]
fn login_qr_check_803() {
    assert_eq!(
        parse::qr_answer(&fixture("login_qr_check_803.json")).unwrap(),
        QrAnswer::Confirmed
    );
}

#[test]
fn login_qr_check_803_exchange_set_cookies_make_a_session() {
    let exchange = fixture("login_qr_check_803.exchange.json");
    let mut session = Session::new();
    let cookies = exchange["response"]["set_cookie"].as_array().unwrap();
    assert!(cookies.len() >= 20);
    for header in cookies {
        session.apply_set_cookie(header.as_str().unwrap());
    }
    assert!(session.is_logged_in());
    assert!(!session.csrf().is_empty());
    assert_eq!(
        parse::qr_answer(&exchange["response"]["body"]).unwrap_or(QrAnswer::Confirmed),
        QrAnswer::Confirmed
    );
}

#[test]
fn user_account() {
    let profile = parse::profile(&fixture("user_account.json"))
        .unwrap()
        .unwrap();
    assert_eq!(profile.user_id, "125279114");
    assert_eq!(profile.nickname, "大不6仙");
    assert!(profile.vip);
    assert!(profile.avatar_url.unwrap().starts_with("http"));
}

#[test]
fn user_account_profile_null() {
    assert_eq!(
        parse::profile(&fixture("user_account.profile_null.json")).unwrap(),
        None
    );
}

#[test]
fn cloudsearch_type1_songs() {
    let body = fixture("cloudsearch_type1_songs.json");
    let result = parse::search(&body, SearchType::Track).unwrap();
    let SearchItems::Track(tracks) = result.items else {
        panic!()
    };
    assert_eq!(tracks.len(), 2);
    assert_eq!(result.total, body["result"]["songCount"].as_u64().unwrap());
    let first = &tracks[0];
    assert_eq!(
        (first.id.as_str(), first.title.as_str()),
        ("347230", "海阔天空")
    );
    assert_eq!(first.artists[0].name, "Beyond");
    assert_eq!(first.album.name, "海阔天空");
    assert_eq!(first.duration_ms, 326000);
    assert!(first.vip, "fee 1 is a VIP song");
}

#[test]
fn search_type1_songs_legacy() {
    let result = parse::search(
        &fixture("search_type1_songs_legacy.json"),
        SearchType::Track,
    )
    .unwrap();
    let SearchItems::Track(tracks) = result.items else {
        panic!()
    };
    assert_eq!(tracks[0].title, "海阔天空");
    assert_eq!(tracks[0].artists[0].name, "Beyond");
    assert_eq!(tracks[0].duration_ms, 326000);
    assert!(result.total > 0);
}

#[test]
fn search_type10_albums() {
    let result = parse::search(&fixture("search_type10_albums.json"), SearchType::Album).unwrap();
    let SearchItems::Album(albums) = result.items else {
        panic!()
    };
    assert_eq!(albums[0].name, "拾");
    assert_eq!(albums[0].artists[0].name, "张杰");
    assert_eq!(albums[0].track_count, Some(14));
    assert!(albums[0].cover_url.is_some());
}

#[test]
fn search_type100_artists() {
    let result =
        parse::search(&fixture("search_type100_artists.json"), SearchType::Artist).unwrap();
    let SearchItems::Artist(artists) = result.items else {
        panic!()
    };
    assert_eq!(artists[0].name, "搁浅");
    assert!(artists[0].picture_url.is_some());
}

#[test]
fn search_type1000_playlists() {
    let result = parse::search(
        &fixture("search_type1000_playlists.json"),
        SearchType::Playlist,
    )
    .unwrap();
    let SearchItems::Playlist(playlists) = result.items else {
        panic!()
    };
    assert_eq!(playlists[0].id, "3018821569");
    assert_eq!(playlists[0].track_count, 69);
    assert_eq!(
        playlists[0].creator.id, "80963316",
        "creator null: fall back to userId"
    );
}

#[test]
fn song_detail() {
    let tracks = parse::song_detail(&fixture("song_detail.json")).unwrap();
    assert_eq!(tracks.len(), 2);
    assert_eq!(tracks[0].id, "1455767549");
    assert!(tracks[0].playable);
    assert!(!tracks[0].vip, "fee 8 plays free at low quality");
}

#[test]
fn song_url_v1() {
    let body = fixture("song_url_v1.json");
    let stream = parse::stream_url(&body, "33894312", Quality::High).unwrap();
    assert!(stream.url.ends_with(".mp3"));
    assert_eq!(stream.format, "mp3");
    assert_eq!(stream.bitrate, Some(320000));
    assert!(stream.expires_at.is_some());
    assert_eq!(stream.trial, None);
    let loudness = stream.loudness.expect("gain and peak");
    assert_eq!((loudness.gain_db(), loudness.peak()), (-6.3072, 1.0));
    // `"gain": -0.0002, "peak": 0`: not measured.
    let unmeasured = parse::stream_url(&body, "405998841", Quality::Standard).unwrap();
    assert_eq!(unmeasured.loudness, None);
    assert_eq!(
        parse::stream_url(&body, "1", Quality::High)
            .unwrap_err()
            .kind,
        ErrorKind::NotFound
    );
}

#[test]
fn song_url_vip_exhigh() {
    let body = fixture("song_url.vip_exhigh.json");
    let id = body["data"][0]["id"].to_string();
    let stream = parse::stream_url(&body, &id, Quality::High).unwrap();
    assert!(stream.url.starts_with("http"));
    assert!(stream.size.unwrap() > 0);
}

#[test]
fn lyric() {
    let lyrics = duet_netease::lyrics::lyrics(&fixture("lyric.json"), "1").unwrap();
    assert!(!lyrics.instrumental);
    let line = lyrics.lines.iter().find(|l| l.start_ms == 40_680).unwrap();
    assert_eq!(line.text, "幾星霜 期待もないようなふりをした");
    assert_eq!(
        line.translation.as_deref(),
        Some("几经风霜 假装已经毫无期待")
    );
    assert!(line.romanized.as_deref().unwrap().starts_with("i ku se"));
    assert!(lyrics
        .lines
        .windows(2)
        .all(|w| w[0].start_ms <= w[1].start_ms));
    assert!(lyrics.lines.len() > 30);
}

#[test]
fn lyric_new_yrc_excerpt() {
    let body = serde_json::json!({
        "code": 200,
        "lrc": {"lyric": "[00:16.21]还没"},
        "yrc": {"lyric": raw("lyric_new.yrc_excerpt.txt")},
        "tlyric": {"lyric": "[00:16.210]not yet"},
    });
    let lyrics = duet_netease::lyrics::lyrics(&body, "1").unwrap();
    let sung = lyrics.lines.iter().find(|l| l.start_ms == 16210).unwrap();
    assert_eq!(sung.words.as_ref().unwrap().len(), 2);
    assert_eq!(sung.translation.as_deref(), Some("not yet"));
    assert_eq!(lyrics.lines[0].text, "作曲: 柳重言");
}

#[test]
fn playlist_detail() {
    let detail = parse::playlist_detail(&fixture("playlist_detail.json")).unwrap();
    assert_eq!(detail.track_ids.len(), 135);
    assert_eq!(detail.inline_tracks.len(), 2);
    assert_eq!(detail.playlist.track_count, 135);
    assert!(!detail.playlist.name.is_empty());
    assert!(detail.playlist.cover_url.is_some());
}

#[test]
fn playlist_detail_liked() {
    let detail = parse::playlist_detail(&fixture("playlist_detail.liked.json")).unwrap();
    assert_eq!(detail.track_ids.len(), 40);
    assert!(!detail.playlist.creator.name.is_empty());
}

#[test]
fn user_playlist() {
    let (playlists, more) = parse::user_playlists(&fixture("user_playlist.json")).unwrap();
    assert_eq!(playlists.len(), 3);
    assert!(!more);
    assert!(playlists[0].name.contains("喜欢的音乐"));
    assert!(playlists[0].liked, "specialType 5");
    assert!(!playlists[1].liked && !playlists[2].liked);
    assert_eq!(playlists[0].creator.id, "32953014");
}

#[test]
fn recommend_songs() {
    let tracks = parse::recommended(&fixture("recommend_songs.json")).unwrap();
    assert_eq!(tracks.len(), 2);
    assert_eq!(tracks[0].title, "Be Happy");
}

#[test]
fn personalized() {
    let playlists = parse::personalized(&fixture("personalized.json")).unwrap();
    assert_eq!(playlists.len(), 3);
    assert!(playlists.iter().all(|p| p.cover_url.is_some()));
}

#[test]
fn comment_music() {
    let page = parse::comments(&fixture("comment_music.json"), "1", 1).unwrap();
    assert_eq!(page.hot.len(), 2);
    assert_eq!(page.comments.len(), 2);
    assert!(page.total > 0);
    let first = &page.comments[0];
    assert_eq!(first.user.name, "Chubbie_");
    assert_eq!(first.replied_to.as_ref().unwrap().content, "我想你阿");
}

#[test]
fn daily_signin_ok() {
    let checkin = parse::checkin(&fixture("daily_signin.ok.json"));
    assert!(!checkin.already_done);
    assert!(checkin.points.unwrap() > 0);
}

#[test]
fn daily_signin_repeat() {
    assert!(parse::checkin(&fixture("daily_signin.repeat.json")).already_done);
}

/// The error fixtures are checked kind by kind in `errors.rs`; here, that none parses as data.
#[test]
fn error_fixtures_are_never_data() {
    for name in [
        "error_-460.json",
        "error_-460.v2.json",
        "error_-462.json",
        "error_-462.verify.json",
        "error_301.json",
        "error_405.json",
        "error_405.v2.json",
        "error_406.json",
        "error_8821.json",
    ] {
        let body = fixture(name);
        assert_ne!(duet_netease::errors::code_of(&body), Some(200), "{name}");
        assert!(parse::playlist_detail(&body).is_err(), "{name}");
    }
}

/// The vectors and fixtures are real captures and published test vectors, kept verbatim:
/// `testdata/CHECKSUMS.md5` records each file, and any change to one (or a file added without a
/// line there) fails here. Changing one is deliberate: update its line, and say why in the commit.
#[test]
fn vendored_test_data_is_verbatim() {
    use md5::{Digest, Md5};
    let root = format!("{}/../../testdata", env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(format!("{root}/CHECKSUMS.md5")).unwrap();
    let mut listed = std::collections::BTreeSet::new();
    for line in manifest.lines() {
        let (sum, name) = line.split_once("  ").expect("md5sum's format");
        let bytes = std::fs::read(format!("{root}/{name}"))
            .unwrap_or_else(|_| panic!("{name} is listed but missing"));
        assert_eq!(hex::encode(Md5::digest(&bytes)), sum, "{name} changed");
        listed.insert(name.to_owned());
    }
    let mut present = std::collections::BTreeSet::new();
    for dir in ["fixtures/netease", "fixtures/qqmusic", "vectors"] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let name = entry.unwrap().file_name();
            present.insert(format!("{dir}/{}", name.to_string_lossy()));
        }
    }
    assert_eq!(
        listed, present,
        "testdata/CHECKSUMS.md5 and the files disagree"
    );
    assert!(listed.len() > 50);
}

#[test]
fn every_audio_and_picture_url_of_the_fixtures_is_on_a_listed_host() {
    use duet_netease::identity::{IMAGE_HOSTS, STREAM_HOSTS};
    let urls = duet_fake_upstream::fixture_urls("netease");
    let audio: Vec<_> = urls
        .iter()
        .filter(|u| {
            [".mp3", ".flac", ".m4a"]
                .iter()
                .any(|e| u.path().ends_with(e))
        })
        .collect();
    let pictures: Vec<_> = urls
        .iter()
        .filter(|u| {
            [".jpg", ".jpeg", ".png"]
                .iter()
                .any(|e| u.path().ends_with(e))
        })
        .collect();
    assert!(audio.len() >= 3 && pictures.len() >= 20, "{audio:?}");
    for url in audio {
        let host = url.host_str().unwrap();
        assert!(duet_core::hosts::matches(host, STREAM_HOSTS), "{url}");
        let location = duet_core::Upstream::Direct
            .stream_location(url.as_str(), STREAM_HOSTS)
            .unwrap();
        assert!(location.url.starts_with("https://"), "{url}");
        assert_eq!(location.http_fallback.as_deref(), Some(url.as_str()));
    }
    for url in pictures {
        let host = url.host_str().unwrap();
        assert!(duet_core::hosts::matches(host, IMAGE_HOSTS), "{url}");
    }
}
