//! The matcher measured on a labelled set of real titles (`tests/data/pairs.csv`, described in
//! `tests/data/README.md`): a pair counts as matched when its score is at least [`SURE`], the
//! threshold at which Duet plays or moves the other service's track without asking.
//!
//! `cargo test -p duet-match --test labelled_pairs -- --nocapture` prints the figures the
//! README quotes, and every pair the matcher gets wrong.

use duet_core::{AlbumRef, ArtistRef, ProviderId, Track};
use duet_match::{score, SURE, UNSURE};

const PAIRS: &str = include_str!("data/pairs.csv");

/// Precision at or above this; the floor.
const PRECISION_FLOOR: f64 = 0.98;
/// Recall at or above this: most of the same recordings are found without asking; the rest
/// show as "unsure" with their alternatives, which is the cost of never playing a wrong one.
const RECALL_FLOOR: f64 = 0.90;

struct Pair {
    same: bool,
    case: String,
    wanted: Track,
    candidate: Track,
}

#[derive(Default)]
struct Tally {
    true_positive: usize,
    false_positive: usize,
    false_negative: usize,
    true_negative: usize,
}

impl Tally {
    fn add(&mut self, same: bool, matched: bool) {
        match (same, matched) {
            (true, true) => self.true_positive += 1,
            (false, true) => self.false_positive += 1,
            (true, false) => self.false_negative += 1,
            (false, false) => self.true_negative += 1,
        }
    }

    fn precision(&self) -> f64 {
        let predicted = self.true_positive + self.false_positive;
        if predicted == 0 {
            return 1.0;
        }
        self.true_positive as f64 / predicted as f64
    }

    fn recall(&self) -> f64 {
        let actual = self.true_positive + self.false_negative;
        if actual == 0 {
            return 1.0;
        }
        self.true_positive as f64 / actual as f64
    }

    fn total(&self) -> usize {
        self.true_positive + self.false_positive + self.false_negative + self.true_negative
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name}: {} pairs ({} same, {} different): precision {:.3}, recall {:.3} \
             (tp {}, fp {}, fn {}, tn {})",
            self.total(),
            self.true_positive + self.false_negative,
            self.false_positive + self.true_negative,
            self.precision(),
            self.recall(),
            self.true_positive,
            self.false_positive,
            self.false_negative,
            self.true_negative,
        )
    }
}

/// One CSV record: fields separated by commas, a field in double quotes may hold commas and
/// doubled quotes. Lines starting with `#` are comments.
fn fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    out.push(field);
    out
}

fn track(provider: ProviderId, title: &str, artists: &str, ms: &str, album: &str) -> Track {
    Track {
        provider,
        id: String::new(),
        title: title.to_owned(),
        artists: artists
            .split('|')
            .filter(|name| !name.is_empty())
            .map(|name| ArtistRef {
                id: String::new(),
                name: name.to_owned(),
            })
            .collect(),
        album: AlbumRef {
            id: String::new(),
            name: album.to_owned(),
            cover_url: None,
        },
        duration_ms: ms.parse().expect("a duration in milliseconds"),
        playable: true,
        unavailable_reason: None,
        vip: false,
        trial: None,
    }
}

fn pairs() -> Vec<Pair> {
    let mut lines = PAIRS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty());
    let header = fields(lines.next().expect("a header"));
    assert_eq!(
        header,
        [
            "label",
            "case",
            "a_title",
            "a_artists",
            "a_ms",
            "a_album",
            "b_title",
            "b_artists",
            "b_ms",
            "b_album",
            "source"
        ]
    );
    lines
        .map(|line| {
            let f = fields(line);
            assert_eq!(f.len(), header.len(), "{line}");
            let same = match f[0].as_str() {
                "same" => true,
                "different" => false,
                other => panic!("label {other:?} in {line}"),
            };
            Pair {
                same,
                case: f[1].clone(),
                wanted: track(ProviderId::Netease, &f[2], &f[3], &f[4], &f[5]),
                candidate: track(ProviderId::Qq, &f[6], &f[7], &f[8], &f[9]),
            }
        })
        .collect()
}

#[test]
fn precision_and_recall_on_the_labelled_set() {
    let pairs = pairs();
    let mut all = Tally::default();
    let mut real = Tally::default();
    let mut misses = Vec::new();
    let mut alternatives = Vec::new();
    for pair in &pairs {
        let value = score(&pair.wanted, &pair.candidate);
        if !pair.same && (UNSURE..SURE).contains(&value) {
            alternatives.push(format!(
                "  {value:.3} [{}] {:?}",
                pair.case, pair.candidate.title
            ));
        }
        assert!((0.0..=1.0).contains(&value), "{value} for {}", pair.case);
        let matched = value >= SURE;
        all.add(pair.same, matched);
        if pair.case.starts_with("real pair") {
            real.add(pair.same, matched);
        }
        if matched != pair.same {
            misses.push(format!(
                "  {} {:.3} [{}] {:?} {:?} / {:?} {:?}",
                if pair.same { "missed" } else { "WRONG " },
                value,
                pair.case,
                pair.wanted.title,
                pair.wanted
                    .artists
                    .iter()
                    .map(|a| &a.name)
                    .collect::<Vec<_>>(),
                pair.candidate.title,
                pair.candidate
                    .artists
                    .iter()
                    .map(|a| &a.name)
                    .collect::<Vec<_>>(),
            ));
        }
    }
    println!("{}", all.line("all"));
    println!("{}", real.line("real pairs (both sides as listed)"));
    println!(
        "different pairs offered as unsure alternatives: {}",
        alternatives.len()
    );
    for alternative in &alternatives {
        println!("{alternative}");
    }
    for miss in &misses {
        println!("{miss}");
    }
    assert!(pairs.len() >= 200, "{} pairs", pairs.len());
    assert!(
        all.precision() >= PRECISION_FLOOR,
        "precision {:.3} < {PRECISION_FLOOR}\n{}",
        all.precision(),
        misses.join("\n")
    );
    assert!(
        all.recall() >= RECALL_FLOOR,
        "recall {:.3} < {RECALL_FLOOR}\n{}",
        all.recall(),
        misses.join("\n")
    );
}

#[test]
fn the_set_holds_the_hard_cases() {
    let pairs = pairs();
    let count = |needle: &str, same: bool| {
        pairs
            .iter()
            .filter(|p| p.same == same && p.case.contains(needle))
            .count()
    };
    assert!(count("live", false) >= 10);
    assert!(count("instrumental", false) + count("karaoke", false) >= 5);
    assert!(count("cover", false) >= 5);
    assert!(count("other artist", false) + count("another artist", false) >= 20);
    assert!(count("traditional", true) >= 10);
    assert!(count("feat", true) >= 5);
    assert!(count("full-width", true) >= 5);
    assert!(count("remaster", true) >= 5);
    assert!(count("20 s", false) >= 3);
    assert!(count("real pair", true) >= 15 && count("real pair", false) >= 40);
}
