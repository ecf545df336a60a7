//! Single-threaded crypto throughput, for the side-by-side comparison with the
//! npm NeteaseCloudMusicApi package (`bench/compare-ncma.sh`, which runs
//! `bench/ncma-compare/ncma.js` on the same request bodies).
//!
//! Usage: `crypto_throughput [N]` (default 20000). Prints one JSON line:
//! `{"eapi_per_s":…,"weapi_per_s":…,"n":…}`.

use std::hint::black_box;
use std::time::Instant;

use duet_netease::crypto::{eapi_encrypt, random_weapi_secret, weapi_encrypt};
use serde::Serialize;

/// Same url and text as `ncma.js` (NCMA's `eapi(url, text)` uses a string as-is).
const EAPI_URL: &str = "/api/song/enhance/player/url/v1";
const EAPI_TEXT: &str = r#"{"ids":"[33894312]","level":"exhigh","encodeType":"flac","header":{"os":"pc","appver":"3.1.17.204416","deviceId":"5E9A7A2C1B3D4F60718293A4B5C6D7E8","requestId":"1700000000000_0421"},"e_r":false}"#;

/// NCMA's `weapi(object)` runs `JSON.stringify` on the object, so the Rust side
/// serialises the same object each time too (same key order, same bytes).
#[derive(Serialize)]
struct SongUrlWeapi<'a> {
    ids: &'a str,
    level: &'a str,
    #[serde(rename = "encodeType")]
    encode_type: &'a str,
    csrf_token: &'a str,
}

const WEAPI_BODY: SongUrlWeapi<'static> = SongUrlWeapi {
    ids: "[33894312]",
    level: "exhigh",
    encode_type: "mp3",
    csrf_token: "",
};

fn eapi_round(n: u64) -> usize {
    let mut acc = 0usize;
    for _ in 0..n {
        acc = acc
            .wrapping_add(black_box(eapi_encrypt(black_box(EAPI_URL), black_box(EAPI_TEXT))).len());
    }
    acc
}

fn weapi_round(n: u64) -> usize {
    let mut acc = 0usize;
    for _ in 0..n {
        let text = serde_json::to_string(black_box(&WEAPI_BODY)).expect("serialises");
        let form = weapi_encrypt(&text, &random_weapi_secret());
        acc = acc.wrapping_add(black_box(form).params.len());
    }
    acc
}

fn rate(n: u64, f: fn(u64) -> usize) -> f64 {
    let start = Instant::now();
    black_box(f(n));
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let n: u64 = match std::env::args().nth(1) {
        Some(a) => a.parse().unwrap_or_else(|_| {
            eprintln!("usage: crypto_throughput [N]  (N = iterations, a positive integer)");
            std::process::exit(2)
        }),
        None => 20_000,
    };
    let n = n.max(1);
    // Self-check: the serialised weapi body is the exact text ncma.js encrypts.
    assert_eq!(
        serde_json::to_string(&WEAPI_BODY).unwrap(),
        r#"{"ids":"[33894312]","level":"exhigh","encodeType":"mp3","csrf_token":""}"#
    );
    // Warm-up (caches, key schedules, allocator), as ncma.js warms up its JIT.
    black_box(eapi_round(n / 10 + 1));
    black_box(weapi_round(n / 10 + 1));
    let eapi_per_s = rate(n, eapi_round);
    let weapi_per_s = rate(n, weapi_round);
    println!("{{\"eapi_per_s\":{eapi_per_s:.1},\"weapi_per_s\":{weapi_per_s:.1},\"n\":{n}}}");
}
