//! Criterion benchmarks of the matcher: one pair scored, and a search page of 30 candidates
//! ranked (what `find_on` does with each answer), on titles from the labelled set.
//!
//! Run: `cargo bench -p duet-match --bench rank -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use duet_core::{AlbumRef, ArtistRef, ProviderId, Track};
use duet_match::{rank, score};

fn track(provider: ProviderId, title: &str, artists: &[&str], ms: u64, album: &str) -> Track {
    Track {
        provider,
        id: String::new(),
        title: title.to_owned(),
        artists: artists
            .iter()
            .map(|name| ArtistRef {
                id: String::new(),
                name: (*name).to_owned(),
            })
            .collect(),
        album: AlbumRef {
            id: String::new(),
            name: album.to_owned(),
            cover_url: None,
        },
        duration_ms: ms,
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

fn matcher(c: &mut Criterion) {
    let wanted = track(
        ProviderId::Netease,
        "说散就散",
        &["袁娅维"],
        242_571,
        "说散就散",
    );
    let twin = track(
        ProviderId::Qq,
        "說散就散 (電影《前任3：再見前任》主題曲)",
        &["袁娅維"],
        242_000,
        "說散就散",
    );
    c.bench_function("score one pair", |b| {
        b.iter(|| score(black_box(&wanted), black_box(&twin)));
    });

    let titles = [
        ("说散就散", "JC"),
        ("说散就散 (Live)", "袁娅维"),
        ("说散就散 (伴奏)", "袁娅维"),
        ("说散就散 (DJ版)", "袁娅维"),
        ("说好不哭（with 五月天阿信）", "周杰伦"),
        ("Something Just Like This", "The Chainsmokers / Coldplay"),
    ];
    let page: Vec<Track> = (0..29)
        .map(|i| {
            let (title, artist) = titles[i % titles.len()];
            track(
                ProviderId::Qq,
                title,
                &[artist],
                230_000 + i as u64 * 1000,
                "",
            )
        })
        .chain(std::iter::once(twin.clone()))
        .collect();
    c.bench_function("rank a page of 30", |b| {
        b.iter(|| rank(black_box(&wanted), black_box(page.clone())));
    });
}

criterion_group!(benches, matcher);
criterion_main!(benches);
