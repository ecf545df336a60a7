//! Every document the code and the docs cite lives in this repository, and every cited section
//! exists (the notes used to live in a sibling directory a clone does not have).
//!
//! What counts as a citation (the conventions of `docs/README.md`):
//! - a path `docs/…` names a file or directory of the repository;
//! - `docs/X.md §N.M` (also ``docs/X.md` §N`` or `docs/X.md, §N`) names a numbered heading of X;
//! - a bare `§N.M` names a heading of the file's own protocol notes: `docs/protocol/netease.md` in
//!   the NetEase crate, the fake's `netease` module and `docs/netease-wire.md`,
//!   `docs/protocol/qqmusic.md` in the QQ Music crate, the fake's `qq` module and
//!   `docs/qqmusic-wire.md`, the document itself inside `docs/`; anywhere else a bare `§` is
//!   ambiguous and must name its document.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

const SKIPPED_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "target",
    "dist",
    "gen",
    "testdata",
    "screenshots",
    ".build",
];
const SCANNED_EXTENSIONS: &[&str] = &[
    "rs", "md", "ts", "svelte", "mjs", "js", "toml", "json", "yml", "sh", "txt",
];
const SCANNED_NAMES: &[&str] = &["dev", "run"];

fn scanned_files(dir: &Path, out: &mut Vec<PathBuf>) {
    // A folder a running build or test made and removed while this looked is no document.
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().unwrap().is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                scanned_files(&path, out);
            }
        } else {
            let extension = path.extension().map(|e| e.to_string_lossy().into_owned());
            let scanned = match extension {
                Some(e) => SCANNED_EXTENSIONS.contains(&e.as_str()),
                None => SCANNED_NAMES.contains(&name.as_str()),
            };
            // The lock files are machine-written and cite nothing.
            if scanned && !name.ends_with("-lock.json") && name != "Cargo.lock" {
                out.push(path);
            }
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(repository())
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/")
}

/// The numbers of a Markdown file's numbered headings (`## 4. Login`, `### 4.1 QQ …`) and of the
/// numbered items of a section's top-level list (item 6 of `## 7.` is `7.6`).
fn numbered_headings(markdown: &str) -> BTreeSet<String> {
    let mut numbers = BTreeSet::new();
    let mut section: Option<String> = None;
    for line in markdown.lines() {
        let (text, is_heading) = match line.strip_prefix('#') {
            Some(_) => (line.trim_start_matches('#').trim_start(), true),
            None => (line, false),
        };
        let number: String = text
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let item = !is_heading && number.ends_with('.') && text[number.len()..].starts_with(' ');
        let number = number.trim_end_matches('.');
        if is_heading {
            section = (!number.is_empty()).then(|| number.to_owned());
            numbers.extend(section.clone());
        } else if let (true, Some(section)) = (item && !number.contains('.'), &section) {
            numbers.insert(format!("{section}.{number}"));
        }
    }
    numbers
}

/// The document a bare `§` in `file` refers to, if the conventions give one.
fn own_protocol_notes(file: &str) -> Option<&'static str> {
    let netease = [
        "crates/duet-netease/",
        "crates/duet-fake-upstream/src/netease",
        "docs/netease-wire.md",
    ];
    let qqmusic = [
        "crates/duet-qqmusic/",
        "crates/duet-fake-upstream/src/qq",
        "docs/qqmusic-wire.md",
    ];
    if file == "docs/protocol/netease.md" || netease.iter().any(|p| file.starts_with(p)) {
        Some("docs/protocol/netease.md")
    } else if file == "docs/protocol/qqmusic.md" || qqmusic.iter().any(|p| file.starts_with(p)) {
        Some("docs/protocol/qqmusic.md")
    } else if file == "docs/design.md" {
        Some("docs/design.md")
    } else {
        None
    }
}

/// Documents written from other projects: their paths are those projects' paths, not this one's.
fn foreign(file: &str) -> bool {
    file.starts_with("docs/seeds/") || file == "docs/protocol/fidelity-2026-12.md"
}

fn cites_foreign_paths(file: &str) -> bool {
    foreign(file) || file.starts_with("docs/protocol/")
}

const DOC_PATH_CHARS: fn(char) -> bool = |c| c.is_ascii_alphanumeric() || "_-./".contains(c);

/// A `docs/…` path of a line, with the sections cited right after it.
#[derive(Debug, PartialEq)]
struct Citation {
    path: String,
    sections: Vec<String>,
}

/// The `docs/…` citations of `line`, and the byte offsets of the `§` signs they used (the other
/// `§` of the line are bare).
fn citations(line: &str) -> (Vec<Citation>, Vec<usize>) {
    let mut found = Vec::new();
    let mut used = Vec::new();
    let mut offset = 0;
    while let Some(at) = line[offset..].find("docs/").map(|at| offset + at) {
        let before = line[..at].chars().next_back();
        let path: String = line[at..]
            .chars()
            .take_while(|&c| DOC_PATH_CHARS(c))
            .collect();
        offset = at + path.len();
        // `ui/docs/…` or `public/docs/…` is someone else's path.
        if before.is_some_and(|c| DOC_PATH_CHARS(c) && c != '.') {
            continue;
        }
        let path = path.trim_end_matches(['.', '/']).to_owned();
        // Sections cited right after the path: "` §4.1", ", §7", " §2 and §3".
        let rest = &line[offset..];
        let tail = rest.trim_start_matches(['`', ',', ' ', '"']);
        let (sections, signs) = sections_at_start(tail);
        let tail_at = offset + (rest.len() - tail.len());
        used.extend(signs.into_iter().map(|sign| tail_at + sign));
        found.push(Citation { path, sections });
    }
    (found, used)
}

/// `§4.1, §5` at the start of `text` (a list joined by ", ", " and ", "/"): the numbers and the
/// byte offsets of their `§` signs.
fn sections_at_start(text: &str) -> (Vec<String>, Vec<usize>) {
    let mut sections = Vec::new();
    let mut signs = Vec::new();
    let mut at = 0;
    while let Some(after) = text[at..].strip_prefix('§') {
        let number: String = after
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let trimmed = number.trim_end_matches('.');
        if trimmed.is_empty() {
            break;
        }
        sections.push(trimmed.to_owned());
        signs.push(at);
        let rest = &after[number.len()..];
        let rest = rest.trim_start_matches([',', ' ', '/', '–']);
        let rest = rest.strip_prefix("and ").unwrap_or(rest);
        at = text.len() - rest.len();
    }
    (sections, signs)
}

/// The relative targets of a Markdown line's links (`[text](target)`), without their `#anchor`.
fn relative_links(line: &str) -> Vec<&str> {
    line.split("](")
        .skip(1)
        .filter_map(|rest| rest.split(')').next())
        .map(|target| target.split('#').next().unwrap_or(""))
        .filter(|target| !target.is_empty() && !target.contains("://") && !target.contains(' '))
        .filter(|target| !target.starts_with("mailto:"))
        .collect()
}

/// The sections of the `§` signs of `line` not in `used`.
fn bare_sections(line: &str, used: &[usize]) -> Vec<String> {
    line.match_indices('§')
        .filter(|(at, _)| !used.contains(at))
        .filter_map(|(at, _)| sections_at_start(&line[at..]).0.into_iter().next())
        .collect()
}

#[test]
fn every_cited_document_and_section_is_in_the_repository() {
    let root = repository();
    let mut files = Vec::new();
    scanned_files(&root, &mut files);
    assert!(files.len() > 100, "scanned only {} files", files.len());

    let mut headings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut headings_of = |doc: &str| -> Option<BTreeSet<String>> {
        if let Some(known) = headings.get(doc) {
            return Some(known.clone());
        }
        let text = std::fs::read_to_string(root.join(doc)).ok()?;
        let numbers = numbered_headings(&text);
        headings.insert(doc.to_owned(), numbers.clone());
        Some(numbers)
    };

    let mut problems = Vec::new();
    let mut counted = 0;
    for path in &files {
        let file = relative(path);
        if file == "crates/duet-core/tests/docs_cited.rs" {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            let at = format!("{file}:{}", number + 1);
            for outside in ["../shared", "shared/protocol", "DESIGN.md"] {
                if line.contains(outside) && !foreign(&file) {
                    problems.push(format!("{at}: points outside the repository ({outside})"));
                }
            }
            if file.ends_with(".md") && !cites_foreign_paths(&file) {
                let dir = path.parent().unwrap();
                for target in relative_links(line) {
                    if !dir.join(target).exists() {
                        problems.push(format!("{at}: the link to {target} leads nowhere"));
                    }
                }
            }
            let (cited, used) = citations(line);
            if !cites_foreign_paths(&file) {
                for Citation {
                    path: doc,
                    sections,
                } in cited
                {
                    counted += 1;
                    if !root.join(&doc).exists() {
                        problems.push(format!("{at}: {doc} does not exist"));
                        continue;
                    }
                    if sections.is_empty() {
                        continue;
                    }
                    let Some(known) = headings_of(&doc) else {
                        problems.push(format!("{at}: {doc} cited by section is not a text file"));
                        continue;
                    };
                    for section in sections {
                        if !known.contains(&section) {
                            problems.push(format!("{at}: {doc} has no §{section}"));
                        }
                    }
                }
            }
            let bare = bare_sections(line, &used);
            if bare.is_empty() {
                continue;
            }
            if foreign(&file) {
                continue;
            }
            counted += bare.len();
            let Some(doc) = own_protocol_notes(&file) else {
                problems.push(format!(
                    "{at}: a bare § here does not say which document it means ({})",
                    bare.join(", ")
                ));
                continue;
            };
            let known = headings_of(doc).expect("the protocol notes are in docs/");
            for section in bare {
                if !known.contains(&section) {
                    problems.push(format!("{at}: {doc} has no §{section}"));
                }
            }
        }
    }
    assert!(counted > 200, "found only {counted} citations");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_citation_reader_reads_the_forms_in_use() {
    let line = "§2 of it; see `docs/protocol/qqmusic.md` §4.1, §5 and §7.6";
    let (cited, used) = citations(line);
    assert_eq!(
        cited,
        [Citation {
            path: "docs/protocol/qqmusic.md".to_owned(),
            sections: vec!["4.1".to_owned(), "5".to_owned(), "7.6".to_owned()],
        }]
    );
    assert_eq!(bare_sections(line, &used), ["2"]);
    let (cited, used) = citations("(docs/design.md §2.) and §4.1 step 2");
    assert_eq!(cited[0].sections, ["2"]);
    assert_eq!(
        bare_sections("(docs/design.md §2.) and §4.1 step 2", &used),
        ["4.1"]
    );
    assert!(citations("public/docs/home.md").0.is_empty());
    assert_eq!(
        relative_links("[a](design.md) [b](https://x.org/y) [c](../testdata#top) [d](#here)"),
        ["design.md", "../testdata"]
    );
    assert_eq!(
        numbered_headings(
            "# T\n## 4. Login\n### 4.1 QQ [H]\n## 7. Fake\n1. a\n   2. b\n2. c\n## Notes\n3. d\n"
        ),
        BTreeSet::from(["4", "4.1", "7", "7.1", "7.2"].map(str::to_owned))
    );
}
