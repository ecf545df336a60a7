//! The cloud disk (云盘, docs/netease-wire.md "Cloud disk"): the listing, and the upload a
//! person starts, made once and never retried: `cloud/upload/check`, `nos/token/alloc`, the
//! bytes to the NOS host its load balancer names (in chunks, each reported as progress), then
//! `upload/cloud/info/v2` and `cloud/pub/v2`, as NCMA-Enhanced's `module/cloud.js` and
//! `plugins/songUpload.js` send them.

use duet_core::cloud::{
    CloudPage, CloudTrack, ProgressSink, UploadFile, UploadProgress, UploadStage, CLOUD_PAGE_SIZE,
};
use duet_core::{hosts, ArtistRef, Error, ErrorKind, ProviderId, Result, Track};
use md5::{Digest as _, Md5};
use serde_json::{json, Value};

use crate::client::Client;
use crate::endpoints;
use crate::errors::netease;
use crate::parse;

/// The bucket cloud-disk audio goes to (NCMA `plugins/songUpload.js`).
pub const NOS_BUCKET: &str = "jd-musicrep-privatecloud-audio-public";
/// NOS's load balancer, which names the upload host.
pub const NOS_LBS_URL: &str = "https://wanproxy.127.net/lbs";
/// The hosts an upload may go to, as [`hosts::matches`] patterns: NetEase's own storage. The
/// load balancer also answers bare IP addresses, which are taken as it names them.
const NOS_UPLOAD_HOSTS: [&str; 4] = ["*.127.net", "*.126.net", "*.163.com", "*.163yun.com"];
/// The bytes of one request to the NOS host: NOS takes chunks of up to 4 MiB; 1 MiB keeps each
/// request well inside the client's timeout on a slow line and the progress bar moving.
pub const NOS_CHUNK: usize = 1024 * 1024;
/// The bitrate NCMA names when it knows none (`module/cloud.js`).
const UNKNOWN_BITRATE: u32 = 999_000;

fn page_bounds(page: u32) -> Result<()> {
    if (1..=10_000).contains(&page) {
        Ok(())
    } else {
        Err(netease(Error::bad_request(format!(
            "cloud disk pages start at 1 and stop at 10000, got {page}"
        ))))
    }
}

/// `/api/v1/cloud/get`: one page, newest first.
pub(crate) async fn tracks(client: &Client, page: u32) -> Result<CloudPage> {
    page_bounds(page)?;
    let body = client
        .call(
            &endpoints::CLOUD_LIST,
            json!({ "limit": CLOUD_PAGE_SIZE, "offset": (page - 1) * CLOUD_PAGE_SIZE }),
        )
        .await?;
    cloud_page(&body, page)
}

/// The listing's answer: `data[]` of uploads, `count`, `hasMore`, `size` / `maxSize` (bytes, as
/// strings in the captures NCMA users posted; numbers are taken too).
pub fn cloud_page(body: &Value, page: u32) -> Result<CloudPage> {
    let items = body
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| parse::missing("cloud disk", "data"))?
        .iter()
        .filter_map(cloud_track)
        .collect::<Vec<_>>();
    let number = |key: &str| match body.get(key) {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    Ok(CloudPage {
        provider: ProviderId::Netease,
        page,
        total: number("count").unwrap_or(items.len() as u64),
        has_more: body
            .get("hasMore")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        used_bytes: number("size"),
        capacity_bytes: number("maxSize"),
        items,
    })
}

fn string(item: &Value, key: &str) -> String {
    match item.get(key) {
        Some(Value::String(s)) => duet_core::text::service_text(s.trim()),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn positive(item: &Value, key: &str) -> Option<u64> {
    match item.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|n| *n > 0)
}

/// One upload; `None` for an item without a song id (nothing could play it).
fn cloud_track(item: &Value) -> Option<CloudTrack> {
    let song_id = positive(item, "songId")?.to_string();
    let file_name = string(item, "fileName");
    let simple = item
        .get("simpleSong")
        .filter(|s| s.is_object())
        .and_then(|s| parse::from_value::<parse::RawSong>(s, "cloud song").ok())
        .map(|raw| parse::track(raw, None));
    // Duet's reading (no capture says it in words): an upload is matched when its song names a
    // catalogue album; an unmatched one carries album id 0 and "未知专辑".
    let matched = simple
        .clone()
        .filter(|t| !t.album.id.is_empty() && t.album.id != "0");
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(stem, _)| stem)
        .to_owned();
    let mut track = match (&matched, simple) {
        (Some(matched), _) => matched.clone(),
        (None, Some(simple)) => simple,
        (None, None) => Track {
            provider: ProviderId::Netease,
            id: song_id.clone(),
            title: String::new(),
            artists: Vec::new(),
            album: duet_core::AlbumRef {
                id: String::new(),
                name: String::new(),
                cover_url: None,
            },
            duration_ms: 0,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        },
    };
    track.id = song_id;
    // The person's own file plays whole whatever the catalogue's copy may (VIP, grey): the
    // listing's privilege says `cs` (a cloud song).
    track.playable = true;
    track.unavailable_reason = None;
    track.vip = false;
    track.trial = None;
    if matched.is_none() {
        let title = string(item, "songName");
        track.title = [title, track.title.clone(), stem]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_default();
        let artist = string(item, "artist");
        if !artist.is_empty() {
            track.artists = vec![ArtistRef {
                id: String::new(),
                name: artist,
            }];
        }
        for artist in &mut track.artists {
            if artist.id == "0" {
                artist.id.clear();
            }
        }
        let album = string(item, "album");
        if !album.is_empty() {
            track.album.name = album;
        }
        if track.album.id == "0" {
            track.album.id.clear();
        }
    }
    Some(CloudTrack {
        track,
        file_name,
        file_size: positive(item, "fileSize").unwrap_or(0),
        bitrate_kbps: positive(item, "bitrate").and_then(|b| u32::try_from(b).ok()),
        uploaded_at_ms: positive(item, "addTime").unwrap_or(0),
        matched,
    })
}

/// `/api/v1/cloud/get/byids`: the uploads among `ids` (NCMA `user_cloud_detail.js`).
async fn by_ids(client: &Client, ids: &[&str]) -> Result<Vec<CloudTrack>> {
    let body = client
        .call(&endpoints::CLOUD_BY_IDS, json!({ "songIds": ids }))
        .await?;
    Ok(cloud_page(&body, 1)?.items)
}

/// What `nos/token/alloc` hands out for one object.
struct NosToken {
    object_key: String,
    token: String,
    resource_id: String,
}

/// The upload's file name as NCMA's `songUpload.js` names the object: no extension, no spaces,
/// dots as underscores.
fn object_file_name(file: &UploadFile) -> String {
    let stem = file
        .file_name
        .rsplit_once('.')
        .map_or(file.file_name.as_str(), |(stem, _)| stem);
    let name: String = stem
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == '.' { '_' } else { c })
        .collect();
    if name.is_empty() {
        "audio".into()
    } else {
        name
    }
}

/// The file's name without its extension: the title of an upload without tags.
fn file_stem(file: &UploadFile) -> String {
    file.file_name
        .rsplit_once('.')
        .map_or(file.file_name.as_str(), |(stem, _)| stem)
        .trim()
        .to_owned()
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "flac" => "audio/flac",
        "m4a" | "aac" => "audio/mp4",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "ape" => "audio/ape",
        _ => "audio/mpeg",
    }
}

fn storage_error(what: impl Into<String>) -> Error {
    netease(Error::upstream(what))
}

/// Deletes an upload from the cloud disk: one write, made because a person asked.
pub(crate) async fn delete(client: &Client, song_id: &str) -> Result<()> {
    let id = crate::library::numeric(song_id, "cloud disk song")?;
    crate::library::write(
        client,
        &endpoints::CLOUD_DELETE,
        json!({ "songIds": [id] }),
        false,
    )
    .await
    .map(drop)
}

/// Uploads `file`: see the module's note for the steps. Nothing here is retried.
pub(crate) async fn upload(
    client: &Client,
    file: &UploadFile,
    progress: ProgressSink<'_>,
) -> Result<CloudTrack> {
    let total = file.bytes.len() as u64;
    let report = |stage, sent_bytes| {
        progress(UploadProgress {
            stage,
            sent_bytes,
            total_bytes: total,
        });
    };
    report(UploadStage::Checking, 0);
    let bitrate = file
        .tags
        .bitrate_kbps
        .map_or(UNKNOWN_BITRATE, |kbps| kbps.saturating_mul(1000))
        .to_string();
    let checked = client
        .call(
            &endpoints::CLOUD_UPLOAD_CHECK,
            json!({
                "bitrate": bitrate,
                "ext": "",
                "length": total,
                "md5": file.md5_hex,
                "songId": "0",
                "version": 1,
            }),
        )
        .await?;
    let song_id = positive(&checked, "songId")
        .ok_or_else(|| parse::missing("upload check", "songId"))?
        .to_string();
    let need_upload = checked
        .get("needUpload")
        .and_then(Value::as_bool)
        .ok_or_else(|| parse::missing("upload check", "needUpload"))?;
    if !need_upload && !by_ids(client, &[&song_id]).await?.is_empty() {
        return Err(netease(Error::new(
            ErrorKind::AlreadyExists,
            format!("{:?} is in your NetEase cloud disk already", file.file_name),
        )));
    }
    let token = nos_token(client, file).await?;
    if need_upload {
        send_bytes(client, file, &token, &report).await?;
    }
    report(UploadStage::Publishing, total);
    let tag =
        |value: &Option<String>, unknown: &str| value.clone().unwrap_or_else(|| unknown.to_owned());
    let described = client
        .call(
            &endpoints::CLOUD_UPLOAD_INFO,
            json!({
                "md5": file.md5_hex,
                "songid": song_id,
                "filename": file.file_name,
                "song": file.tags.title.clone().unwrap_or_else(|| file_stem(file)),
                "album": tag(&file.tags.album, "未知专辑"),
                "artist": tag(&file.tags.artist, "未知艺术家"),
                "bitrate": bitrate,
                "resourceId": token.resource_id,
            }),
        )
        .await?;
    let published_id = positive(&described, "songId").map_or(song_id, |id| id.to_string());
    let published = client
        .call(&endpoints::CLOUD_PUBLISH, json!({ "songid": published_id }))
        .await?;
    let track = match published.get("privateCloud").and_then(cloud_track) {
        Some(track) => track,
        None => by_ids(client, &[&published_id])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| storage_error("NetEase published the upload but does not list it"))?,
    };
    report(UploadStage::Done, total);
    Ok(track)
}

async fn nos_token(client: &Client, file: &UploadFile) -> Result<NosToken> {
    let body = client
        .call(
            &endpoints::NOS_TOKEN,
            json!({
                "bucket": NOS_BUCKET,
                "ext": file.extension,
                "filename": object_file_name(file),
                "local": false,
                "nos_product": 3,
                "type": "audio",
                "md5": file.md5_hex,
            }),
        )
        .await?;
    let result = body
        .get("result")
        .ok_or_else(|| parse::missing("upload token", "result"))?;
    let field = |key: &str| {
        let value = string(result, key);
        (!value.is_empty())
            .then_some(value)
            .ok_or_else(|| parse::missing("upload token", key))
    };
    Ok(NosToken {
        object_key: field("objectKey")?,
        token: field("token")?,
        resource_id: field("resourceId")?,
    })
}

/// The upload host NOS's load balancer names, checked to be NetEase's storage.
async fn upload_host(client: &Client) -> Result<String> {
    let url = client.route(&format!(
        "{NOS_LBS_URL}?version=1.0&bucketname={NOS_BUCKET}"
    ))?;
    let answer = client
        .http()
        .get(url)
        .send()
        .await
        .map_err(|_| netease(Error::network("cannot reach NetEase's upload storage")))?;
    if !answer.status().is_success() {
        return Err(storage_error(format!(
            "NetEase's upload storage answered HTTP {} for its host",
            answer.status().as_u16()
        )));
    }
    let body: Value = answer
        .json()
        .await
        .map_err(|_| storage_error("NetEase's upload storage sent no host"))?;
    let base = body
        .get("upload")
        .and_then(Value::as_array)
        .and_then(|hosts| hosts.first())
        .and_then(Value::as_str)
        .ok_or_else(|| storage_error("NetEase's upload storage sent no host"))?
        .trim_end_matches('/')
        .to_owned();
    let parsed = url::Url::parse(&base)
        .map_err(|_| storage_error("NetEase's upload storage named a malformed host"))?;
    let known = match parsed.host() {
        Some(url::Host::Domain(name)) => hosts::matches(name, &NOS_UPLOAD_HOSTS),
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        None => false,
    };
    if !known || !matches!(parsed.scheme(), "http" | "https") || parsed.path() != "/" {
        return Err(storage_error(
            "NetEase's upload storage named a host that is not NetEase's",
        ));
    }
    Ok(base)
}

/// The bytes, chunk by chunk at the offset NOS has reached, with its `context` after the first.
async fn send_bytes(
    client: &Client,
    file: &UploadFile,
    token: &NosToken,
    report: &(dyn Fn(UploadStage, u64) + Send + Sync),
) -> Result<()> {
    let base = upload_host(client).await?;
    let key: String = url::form_urlencoded::byte_serialize(token.object_key.as_bytes()).collect();
    let total = file.bytes.len();
    let mut context = String::new();
    let mut offset = 0usize;
    report(UploadStage::Sending, 0);
    while offset < total {
        let chunk = &file.bytes[offset..(offset + NOS_CHUNK).min(total)];
        let complete = offset + chunk.len() == total;
        let mut address =
            format!("{base}/{NOS_BUCKET}/{key}?offset={offset}&complete={complete}&version=1.0");
        if !context.is_empty() {
            address.push_str("&context=");
            address.extend(url::form_urlencoded::byte_serialize(context.as_bytes()));
        }
        let answer = client
            .http()
            .post(client.route(&address)?)
            .header("x-nos-token", &token.token)
            .header("Content-MD5", hex::encode(Md5::digest(chunk)))
            .header(reqwest::header::CONTENT_TYPE, content_type(&file.extension))
            .body(chunk.to_vec())
            .send()
            .await
            .map_err(|_| {
                netease(Error::network(
                    "the upload to NetEase's storage broke off; nothing was added to the cloud disk",
                ))
            })?;
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(storage_error(format!(
                "NetEase's upload storage refused the file (HTTP {}{})",
                status.as_u16(),
                body.get("errCode")
                    .and_then(Value::as_str)
                    .map(|c| format!(", {c}"))
                    .unwrap_or_default()
            )));
        }
        let reached = positive(&body, "offset")
            .ok_or_else(|| storage_error("NetEase's upload storage did not say what it has"))?;
        if reached != (offset + chunk.len()) as u64 {
            return Err(storage_error(
                "NetEase's upload storage kept another number of bytes than were sent",
            ));
        }
        context = string(&body, "context");
        offset += chunk.len();
        report(UploadStage::Sending, offset as u64);
    }
    Ok(())
}
