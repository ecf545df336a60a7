//! The README's table of error kinds (the `/v1` API's contract with its users) lists every
//! `ErrorKind` once, with the status the server answers it with: a new kind, or a changed status,
//! cannot ship undocumented.

use duet_core::ErrorKind;

#[test]
fn the_readme_documents_every_error_kind_with_its_status() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
        .expect("read the README");
    let table = readme
        .split("| kind | status | when |")
        .nth(1)
        .expect("the README has the error table");
    let rows: Vec<(String, u16)> = table
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let status = cells[2]
                .parse()
                .unwrap_or_else(|_| panic!("status of {line}"));
            (cells[1].trim_matches('`').to_owned(), status)
        })
        .collect();
    let mut documented = rows.clone();
    documented.sort();
    let mut actual: Vec<(String, u16)> = ErrorKind::ALL
        .iter()
        .map(|kind| (kind.as_str().to_owned(), kind.http_status()))
        .collect();
    actual.sort();
    assert_eq!(
        documented, actual,
        "the README's error table and ErrorKind disagree"
    );
}
