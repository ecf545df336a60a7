//! Criterion benchmarks of the answer parsers on the largest fixtures.
//!
//! Run: `cargo bench -p duet-netease --bench parse -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use duet_netease::{lyrics, parse};

const PLAYLIST: &str = include_str!("../../../testdata/fixtures/netease/playlist_detail.json");
const LYRIC: &str = include_str!("../../../testdata/fixtures/netease/lyric.json");

fn parsers(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(PLAYLIST.len() as u64));
    group.bench_function("playlist_detail_fixture_from_text", |b| {
        b.iter(|| {
            let body: serde_json::Value = serde_json::from_str(black_box(PLAYLIST)).unwrap();
            parse::playlist_detail(&body).unwrap()
        });
    });
    let body: serde_json::Value = serde_json::from_str(PLAYLIST).unwrap();
    group.bench_function("playlist_detail_fixture_model_only", |b| {
        b.iter(|| parse::playlist_detail(black_box(&body)).unwrap());
    });
    group.throughput(Throughput::Bytes(LYRIC.len() as u64));
    let lyric: serde_json::Value = serde_json::from_str(LYRIC).unwrap();
    group.bench_function("lyrics_with_translation_and_romanisation", |b| {
        b.iter(|| lyrics::lyrics(black_box(&lyric), "1"));
    });
    group.finish();
}

criterion_group!(benches, parsers);
criterion_main!(benches);
