//! The checked-in TypeScript bindings (`ui/src/lib/bindings.ts`) are what the Rust side
//! generates today. `DUET_UPDATE_BINDINGS=1` (or `./dev bindings`) writes them anew instead.

use std::path::Path;

use duet_app::bindings::{builder, repository_root, BINDINGS_FILE, HEADER};

/// Writes the bindings to `path`.
fn export(path: &Path) -> Result<(), specta_typescript::Error> {
    builder::<tauri::Wry>()
        // Every integer in the model is a count, a size or milliseconds, far below 2^53. (An
        // exporter setting: it exists only with the TypeScript exporter, which the app lacks.)
        .dangerously_cast_bigints_to_number()
        .export(
            specta_typescript::Typescript::default().header(HEADER),
            path,
        )
}

#[test]
fn the_checked_in_bindings_are_current() {
    let checked_in = repository_root().join(BINDINGS_FILE);
    if std::env::var_os("DUET_UPDATE_BINDINGS").is_some() {
        export(&checked_in).expect("export the bindings");
        return;
    }
    let fresh = std::env::temp_dir().join(format!("duet-bindings-{}.ts", std::process::id()));
    export(&fresh).expect("export the bindings");
    let generated = std::fs::read_to_string(&fresh).unwrap();
    std::fs::remove_file(&fresh).ok();
    let current = std::fs::read_to_string(&checked_in).unwrap_or_default();
    assert!(
        generated == current,
        "{BINDINGS_FILE} is stale: run `./dev bindings` (DUET_UPDATE_BINDINGS=1 cargo test -p \
         duet-app --test bindings) and check the result in"
    );
}

/// The UI's `ERROR_KINDS` (from `ErrorKind::ALL`) names every kind of the generated `ErrorKind`
/// type (from the enum itself), so a new kind cannot be missing from the list.
#[test]
fn error_kinds_lists_every_kind() {
    let fresh = std::env::temp_dir().join(format!("duet-kinds-{}.ts", std::process::id()));
    export(&fresh).expect("export the bindings");
    let generated = std::fs::read_to_string(&fresh).unwrap();
    std::fs::remove_file(&fresh).ok();
    let union = &generated[generated.find("export type ErrorKind =").unwrap()..];
    let union = &union[..union.find(';').unwrap()];
    let mut in_type = Vec::new();
    let mut rest = union;
    while let Some(start) = rest.find("/*") {
        collect_quoted(&rest[..start], &mut in_type);
        rest = &rest[start + rest[start..].find("*/").unwrap() + 2..];
    }
    collect_quoted(rest, &mut in_type);
    let listed: Vec<String> = duet_core::ErrorKind::ALL
        .iter()
        .map(|k| k.as_str().to_owned())
        .collect();
    assert!(in_type.len() > 10, "{in_type:?}");
    assert_eq!(listed, in_type);
}

fn collect_quoted(text: &str, into: &mut Vec<String>) {
    into.extend(text.split('"').skip(1).step_by(2).map(str::to_owned));
}

/// Every event the app emits (`AppEvent` carries only types with `#[tauri_specta(event_name)]`,
/// whose `NAME` it sends) is in the generated `events`, so none is emitted without a listener
/// type in the UI: a type added to `events.rs` but not to `collect_events!` fails here.
#[test]
fn every_event_type_is_generated() {
    let source = std::fs::read_to_string(repository_root().join("src-tauri/src/events.rs"))
        .expect("read events.rs");
    let declared: Vec<&str> = source
        .split("#[tauri_specta(event_name = \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(declared.len() >= 7, "{declared:?}");
    let fresh = std::env::temp_dir().join(format!("duet-events-{}.ts", std::process::id()));
    export(&fresh).expect("export the bindings");
    let generated = std::fs::read_to_string(&fresh).unwrap();
    std::fs::remove_file(&fresh).ok();
    for name in declared {
        assert!(
            generated.contains(&format!("(\"{name}\")")),
            "event {name} is not in the generated bindings: add its type to collect_events! in \
             src-tauri/src/bindings.rs"
        );
    }
}
