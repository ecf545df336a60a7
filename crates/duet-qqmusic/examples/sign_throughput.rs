//! Single-threaded zzc throughput, for `bench/compare-qqmusic-sign.sh`.
//!
//! Usage: `sign_throughput <bodies.jsonl> <iterations>`, one JSON string (a request body) per
//! line. After `iterations / 20` warm-up passes, signs every body `iterations` times and
//! prints one JSON object:
//! `{"ns_per_sign": …, "signs": ["zzc…", …]}` (the signs in input order, for cross-checking).

use std::hint::black_box;
use std::time::Instant;

use duet_qqmusic::sign;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(iterations)) = (args.next(), args.next()) else {
        return Err("usage: sign_throughput <bodies.jsonl> <iterations>".into());
    };
    let iterations: u64 = iterations.parse()?;
    let bodies = std::fs::read_to_string(&path)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(serde_json::from_str::<String>)
        .collect::<Result<Vec<_>, _>>()?;
    if bodies.is_empty() || iterations == 0 {
        return Err("need at least one body and one iteration".into());
    }

    let signs: Vec<String> = bodies
        .iter()
        .map(|body| sign::zzc(body.as_bytes()))
        .collect();
    let started = Instant::now();
    for _ in 0..iterations {
        for body in &bodies {
            black_box(sign::zzc(black_box(body.as_bytes())));
        }
    }
    let elapsed = started.elapsed();
    let ns_per_sign = elapsed.as_nanos() as f64 / (iterations as f64 * bodies.len() as f64);
    println!(
        "{}",
        serde_json::json!({ "ns_per_sign": ns_per_sign, "signs": signs })
    );
    Ok(())
}
