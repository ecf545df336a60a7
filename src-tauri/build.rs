// tauri.conf.json lives at the top of the repository (the product card asks for it there), so
// tauri-build is pointed at it; `generate_context!` in src/lib.rs names the same file.

/// Where the commands are registered: the one list each `allow-<name>` permission (granted in
/// `capabilities/main.json`) is made from.
const REGISTRATION: &str = "src/commands/mod.rs";

/// The commands named in `collect_commands![…]`: the last segment of each path.
fn registered_commands(source: &str) -> Vec<String> {
    let start = source
        .find("collect_commands![")
        .expect("src/commands/mod.rs registers the commands with collect_commands!")
        + "collect_commands![".len();
    let end = start
        + source[start..]
            .find(']')
            .expect("collect_commands![ is closed");
    source[start..end]
        .split(',')
        .map(|path| path.trim().rsplit("::").next().unwrap_or("").trim())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed={REGISTRATION}");
    let source = std::fs::read_to_string(REGISTRATION).expect("read src/commands/mod.rs");
    // tauri-build keeps the names for the whole build script's life.
    let commands: &'static [&'static str] = Vec::leak(
        registered_commands(&source)
            .into_iter()
            .map(|c| &*String::leak(c))
            .collect(),
    );
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .expect("tauri-build failed");
}
