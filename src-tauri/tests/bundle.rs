//! The installers cannot drift unnoticed: `tauri.conf.json` asks for every installer of the three
//! systems, with icons at every size each needs; the Linux packages depend on what the binary
//! loads (and the tray icon's library) and recommend a CJK font and a Secret Service provider;
//! the `.desktop` entry is a music player's. On Linux the real Tauri bundler (`tools/tauri.mjs`)
//! then packs this build into a `.deb` and an `.rpm`, which `dpkg-deb`, `rpm` and
//! `desktop-file-validate` read back, and the icons are drawn again from their source to prove
//! the checked-in ones are current.

use std::path::{Path, PathBuf};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn config() -> Value {
    let text = std::fs::read_to_string(repo().join("tauri.conf.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

/// The shared libraries the Linux binary loads (`NEEDED`), each with the Debian package that
/// ships it; the rpm requires each by its soname (`libfoo.so.1()(64bit)`, what rpmbuild would
/// generate), which Fedora and openSUSE both resolve (glibc's and libgcc's are left out, see
/// `linux::SYSTEM_LIBRARIES`). A library the binary starts to load fails `the_packages_depend_on_what_the_binary_loads`
/// until it is added here and to `bundle.linux.{deb,rpm}.depends`. On Debian 13 and Ubuntu
/// 24.04 the renamed 64-bit-time libraries (`libasound2t64`, `libglib2.0-0t64`,
/// `libgtk-3-0t64`) provide the old names on 64-bit systems, so one name serves every release.
const LOADED_LIBRARIES: &[(&str, &str)] = &[
    ("libwebkit2gtk-4.1.so.0", "libwebkit2gtk-4.1-0"),
    (
        "libjavascriptcoregtk-4.1.so.0",
        "libjavascriptcoregtk-4.1-0",
    ),
    ("libsoup-3.0.so.0", "libsoup-3.0-0"),
    ("libgtk-3.so.0", "libgtk-3-0"),
    ("libgdk-3.so.0", "libgtk-3-0"),
    ("libgdk_pixbuf-2.0.so.0", "libgdk-pixbuf-2.0-0"),
    ("libcairo.so.2", "libcairo2"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libgobject-2.0.so.0", "libglib2.0-0"),
    ("libgio-2.0.so.0", "libglib2.0-0"),
    ("libasound.so.2", "libasound2"),
    ("libdbus-1.so.3", "libdbus-1-3"),
];
/// What the Tauri CLI adds to every Linux package by itself (WebKitGTK and GTK); the config
/// names the rest, so that no dependency is listed twice.
const ADDED_BY_THE_CLI: [&str; 2] = ["libwebkit2gtk-4.1.so.0", "libgtk-3.so.0"];

fn rpm_requirement(soname: &str) -> String {
    format!("{soname}()(64bit)")
}

/// The Debian packages and the rpm requirements every Linux package must carry, sorted.
fn linux_dependencies() -> (Vec<String>, Vec<String>) {
    let mut deb: Vec<String> = LOADED_LIBRARIES
        .iter()
        .map(|(_, p)| p.to_string())
        .collect();
    let mut rpm: Vec<String> = LOADED_LIBRARIES
        .iter()
        .map(|(soname, _)| rpm_requirement(soname))
        .collect();
    for list in [&mut deb, &mut rpm] {
        list.sort();
        list.dedup();
    }
    (deb, rpm)
}

#[test]
fn every_system_gets_its_installers() {
    let config = config();
    let targets = strings(&config["bundle"]["targets"]);
    for kind in ["deb", "rpm", "appimage", "nsis", "msi", "app", "dmg"] {
        assert!(targets.contains(&kind), "bundle.targets lacks {kind}");
    }
    assert_eq!(config["bundle"]["active"], true);
    // macOS: ad hoc signed, or Apple Silicon refuses to start a downloaded app at all.
    assert_eq!(config["bundle"]["macOS"]["signingIdentity"], "-");
    assert_eq!(config["bundle"]["category"], "Music");
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let read = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (read(16), read(20))
}

/// The sizes in a Windows `.ico` (a width byte of 0 means 256).
fn ico_sizes(bytes: &[u8]) -> Vec<u32> {
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "not an .ico");
    let count = u16::from_le_bytes([bytes[4], bytes[5]]) as usize;
    (0..count)
        .map(|i| match bytes[6 + 16 * i] {
            0 => 256,
            width => u32::from(width),
        })
        .collect()
}

/// The element types of a macOS `.icns`, with their data.
fn icns_elements(bytes: &[u8]) -> Vec<(String, &[u8])> {
    assert_eq!(&bytes[..4], b"icns", "not an .icns");
    let mut elements = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let kind = String::from_utf8_lossy(&bytes[at..at + 4]).into_owned();
        let len = u32::from_be_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        elements.push((kind, &bytes[at + 8..at + len]));
        at += len;
    }
    elements
}

#[test]
fn icons_cover_every_system() {
    let config = config();
    let icons = strings(&config["bundle"]["icon"]);
    let read = |name: &str| std::fs::read(repo().join(name)).unwrap();
    // The first PNG listed becomes the window's icon (tauri-codegen): sharp at 128 px, and
    // 64 KiB of pixels in the binary rather than 1 MiB for the 512 px one.
    assert_eq!(icons.first(), Some(&"icons/128x128.png"));
    // The window and Linux's hicolor sizes.
    for (name, size) in [
        ("icons/32x32.png", 32),
        ("icons/64x64.png", 64),
        ("icons/128x128.png", 128),
        ("icons/256x256.png", 256),
        ("icons/icon.png", 512),
    ] {
        assert!(icons.contains(&name), "bundle.icon lacks {name}");
        assert_eq!(png_size(&read(name)), (size, size), "{name}");
    }
    // Windows: the taskbar's small sizes up to Explorer's 256 px.
    assert!(icons.contains(&"icons/icon.ico"));
    let mut sizes = ico_sizes(&read("icons/icon.ico"));
    sizes.sort_unstable();
    assert_eq!(sizes, [16, 24, 32, 48, 64, 256]);
    // macOS: 16 px to 1024 px (ic10, the 512 px @2x), each element a PNG.
    assert!(icons.contains(&"icons/icon.icns"));
    let icns = read("icons/icon.icns");
    let elements = icns_elements(&icns);
    for kind in [
        "ic07", "ic08", "ic09", "ic10", "ic11", "ic12", "ic13", "ic14",
    ] {
        let (_, data) = elements
            .iter()
            .find(|(k, _)| k == kind)
            .unwrap_or_else(|| panic!("icon.icns lacks {kind}"));
        assert_eq!(&data[..4], b"\x89PNG", "{kind}");
    }
    let (_, ic10) = elements.iter().find(|(k, _)| k == "ic10").unwrap();
    assert_eq!(png_size(ic10), (1024, 1024));
    for name in &icons {
        assert!(repo().join(name).is_file(), "{name} is listed but missing");
    }
}

#[test]
fn the_linux_packages_declare_fonts_keyrings_and_a_desktop_entry() {
    let config = config();
    let linux = &config["bundle"]["linux"];
    let deb_recommends = strings(&linux["deb"]["recommends"]);
    assert!(
        deb_recommends.contains(&"fonts-noto-cjk | fonts-wqy-microhei"),
        "{deb_recommends:?}"
    );
    assert!(
        deb_recommends
            .iter()
            .any(|r| r.starts_with("gnome-keyring | ") && r.contains("kwalletmanager")),
        "a Secret Service provider: {deb_recommends:?}"
    );
    let rpm_recommends = strings(&linux["rpm"]["recommends"]);
    assert!(
        rpm_recommends.contains(&"(google-noto-sans-cjk-fonts or wqy-microhei-fonts)"),
        "{rpm_recommends:?}"
    );
    assert!(
        rpm_recommends
            .iter()
            .any(|r| r.starts_with("(gnome-keyring or ") && r.contains("kwallet")),
        "a Secret Service provider: {rpm_recommends:?}"
    );
    for kind in ["deb", "rpm"] {
        assert_eq!(
            linux[kind]["desktopTemplate"], "packaging/linux/duet.desktop",
            "{kind}"
        );
    }
    let entry = std::fs::read_to_string(repo().join("packaging/linux/duet.desktop")).unwrap();
    for line in [
        "[Desktop Entry]",
        "Type=Application",
        "Categories=AudioVideo;Audio;Player;",
        "Exec={{exec}}",
        "Icon={{icon}}",
        "StartupWMClass=Duet",
        "Terminal=false",
    ] {
        assert!(
            entry.lines().any(|l| l == line),
            "the .desktop lacks {line}"
        );
    }
}

#[test]
fn the_config_depends_on_every_loaded_library_but_the_clis_own() {
    let config = config();
    let linux = &config["bundle"]["linux"];
    let by_the_cli = |pick: &dyn Fn(&str) -> String| -> Vec<String> {
        ADDED_BY_THE_CLI.iter().map(|soname| pick(soname)).collect()
    };
    let deb_package = |soname: &str| {
        let (_, package) = LOADED_LIBRARIES.iter().find(|(s, _)| *s == soname).unwrap();
        package.to_string()
    };
    let (want_deb, want_rpm) = linux_dependencies();
    for (kind, want, cli) in [
        ("deb", want_deb, by_the_cli(&deb_package)),
        ("rpm", want_rpm, by_the_cli(&rpm_requirement)),
    ] {
        let configured = strings(&linux[kind]["depends"]);
        for package in &configured {
            assert!(
                !cli.iter().any(|c| c == package),
                "{kind}: the Tauri CLI adds {package} itself"
            );
        }
        let mut all: Vec<String> = configured.iter().map(|p| p.to_string()).collect();
        all.extend(cli);
        all.sort();
        all.dedup();
        assert_eq!(all, want, "bundle.linux.{kind}.depends and the CLI's own");
    }
}

/// Every string in `value` that names a file or a folder of the repository, with where it sits
/// (object keys; an array's items share their array's place).
fn paths_in<'a>(value: &'a Value, at: &mut Vec<String>, found: &mut Vec<(Vec<String>, &'a str)>) {
    match value {
        Value::String(s) if !s.is_empty() && repo().join(s).exists() => {
            found.push((at.clone(), s.as_str()));
        }
        Value::Array(items) => items.iter().for_each(|v| paths_in(v, at, found)),
        Value::Object(fields) => {
            for (key, v) in fields {
                at.push(key.clone());
                paths_in(v, at, found);
                at.pop();
            }
        }
        _ => {}
    }
}

/// tools/tauri.mjs rebases each path of the config for the Tauri CLI, which reads them relative
/// to src-tauri/: a path field it does not know would point the CLI at nothing.
#[test]
fn tools_tauri_mjs_rebases_every_path_of_the_config() {
    let wrapper = std::fs::read_to_string(repo().join("tools/tauri.mjs")).unwrap();
    let config = config();
    let mut found = Vec::new();
    paths_in(&config, &mut Vec::new(), &mut found);
    assert!(found.len() >= 4, "{found:?}");
    for (at, path) in found {
        let field = format!(
            "[{}]",
            at.iter()
                .map(|k| format!("'{k}'"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(
            wrapper.contains(&field),
            "{path} sits at {field}, which PATH_FIELDS in tools/tauri.mjs does not list"
        );
    }
}

#[cfg(target_os = "linux")]
mod linux {
    //! The real bundler on this build, and the packages it makes read back by the distributions'
    //! own tools. `./dev test` installs them (dpkg-deb, rpm, desktop-file-validate, Node and the
    //! Tauri CLI in ui/node_modules).

    use super::*;
    use std::process::Command;

    /// The tray icon's library, which the binary loads at run time (not `NEEDED`): the Tauri CLI
    /// makes both packages require it by itself for an app with a tray, so the config names it
    /// nowhere (Duet itself runs without it, with no tray icon, as a build from source may).
    const TRAY_DEB_DEPENDENCY: &str = "libayatana-appindicator3-1";
    const TRAY_RPM_REQUIREMENT: &str = "libayatana-appindicator3.so.1()(64bit)";
    /// glibc's and libgcc's libraries: on every system, in no package's Depends.
    const SYSTEM_LIBRARIES: &[&str] = &[
        "libc.so.6",
        "libm.so.6",
        "libgcc_s.so.1",
        "ld-linux-x86-64.so.2",
        "ld-linux-aarch64.so.1",
    ];

    fn run(program: &str, args: &[&str]) -> String {
        let out = Command::new(program)
            .args(args)
            .current_dir(repo())
            .output()
            .unwrap_or_else(|e| panic!("{program} could not start ({e}); ./dev test installs it"));
        assert!(
            out.status.success(),
            "{program} {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn binary() -> PathBuf {
        PathBuf::from(env!("CARGO_BIN_EXE_duet"))
    }

    /// Held by each test that reads or runs the binary, and by the one that bundles it: the Tauri
    /// bundler rewrites the binary in place (same inode, new mtime) even with
    /// `--no-binary-patching`, and a `readelf` of it mid-write read no ELF header (seen in CI).
    static BINARY: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn binary_held() -> std::sync::MutexGuard<'static, ()> {
        BINARY.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn only_file(dir: &Path, extension: &str) -> PathBuf {
        let found: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == extension))
            .collect();
        assert_eq!(found.len(), 1, "one .{extension} in {}", dir.display());
        found.into_iter().next().unwrap()
    }

    #[test]
    fn the_packages_depend_on_what_the_binary_loads() {
        let _binary = binary_held();
        let dynamic = run("readelf", &["--dynamic", binary().to_str().unwrap()]);
        let loaded: Vec<&str> = dynamic
            .lines()
            .filter(|l| l.contains("(NEEDED)"))
            .filter_map(|l| l.split('[').nth(1)?.strip_suffix(']'))
            .collect();
        assert!(loaded.contains(&"libwebkit2gtk-4.1.so.0"), "{loaded:?}");
        for library in &loaded {
            assert!(
                SYSTEM_LIBRARIES.contains(library)
                    || LOADED_LIBRARIES.iter().any(|(l, _)| l == library),
                "the binary loads {library}: add its packages to LOADED_LIBRARIES and to \
                 bundle.linux.deb/rpm.depends in tauri.conf.json"
            );
        }
    }

    /// Packs the debug build (the one these tests run beside) into a .deb and an .rpm with the
    /// real bundler, then reads both back.
    #[test]
    fn the_deb_and_the_rpm_install_the_app_its_entry_and_its_dependencies() {
        let _binary = binary_held();
        let bundle_dir = binary().parent().unwrap().join("bundle");
        for kind in ["deb", "rpm"] {
            let _ = std::fs::remove_dir_all(bundle_dir.join(kind));
        }
        // No binary patching asked for; the bundler still rewrites the binary in place (see
        // `BINARY`).
        run(
            "node",
            &[
                "tools/tauri.mjs",
                "bundle",
                "--debug",
                "--bundles",
                "deb,rpm",
                "--no-binary-patching",
                "--ci",
            ],
        );
        let config = config();
        let linux = &config["bundle"]["linux"];

        let (want_deb, want_rpm) = linux_dependencies();

        let deb = only_file(&bundle_dir.join("deb"), "deb");
        let deb = deb.to_str().unwrap();
        let field = |name: &str| run("dpkg-deb", &["--field", deb, name]).trim().to_owned();
        assert_eq!(field("Package"), "duet");
        assert_eq!(field("Section"), "sound");
        let mut depends: Vec<String> = field("Depends").split(", ").map(String::from).collect();
        depends.sort();
        let mut want_deb = want_deb;
        want_deb.push(TRAY_DEB_DEPENDENCY.to_owned());
        want_deb.sort();
        assert_eq!(depends, want_deb, "the deb's Depends");
        assert_eq!(
            field("Recommends"),
            strings(&linux["deb"]["recommends"]).join(", ")
        );
        let files = run("dpkg-deb", &["--contents", deb]);
        let mut paths = vec![
            "usr/bin/duet".to_owned(),
            "usr/share/applications/Duet.desktop".to_owned(),
        ];
        for size in [32, 64, 128, 256, 512] {
            paths.push(format!(
                "usr/share/icons/hicolor/{size}x{size}/apps/duet.png"
            ));
        }
        for path in &paths {
            assert!(
                files.lines().any(|l| l.ends_with(&format!(" {path}"))),
                "the deb lacks {path}:\n{files}"
            );
        }

        let unpacked = bundle_dir.join("deb-unpacked");
        let _ = std::fs::remove_dir_all(&unpacked);
        run("dpkg-deb", &["--extract", deb, unpacked.to_str().unwrap()]);
        let entry_path = unpacked.join("usr/share/applications/Duet.desktop");
        let entry = std::fs::read_to_string(&entry_path).unwrap();
        for line in [
            "Name=Duet",
            "Exec=duet",
            "Icon=duet",
            "StartupWMClass=Duet",
            "Categories=AudioVideo;Audio;Player;",
            "Comment=NetEase Cloud Music and QQ Music, light and safe",
        ] {
            assert!(entry.lines().any(|l| l == line), "{line} in:\n{entry}");
        }
        // Warnings count too: desktop-file-validate prints nothing for a clean entry.
        let validation = run("desktop-file-validate", &[entry_path.to_str().unwrap()]);
        assert_eq!(validation.trim(), "", "desktop-file-validate");
        std::fs::remove_dir_all(&unpacked).unwrap();

        let rpm = only_file(&bundle_dir.join("rpm"), "rpm");
        let rpm = rpm.to_str().unwrap();
        let query = |what: &str| run("rpm", &["--query", "--package", what, rpm]);
        let mut requires: Vec<String> = query("--requires")
            .lines()
            .filter(|l| !l.starts_with("rpmlib("))
            .map(String::from)
            .collect();
        requires.sort();
        let mut want_rpm = want_rpm;
        want_rpm.push(TRAY_RPM_REQUIREMENT.to_owned());
        want_rpm.sort();
        assert_eq!(requires, want_rpm, "the rpm's Requires");
        let mut recommends: Vec<String> = query("--recommends").lines().map(String::from).collect();
        let mut want_recommends: Vec<String> = strings(&linux["rpm"]["recommends"])
            .into_iter()
            .map(String::from)
            .collect();
        recommends.sort();
        want_recommends.sort();
        assert_eq!(recommends, want_recommends, "the rpm's Recommends");
        let listed = query("--list");
        for path in &paths {
            assert!(
                listed.lines().any(|l| l == format!("/{path}")),
                "the rpm lacks /{path}:\n{listed}"
            );
        }
    }

    /// The .desktop entry's StartupWMClass is the class of the window the app really maps, so
    /// docks and task bars put the running window under Duet's icon.
    #[test]
    fn the_desktop_entry_names_the_class_of_the_real_window() {
        let _binary = binary_held();
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run this test under Xvfb (./dev test does)"
        );
        let entry = std::fs::read_to_string(repo().join("packaging/linux/duet.desktop")).unwrap();
        let declared = entry
            .lines()
            .find_map(|l| l.strip_prefix("StartupWMClass="))
            .unwrap();
        // An upstream nobody answers: the window opens all the same, on its login screen.
        let mut app = Command::new(binary())
            .env("DUET_UPSTREAM", "http://127.0.0.1:9")
            .env("DUET_AUDIO_OUTPUT", "null")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        // xwininfo lists each window as: 0x1e00003 "Duet": ("duet" "Duet")  1200x780+0+0 …
        let classes = loop {
            let tree = run("xwininfo", &["-root", "-tree"]);
            if let Some(line) = tree.lines().find(|l| l.contains("\"Duet\": (")) {
                let after = line.split(": (").nth(1).unwrap();
                break after.split(')').next().unwrap().to_owned();
            }
            assert!(
                std::time::Instant::now() < deadline,
                "Duet's window did not appear:\n{tree}"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        };
        app.kill().unwrap();
        app.wait().unwrap();
        // WM_CLASS is (instance, class); the entry names the class.
        assert_eq!(
            classes,
            format!("\"duet\" \"{declared}\""),
            "the window's WM_CLASS, and the .desktop entry's StartupWMClass"
        );
    }

    /// The checked-in icons are what `tools/make-icons.sh` draws from `icons/source.svg` now.
    #[test]
    fn the_icons_are_drawn_from_their_source() {
        let out = std::env::temp_dir().join(format!("duet-icons-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        run("bash", &["tools/make-icons.sh", out.to_str().unwrap()]);
        let read = |dir: &Path, name: &str| std::fs::read(dir.join(name)).unwrap();
        let icons = repo().join("icons");
        for name in [
            "32x32.png",
            "64x64.png",
            "128x128.png",
            "256x256.png",
            "icon.png",
            "icon.ico",
        ] {
            assert!(
                read(&out, name) == read(&icons, name),
                "icons/{name} is stale: run tools/make-icons.sh"
            );
        }
        // The CLI writes the .icns elements in no fixed order: compare them as a set.
        let mut drawn = icns_elements(&read(&out, "icon.icns"))
            .into_iter()
            .map(|(k, d)| (k, d.to_vec()))
            .collect::<Vec<_>>();
        let mut checked_in = icns_elements(&read(&icons, "icon.icns"))
            .into_iter()
            .map(|(k, d)| (k, d.to_vec()))
            .collect::<Vec<_>>();
        drawn.sort();
        checked_in.sort();
        assert!(
            drawn == checked_in,
            "icons/icon.icns is stale: run tools/make-icons.sh"
        );
        std::fs::remove_dir_all(&out).unwrap();
    }
}
