//! Every captured QQ Music body of `testdata/fixtures/qqmusic` parses into the model (or into
//! the typed error it stands for).

use duet_core::{ErrorKind, ImageUrls, SearchItems, SearchType};
use duet_qqmusic::client::ItemReply;
use duet_qqmusic::login::{parse_ptqrlogin, parse_wechat_poll, QqPoll, WechatPoll};
use duet_qqmusic::parse;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../../testdata/fixtures/qqmusic/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The first request item of an envelope (`req`, `req_0`, …).
fn item(envelope: &Value) -> ItemReply {
    let (_, item) = envelope
        .as_object()
        .unwrap()
        .iter()
        .find(|(k, v)| k.starts_with("req") && v.get("code").is_some())
        .expect("an item");
    ItemReply {
        code: item["code"].as_i64().unwrap(),
        data: item["data"].clone(),
    }
}

#[test]
fn song_details_in_both_shapes() {
    let data = item(&fixture("song_detail_get_song_detail_yqq.envelope.json"))
        .into_data(false)
        .unwrap();
    let track = parse::track(&data["track_info"]).unwrap();
    assert_eq!(track.id, "0039MnYb0qxYhV");
    assert_eq!(track.title, "晴天");
    assert_eq!(track.artists[0].name, "周杰伦");
    assert_eq!(track.artists[0].id, "0025NhlN2yWrP4");
    assert_eq!(track.album.id, "000MkMni19ClKG");
    assert_eq!(
        track.album.cover_url.as_deref(),
        Some("https://y.gtimg.cn/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg")
    );
    assert_eq!(track.duration_ms, 269_000);
    assert!(track.playable && !track.vip);
    let files = parse::TrackFiles::of(&data["track_info"]);
    assert_eq!(files.songid, 97773);
    assert_eq!(files.media_mid, "003Qui1q2u1Zho");
    assert_eq!(files.size_flac, 55_397_039);
    assert_eq!((files.try_begin_ms, files.try_end_ms), (84_346, 142_843));

    let web = item(&fixture(
        "song_detail_get_song_detail_web_musics_2023.envelope.json",
    ))
    .into_data(false)
    .unwrap();
    let track = parse::track(&web["track_info"]).unwrap();
    assert_eq!(track.id, "004WVo0X2RJEaj");
    assert!(!track.title.is_empty());
}

#[test]
fn track_info_batch() {
    let item = fixture("trackinfo_CgiGetTrackInfo.item.json");
    let tracks = parse::tracks(item["data"]["tracks"].as_array().unwrap());
    assert_eq!(tracks.len(), 2);
    assert!(tracks
        .iter()
        .all(|t| t.id.len() == 14 && !t.title.is_empty()));
}

#[test]
fn playlist_detail() {
    let data = item(&fixture("playlist_uniform_get_Dissinfo.envelope.json"))
        .into_data(false)
        .unwrap();
    let page = parse::playlist_page(&data, "211111").unwrap();
    assert_eq!(page.playlist.name, "百万收藏");
    assert_eq!(page.playlist.creator.name, "QQ音乐官方歌单");
    assert_eq!(page.tracks.len(), 1);
    assert_eq!(page.raw_count, 1);
    assert_eq!(page.total, 1);
    assert!(!page.has_more);
}

#[test]
fn search_results_of_every_kind() {
    let singers = fixture("search_desktop_body.singer.list.json");
    let data = serde_json::json!({"body": {"singer": {"list": singers}}, "meta": {"sum": 6, "nextpage": -1}});
    let (items, total, more) = parse::search(&data, SearchType::Artist).unwrap();
    let SearchItems::Artist(artists) = items else {
        panic!()
    };
    assert_eq!(artists.len(), 6);
    assert!(artists
        .iter()
        .all(|a| !a.name.is_empty() && a.id.len() == 14));
    assert_eq!((total, more), (6, false));

    let lists = fixture("search_desktop_body.songlist.list.json");
    let data = serde_json::json!({"body": {"songlist": {"list": lists}}, "meta": {"estimate_sum": 28, "nextpage": 2}});
    let (items, total, more) = parse::search(&data, SearchType::Playlist).unwrap();
    let SearchItems::Playlist(playlists) = items else {
        panic!()
    };
    assert_eq!(playlists.len(), 2);
    assert!(playlists
        .iter()
        .all(|p| !p.id.is_empty() && !p.name.is_empty()));
    assert_eq!((total, more), (28, true));

    let data = item(&fixture("search_desktop_album_type2.TRIMMED.envelope.json"))
        .into_data(true)
        .unwrap();
    let (items, total, _) = parse::search(&data, SearchType::Album).unwrap();
    let SearchItems::Album(albums) = items else {
        panic!()
    };
    assert_eq!(albums[0].id, "001DsCdD0eHJ5W");
    assert_eq!(albums[0].artists[0].name, "马思唯");
    assert_eq!(total, 510);

    let data = item(&fixture(
        "search_desktop_singer_type1.TRIMMED.envelope.json",
    ))
    .into_data(true)
    .unwrap();
    let (items, _, _) = parse::search(&data, SearchType::Artist).unwrap();
    assert_eq!(items.len(), 1);

    let blocked = item(&fixture(
        "search_desktop_not_logged_in_code2001.PARTIAL.envelope.json",
    ));
    assert_eq!(blocked.code, 2001);
    let error = blocked.into_data(false).unwrap_err();
    assert_eq!(error.kind, ErrorKind::RiskControl);
    assert_eq!(error.upstream_code, Some(2001));
}

#[test]
fn vkey_answers() {
    let envelope = fixture("vkey_CgiGetVkey_plus_GetCdnDispatch_2018.envelope.json");
    let data = envelope["req_0"]["data"].clone();
    let info = &data["midurlinfo"][0];
    assert!(!parse::text(info, "purl").is_empty());
    assert!(data["sip"].as_array().unwrap().len() >= 2);
    assert_eq!(parse::number(&data, "expiration"), Some(80400));

    let legacy = fixture("vkey_legacy_fcg_music_express_mobile3_104003.json");
    let error = duet_qqmusic::errors::error_for_code(legacy["code"].as_i64().unwrap(), true);
    assert_eq!(error.kind, ErrorKind::Unavailable);
    assert_eq!(error.upstream_code, Some(104003));
}

#[test]
fn legacy_lyrics() {
    let body = fixture("lyric_fcg_query_lyric_new.format_json.json");
    let lyrics = duet_qqmusic::lyrics::lyrics(&body, "000000000000aa").unwrap();
    assert!(lyrics.lines.len() > 10, "{}", lyrics.lines.len());
    assert!(lyrics.lines.iter().any(|l| !l.text.is_empty()));
    let no_referer = fixture("lyric_fcg_query_lyric_new.no_referer_-1310.json");
    let code = no_referer["code"].as_i64().unwrap();
    assert_eq!(code, -1310);
    assert_eq!(
        duet_qqmusic::errors::error_for_code(code, false).kind,
        ErrorKind::Upstream
    );
}

#[test]
fn album_and_session_bodies_are_read() {
    let album = fixture("album_fcg_v8_album_detail_cp.data.json");
    let tracks = parse::tracks(album["getSongInfo"].as_array().unwrap());
    assert!(!tracks.is_empty());
    assert!(tracks
        .iter()
        .all(|t| !t.title.is_empty() && !t.album.id.is_empty()));
    let session = item(&fixture("android_GetSession.envelope.json"));
    assert_eq!(session.code, 0);
}

#[test]
fn login_poll_bodies() {
    let bodies = fixture("ptlogin_ptqrlogin_bodies.json");
    let poll = |key: &str| parse_ptqrlogin(bodies[key].as_str().unwrap()).unwrap();
    assert_eq!(poll("waiting_66"), QqPoll::Waiting);
    assert_eq!(poll("waiting_66_with_serial_older"), QqPoll::Waiting);
    assert_eq!(poll("scanned_67"), QqPoll::Scanned);
    assert_eq!(poll("scanned_67_with_serial_older"), QqPoll::Scanned);
    assert_eq!(poll("expired_65"), QqPoll::Expired);
    let QqPoll::Confirmed {
        check_sig_url,
        nickname,
    } = poll("success_0_qqmusic_REDACTED")
    else {
        panic!()
    };
    assert!(check_sig_url
        .expose()
        .starts_with("https://ssl.ptlogin2.graph.qq.com/check_sig?"));
    assert!(!format!("{:?}", poll("success_0_qqmusic_REDACTED")).contains("ptsigx"));
    assert_eq!(nickname, "<NICKNAME>");
    assert!(matches!(
        poll("success_0_qqmusic_REDACTED_2"),
        QqPoll::Confirmed { .. }
    ));
    assert!(parse_ptqrlogin("<html>").is_err());

    let wx = fixture("wx_qrconnect_poll_bodies.json");
    assert_eq!(
        parse_wechat_poll(wx["waiting_408"].as_str().unwrap()).unwrap(),
        WechatPoll::Waiting
    );
    let WechatPoll::Confirmed { code } =
        parse_wechat_poll(wx["confirmed_405"].as_str().unwrap()).unwrap()
    else {
        panic!()
    };
    assert_eq!(code.expose(), "<WX_AUTH_CODE>");
    for (body, state) in [
        (
            "window.wx_errcode=404;window.wx_code='';",
            WechatPoll::Scanned,
        ),
        (
            "window.wx_errcode=402;window.wx_code='';",
            WechatPoll::Expired,
        ),
        (
            "window.wx_errcode=403;window.wx_code='';",
            WechatPoll::Cancelled,
        ),
    ] {
        assert_eq!(parse_wechat_poll(body).unwrap(), state);
    }
    assert!(parse_wechat_poll("window.wx_errcode=405;window.wx_code='';").is_err());
    assert!(parse_wechat_poll("garbage").is_err());
}

/// The image URLs of models, as the app would show them.
fn image_urls(mut models: impl ImageUrls) -> Vec<url::Url> {
    let mut urls = Vec::new();
    models.visit_image_urls(&mut |u| urls.push(url::Url::parse(u).unwrap()));
    urls
}

#[test]
fn every_audio_cdn_and_picture_of_the_fixtures_is_on_a_listed_host() {
    use duet_qqmusic::identity::{IMAGE_HOSTS, STREAM_HOSTS};
    // The vkey's `sip` list: bases of the audio CDNs.
    let cdns: Vec<_> = duet_fake_upstream::fixture_urls("qqmusic")
        .into_iter()
        .filter(|u| u.host_str().is_some_and(|h| h.contains("stream.qqmusic")))
        .collect();
    assert!(cdns.len() >= 2, "{cdns:?}");
    for url in cdns {
        let host = url.host_str().unwrap();
        assert!(duet_core::hosts::matches(host, STREAM_HOSTS), "{url}");
        let file = url.join("C400000.m4a?vkey=K").unwrap();
        let location = duet_core::Upstream::Direct
            .stream_location(file.as_str(), STREAM_HOSTS)
            .unwrap();
        assert!(location.url.starts_with("https://"), "{url}");
    }

    // Every picture the parsed models carry: covers, playlist art, avatars.
    let mut pictures = Vec::new();
    let data = item(&fixture("playlist_uniform_get_Dissinfo.envelope.json"))
        .into_data(false)
        .unwrap();
    let page = parse::playlist_page(&data, "211111").unwrap();
    pictures.extend(image_urls(page.playlist));
    pictures.extend(image_urls(page.tracks));
    let lists = fixture("search_desktop_body.songlist.list.json");
    let singers = fixture("search_desktop_body.singer.list.json");
    for (kind, data) in [
        (
            SearchType::Playlist,
            serde_json::json!({"body": {"songlist": {"list": lists}}, "meta": {}}),
        ),
        (
            SearchType::Artist,
            serde_json::json!({"body": {"singer": {"list": singers}}, "meta": {}}),
        ),
        (
            SearchType::Album,
            item(&fixture("search_desktop_album_type2.TRIMMED.envelope.json"))
                .into_data(true)
                .unwrap(),
        ),
    ] {
        pictures.extend(match parse::search(&data, kind).unwrap().0 {
            SearchItems::Track(v) => image_urls(v),
            SearchItems::Album(v) => image_urls(v),
            SearchItems::Artist(v) => image_urls(v),
            SearchItems::Playlist(v) => image_urls(v),
        });
    }
    let batch = fixture("trackinfo_CgiGetTrackInfo.item.json");
    pictures.extend(image_urls(parse::tracks(
        batch["data"]["tracks"].as_array().unwrap(),
    )));
    assert!(pictures.len() >= 10, "{pictures:?}");
    for url in pictures {
        let host = url.host_str().unwrap();
        assert!(duet_core::hosts::matches(host, IMAGE_HOSTS), "{url}");
    }
}
