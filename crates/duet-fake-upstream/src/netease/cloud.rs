//! The cloud disk (云盘, docs/netease-wire.md "Cloud disk"): the listing, the details by id, and
//! the upload, played strictly in order: `cloud/upload/check` → `nos/token/alloc` → the NOS
//! load balancer and the bytes to the NOS host (the token's object key, its token header, each
//! chunk's MD5, then the whole file's against the checked one) → `upload/cloud/info/v2` →
//! `cloud/pub/v2`. Uploads are kept, so the listing shows them afterwards and their stream URLs
//! play (any id's do, see `endpoints::song_url`); `cloud/del` takes them out.
//!
//! Prefilled: a matched upload (`347230`, the captured 海阔天空), one with only a file name
//! (`9500000001`) and one with a hostile name (`9500000002`).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use md5::{Digest as _, Md5};
use serde_json::{json, Value};

use super::catalog::{self, set};
use super::endpoints::{need_login, param_error, Answer, Call};
use super::NeteaseControl;
use crate::http_util::{now_ms, percent_decode, random_hex, response};
use crate::journal::{lock, RecordedRequest, Transport};

const LIST: &str = "/api/v1/cloud/get";
const BY_IDS: &str = "/api/v1/cloud/get/byids";
const CHECK: &str = "/api/cloud/upload/check";
const TOKEN: &str = "/api/nos/token/alloc";
const INFO: &str = "/api/upload/cloud/info/v2";
const PUBLISH: &str = "/api/cloud/pub/v2";
pub(crate) const DELETE: &str = "/api/cloud/del";

/// Every path this module answers.
pub(crate) const PATHS: [&str; 7] = [LIST, BY_IDS, CHECK, TOKEN, INFO, PUBLISH, DELETE];

/// The NOS load balancer, and the upload host it names.
pub(crate) const LBS_HOST: &str = "wanproxy.127.net";
pub(crate) const UPLOAD_HOST: &str = "nosup-jd1.127.net";
/// The bucket cloud-disk audio goes to (NCMA `plugins/songUpload.js`).
pub(crate) const BUCKET: &str = "jd-musicrep-privatecloud-audio-public";
/// The cloud disk's capacity the listing reports (`maxSize`): 60 GB.
const CAPACITY: u64 = 60 * 1024 * 1024 * 1024;
/// The first id of a new upload (outside every special range of the catalogue).
const FIRST_UPLOAD_ID: u64 = 9_500_000_101;
/// The NOS chunk the fake takes at most in one request (4 MiB).
const MAX_CHUNK: usize = 4 * 1024 * 1024;

pub(crate) fn handles_host(host: &str) -> bool {
    host == LBS_HOST || host == UPLOAD_HOST
}

#[derive(Clone)]
struct Upload {
    song_id: u64,
    song_name: String,
    artist: String,
    album: String,
    file_name: String,
    file_size: u64,
    bitrate: i64,
    add_time: i64,
    /// The catalogue song it was matched to.
    matched: Option<u64>,
}

/// One allocated NOS object, its bytes arriving.
struct Object {
    md5: String,
    token: String,
    resource_id: u64,
    context: String,
    received: Vec<u8>,
}

struct Checked {
    song_id: u64,
    length: u64,
}

struct State {
    /// Files NOS has (by MD5), with their size: uploaded here, or the prefilled ones'.
    stored: HashMap<String, u64>,
    /// The last check of each MD5.
    checked: HashMap<String, Checked>,
    /// Object key → object.
    objects: HashMap<String, Object>,
    /// Described by info/v2, not yet published: song id → upload.
    described: HashMap<u64, Upload>,
    /// The cloud disk, newest first.
    disk: Vec<Upload>,
    next_id: u64,
    next_resource: u64,
}

pub(crate) struct Cloud {
    state: Mutex<State>,
}

impl Default for Cloud {
    fn default() -> Self {
        let day = 86_400_000;
        let now = now_ms();
        let matched = catalog::song_with_privilege(347_230).0;
        let disk = vec![
            Upload {
                song_id: 9_500_000_002,
                song_name: "<img src=x onerror=alert('cloud')> & \"拍子\" '; --\u{202e}3pm 🎵"
                    .into(),
                artist: "<b>nobody</b>".into(),
                album: "</script>".into(),
                file_name: "<img src=x onerror=alert(1)>\u{202e}3pm.exe.mp3".into(),
                file_size: 2_345_678,
                bitrate: 128,
                add_time: now - day,
                matched: None,
            },
            Upload {
                song_id: 9_500_000_001,
                song_name: String::new(),
                artist: String::new(),
                album: String::new(),
                file_name: "rehearsal 2019-03-02.m4a".into(),
                file_size: 8_123_456,
                bitrate: 256,
                add_time: now - 2 * day,
                matched: None,
            },
            Upload {
                song_id: 347_230,
                song_name: matched["name"].as_str().unwrap_or_default().to_owned(),
                artist: "Beyond".into(),
                album: "乐与怒".into(),
                file_name: "Beyond - 海阔天空.flac".into(),
                file_size: 35_678_901,
                bitrate: 1_011,
                add_time: now - 3 * day,
                matched: Some(347_230),
            },
        ];
        let stored = disk
            .iter()
            .map(|u| (format!("{:032x}", u.song_id), u.file_size))
            .collect();
        Cloud {
            state: Mutex::new(State {
                stored,
                checked: HashMap::new(),
                objects: HashMap::new(),
                described: HashMap::new(),
                disk,
                next_id: FIRST_UPLOAD_ID,
                next_resource: 7_000_000_001,
            }),
        }
    }
}

/// Skips the ids the catalogue treats specially by their last digits (grey, VIP, no lyric).
fn ordinary_id(mut id: u64) -> u64 {
    while matches!(id % 100, 13 | 77 | 98 | 99) {
        id += 1;
    }
    id
}

/// An answer *(no public capture shows this body)* for a step out of order.
fn out_of_order(what: &str) -> Value {
    json!({"code": 400, "message": what, "msg": what})
}

impl Cloud {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        lock(&self.state)
    }

    /// The uploads in the cloud disk now, newest first (for tests).
    pub(crate) fn song_ids(&self) -> Vec<u64> {
        self.state().disk.iter().map(|u| u.song_id).collect()
    }
}

pub(crate) fn dispatch(c: &Call<'_>) -> Answer {
    if c.session().is_none() {
        return need_login().into();
    }
    let cloud = c.ctl.cloud();
    match c.path {
        LIST => list(c, cloud),
        BY_IDS => by_ids(c, cloud),
        CHECK => check(c, cloud),
        TOKEN => token(c, cloud),
        INFO => info(c, cloud),
        DELETE => delete(c, cloud),
        _ => publish(c, cloud),
    }
    .unwrap_or_else(Answer::from)
}

fn item(u: &Upload) -> Value {
    let simple = match u.matched {
        Some(id) => {
            let (mut song, mut privilege) = catalog::song_with_privilege(id);
            set(&mut privilege, "cs", true);
            set(&mut song, "privilege", privilege);
            song
        }
        None => json!({
            "id": u.song_id,
            "name": u.song_name,
            "ar": [{"id": 0, "name": if u.artist.is_empty() { "未知艺术家" } else { &u.artist }}],
            "al": {"id": 0, "name": if u.album.is_empty() { "未知专辑" } else { &u.album }, "picUrl": null},
            "dt": catalog::song_duration_ms(u.song_id),
            "fee": 0,
            "privilege": {"id": u.song_id, "fee": 0, "st": 0, "pl": u.bitrate * 1000, "cs": true},
        }),
    };
    json!({
        "simpleSong": simple,
        "songId": u.song_id,
        "songName": u.song_name,
        "artist": u.artist,
        "album": u.album,
        "fileName": u.file_name,
        "fileSize": u.file_size,
        "bitrate": u.bitrate,
        "addTime": u.add_time,
        "cover": 0,
        "coverId": "",
        "lyricId": "",
        "version": 1,
    })
}

fn list(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let limit = c
        .int_param("limit")
        .map_err(|_| param_error())?
        .unwrap_or(30);
    let offset = c
        .int_param("offset")
        .map_err(|_| param_error())?
        .unwrap_or(0);
    if !(1..=1000).contains(&limit) || offset < 0 {
        return Err(param_error());
    }
    let state = cloud.state();
    let data: Vec<Value> = state
        .disk
        .iter()
        .skip(offset as usize)
        .take(limit as usize)
        .map(item)
        .collect();
    let used: u64 = state.disk.iter().map(|u| u.file_size).sum();
    Ok(json!({
        "code": 200,
        "count": state.disk.len(),
        "hasMore": (offset + limit) < state.disk.len() as i64,
        "size": used.to_string(),
        "maxSize": CAPACITY.to_string(),
        "upgradeSign": 0,
        "data": data,
    })
    .into())
}

/// `songIds`: a JSON array of ids (numbers or strings), or that array as a string; 1 to 1000.
fn song_ids_param(c: &Call<'_>) -> Result<Vec<u64>, Value> {
    let ids = match c.params.get("songIds") {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(items)) => items,
            _ => return Err(param_error()),
        },
        _ => return Err(param_error()),
    };
    let ids: Vec<u64> = ids
        .iter()
        .map(|v| match v {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        })
        .collect::<Option<_>>()
        .ok_or_else(param_error)?;
    if ids.is_empty() || ids.len() > 1000 {
        return Err(param_error());
    }
    Ok(ids)
}

fn by_ids(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let ids = song_ids_param(c)?;
    let state = cloud.state();
    let data: Vec<Value> = state
        .disk
        .iter()
        .filter(|u| ids.contains(&u.song_id))
        .map(item)
        .collect();
    Ok(json!({"code": 200, "data": data}).into())
}

/// `cloud/del`: the uploads leave the cloud disk. An id the disk does not hold is refused
/// whole *(no public capture shows that answer, nor the success body beyond its code)*.
fn delete(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let ids = song_ids_param(c)?;
    let mut state = cloud.state();
    if !ids
        .iter()
        .all(|id| state.disk.iter().any(|u| u.song_id == *id))
    {
        let message = "云盘中没有这首歌";
        return Err(json!({"code": 404, "message": message, "msg": message}));
    }
    state.disk.retain(|u| !ids.contains(&u.song_id));
    Ok(json!({"code": 200}).into())
}

fn md5_param(c: &Call<'_>) -> Result<String, Value> {
    let md5 = c.str_param("md5").ok_or_else(param_error)?;
    let ok = md5.len() == 32
        && md5
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
    ok.then_some(md5).ok_or_else(param_error)
}

/// `cloud/upload/check`: whether NOS has the bytes (`needUpload`) and the song id the upload
/// will have.
fn check(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let md5 = md5_param(c)?;
    let length = c.id_param("length").ok_or_else(param_error)?;
    if c.str_param("songId").as_deref() != Some("0")
        || c.int_param("version").ok().flatten() != Some(1)
        || c.int_param("bitrate").ok().flatten().is_none_or(|b| b <= 0)
    {
        return Err(param_error());
    }
    let mut state = cloud.state();
    let existing = state
        .disk
        .iter()
        .find(|u| format!("{:032x}", u.song_id) == md5)
        .map(|u| u.song_id);
    let need_upload = !state.stored.contains_key(&md5);
    let song_id = match (existing, state.checked.get(&md5)) {
        (Some(id), _) => id,
        (None, Some(before)) => before.song_id,
        (None, None) => {
            let id = ordinary_id(state.next_id);
            state.next_id = id + 1;
            id
        }
    };
    state.checked.insert(md5, Checked { song_id, length });
    Ok(json!({"code": 200, "needUpload": need_upload, "songId": song_id.to_string()}).into())
}

/// `nos/token/alloc`: an object key and its upload token, for a checked MD5 only.
fn token(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let md5 = md5_param(c)?;
    let ext = c.str_param("ext").unwrap_or_default();
    let filename = c.str_param("filename").unwrap_or_default();
    if c.str_param("bucket").as_deref() != Some(BUCKET)
        || c.str_param("type").as_deref() != Some("audio")
        || c.int_param("nos_product").ok().flatten() != Some(3)
        || ext.is_empty()
        || filename.is_empty()
    {
        return Err(param_error());
    }
    let mut state = cloud.state();
    if !state.checked.contains_key(&md5) {
        return Err(out_of_order("上传前未检查文件"));
    }
    let resource_id = state.next_resource;
    state.next_resource += 1;
    let object_key = format!("obj/w5zCg8OCw{}/{resource_id}/{md5}.{ext}", random_hex(6));
    let token = format!("UPLOAD {}", random_hex(48));
    state.objects.insert(
        object_key.clone(),
        Object {
            md5,
            token: token.clone(),
            resource_id,
            context: String::new(),
            received: Vec::new(),
        },
    );
    Ok(json!({"code": 200, "result": {
        "bucket": BUCKET,
        "token": token,
        "outerUrl": format!("https://{BUCKET}.nos-jd.163yun.com/{object_key}"),
        "docId": "-1",
        "objectKey": object_key,
        "resourceId": resource_id,
    }})
    .into())
}

/// `upload/cloud/info/v2`: what the file is, once NOS has it and the resource is this MD5's.
fn info(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let md5 = md5_param(c)?;
    let song_id = c.id_param("songid").ok_or_else(param_error)?;
    let resource_id = c.id_param("resourceId").ok_or_else(param_error)?;
    let filename = c.str_param("filename").unwrap_or_default();
    let song = c.str_param("song").unwrap_or_default();
    if filename.is_empty() || song.is_empty() || c.str_param("bitrate").is_none() {
        return Err(param_error());
    }
    let mut state = cloud.state();
    let length = match state.checked.get(&md5) {
        Some(checked) if checked.song_id == song_id => checked.length,
        _ => return Err(out_of_order("歌曲未检查")),
    };
    if !state
        .objects
        .values()
        .any(|o| o.md5 == md5 && o.resource_id == resource_id)
    {
        return Err(out_of_order("资源不存在"));
    }
    match state.stored.get(&md5) {
        Some(size) if *size == length => {}
        _ => return Err(out_of_order("文件未上传")),
    }
    let upload = Upload {
        song_id,
        song_name: song.clone(),
        artist: c.str_param("artist").unwrap_or_default(),
        album: c.str_param("album").unwrap_or_default(),
        file_name: filename,
        file_size: length,
        bitrate: c
            .int_param("bitrate")
            .ok()
            .flatten()
            .map_or(0, |b| (b / 1000).min(9_999)),
        add_time: now_ms(),
        matched: None,
    };
    state.described.insert(song_id, upload);
    Ok(json!({"code": 200, "songId": song_id.to_string(), "waitTime": 0, "exists": false}).into())
}

/// `cloud/pub/v2`: adds a described upload to the cloud disk.
fn publish(c: &Call<'_>, cloud: &Cloud) -> Result<Answer, Value> {
    let song_id = c.id_param("songid").ok_or_else(param_error)?;
    let mut state = cloud.state();
    let Some(upload) = state.described.remove(&song_id) else {
        return Err(out_of_order("歌曲信息不存在"));
    };
    state.disk.retain(|u| u.song_id != song_id);
    state.disk.insert(0, upload.clone());
    Ok(json!({"code": 200, "privateCloud": item(&upload)}).into())
}

// ---- the NOS hosts ---------------------------------------------------------------------------

fn nos_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"errCode": code, "errMsg": message}).to_string();
    response(status, "application/json", body.into_bytes())
}

fn json_response(value: Value) -> Response {
    response(
        StatusCode::OK,
        "application/json",
        value.to_string().into_bytes(),
    )
}

/// The load balancer and the upload host.
pub(crate) fn serve_nos(
    ctl: &NeteaseControl,
    host: &str,
    rest: &str,
    method: &Method,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let started = Instant::now();
    let params: HashMap<String, String> = query
        .unwrap_or_default()
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), percent_decode(v)))
        .collect();
    let resp = if host == LBS_HOST {
        if method != Method::GET
            || rest != "lbs"
            || params.get("bucketname").map(String::as_str) != Some(BUCKET)
            || params.get("version").map(String::as_str) != Some("1.0")
        {
            nos_error(
                StatusCode::BAD_REQUEST,
                "InvalidArgument",
                "bad lbs request",
            )
        } else {
            json_response(json!({
                "lbs": format!("https://{LBS_HOST}/lbs"),
                "upload": [format!("https://{UPLOAD_HOST}")],
            }))
        }
    } else {
        upload_chunk(ctl.cloud(), rest, method, &params, headers, body)
    };
    ctl.journal().record(RecordedRequest {
        host: host.to_owned(),
        transport: Transport::Web,
        logical_path: format!("/{}", rest.split('/').next().unwrap_or_default()),
        time: started,
        status: resp.status().as_u16(),
        code: None,
        call: None,
    });
    resp
}

/// `POST /{bucket}/{objectKey}?offset=&complete=&version=1.0[&context=]` with `x-nos-token`
/// and `Content-MD5`: one chunk, at the offset the object has reached.
fn upload_chunk(
    cloud: &Cloud,
    rest: &str,
    method: &Method,
    params: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    if method != Method::POST {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let Some(key) = rest.strip_prefix(&format!("{BUCKET}/")) else {
        return nos_error(StatusCode::NOT_FOUND, "NoSuchBucket", "no such bucket");
    };
    let key = percent_decode(key);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let mut state = cloud.state();
    let Some(object) = state.objects.get_mut(&key) else {
        return nos_error(StatusCode::NOT_FOUND, "NoSuchKey", "no such object key");
    };
    if header("x-nos-token") != object.token {
        return nos_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "token does not match",
        );
    }
    let offset: Option<usize> = params.get("offset").and_then(|o| o.parse().ok());
    let complete = params.get("complete").map(String::as_str);
    if params.get("version").map(String::as_str) != Some("1.0")
        || offset != Some(object.received.len())
        || !matches!(complete, Some("true" | "false"))
        || (offset != Some(0) && params.get("context") != Some(&object.context))
    {
        return nos_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "bad offset or context",
        );
    }
    if body.is_empty() || body.len() > MAX_CHUNK {
        return nos_error(StatusCode::BAD_REQUEST, "InvalidArgument", "bad chunk size");
    }
    if header("content-md5") != hex::encode(Md5::digest(body)) {
        return nos_error(
            StatusCode::BAD_REQUEST,
            "BadDigest",
            "Content-MD5 does not match",
        );
    }
    object.received.extend_from_slice(body);
    if object.context.is_empty() {
        object.context = random_hex(32);
    }
    let received = object.received.len();
    let context = object.context.clone();
    if complete == Some("true") {
        let whole = hex::encode(Md5::digest(&object.received));
        if whole != object.md5 {
            let md5 = object.md5.clone();
            state.objects.remove(&key);
            tracing::debug!(%md5, "uploaded bytes do not hash to the checked MD5");
            return nos_error(
                StatusCode::BAD_REQUEST,
                "BadDigest",
                "file md5 does not match",
            );
        }
        let md5 = object.md5.clone();
        state.stored.insert(md5, received as u64);
    }
    json_response(json!({
        "requestID": random_hex(16),
        "offset": received,
        "context": context,
        "callbackRetMsg": "",
    }))
}
