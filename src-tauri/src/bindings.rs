//! The TypeScript side of the IPC contract, generated from the Rust types: every command as a
//! typed function, every event with its payload, the model and `ERROR_KINDS`. The generated
//! file is checked in (`ui/src/lib/bindings.ts`); `tests/bindings.rs` exports it (the TypeScript
//! exporter is a dev-dependency, not in the app), fails when it is stale, and `./dev bindings`
//! writes it anew.

use std::path::{Path, PathBuf};

use duet_core::ErrorKind;
use tauri_specta::{collect_events, Builder, Casing, ErrorHandlingMode};

use crate::events::{
    ErrorEvent, LoginStateChanged, LyricLineChanged, PlayerDeviceLost, PlayerPosition,
    PlayerSkipped, PlayerStateChanged, PrefsChanged, SessionStatus, WebLoginChanged,
};

/// Where the generated file lives, from the repository's top.
pub const BINDINGS_FILE: &str = "ui/src/lib/bindings.ts";

/// The generated file's first lines.
pub const HEADER: &str = "// Generated from the Rust types by src-tauri/src/bindings.rs: do not edit by hand.\n\
                      // `./dev bindings` writes it anew; src-tauri/tests/bindings.rs fails when it is stale.\n\
                      /* eslint-disable */";

/// Commands, events and constants, for both the invoke handler and the generated file.
pub fn builder<R: tauri::Runtime>() -> Builder<R> {
    Builder::<R>::new()
        .commands(crate::commands::collected())
        .events(collect_events![
            LoginStateChanged,
            WebLoginChanged,
            SessionStatus,
            PlayerStateChanged,
            PlayerPosition,
            LyricLineChanged,
            PlayerSkipped,
            PlayerDeviceLost,
            PrefsChanged,
            crate::now_playing::NowPlayingStatus,
            ErrorEvent,
            crate::transfer::TransferPreviewProgress,
            crate::transfer::TransferChanged,
            crate::scrobble::ScrobbleStatusChanged,
        ])
        .constant("ERROR_KINDS", ErrorKind::ALL)
        // The sound settings' ranges and the equaliser's presets, from duet-dsp itself.
        .constant("EQ_BAND_LABELS", duet_dsp::BAND_LABELS)
        .constant("EQ_BAND_DB", [duet_dsp::MIN_BAND_DB, duet_dsp::MAX_BAND_DB])
        .constant(
            "EQ_PREAMP_DB",
            [duet_dsp::MIN_PREAMP_DB, duet_dsp::MAX_PREAMP_DB],
        )
        .constant("EQ_PRESETS", crate::sound::eq_presets())
        .constant("SPEED_RANGE", [duet_dsp::MIN_SPEED, duet_dsp::MAX_SPEED])
        // Commands reject with the `DuetError` object; `ui/src/lib/ipc.ts` catches it.
        .error_handling(ErrorHandlingMode::Throw)
        // `commands.user_playlists`, `events.login_state`: the names the IPC itself uses.
        .function_casing(Casing::SnakeCase)
        // One shape per type, as Rust sends it.
        .disable_serde_phases()
}

/// The repository's top (`src-tauri/..`).
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("src-tauri sits in the repository")
        .to_path_buf()
}
