//! Decoding the four NetEase transports into one logical request (spec §1–§4, §9.1–9.2).

use std::collections::HashMap;

use axum::http::Method;
use duet_netease::crypto;
use serde_json::{Map, Value};

use super::NeteaseControl;
use crate::journal::Transport;

/// Where an API-host URL leads, before decoding its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Route {
    pub transport: Transport,
    /// `/api/<p>` as implied by the URL (for linuxapi: `/api/linux/forward`).
    pub url_logical_path: String,
}

/// Classifies `rest` (the URL path after `/{host}/`, no leading slash) on an API host.
pub(crate) fn route(host: &str, rest: &str) -> Option<Route> {
    let (transport, p) = if let Some(p) = rest.strip_prefix("eapi/") {
        (Transport::Eapi, p)
    } else if let Some(p) = rest.strip_prefix("weapi/") {
        // The web page's transport lives on the web host only.
        if host != "music.163.com" {
            return None;
        }
        (Transport::Weapi, p)
    } else if rest == "api/linux/forward" {
        if host != "music.163.com" {
            return None;
        }
        (Transport::Linuxapi, "linux/forward")
    } else if let Some(p) = rest.strip_prefix("api/") {
        (Transport::Api, p)
    } else {
        return None;
    };
    if p.is_empty() || p.starts_with('/') {
        return None;
    }
    Some(Route {
        transport,
        url_logical_path: format!("/api/{p}"),
    })
}

/// A decoded request, whatever its transport.
#[derive(Debug, Clone)]
pub(crate) struct Decoded {
    pub transport: Transport,
    /// The logical `/api/...` path the endpoint is chosen by.
    pub logical_path: String,
    /// The request object (for plain api: every value a string).
    pub params: Map<String, Value>,
    /// eapi only: the client-info `header` map (object, or a JSON-encoded object string).
    pub eapi_header: Option<Map<String, Value>>,
    /// `"e_r": true` in the request JSON (eapi/weapi): encrypt the answer.
    pub e_r: bool,
}

/// Why a request could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// Wrong HTTP method for this transport.
    Method,
    /// Anything malformed; the reason is for the debug log.
    Bad(&'static str),
}

fn form(body: &[u8]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(body) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

fn json_object(text: &str) -> Result<Map<String, Value>, DecodeError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(DecodeError::Bad("request JSON is not an object")),
        Err(_) => Err(DecodeError::Bad("request text is not JSON")),
    }
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    }
}

/// Decodes one API request.
pub(crate) fn decode(
    ctl: &NeteaseControl,
    route: &Route,
    method: &Method,
    query: Option<&str>,
    body: &[u8],
) -> Result<Decoded, DecodeError> {
    match route.transport {
        Transport::Eapi => decode_eapi(route, method, body),
        Transport::Weapi => decode_weapi(ctl, route, method, body),
        Transport::Linuxapi => decode_linuxapi(method, body),
        _ => decode_api(route, method, query, body),
    }
}

fn decode_eapi(route: &Route, method: &Method, body: &[u8]) -> Result<Decoded, DecodeError> {
    if method != Method::POST {
        return Err(DecodeError::Method);
    }
    let f = form(body);
    let params = f
        .get("params")
        .ok_or(DecodeError::Bad("eapi: no params field"))?;
    let req = crypto::eapi_decrypt_request(params.trim())
        .map_err(|_| DecodeError::Bad("eapi: params do not decrypt"))?;
    if !req.digest_ok {
        return Err(DecodeError::Bad("eapi: digest mismatch"));
    }
    if req.url_path != route.url_logical_path {
        return Err(DecodeError::Bad("eapi: encrypted path differs from URL"));
    }
    let obj = json_object(&req.text)?;
    let eapi_header = match obj.get("header") {
        Some(Value::Object(m)) => Some(m.clone()),
        Some(Value::String(s)) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        _ => None,
    };
    Ok(Decoded {
        transport: Transport::Eapi,
        logical_path: req.url_path,
        e_r: truthy(obj.get("e_r")),
        eapi_header,
        params: obj,
    })
}

fn decode_weapi(
    ctl: &NeteaseControl,
    route: &Route,
    method: &Method,
    body: &[u8],
) -> Result<Decoded, DecodeError> {
    if method != Method::POST {
        return Err(DecodeError::Method);
    }
    let f = form(body);
    let params = f
        .get("params")
        .ok_or(DecodeError::Bad("weapi: no params field"))?;
    let key = f
        .get("encSecKey")
        .ok_or(DecodeError::Bad("weapi: no encSecKey field"))?;
    let secret = ctl
        .weapi_secret(key.trim())
        .ok_or(DecodeError::Bad("weapi: encSecKey of an unknown secret"))?;
    let text = crypto::weapi_decrypt(params, &secret)
        .map_err(|_| DecodeError::Bad("weapi: params do not decrypt"))?;
    let obj = json_object(&text)?;
    Ok(Decoded {
        transport: Transport::Weapi,
        logical_path: route.url_logical_path.clone(),
        e_r: truthy(obj.get("e_r")),
        eapi_header: None,
        params: obj,
    })
}

fn decode_linuxapi(method: &Method, body: &[u8]) -> Result<Decoded, DecodeError> {
    if method != Method::POST {
        return Err(DecodeError::Method);
    }
    let f = form(body);
    let eparams = f
        .get("eparams")
        .ok_or(DecodeError::Bad("linuxapi: no eparams field"))?;
    let text = crypto::linuxapi_decrypt(eparams.trim())
        .map_err(|_| DecodeError::Bad("linuxapi: eparams do not decrypt"))?;
    let obj = json_object(&text)?;
    let url = obj
        .get("url")
        .and_then(Value::as_str)
        .ok_or(DecodeError::Bad("linuxapi: no url"))?;
    let path = match url.split_once("://") {
        Some((_, after)) => after.find('/').map(|i| &after[i..]).unwrap_or("/"),
        None => url,
    };
    let path = path.split(['?', '#']).next().unwrap_or("");
    let p = path
        .strip_prefix("/api/")
        .filter(|p| !p.is_empty())
        .ok_or(DecodeError::Bad("linuxapi: url is not /api/..."))?;
    let params = match obj.get("params") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(Value::String(s)) => json_object(s)?,
        Some(_) => return Err(DecodeError::Bad("linuxapi: params is not an object")),
    };
    Ok(Decoded {
        transport: Transport::Linuxapi,
        logical_path: format!("/api/{p}"),
        params,
        eapi_header: None,
        e_r: false,
    })
}

fn decode_api(
    route: &Route,
    method: &Method,
    query: Option<&str>,
    body: &[u8],
) -> Result<Decoded, DecodeError> {
    let mut params = Map::new();
    if let Some(q) = query {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    if method == Method::POST {
        for (k, v) in url::form_urlencoded::parse(body) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    } else if method != Method::GET && method != Method::HEAD {
        return Err(DecodeError::Method);
    }
    Ok(Decoded {
        transport: Transport::Api,
        logical_path: route.url_logical_path.clone(),
        params,
        eapi_header: None,
        e_r: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let r = route("interface.music.163.com", "eapi/song/lyric/v1").unwrap();
        assert_eq!(r.transport, Transport::Eapi);
        assert_eq!(r.url_logical_path, "/api/song/lyric/v1");
        assert_eq!(
            route("music.163.com", "weapi/login/qrcode/unikey")
                .unwrap()
                .transport,
            Transport::Weapi
        );
        assert!(route("interface.music.163.com", "weapi/x").is_none());
        assert_eq!(
            route("music.163.com", "api/linux/forward")
                .unwrap()
                .transport,
            Transport::Linuxapi
        );
        assert_eq!(
            route("music.163.com", "api/song/lyric").unwrap().transport,
            Transport::Api
        );
        assert!(route("music.163.com", "eapi/").is_none());
        assert!(route("music.163.com", "index.html").is_none());
        assert!(route("music.163.com", "").is_none());
    }
}
