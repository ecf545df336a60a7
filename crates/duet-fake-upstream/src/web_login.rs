//! The services' own web login pages, as small as a test needs: a page with a login button
//! (`#login`; the QQ Music one also has `#login-wechat`) whose click posts the page back, and the
//! answer that sets the session cookies a QR login of the same account would give. The app opens
//! these in its web login window when `DUET_UPSTREAM` routes the services here.
//!
//! The real pages set their cookies on the service's domain (`.music.163.com`, `.qq.com`) with
//! `Path=/`; here every host lives under `/{host}/` of one loopback origin, so the cookies carry
//! no `Domain` and `Path=/{host}`: each page's cookies stay its own, as on two real domains.

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;

use crate::http_util::{add_set_cookies, response};

/// What a page's button logs in as: the button's id, its label, and the `Set-Cookie` values
/// (`NAME=value[; attributes]`, attributes other than `Path`/`Domain` kept) of that login.
pub(crate) struct Button {
    pub id: &'static str,
    pub label: &'static str,
}

/// The page (GET) or its answer once a button was pressed (POST); `None` for other methods.
/// `log_in` is told which button was pressed and answers the session's cookies.
pub(crate) fn serve(
    host: &str,
    title: &str,
    method: &Method,
    form: &[u8],
    buttons: &[Button],
    log_in: impl FnOnce(&str) -> Vec<String>,
) -> Option<Response> {
    if method == Method::GET {
        let buttons: String = buttons
            .iter()
            .map(|b| {
                format!(
                    "<button id=\"{}\" name=\"as\" value=\"{}\" type=\"submit\">{}</button>\n",
                    b.id, b.id, b.label
                )
            })
            .collect();
        return Some(html(
            StatusCode::OK,
            &format!(
                "<h1>{title}</h1>\n<p>The test upstream's login page: nothing is typed, a click \
                 logs in.</p>\n<form method=\"post\">\n{buttons}</form>"
            ),
        ));
    }
    if method != Method::POST {
        return None;
    }
    let pressed = url::form_urlencoded::parse(form)
        .find(|(name, _)| name == "as")
        .map(|(_, value)| value.into_owned())
        .filter(|id| buttons.iter().any(|b| b.id == id));
    let Some(pressed) = pressed else {
        return Some(html(
            StatusCode::BAD_REQUEST,
            "<p>No login button was pressed.</p>",
        ));
    };
    let cookies: Vec<String> = log_in(&pressed)
        .iter()
        .map(|cookie| on_this_origin(cookie, host))
        .collect();
    let mut answer = html(
        StatusCode::OK,
        &format!("<h1 id=\"logged-in\">{title}</h1>\n<p>Logged in.</p>"),
    );
    add_set_cookies(&mut answer, &cookies);
    Some(answer)
}

/// A service cookie moved to `/{host}` of the fake's origin (see the module documentation).
fn on_this_origin(cookie: &str, host: &str) -> String {
    let mut parts: Vec<String> = cookie
        .split(';')
        .map(str::trim)
        .filter(|part| {
            let name = part.split('=').next().unwrap_or("").to_ascii_lowercase();
            name != "domain" && name != "path"
        })
        .map(str::to_owned)
        .collect();
    parts.push(format!("Path=/{host}"));
    parts.join("; ")
}

fn html(status: StatusCode, body: &str) -> Response {
    let page = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Login</title></head>\n\
         <body>\n{body}\n</body></html>\n"
    );
    let mut answer = response(status, "text/html; charset=utf-8", page.into_bytes());
    answer
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_move_under_the_host() {
        assert_eq!(
            on_this_origin(
                "MUSIC_U=abc; Max-Age=15552000; Path=/; Domain=.music.163.com; HTTPOnly",
                "music.163.com"
            ),
            "MUSIC_U=abc; Max-Age=15552000; HTTPOnly; Path=/music.163.com"
        );
    }
}
