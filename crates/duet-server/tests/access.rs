//! Who may drive duet-server, against the real binary: a DNS-rebinding `Host` and a wrong port
//! are refused and the loopback names pass; web pages (`Origin`, `Sec-Fetch-Site`) are refused
//! before any handler runs, the exact cross-site `text/plain` POST of issue 8 included, with the
//! session intact afterwards; an allowed origin gets real CORS and its preflight; bodies are
//! JSON only; `--allow-remote` needs the token and serves any name; the token from a private
//! file.

// The tests' Secret Service is Linux's; on macOS and Windows this file builds to nothing.
#![cfg(target_os = "linux")]

mod common;

use std::path::PathBuf;

use common::*;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "a-long-enough-access-token";
const FRONT_END: &str = "http://localhost:5173";

fn port(server: &Server) -> u16 {
    server.base.rsplit(':').next().unwrap().parse().unwrap()
}

/// A request with the given headers, answered as (status, headers, JSON body or null).
async fn send(
    server: &Server,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> (u16, HeaderMap, Value) {
    let mut request = server.http.request(method, server.url(path));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.body(body.to_owned());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let value = json_body(&response.bytes().await.unwrap());
    (status, headers, value)
}

/// One HTTP/1.1 request written byte for byte (for bodies of unknown length); the status.
async fn raw(server: &Server, request: &str) -> (u16, String) {
    let address = server.base.strip_prefix("http://").unwrap();
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not HTTP: {answer:?}"));
    (status, answer)
}

fn no_cors(headers: &HeaderMap) {
    assert!(
        !headers.contains_key("access-control-allow-origin"),
        "a refused or non-web request gets no CORS header: {headers:?}"
    );
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .map(|v| v.to_str().unwrap())
        .unwrap_or_else(|| panic!("no {name} in {headers:?}"))
}

/// A token file in the temp directory with `mode` (on Unix); removed by the caller.
fn token_file(name: &str, contents: &str, mode: u32) -> PathBuf {
    let path = std::env::temp_dir().join(format!("duet-it-token-{}-{name}", std::process::id()));
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

/// Runs the binary expecting it to refuse to start; its stderr.
async fn refused_start(args: &[&str], env_token: Option<&str>) -> String {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_duet-server"));
    command
        .args(["--listen", "127.0.0.1:0", "--no-keychain"])
        .args(args)
        .env_remove("DUET_SERVER_TOKEN")
        .kill_on_drop(true);
    if let Some(token) = env_token {
        command.env("DUET_SERVER_TOKEN", token);
    }
    let output = tokio::time::timeout(std::time::Duration::from_secs(20), command.output())
        .await
        .expect("duet-server refuses at once")
        .unwrap();
    assert!(!output.status.success(), "it started: {output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn a_dns_rebinding_host_and_a_wrong_port_are_refused_and_loopback_names_pass() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let port = port(&server);
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("LOCALHOST:{port}"),
        format!("[::1]:{port}"),
    ] {
        let (status, _, body) =
            send(&server, Method::GET, "/v1/status", &[("host", &host)], None).await;
        assert_eq!(status, 200, "{host}: {body}");
        assert_eq!(body["providers"]["netease"]["has_session"], false);
    }
    for host in [
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("localhost:{}", port.wrapping_add(1)),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        "localhost".to_owned(),
        "evil.example".to_owned(),
    ] {
        for path in ["/v1/status", "/api/stats", "/v1/netease/me"] {
            let (status, headers, body) =
                send(&server, Method::GET, path, &[("host", &host)], None).await;
            assert_error(status, &body, 403, "forbidden");
            no_cors(&headers);
            let message = body["error"]["message"].as_str().unwrap();
            assert!(message.contains("--allow-remote"), "{message}");
        }
    }
    let log = server.stop().await;
    assert!(log.contains("evil.example"), "refusals are logged");
}

#[tokio::test]
async fn a_cross_site_text_plain_post_is_refused_before_it_does_anything() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    server.login(&fake).await;
    let port = port(&server);
    let evil_host = format!("evil.example:{port}");
    let local_host = format!("127.0.0.1:{port}");
    let spam = r#"{"content":"spam"}"#;
    let before = fake.requests().len();

    // Issue 8's request: a page on evil.example that rebound its name to 127.0.0.1.
    let rebound = [
        ("origin", "http://evil.example"),
        ("host", evil_host.as_str()),
        ("content-type", "text/plain"),
    ];
    // The same page without rebinding: the browser names the server, the page's origin shows.
    let cross_site = [
        ("origin", "http://evil.example"),
        ("host", local_host.as_str()),
        ("content-type", "text/plain;charset=UTF-8"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-mode", "no-cors"),
    ];
    // A form or navigation without Origin: only Sec-Fetch-Site tells.
    let fetch_metadata_only = [
        ("content-type", "text/plain"),
        ("sec-fetch-site", "cross-site"),
    ];
    for headers in [&rebound[..], &cross_site[..], &fetch_metadata_only[..]] {
        for path in ["/v1/netease/tracks/347230/comments", "/v1/netease/logout"] {
            let (status, response_headers, body) =
                send(&server, Method::POST, path, headers, Some(spam)).await;
            assert_error(status, &body, 403, "forbidden");
            no_cors(&response_headers);
        }
        let (status, _, body) =
            send(&server, Method::POST, "/v1/netease/logout", headers, None).await;
        assert_error(status, &body, 403, "forbidden");
    }
    // A script's text/plain body (no Origin): not a web page, but still not JSON.
    for path in ["/v1/netease/tracks/347230/comments", "/v1/netease/logout"] {
        let (status, _, body) = send(
            &server,
            Method::POST,
            path,
            &[("content-type", "text/plain")],
            Some(spam),
        )
        .await;
        assert_error(status, &body, 415, "unsupported_media_type");
    }

    assert_eq!(
        fake.requests().len(),
        before,
        "no refused request reached the service"
    );
    let (status, status_body) = server.get("/v1/status").await;
    assert_eq!(status, 200);
    assert_eq!(
        status_body["providers"]["netease"]["has_session"], true,
        "still logged in"
    );
    assert!(
        stored_session(&server.service).is_some(),
        "the keychain entry is still there"
    );

    // The owner's own calls still work: a JSON comment, and a bodiless logout.
    let (status, comment) = server
        .post(
            "/v1/netease/tracks/347230/comments",
            Some(json!({"content": "mine"})),
        )
        .await;
    assert_eq!(
        (status, comment["content"].as_str()),
        (201, Some("mine")),
        "{comment}"
    );
    let (status, _) = server.post("/v1/netease/logout", None).await;
    assert_eq!(status, 204);
    assert!(stored_session(&server.service).is_none());
    server.stop().await;
}

#[tokio::test]
async fn web_pages_are_refused_by_origin_or_sec_fetch_site() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    for headers in [
        &[("origin", "http://evil.example")][..],
        &[("origin", "null")],
        &[("origin", "http://127.0.0.1:5173")],
        &[("origin", server.base.as_str())],
        &[("sec-fetch-site", "cross-site")],
        &[("sec-fetch-site", "same-site")],
        &[
            ("origin", "http://evil.example"),
            ("sec-fetch-site", "same-origin"),
        ],
    ] {
        for path in ["/v1/status", "/api/stats", "/v1/netease/login/qr/k"] {
            let (status, response_headers, body) =
                send(&server, Method::GET, path, headers, None).await;
            assert_error(status, &body, 403, "forbidden");
            no_cors(&response_headers);
        }
    }
    // A preflight from a page that is not allowed: refused like the request it announces.
    let (status, headers, body) = send(
        &server,
        Method::OPTIONS,
        "/v1/netease/tracks/347230/comments",
        &[
            ("origin", "http://evil.example"),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", "content-type"),
        ],
        None,
    )
    .await;
    assert_error(status, &body, 403, "forbidden");
    no_cors(&headers);
    // What a browser sends when the person types the address, or a same-origin request.
    for site in ["same-origin", "none"] {
        let (status, headers, body) = send(
            &server,
            Method::GET,
            "/v1/status",
            &[("sec-fetch-site", site)],
            None,
        )
        .await;
        assert_eq!(status, 200, "{site}: {body}");
        no_cors(&headers);
    }
    // Nothing else was refused on the way: no handler ran for the refused ones.
    let (_, stats) = server.get("/api/stats").await;
    assert_eq!(stats["calls"]["GET /api/stats"], 1, "{stats}");
    server.stop().await;
}

#[tokio::test]
async fn an_allowed_origin_gets_real_cors_and_its_preflight() {
    let fake = fake().await;
    let server = Server::start_with(
        &fake,
        &keychain_service(),
        Options {
            token: Some(TOKEN.into()),
            extra_args: vec!["--allow-origin".into(), format!("{FRONT_END}/")],
            ..Options::default()
        },
    )
    .await;
    let bearer = format!("Bearer {TOKEN}");

    // The preflight carries no token (browsers never send one with it).
    let (status, headers, _) = send(
        &server,
        Method::OPTIONS,
        "/v1/netease/tracks/347230/comments",
        &[
            ("origin", FRONT_END),
            ("access-control-request-method", "POST"),
            (
                "access-control-request-headers",
                "authorization, content-type",
            ),
            ("sec-fetch-site", "cross-site"),
        ],
        None,
    )
    .await;
    assert_eq!(status, 204, "{headers:?}");
    assert_eq!(header(&headers, "access-control-allow-origin"), FRONT_END);
    let methods = header(&headers, "access-control-allow-methods");
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let allowed = header(&headers, "access-control-allow-headers");
    assert!(
        allowed.contains("content-type") && allowed.contains("authorization"),
        "{allowed}"
    );
    assert!(header(&headers, "vary")
        .to_ascii_lowercase()
        .contains("origin"));

    // Its requests get the CORS headers, errors included (so the page can read why).
    let front_end = [("origin", FRONT_END), ("sec-fetch-site", "cross-site")];
    let (status, headers, body) = send(
        &server,
        Method::GET,
        "/v1/status",
        &[front_end[0], front_end[1], ("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(header(&headers, "access-control-allow-origin"), FRONT_END);
    assert!(header(&headers, "vary")
        .to_ascii_lowercase()
        .contains("origin"));
    let (status, headers, body) = send(&server, Method::GET, "/v1/status", &front_end, None).await;
    assert_error(status, &body, 401, "not_logged_in");
    assert_eq!(header(&headers, "access-control-allow-origin"), FRONT_END);
    // A JSON POST from it reaches the handler (no session here: not_logged_in); text/plain
    // does not.
    let (status, headers, body) = send(
        &server,
        Method::POST,
        "/v1/netease/tracks/347230/comments",
        &[
            front_end[0],
            front_end[1],
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        Some(r#"{"content":"from my front-end"}"#),
    )
    .await;
    assert_error(status, &body, 401, "not_logged_in");
    assert_eq!(header(&headers, "access-control-allow-origin"), FRONT_END);
    let (status, _, body) = send(
        &server,
        Method::POST,
        "/v1/netease/tracks/347230/comments",
        &[
            front_end[0],
            ("authorization", &bearer),
            ("content-type", "text/plain"),
        ],
        Some(r#"{"content":"x"}"#),
    )
    .await;
    assert_error(status, &body, 415, "unsupported_media_type");

    // Any other origin, even a neighbour port, is still refused; never a wildcard.
    for origin in [
        "http://localhost:5174",
        "https://localhost:5173",
        "http://evil.example",
    ] {
        for method in [Method::GET, Method::OPTIONS] {
            let (status, headers, body) = send(
                &server,
                method.clone(),
                "/v1/status",
                &[
                    ("origin", origin),
                    ("access-control-request-method", "GET"),
                    ("authorization", &bearer),
                ],
                None,
            )
            .await;
            assert_error(status, &body, 403, "forbidden");
            no_cors(&headers);
        }
    }
    // A script (no Origin) is unchanged: no CORS header.
    let (status, headers, _) = send(
        &server,
        Method::GET,
        "/v1/status",
        &[("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(status, 200);
    no_cors(&headers);
    server.stop().await;
}

#[tokio::test]
async fn request_bodies_must_be_json() {
    let fake = fake().await;
    let server = Server::start(&fake, &keychain_service()).await;
    let comment = r#"{"content":"x"}"#;
    let path = "/v1/netease/tracks/347230/comments";
    for content_type in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
        Some("application/jsonp"),
    ] {
        let headers: Vec<(&str, &str)> = content_type
            .map(|t| ("content-type", t))
            .into_iter()
            .collect();
        let (status, _, body) = send(&server, Method::POST, path, &headers, Some(comment)).await;
        assert_error(status, &body, 415, "unsupported_media_type");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("application/json"),
            "{body}"
        );
    }
    // JSON, with or without parameters, reaches the handler (no session: not_logged_in).
    for content_type in [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
    ] {
        let (status, _, body) = send(
            &server,
            Method::POST,
            path,
            &[("content-type", content_type)],
            Some(comment),
        )
        .await;
        assert_error(status, &body, 401, "not_logged_in");
    }
    // Bad JSON labelled JSON is the handler's bad_request.
    let (status, _, body) = send(
        &server,
        Method::POST,
        path,
        &[("content-type", "application/json")],
        Some("{\"content\": 12"),
    )
    .await;
    assert_error(status, &body, 400, "bad_request");

    // A POST without a body needs no type, whatever it says (Content-Length: 0).
    let (status, _, _) = send(
        &server,
        Method::POST,
        "/v1/netease/logout",
        &[("content-type", "text/plain")],
        None,
    )
    .await;
    assert_eq!(status, 204);

    // A chunked body (length unknown in advance) is looked into.
    let (status, answer) = raw(
        &server,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: text/plain\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{comment}\r\n0\r\n\r\n",
            server.base.strip_prefix("http://").unwrap(),
            comment.len()
        ),
    )
    .await;
    assert_eq!(status, 415, "{answer}");
    assert!(answer.contains("unsupported_media_type"), "{answer}");
    let (status, answer) = raw(
        &server,
        &format!(
            "POST /v1/netease/logout HTTP/1.1\r\nHost: {}\r\n\
             Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
            server.base.strip_prefix("http://").unwrap(),
        ),
    )
    .await;
    assert_eq!(status, 204, "an empty chunked body is no body: {answer}");

    // The seed API's clients send application/json, and bodiless POSTs.
    let key = fake
        .qq()
        .issue_session(duet_fake_upstream::qq::QqAccount::Qq);
    let uin = key.musicid.to_string();
    let credential = [("uin", uin.as_str()), ("qm-keyst", key.musickey.as_str())];
    let (status, _, body) = send(
        &server,
        Method::POST,
        "/api/sign",
        &[credential[0], credential[1], ("content-type", "text/plain")],
        Some(r#"{"type":"continue"}"#),
    )
    .await;
    assert_error(status, &body, 415, "unsupported_media_type");
    let (status, _, body) = send(
        &server,
        Method::POST,
        "/api/sign",
        &[
            credential[0],
            credential[1],
            ("content-type", "application/json"),
        ],
        Some(r#"{"type":"continue"}"#),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = send(&server, Method::POST, "/api/sign", &credential, None).await;
    assert_eq!(status, 200, "{body}");
    server.stop().await;
}

#[tokio::test]
async fn allow_remote_serves_any_host_name_but_only_with_the_token() {
    let stderr = refused_start(&["--allow-remote"], None).await;
    assert!(
        stderr.contains("--allow-remote") && stderr.contains("token"),
        "{stderr}"
    );
    let stderr = refused_start(&["--allow-remote"], Some("short")).await;
    assert!(stderr.contains("at least 16"), "{stderr}");

    let fake = fake().await;
    let file = token_file("remote", &format!("{TOKEN}\n"), 0o600);
    let server = Server::start_with(
        &fake,
        &keychain_service(),
        Options {
            extra_args: vec![
                "--allow-remote".into(),
                "--token-file".into(),
                file.display().to_string(),
            ],
            ..Options::default()
        },
    )
    .await;
    let port = port(&server);
    let bearer = format!("Bearer {TOKEN}");
    let lan = format!("duet.lan:{port}");
    let (status, _, body) = send(
        &server,
        Method::GET,
        "/v1/status",
        &[("host", &lan), ("authorization", &bearer)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = send(&server, Method::GET, "/v1/status", &[("host", &lan)], None).await;
    assert_error(status, &body, 401, "not_logged_in");
    // The Origin rule still holds.
    let (status, _, body) = send(
        &server,
        Method::GET,
        "/v1/status",
        &[
            ("host", &lan),
            ("authorization", &bearer),
            ("origin", "http://duet.lan:8080"),
        ],
        None,
    )
    .await;
    assert_error(status, &body, 403, "forbidden");
    server.stop().await;
    std::fs::remove_file(file).unwrap();
}

#[tokio::test]
async fn the_token_can_come_from_a_private_file() {
    let fake = fake().await;
    let file = token_file("private", &format!("{TOKEN}\n"), 0o600);
    let server = Server::start_with(
        &fake,
        &keychain_service(),
        Options {
            extra_args: vec!["--token-file".into(), file.display().to_string()],
            ..Options::default()
        },
    )
    .await;
    for (authorization, want) in [
        (Some(format!("Bearer {TOKEN}")), 200),
        (Some(format!("Bearer {TOKEN}x")), 401),
        (Some(format!("Bearer {}", &TOKEN[1..])), 401),
        (None, 401),
    ] {
        let headers: Vec<(&str, &str)> = authorization
            .as_deref()
            .map(|a| ("authorization", a))
            .into_iter()
            .collect();
        let (status, _, body) = send(&server, Method::GET, "/v1/status", &headers, None).await;
        assert_eq!(status, want, "{authorization:?}: {body}");
    }
    let log = server.stop().await;
    assert!(!log.contains(TOKEN), "the token is never logged");

    // A file others can read is refused (Unix modes), and the token is not shown.
    #[cfg(unix)]
    {
        let open = token_file("open", &format!("{TOKEN}\n"), 0o644);
        let stderr = refused_start(&["--token-file", &open.display().to_string()], None).await;
        assert!(stderr.contains("chmod 600"), "{stderr}");
        assert!(!stderr.contains(TOKEN), "{stderr}");
        std::fs::remove_file(open).unwrap();
    }
    // One way only.
    let stderr = refused_start(&["--token-file", &file.display().to_string()], Some(TOKEN)).await;
    assert!(stderr.contains("not both"), "{stderr}");
    let stderr = refused_start(
        &[
            "--token-file",
            &file.display().to_string(),
            "--token",
            TOKEN,
        ],
        None,
    )
    .await;
    assert!(stderr.contains("not both"), "{stderr}");
    let stderr = refused_start(&["--token-file", "/nonexistent/duet-token"], None).await;
    assert!(stderr.contains("/nonexistent/duet-token"), "{stderr}");
    std::fs::remove_file(file).unwrap();
}
