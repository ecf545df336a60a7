//! The seed's routes (`/api/...`): each reads its parameters and the credential it runs under,
//! calls `duet_qqmusic`, and answers with Duet's model JSON or the error object.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::{Json, Router};
use duet_core::{
    Error, Provider, ProviderId, QrMethod, QrState, Quality, SearchQuery, SearchType, UserRef,
};
use serde_json::{json, Value};

use super::credentials::{given, no_credentials, SeedQq};
use super::listen_picture;
use super::stats::count;
use super::{bad, qq_error};
use crate::api::ApiError;
use crate::login_keys::Handout;
use crate::AppState;

/// `/api/playlist` without `num` (or with 0).
const DEFAULT_PLAYLIST_TRACKS: u32 = 30;

const INFLATING: &str = "Duet does not inflate listening time: this route exists to fake plays \
    for listening-time rewards, and these get accounts banned by QQ Music. Play music with \
    /api/musicurl instead";
const COIN_TASKS: &str = "Duet does not automate coin tasks or claim rewards: these get accounts \
    banned by QQ Music. Claim them yourself in the QQ Music app; the day's sign-in is POST \
    /api/sign, called by a person";
const APPROVE_QR: &str = "approving another device's QR login from an image is not supported: \
    the protocol sources Duet is built from do not show how the phone app confirms a scanned \
    code, and Duet does not guess at a login call. Log this server in with GET \
    /api/login/qrcode and scan that code with your phone";

/// A POST body: empty, or a JSON object (the access gate refuses a body that is not
/// `application/json` before it gets here, as the seed's clients label theirs).
fn json_body(body: &Bytes) -> Result<Value, Error> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value @ Value::Object(_)) => Ok(value),
        Ok(_) => Err(bad("the body must be a JSON object")),
        Err(e) => Err(bad(format!("the body is not JSON: {e}"))),
    }
}

fn required<'a>(params: &'a HashMap<String, String>, name: &str) -> Result<&'a str, Error> {
    match params.get(name).map(|v| v.trim()) {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(bad(format!("the query parameter {name} is missing"))),
    }
}

fn number(params: &HashMap<String, String>, name: &str, default: u32) -> Result<u32, Error> {
    match params.get(name).map(|v| v.trim()) {
        None | Some("") => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            bad(format!(
                "{name} must be a whole number, got {:?}",
                v.chars().take(20).collect::<String>()
            ))
        }),
    }
}

/// A body field that the seed's clients send as a string or a number.
fn text_field(body: &Value, name: &str) -> Result<Option<String>, Error> {
    match body.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(bad(format!("{name} must be a string or a number"))),
    }
}

pub fn routes(state: Arc<AppState>) -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/login/qrcode", get(login_qrcode).post(approve_qrcode))
        .route("/api/login/check", get(login_check))
        .route("/api/search", get(search))
        .route("/api/playlist", get(playlist))
        .route("/api/user", get(user))
        .route("/api/sign", post(sign))
        .route("/api/addcomment", post(add_comment))
        .route("/api/coin/task", post(coin_task))
        .route("/api/coin/task/check", get(coin_task))
        .route("/api/musicurl", get(music_url))
        .route("/api/lyric", get(lyric))
        .route("/api/convert", get(convert))
        .route("/api/listenreport", get(listen_report))
        .route("/api/accelerate/song", post(accelerate))
        .route("/api/accelerate/songlist", get(accelerate))
        .route("/api/accelerate/refreshkey", post(refresh_key))
        .route("/api/accelerate/userinfo", get(accelerate_user_info))
        .route("/api/stats", get(stats))
        .route_layer(axum::middleware::from_fn_with_state(state, count))
        .route("/api/{*rest}", any(unknown_route))
}

type Params = Query<HashMap<String, String>>;
type Answer = Result<Json<Value>, ApiError>;

fn seed(state: &AppState) -> Result<&SeedQq, ApiError> {
    state.seed.as_ref().ok_or_else(|| {
        qq_error(Error::not_found(
            "QQ Music is not available in this build of duet-server",
        ))
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|e| qq_error(Error::upstream(format!("cannot write the answer: {e}"))))
}

/// `GET /api/login/qrcode[?type=qq|wechat|qqmusic]`: a QR login of this server (the code the phone
/// scans), polled by the server at the service's pace.
async fn login_qrcode(State(state): State<Arc<AppState>>, Query(params): Params) -> Answer {
    let seed = seed(&state)?;
    let method = match params.get("type").map(|t| t.trim().to_ascii_lowercase()) {
        None => QrMethod::Qq,
        Some(t) if t.is_empty() || t == "qq" => QrMethod::Qq,
        Some(t) if t == "wechat" || t == "wx" => QrMethod::Wechat,
        Some(t) if t == "qqmusic" => QrMethod::QqMusic,
        Some(_) => {
            return Err(qq_error(bad(
                "type is qq (the default), wechat or qqmusic (the QQ Music app)",
            )))
        }
    };
    let provider: Arc<dyn Provider> = seed.qq.clone();
    let login = state
        .start_qr_login(provider, Some(method))
        .await
        .map_err(qq_error)?;
    let mut answer = to_json(&login)?;
    answer["qrcode"] = json!(login.qr_png);
    Ok(Json(answer))
}

/// `GET /api/login/check?key=`: the login's state; once confirmed, the cookies of the new
/// session (uin, musickey and a ready `cookie` string), as the seed hands them out, but only
/// once: to the first check within the window after the confirmation. Later checks answer
/// `confirmed` without them; past the window the login is forgotten (`not_found`).
async fn login_check(State(state): State<Arc<AppState>>, Query(params): Params) -> Answer {
    let seed = seed(&state)?;
    let key = required(&params, "key").map_err(qq_error)?;
    let unknown = || {
        qq_error(Error::not_found(format!(
            "no QR login with this key (a confirmed one is forgotten {} after its confirmation); \
             start one with GET /api/login/qrcode",
            describe(state.login_keys.window())
        )))
    };
    let login = state
        .qr_logins
        .state(ProviderId::Qq, key)
        .await
        .ok_or_else(unknown)?;
    let mut answer = to_json(&login)?;
    if login.state != QrState::Confirmed {
        return Ok(Json(answer));
    }
    if state
        .login_keys
        .is_forgotten(ProviderId::Qq, key, Instant::now())
    {
        return Err(unknown());
    }
    let held = seed.held().await.filter(|session| {
        login
            .profile
            .as_ref()
            .is_some_and(|p| p.user_id == session.musicid.to_string())
    });
    let Some(session) = held else {
        answer["message"] = json!(
            "this server no longer holds the session of this login (logged out, or replaced by \
             another login): there is no key to hand out"
        );
        return Ok(Json(answer));
    };
    match state.login_keys.claim(ProviderId::Qq, key, Instant::now()) {
        Handout::Give => {
            let credential = session.credential();
            answer["uin"] = json!(session.musicid.to_string());
            answer["musickey"] = json!(credential.musickey.expose());
            answer["cookie"] = json!(credential.cookie_header());
            tracing::info!("handed out the key of a confirmed QQ Music login (once)");
        }
        Handout::Given => {
            answer["message"] = json!(
                "the key of this login was handed out once already, to the first check after \
                 its confirmation, and is not shown again; this server goes on using the session"
            );
        }
        Handout::Forgotten => return Err(unknown()),
    }
    Ok(Json(answer))
}

/// "5 minutes", "90 s".
fn describe(window: Duration) -> String {
    match window.as_secs() {
        60 => "1 minute".to_owned(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} s"),
    }
}

/// `POST /api/login/qrcode` (approve a code from its image): declined.
async fn approve_qrcode() -> ApiError {
    qq_error(Error::declined(APPROVE_QR))
}

async fn coin_task() -> ApiError {
    qq_error(Error::declined(COIN_TASKS))
}

async fn accelerate() -> ApiError {
    qq_error(Error::declined(INFLATING))
}

async fn unknown_route() -> ApiError {
    qq_error(Error::not_found(
        "no such route in the seed-compatible QQ Music API; see the README for /api",
    ))
}

/// `GET /api/search?query=&page=1&page_size=15`: tracks.
async fn search(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Answer {
    let seed = seed(&state)?;
    let query = (|| {
        SearchQuery::new(
            required(&params, "query")?,
            SearchType::Track,
            number(&params, "page", 1)?,
            number(&params, "page_size", 15)?,
        )
    })()
    .map_err(qq_error)?;
    let query = &query;
    let page = seed
        .call(&headers, None, |api, c| async move {
            api.search(Some(&c), query).await
        })
        .await?;
    Ok(Json(to_json(&seed.images(page))?))
}

/// `GET /api/playlist?id=&num=30`: the playlist with its first `num` tracks.
async fn playlist(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Answer {
    let seed = seed(&state)?;
    let (id, num) = (|| {
        let id = required(&params, "id")?;
        let num = match number(&params, "num", DEFAULT_PLAYLIST_TRACKS)? {
            0 => DEFAULT_PLAYLIST_TRACKS,
            n => n,
        };
        Ok::<_, Error>((id, num as usize))
    })()
    .map_err(qq_error)?;
    let playlist = seed
        .call(&headers, None, |api, c| async move {
            let euin = if id == duet_qqmusic::parse::LIKED_PLAYLIST_ID {
                Some(api.user_info(&c).await?.encrypt_uin)
            } else {
                None
            };
            api.playlist(Some(&c), id, euin.as_deref(), Some(num)).await
        })
        .await?;
    Ok(Json(to_json(&seed.images(playlist))?))
}

/// `GET /api/user`: profile, VIP identity and music level.
async fn user(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Answer {
    let seed = seed(&state)?;
    let mut info = seed
        .call(
            &headers,
            None,
            |api, c| async move { api.user_info(&c).await },
        )
        .await?;
    info.profile = seed.images(info.profile);
    Ok(Json(to_json(&info)?))
}

/// `GET /api/accelerate/userinfo`: nickname, avatar, VIP and level, flat.
async fn accelerate_user_info(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Answer {
    let seed = seed(&state)?;
    let info = seed
        .call(
            &headers,
            None,
            |api, c| async move { api.user_info(&c).await },
        )
        .await?;
    let profile = seed.images(info.profile);
    Ok(Json(json!({
        "provider": profile.provider,
        "user_id": profile.user_id,
        "nickname": profile.nickname,
        "avatar_url": profile.avatar_url,
        "vip": profile.vip,
        "level": info.music_level,
        "encrypt_uin": info.encrypt_uin,
        "vip_identity": info.vip,
    })))
}

/// `POST /api/sign` `{"type":"continue"}`: the day's sign-in, because the caller asked.
async fn sign(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Answer {
    let seed = seed(&state)?;
    let body = json_body(&body).map_err(qq_error)?;
    match text_field(&body, "type").map_err(qq_error)?.as_deref() {
        None | Some("") | Some("continue") => {}
        Some(_) => {
            return Err(qq_error(bad(
                "type is \"continue\" (the default), the only sign-in QQ Music's web offers",
            )))
        }
    }
    let done = seed
        .call(&headers, Some(&body), |api, c| async move {
            api.check_in(&c).await
        })
        .await?;
    Ok(Json(to_json(&done)?))
}

/// `POST /api/addcomment` `{content, bizid, biztype: 1|2|3, repliedcmid}` → 201 `Comment`.
async fn add_comment(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let seed = seed(&state)?;
    let body = json_body(&body).map_err(qq_error)?;
    let (content, biz_id, biz_type, replied) = (|| {
        let content = match body.get("content") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(bad("content is missing"))
            }
            Some(_) => return Err(bad("content must be a string")),
        };
        let biz_id = text_field(&body, "bizid")?
            .filter(|id| !id.is_empty())
            .ok_or_else(|| bad("bizid is missing"))?;
        let biz_type = match text_field(&body, "biztype")?.as_deref() {
            None | Some("") => 1,
            Some(t) => match t.parse::<u8>() {
                Ok(n @ 1..=3) => n,
                _ => return Err(bad("biztype is 1 (song), 2 (album) or 3 (playlist)")),
            },
        };
        let is_mid = duet_qqmusic::identity::is_mid(&biz_id);
        let numeric = biz_id.len() <= 20 && biz_id.bytes().all(|b| b.is_ascii_digit());
        if !(numeric || (is_mid && biz_type == 1)) {
            return Err(bad(format!(
                "bizid is the numeric id of the song, album or playlist (a song may also be \
                 given by its songmid), got {:?}",
                biz_id.chars().take(40).collect::<String>()
            )));
        }
        let replied = text_field(&body, "repliedcmid")?.filter(|r| !r.is_empty());
        Ok((content, biz_id, biz_type, replied))
    })()
    .map_err(qq_error)?;
    let (content, biz_id, replied) = (&content, &biz_id, replied.as_deref());
    let comment = seed
        .call(&headers, Some(&body), |api, c| async move {
            let biz_id = if duet_qqmusic::identity::is_mid(biz_id) {
                api.convert(Some(&c), biz_id).await?.id.to_string()
            } else {
                biz_id.clone()
            };
            let info = api.user_info(&c).await?;
            let author = UserRef {
                id: info.encrypt_uin,
                name: info.profile.nickname,
                avatar_url: info.profile.avatar_url,
            };
            api.post_comment(&c, biz_type, &biz_id, content, replied, author)
                .await
        })
        .await?;
    Ok((StatusCode::CREATED, Json(to_json(&seed.images(comment))?)))
}

/// `GET /api/musicurl?songmid=&fileType=128|320|flac`: the play URL of the best file up to
/// that quality this account may have.
async fn music_url(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Answer {
    let seed = seed(&state)?;
    let (mid, quality) = (|| {
        let mid = required(&params, "songmid")?;
        let quality = match params
            .get("fileType")
            .map(|t| t.trim().to_ascii_lowercase())
            .as_deref()
        {
            None | Some("") | Some("128") => Quality::Standard,
            Some("320") => Quality::High,
            Some("flac") => Quality::Lossless,
            Some(_) => return Err(bad("fileType is 128 (the default), 320 or flac")),
        };
        Ok((mid, quality))
    })()
    .map_err(qq_error)?;
    let url = seed
        .call(&headers, None, |api, c| async move {
            api.stream_url(Some(&c), mid, quality).await
        })
        .await?;
    Ok(Json(to_json(&url)?))
}

/// `GET /api/lyric?mid=`: a songmid or a numeric songid, told apart by their shape.
async fn lyric(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Answer {
    let seed = seed(&state)?;
    let id = required(&params, "mid").map_err(qq_error)?;
    let lyrics = seed
        .call(&headers, None, |api, c| async move {
            let mid = if duet_qqmusic::identity::is_mid(id) {
                id.to_owned()
            } else {
                api.convert(Some(&c), id).await?.mid
            };
            api.lyrics(Some(&c), &mid).await
        })
        .await?;
    Ok(Json(to_json(&lyrics)?))
}

/// `GET /api/convert?id=`: songid ↔ songmid.
async fn convert(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Answer {
    let seed = seed(&state)?;
    let id = required(&params, "id").map_err(qq_error)?;
    let ids = seed
        .call(&headers, None, |api, c| async move {
            api.convert(Some(&c), id).await
        })
        .await?;
    Ok(Json(
        json!({ "provider": ProviderId::Qq, "id": ids.id, "mid": ids.mid }),
    ))
}

/// `GET /api/listenreport`: the profile's listening report as QQ Music sends it; with
/// `format=png`, a picture of it, or of Duet's own record when QQ Music has none
/// (`super::listen_picture`).
async fn listen_report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(params): Params,
) -> Result<Response, ApiError> {
    let picture = listen_picture::ask(&params).map_err(qq_error)?;
    let report = async {
        seed(&state)?
            .call(&headers, None, |api, c| async move {
                let euin = api.user_info(&c).await?.encrypt_uin;
                let report = api.listening_report(&c, &euin).await?;
                Ok((c.musicid, report))
            })
            .await
    };
    let Some(ask) = picture else {
        let (user_id, report) = report.await?;
        return Ok(Json(json!({
            "provider": ProviderId::Qq,
            "user_id": user_id.to_string(),
            "report": report,
        }))
        .into_response());
    };
    listen_picture::answer(ask, report.await.map(|(_, report)| report)).await
}

/// `POST /api/accelerate/refreshkey`: renews the key of the session this server logged in
/// (the only one with the refresh tokens, docs/protocol/qqmusic.md §4.5). A caller that presented that session's key
/// gets the new one (the old one stops working); a bare musicid + musickey cannot be renewed.
async fn refresh_key(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let seed = seed(&state)?;
    let body = json_body(&body).map_err(qq_error)?;
    let presented = given(&headers, Some(&body)).map_err(qq_error)?;
    let held = seed.held().await;
    let hand_back = match (&presented, &held) {
        (None, None) => return Err(qq_error(no_credentials())),
        (Some(c), Some(session))
            if c.musicid == session.musicid && c.musickey.expose() == session.musickey.expose() =>
        {
            true
        }
        (Some(_), _) => {
            return Err(qq_error(bad(
                "this key cannot be renewed: QQ Music renews a key only with the refresh_key and \
                 refresh_token of the login that made it, and a bare musicid + musickey carries \
                 neither. Log this server in with GET /api/login/qrcode: it keeps those tokens \
                 and renews its key itself",
            )))
        }
        (None, Some(_)) => false,
    };
    let fresh = seed.qq.refresh().await.map_err(qq_error)?;
    let session = seed.held().await;
    let mut answer = json!({
        "provider": ProviderId::Qq,
        "refreshed": true,
        "uin": fresh.musicid.to_string(),
    });
    if let Some(session) = session.filter(|s| s.musicid == fresh.musicid) {
        answer["key_expires_at"] = json!(session.key_expires_at());
    }
    if hand_back {
        answer["musickey"] = json!(fresh.musickey.expose());
        answer["cookie"] = json!(fresh.cookie_header());
    }
    Ok(Json(answer))
}

/// `GET /api/stats`: calls per route since the server started (declined ones included).
async fn stats(State(state): State<Arc<AppState>>) -> Json<Value> {
    Json(state.stats.to_json())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_empty_or_objects() {
        assert_eq!(json_body(&Bytes::from_static(b"")).unwrap(), json!({}));
        assert_eq!(
            json_body(&Bytes::from_static(b" {\"a\":1}")).unwrap()["a"],
            1
        );
        assert!(json_body(&Bytes::from_static(b"[1]")).is_err());
        assert!(json_body(&Bytes::from_static(b"{")).is_err());
    }
}
