//! Criterion benchmarks of the listening record: writing a play (what the writer thread does
//! every few seconds while music plays), the Listening screen's whole summary over a record of
//! 100,000 plays (years of daily listening), and drawing the picture as a PNG.
//!
//! Run: `cargo bench -p duet-listening --bench record -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use duet_core::{ArtistRef, ProviderId};
use duet_listening::picture::{Language, Picture};
use duet_listening::{ListeningStore, Period, Play, UtcOffset, DATABASE_FILE};

const PLAYS: i64 = 100_000;
const NOW: i64 = 1_764_900_000_000;

fn play(i: i64) -> Play {
    Play {
        provider: if i % 3 == 0 {
            ProviderId::Qq
        } else {
            ProviderId::Netease
        },
        track_id: format!("{}", i % 4_000),
        title: format!("歌曲 {}", i % 4_000),
        artists: vec![ArtistRef {
            id: format!("{}", i % 300),
            name: format!("歌手 {}", i % 300),
        }],
        album_id: format!("{}", i % 900),
        album_name: format!("专辑 {}", i % 900),
        duration_ms: 240_000,
        // About 25 plays a day, going back eleven years.
        started_at_ms: NOW - i * 3_456_000,
        heard_ms: 200_000,
    }
}

fn record(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = ListeningStore::open(&dir.path().join(DATABASE_FILE)).unwrap();
    for i in 0..PLAYS {
        store.record(&play(i)).unwrap();
    }
    let offset = UtcOffset::from_seconds(8 * 3600).unwrap();
    let mut i = 0;
    c.bench_function("record/one play written again as it grows", |b| {
        b.iter(|| {
            i += 1;
            let mut p = play(0);
            p.heard_ms = 200_000 + i;
            store.record(black_box(&p)).unwrap();
        });
    });
    for period in [Period::Month, Period::Year] {
        c.bench_function(
            &format!("summary/{period:?} of 100k plays, both services"),
            |b| {
                b.iter(|| store.summary(period, None, NOW, offset).unwrap());
            },
        );
    }
    let summary = store.summary(Period::Month, None, NOW, offset).unwrap();
    let picture = Picture::of_summary(&summary, Language::Zh);
    // The first call reads the system's fonts once; the benchmark measures the calls after it.
    picture.to_png().unwrap();
    c.bench_function("picture/png of the month", |b| {
        b.iter(|| picture.to_png().unwrap());
    });
}

criterion_group!(benches, record);
criterion_main!(benches);
