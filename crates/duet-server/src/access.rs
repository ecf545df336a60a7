//! Who may drive this server (README "The server's security model"). A web page the person
//! visits can send requests to loopback, so before any handler runs:
//! - the `Host` must name this server on loopback with its bound port (a page that rebinds its
//!   own name to 127.0.0.1 sends its own name), unless `--allow-remote`;
//! - a request from a web page (`Origin`, or `Sec-Fetch-Site: cross-site|same-site`) is
//!   refused unless its origin was allowed with `--allow-origin`, which then gets real CORS;
//! - a request body must be `application/json` (no web page can send that cross-site without
//!   a preflight, which only an allowed origin passes);
//! - then the access token, when there is one.
//!
//! Scripts send no `Origin` and talk to `127.0.0.1:PORT`: for them nothing changes.

use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::header::{
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_METHOD, AUTHORIZATION, CONTENT_TYPE, HOST,
    ORIGIN, VARY,
};
use axum::http::uri::Authority;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use duet_core::{Error, ErrorKind, Secret};

use crate::api::ApiError;

/// Who may drive the server, as its flags say.
#[derive(Debug)]
pub struct Access {
    /// Where the listener is bound (its real port, also after `--listen 127.0.0.1:0`).
    pub bound: SocketAddr,
    /// `--allow-remote`: any `Host` is served (the token is then required, [`check_bind`]).
    pub allow_remote: bool,
    /// `--allow-origin`: the web front-ends that may call this server.
    pub allowed_origins: Vec<AllowedOrigin>,
    /// Clients send it as `Authorization: Bearer <token>`.
    pub token: Option<Secret>,
}

/// The minimum length of an access token that guards a server other machines can reach.
pub const MIN_REMOTE_TOKEN_LEN: usize = 16;

/// The largest token file read.
const MAX_TOKEN_FILE: u64 = 4096;

/// The request headers an allowed origin may send (the seed API's credential headers too).
const CORS_ALLOW_HEADERS: &str = "authorization, content-type, uin, qm-keyst";
const CORS_ALLOW_METHODS: &str = "GET, POST, PUT, PATCH, DELETE";
/// How long a browser may keep a preflight's answer, in seconds.
const CORS_MAX_AGE: &str = "600";

/// Sent by browsers: whose page a request comes from.
const SEC_FETCH_SITE: &str = "sec-fetch-site";

/// One web origin allowed to call the server: `scheme://host[:port]`, exactly as a browser
/// sends it in `Origin` (lower case, no default port, no path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for AllowedOrigin {
    type Err = String;

    fn from_str(given: &str) -> Result<Self, String> {
        let wrong = |why: &str| {
            format!(
                "{given:?} is not an origin ({why}): give one exact scheme://host[:port], such \
                 as http://localhost:5173"
            )
        };
        let text = given.trim();
        if text == "*" || text.eq_ignore_ascii_case("null") {
            return Err(wrong("a wildcard or null would let any page in"));
        }
        let uri: Uri = text.parse().map_err(|_| wrong("it does not parse"))?;
        let scheme = uri
            .scheme_str()
            .map(str::to_ascii_lowercase)
            .ok_or_else(|| wrong("no scheme"))?;
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return Err(wrong("the scheme is http or https")),
        };
        let authority = uri.authority().ok_or_else(|| wrong("no host"))?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(wrong("no host, or a user name"));
        }
        if uri.query().is_some() || !matches!(uri.path(), "" | "/") {
            return Err(wrong("an origin has no path or query"));
        }
        let host = authority.host().to_ascii_lowercase();
        let port = match authority.port_u16() {
            Some(port) if port != default_port => format!(":{port}"),
            _ => String::new(),
        };
        Ok(Self(format!("{scheme}://{host}{port}")))
    }
}

/// Off loopback the API would hand anyone the logged-in accounts, and `--allow-remote` turns
/// off the `Host` check that keeps web pages out: either needs a token.
pub fn check_bind(
    addr: SocketAddr,
    allow_remote: bool,
    token: Option<&Secret>,
) -> Result<(), Error> {
    if !allow_remote {
        if addr.ip().is_loopback() {
            return Ok(());
        }
        return Err(Error::bad_request(format!(
            "{addr} is not a loopback address; binding there needs --allow-remote and an access token"
        )));
    }
    match token {
        Some(t) if t.expose().len() >= MIN_REMOTE_TOKEN_LEN => Ok(()),
        Some(_) => Err(Error::bad_request(format!(
            "with --allow-remote the access token must be at least {MIN_REMOTE_TOKEN_LEN} characters"
        ))),
        None => Err(Error::bad_request(
            "--allow-remote serves any Host name (and other machines, off loopback), so it needs \
             an access token: --token-file PATH, --token or DUET_SERVER_TOKEN",
        )),
    }
}

/// A token is sent in a header: one word of printable ASCII.
pub fn check_token(token: &Secret) -> Result<(), Error> {
    let t = token.expose();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::bad_request(
            "the access token must be one word of printable ASCII (no spaces), as it is sent in \
             the Authorization header",
        ));
    }
    Ok(())
}

/// Reads the access token from a file (one line; its newline is dropped), so it is not on the
/// command line where `ps` shows it. On Unix the file must be private to its owner
/// (`chmod 600`): a token others can read guards nothing.
pub fn token_from_file(path: &Path) -> Result<Secret, Error> {
    let shown = path.display();
    let cannot =
        |e: std::io::Error| Error::bad_request(format!("cannot read the token file {shown}: {e}"));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let meta = file.metadata().map_err(cannot)?;
    if !meta.is_file() {
        return Err(Error::bad_request(format!(
            "the token file {shown} is not a regular file"
        )));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(Error::bad_request(format!(
                "the token file {shown} can be read or changed by other users (mode {mode:03o}); \
                 make it private with: chmod 600 {shown}"
            )));
        }
    }
    let mut bytes = Vec::new();
    file.take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(Error::bad_request(format!(
            "the token file {shown} is longer than a token ({MAX_TOKEN_FILE} bytes at most)"
        )));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::bad_request(format!("the token file {shown} is not text")))?;
    let line = text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text);
    let token = Secret::new(line);
    check_token(&token)
        .map_err(|e| Error::bad_request(format!("the token file {shown}: {}", e.message)))?;
    Ok(token)
}

/// Wraps the routes in the access checks: the gate outside (it answers preflights, which carry
/// no token), the token inside.
pub(crate) fn guard(router: axum::Router, access: Access) -> axum::Router {
    let router = match access.token {
        Some(token) => router.layer(axum::middleware::from_fn_with_state(
            Arc::new(token),
            require_token,
        )),
        None => router,
    };
    let gate = Gate {
        port: access.bound.port(),
        check_host: !access.allow_remote,
        origins: access.allowed_origins,
    };
    router.layer(axum::middleware::from_fn_with_state(
        Arc::new(gate),
        gate_keeper,
    ))
}

struct Gate {
    port: u16,
    check_host: bool,
    origins: Vec<AllowedOrigin>,
}

fn forbidden(message: String) -> ApiError {
    ApiError(Error::new(ErrorKind::Forbidden, message))
}

/// A header value as it may be shown in a log line or an error: escaped and cut short.
fn shown(value: &HeaderValue) -> String {
    let text = String::from_utf8_lossy(value.as_bytes());
    let cut: String = text.chars().take(80).collect();
    format!("{cut:?}")
}

async fn gate_keeper(State(gate): State<Arc<Gate>>, request: Request, next: Next) -> Response {
    if let Err(refusal) = gate.check_host(&request) {
        return refusal.into_response();
    }
    let origin = match gate.check_origin(request.headers()) {
        Ok(origin) => origin,
        Err(refusal) => return refusal.into_response(),
    };
    if let Some(origin) = &origin {
        if request.method() == Method::OPTIONS
            && request
                .headers()
                .contains_key(ACCESS_CONTROL_REQUEST_METHOD)
        {
            return preflight(origin);
        }
    }
    let request = match json_bodies_only(request).await {
        Ok(request) => request,
        Err(refusal) => return refusal.into_response(),
    };
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(origin) = origin {
        headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    if !gate.origins.is_empty() {
        headers.append(VARY, HeaderValue::from_static("origin"));
    }
    response
}

fn preflight(origin: &HeaderValue) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let headers = response.headers_mut();
    headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, origin.clone());
    headers.insert(
        ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static(CORS_ALLOW_METHODS),
    );
    headers.insert(
        ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static(CORS_ALLOW_HEADERS),
    );
    headers.insert(
        ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static(CORS_MAX_AGE),
    );
    headers.insert(VARY, HeaderValue::from_static("origin"));
    response
}

impl Gate {
    fn check_host(&self, request: &Request) -> Result<(), ApiError> {
        if !self.check_host {
            return Ok(());
        }
        // HTTP/1.1 sends `Host`; HTTP/2 the `:authority` of the URI.
        let host = request.headers().get(HOST).cloned().or_else(|| {
            request
                .uri()
                .authority()
                .and_then(|a| HeaderValue::from_str(a.as_str()).ok())
        });
        let ok = host
            .as_ref()
            .and_then(|h| h.to_str().ok())
            .is_some_and(|h| is_loopback_host(h, self.port));
        if ok {
            return Ok(());
        }
        let named = host.as_ref().map_or_else(|| "none".to_owned(), shown);
        tracing::info!(host = %named, "refused a request for another host name (DNS rebinding?)");
        Err(forbidden(format!(
            "this server answers only to 127.0.0.1:{port}, localhost:{port} and [::1]:{port}, \
             not to the host {named}: a web page can point its own name at this machine (DNS \
             rebinding). To serve other names, run it with --allow-remote and an access token",
            port = self.port
        )))
    }

    /// `Ok(Some(origin))` for an allowed web front-end, `Ok(None)` for a client that is no web
    /// page (a script), an error for any other page.
    fn check_origin(&self, headers: &HeaderMap) -> Result<Option<HeaderValue>, ApiError> {
        if let Some(origin) = headers.get(ORIGIN) {
            if self
                .origins
                .iter()
                .any(|o| o.as_str().as_bytes() == origin.as_bytes())
            {
                return Ok(Some(origin.clone()));
            }
            let named = shown(origin);
            tracing::info!(origin = %named, "refused a request from a web page");
            return Err(forbidden(format!(
                "requests from web pages are refused, and this one comes from {named}. A web \
                 front-end of your own can be allowed with --allow-origin ORIGIN"
            )));
        }
        if let Some(site) = headers.get(SEC_FETCH_SITE) {
            if let Some(site @ ("cross-site" | "same-site")) = site
                .to_str()
                .ok()
                .map(|s| s.trim().to_ascii_lowercase())
                .as_deref()
            {
                tracing::info!(sec_fetch_site = site, "refused a request from a web page");
                return Err(forbidden(format!(
                    "requests from web pages are refused, and the browser says this one comes \
                     from another site (Sec-Fetch-Site: {site})"
                )));
            }
        }
        Ok(None)
    }
}

/// Whether a `Host` names this server on loopback: `localhost`, a loopback address (127.0.0.0/8
/// or `[::1]`), with the bound port (left out only when that is 80, HTTP's default).
fn is_loopback_host(host: &str, port: u16) -> bool {
    let Ok(authority) = Authority::from_str(host) else {
        return false;
    };
    if authority.as_str().contains('@') || authority.port_u16().unwrap_or(80) != port {
        return false;
    }
    let name = authority.host();
    name.eq_ignore_ascii_case("localhost")
        || name
            .strip_prefix('[')
            .and_then(|n| n.strip_suffix(']'))
            .unwrap_or(name)
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `application/json`, with or without parameters (`; charset=utf-8`).
fn is_json(content_type: &HeaderValue) -> bool {
    content_type
        .to_str()
        .ok()
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// The one route whose body is a file rather than JSON: a cloud-disk upload
/// (`POST /v1/{provider}/me/cloud`) labelled `application/octet-stream`, a type a web page can
/// only send after the CORS preflight this server refuses to other origins.
fn is_file_upload(request: &Request) -> bool {
    let mut types = request.headers().get_all(CONTENT_TYPE).iter();
    let octets = matches!((types.next(), types.next()), (Some(t), None)
        if t.to_str().is_ok_and(|v| v.trim().eq_ignore_ascii_case("application/octet-stream")));
    let segments: Vec<&str> = request.uri().path().split('/').collect();
    octets
        && request.method() == Method::POST
        && matches!(segments.as_slice(), ["", "v1", _, "me", "cloud"])
}

/// Refuses a request body that is not `application/json` (a request without a body needs no
/// type). A body of unknown length (chunked) is looked into for its first byte.
async fn json_bodies_only(request: Request) -> Result<Request, ApiError> {
    if is_file_upload(&request) {
        return Ok(request);
    }
    let mut types = request.headers().get_all(CONTENT_TYPE).iter();
    let labelled_json = matches!((types.next(), types.next()), (Some(t), None) if is_json(t));
    if labelled_json {
        return Ok(request);
    }
    let body = request.body();
    let has_body = if body.is_end_stream() {
        false
    } else if let Some(length) = body.size_hint().exact() {
        length > 0
    } else {
        let (parts, body) = request.into_parts();
        return match axum::body::to_bytes(body, 0).await {
            Ok(_) => Ok(Request::from_parts(parts, Body::empty())),
            Err(_) => Err(unsupported(parts.headers.get(CONTENT_TYPE))),
        };
    };
    if has_body {
        Err(unsupported(request.headers().get(CONTENT_TYPE)))
    } else {
        Ok(request)
    }
}

fn unsupported(content_type: Option<&HeaderValue>) -> ApiError {
    let labelled = content_type.map_or_else(|| "no Content-Type".to_owned(), shown);
    tracing::info!(content_type = %labelled, "refused a request body that is not JSON");
    ApiError(Error::new(
        ErrorKind::UnsupportedMediaType,
        format!(
            "a request body must be JSON, sent with Content-Type: application/json; this one has \
             {labelled}"
        ),
    ))
}

async fn require_token(State(token): State<Arc<Secret>>, request: Request, next: Next) -> Response {
    let presented = request
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(presented.as_bytes(), token.expose().as_bytes()) {
        next.run(request).await
    } else {
        ApiError(Error::new(
            ErrorKind::NotLoggedIn,
            "this duet-server needs its access token: Authorization: Bearer <token>",
        ))
        .into_response()
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_loopback_and_allow_remote_need_a_long_token() {
        let lo: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        let token = Secret::new("0123456789abcdef0123");
        assert!(check_bind(lo, false, None).is_ok());
        assert!(check_bind("[::1]:3000".parse().unwrap(), false, None).is_ok());
        assert!(check_bind(any, false, Some(&token)).is_err());
        assert!(check_bind(any, true, None).is_err());
        assert!(check_bind(any, true, Some(&Secret::new("short"))).is_err());
        assert!(check_bind(any, true, Some(&token)).is_ok());
        // --allow-remote on loopback turns the Host check off: the token takes its place.
        assert!(check_bind(lo, true, None).is_err());
        assert!(check_bind(lo, true, Some(&token)).is_ok());
    }

    #[test]
    fn token_comparison() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn tokens_are_one_printable_word() {
        assert!(check_token(&Secret::new("0123456789abcdef-_.~+/=")).is_ok());
        for bad in ["", "two words", "tab\there", "line\nbreak", "ünï"] {
            assert!(check_token(&Secret::new(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn loopback_hosts_with_the_bound_port() {
        for host in [
            "127.0.0.1:3311",
            "localhost:3311",
            "LocalHost:3311",
            "[::1]:3311",
            "127.0.0.2:3311",
        ] {
            assert!(is_loopback_host(host, 3311), "{host}");
        }
        for host in [
            "evil.example:3311",
            "localhost.evil.example:3311",
            "127.0.0.1.evil.example:3311",
            "localhost:3312",
            "127.0.0.1",
            "localhost",
            "[::1]",
            "::1:3311",
            "[::ffff:127.0.0.1]:3311",
            "0.0.0.0:3311",
            "192.168.1.2:3311",
            "user@localhost:3311",
            "127.1:3311",
            "",
            "localhost:3311/x",
        ] {
            assert!(!is_loopback_host(host, 3311), "{host}");
        }
        assert!(is_loopback_host("localhost", 80), "port 80 may be left out");
        assert!(is_loopback_host("127.0.0.1:80", 80));
    }

    #[test]
    fn origins_are_normalised_to_what_browsers_send() {
        for (given, origin) in [
            ("http://localhost:5173", "http://localhost:5173"),
            ("HTTP://LocalHost:5173/", "http://localhost:5173"),
            ("https://duet.example.org:443", "https://duet.example.org"),
            ("http://127.0.0.1:80", "http://127.0.0.1"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            (" https://app.example ", "https://app.example"),
        ] {
            assert_eq!(
                given.parse::<AllowedOrigin>().unwrap().as_str(),
                origin,
                "{given}"
            );
        }
        for bad in [
            "*",
            "null",
            "NULL",
            "localhost:5173",
            "ftp://localhost",
            "http://localhost:5173/app",
            "http://localhost:5173?x=1",
            "http://user@localhost:5173",
            "http://",
            "",
        ] {
            let error = bad.parse::<AllowedOrigin>().unwrap_err();
            assert!(error.contains("scheme://host[:port]"), "{bad}: {error}");
        }
    }

    #[test]
    fn json_with_or_without_parameters() {
        for ok in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON;charset=UTF-8",
            " application/json ",
        ] {
            assert!(is_json(&HeaderValue::from_static(ok)), "{ok}");
        }
        for bad in [
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "application/jsonp",
            "application/json-seq",
            "text/json",
            "",
        ] {
            assert!(!is_json(&HeaderValue::from_static(bad)), "{bad}");
        }
    }

    fn gate(origins: &[&str]) -> Gate {
        Gate {
            port: 3000,
            check_host: true,
            origins: origins.iter().map(|o| o.parse().unwrap()).collect(),
        }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn web_pages_are_refused_unless_their_origin_is_allowed() {
        let gate = gate(&["http://localhost:5173"]);
        assert_eq!(gate.check_origin(&headers(&[])).unwrap(), None);
        for site in ["same-origin", "none"] {
            assert_eq!(
                gate.check_origin(&headers(&[("sec-fetch-site", site)]))
                    .unwrap(),
                None
            );
        }
        for refused in [
            headers(&[("origin", "http://evil.example")]),
            headers(&[("origin", "null")]),
            headers(&[("origin", "http://localhost:5174")]),
            headers(&[("origin", "http://localhost:5173/")]),
            headers(&[("sec-fetch-site", "cross-site")]),
            headers(&[("sec-fetch-site", "Same-Site")]),
        ] {
            let error = gate.check_origin(&refused).unwrap_err();
            assert_eq!(error.0.kind, ErrorKind::Forbidden, "{refused:?}");
        }
        let allowed = gate
            .check_origin(&headers(&[
                ("origin", "http://localhost:5173"),
                ("sec-fetch-site", "cross-site"),
            ]))
            .unwrap();
        assert_eq!(allowed.unwrap(), "http://localhost:5173");
    }

    fn temp_file(name: &str, contents: &str, mode: u32) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("duet-token-{}-{name}", std::process::id()));
        std::fs::write(&path, contents).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        #[cfg(not(unix))]
        let _ = mode;
        path
    }

    #[test]
    fn a_token_file_is_one_private_line() {
        let path = temp_file("ok", "0123456789abcdef0123\n", 0o600);
        assert_eq!(
            token_from_file(&path).unwrap().expose(),
            "0123456789abcdef0123"
        );
        let crlf = temp_file("crlf", "0123456789abcdef0123\r\n", 0o400);
        assert_eq!(
            token_from_file(&crlf).unwrap().expose(),
            "0123456789abcdef0123"
        );
        let empty = temp_file("empty", "\n", 0o600);
        assert!(token_from_file(&empty).is_err());
        let two = temp_file("two", "abc\ndef\n", 0o600);
        assert!(token_from_file(&two).is_err());
        let long = temp_file("long", &"a".repeat(5000), 0o600);
        assert!(token_from_file(&long)
            .unwrap_err()
            .message
            .contains("longer"));
        let missing = std::env::temp_dir().join("duet-token-no-such-file");
        assert!(token_from_file(&missing)
            .unwrap_err()
            .message
            .contains("cannot read"));
        #[cfg(unix)]
        {
            let open = temp_file("open", "0123456789abcdef0123\n", 0o644);
            let error = token_from_file(&open).unwrap_err();
            assert!(error.message.contains("chmod 600"), "{}", error.message);
            assert!(error.message.contains("644"), "{}", error.message);
            assert!(
                !error.message.contains("0123456789abcdef0123"),
                "the token is never shown"
            );
            let group = temp_file("group", "0123456789abcdef0123\n", 0o640);
            assert!(token_from_file(&group).is_err());
            std::fs::remove_file(open).unwrap();
            std::fs::remove_file(group).unwrap();
        }
        for p in [path, crlf, empty, two, long] {
            std::fs::remove_file(p).unwrap();
        }
    }
}
