//! `/api/stats`: calls per seed route since the server started, counted by a middleware on
//! the matched route.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

use crate::AppState;

/// Every route of the seed, as `/api/stats` lists them.
const ROUTES: &[(&str, &str)] = &[
    ("GET", "/api/login/qrcode"),
    ("POST", "/api/login/qrcode"),
    ("GET", "/api/login/check"),
    ("GET", "/api/search"),
    ("GET", "/api/playlist"),
    ("GET", "/api/user"),
    ("POST", "/api/sign"),
    ("POST", "/api/addcomment"),
    ("POST", "/api/coin/task"),
    ("GET", "/api/coin/task/check"),
    ("GET", "/api/musicurl"),
    ("GET", "/api/lyric"),
    ("GET", "/api/convert"),
    ("GET", "/api/listenreport"),
    ("POST", "/api/accelerate/song"),
    ("GET", "/api/accelerate/songlist"),
    ("POST", "/api/accelerate/refreshkey"),
    ("GET", "/api/accelerate/userinfo"),
    ("GET", "/api/stats"),
];

/// Calls per route since the server started.
pub struct Stats {
    started_at: u64,
    calls: Vec<(&'static str, &'static str, AtomicU64)>,
}

impl Stats {
    pub fn new() -> Self {
        Self {
            started_at: duet_core::clock::unix_s(),
            calls: ROUTES
                .iter()
                .map(|(method, path)| (*method, *path, AtomicU64::new(0)))
                .collect(),
        }
    }

    fn hit(&self, method: &str, path: &str) {
        if let Some((_, _, n)) = self
            .calls
            .iter()
            .find(|(m, p, _)| *m == method && *p == path)
        {
            n.fetch_add(1, Ordering::Relaxed);
        }
    }

    pub(super) fn to_json(&self) -> Value {
        let mut calls = Map::new();
        let mut total = 0;
        for (method, path, n) in &self.calls {
            let n = n.load(Ordering::Relaxed);
            total += n;
            calls.insert(format!("{method} {path}"), json!(n));
        }
        json!({ "started_at": self.started_at, "total": total, "calls": calls })
    }
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

pub(super) async fn count(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    if let Some(path) = request.extensions().get::<MatchedPath>() {
        state.stats.hit(request.method().as_str(), path.as_str());
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_list_every_route() {
        let stats = Stats::new();
        stats.hit("GET", "/api/search");
        stats.hit("GET", "/api/search");
        stats.hit("GET", "/api/{*rest}");
        let json = stats.to_json();
        assert_eq!(json["calls"].as_object().unwrap().len(), ROUTES.len());
        assert_eq!(json["calls"]["GET /api/search"], 2);
        assert_eq!(json["calls"]["POST /api/sign"], 0);
        assert_eq!(json["total"], 2);
    }
}
