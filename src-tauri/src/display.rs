//! Linux display servers. WebKitGTK has known failures on some of them: a blank or white window,
//! or a freeze, with NVIDIA's driver or nouveau (its DMA-BUF renderer; Psysonic #1072, #1362,
//! WebKit bug 261874), and "Error 71 (Protocol error) dispatching to Wayland display" with NVIDIA
//! on Wayland (tauri#10702). Duet works around each only where it applies, detected at start,
//! never over a variable the person set, and says so once in the log. `DUET_DISPLAY_WORKAROUNDS=off`
//! turns the detection off.
//!
//! Apart from those, WebKitGTK's accelerated compositing costs about 120 MB for Duet's UI
//! (bench/footprint.sh) and buys nothing a virtualised list needs: off unless the person chose
//! otherwise (`WEBKIT_DISABLE_COMPOSITING_MODE` set either way, or `DUET_GPU_COMPOSITING=1`).

/// What Duet runs on, as far as WebKitGTK's failures go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Graphics {
    /// A Wayland session (`WAYLAND_DISPLAY` or `XDG_SESSION_TYPE=wayland`).
    pub wayland: bool,
    /// An X server to fall back to (`DISPLAY`: Xwayland in a Wayland session).
    pub x11: bool,
    /// NVIDIA's own driver is loaded.
    pub nvidia: bool,
    /// nouveau is loaded.
    pub nouveau: bool,
}

/// One environment variable set for WebKitGTK or GTK, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workaround {
    pub variable: &'static str,
    pub value: &'static str,
    pub why: &'static str,
}

/// Turns the detection off when set to `off` (or `0`).
pub const WORKAROUNDS_ENV: &str = "DUET_DISPLAY_WORKAROUNDS";

impl Graphics {
    /// Reads the session's variables and the loaded kernel modules.
    pub fn detect() -> Self {
        let env = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        let loaded = |path: &str| std::path::Path::new(path).exists();
        Self {
            wayland: env("WAYLAND_DISPLAY")
                || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland"),
            x11: env("DISPLAY"),
            nvidia: loaded("/proc/driver/nvidia/version") || loaded("/sys/module/nvidia"),
            nouveau: loaded("/sys/module/nouveau"),
        }
    }
}

/// What to set on `graphics`, given what the environment already says (`get`).
pub fn workarounds(graphics: Graphics, get: impl Fn(&str) -> Option<String>) -> Vec<Workaround> {
    let unset = |name: &str| get(name).is_none();
    let mut chosen = Vec::new();
    if unset("WEBKIT_DISABLE_COMPOSITING_MODE") && unset("DUET_GPU_COMPOSITING") {
        chosen.push(Workaround {
            variable: "WEBKIT_DISABLE_COMPOSITING_MODE",
            value: "1",
            why: "software compositing: about 120 MB less for the web process",
        });
    }
    if get(WORKAROUNDS_ENV).is_some_and(|v| v == "off" || v == "0") {
        return chosen;
    }
    if (graphics.nvidia || graphics.nouveau) && unset("WEBKIT_DISABLE_DMABUF_RENDERER") {
        chosen.push(Workaround {
            variable: "WEBKIT_DISABLE_DMABUF_RENDERER",
            value: "1",
            why: "WebKitGTK's DMA-BUF renderer shows a blank window or freezes on NVIDIA and nouveau",
        });
    }
    if graphics.wayland && graphics.nvidia && graphics.x11 && unset("GDK_BACKEND") {
        chosen.push(Workaround {
            variable: "GDK_BACKEND",
            value: "x11",
            why: "WebKitGTK on Wayland with NVIDIA fails with a Wayland protocol error (71); \
                  Xwayland is there",
        });
    }
    chosen
}

/// Detects and applies the workarounds. Call before any thread exists (it sets environment
/// variables, which nothing else reads concurrently then).
pub fn apply() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let graphics = Graphics::detect();
    let chosen = workarounds(graphics, |name| std::env::var(name).ok());
    for workaround in &chosen {
        std::env::set_var(workaround.variable, workaround.value);
    }
    // Logged once the log exists (see [`log`]).
    let _ = DECIDED.set((graphics, chosen));
}

static DECIDED: std::sync::OnceLock<(Graphics, Vec<Workaround>)> = std::sync::OnceLock::new();

/// Says once what [`apply`] found and set.
pub fn log() {
    let Some((graphics, chosen)) = DECIDED.get() else {
        return;
    };
    tracing::info!(
        wayland = graphics.wayland,
        nvidia = graphics.nvidia,
        nouveau = graphics.nouveau,
        "display"
    );
    for w in chosen {
        tracing::info!(
            "display: {}={} ({}; set it yourself to choose otherwise, or {WORKAROUNDS_ENV}=off)",
            w.variable,
            w.value,
            w.why
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn decide(graphics: Graphics, env: &[(&str, &str)]) -> Vec<(&'static str, &'static str)> {
        let env: HashMap<String, String> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        workarounds(graphics, |name| env.get(name).cloned())
            .into_iter()
            .map(|w| (w.variable, w.value))
            .collect()
    }

    const SOFTWARE: (&str, &str) = ("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    const NO_DMABUF: (&str, &str) = ("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    const X11: (&str, &str) = ("GDK_BACKEND", "x11");

    #[test]
    fn nothing_but_software_compositing_where_nothing_is_known_to_break() {
        let intel_x11 = Graphics {
            x11: true,
            ..Graphics::default()
        };
        assert_eq!(decide(intel_x11, &[]), [SOFTWARE]);
        let amd_wayland = Graphics {
            wayland: true,
            x11: true,
            ..Graphics::default()
        };
        assert_eq!(decide(amd_wayland, &[]), [SOFTWARE]);
    }

    #[test]
    fn nvidia_and_nouveau_lose_the_dmabuf_renderer() {
        let nvidia_x11 = Graphics {
            x11: true,
            nvidia: true,
            ..Graphics::default()
        };
        assert_eq!(decide(nvidia_x11, &[]), [SOFTWARE, NO_DMABUF]);
        let nouveau_wayland = Graphics {
            wayland: true,
            x11: true,
            nouveau: true,
            ..Graphics::default()
        };
        assert_eq!(decide(nouveau_wayland, &[]), [SOFTWARE, NO_DMABUF]);
    }

    #[test]
    fn nvidia_on_wayland_goes_through_xwayland_when_there_is_one() {
        let with_xwayland = Graphics {
            wayland: true,
            x11: true,
            nvidia: true,
            ..Graphics::default()
        };
        assert_eq!(decide(with_xwayland, &[]), [SOFTWARE, NO_DMABUF, X11]);
        let without = Graphics {
            x11: false,
            ..with_xwayland
        };
        assert_eq!(decide(without, &[]), [SOFTWARE, NO_DMABUF]);
    }

    #[test]
    fn what_the_person_set_wins() {
        let nvidia_wayland = Graphics {
            wayland: true,
            x11: true,
            nvidia: true,
            ..Graphics::default()
        };
        assert_eq!(
            decide(
                nvidia_wayland,
                &[
                    ("GDK_BACKEND", "wayland"),
                    ("WEBKIT_DISABLE_DMABUF_RENDERER", "0"),
                    ("DUET_GPU_COMPOSITING", "1"),
                ]
            ),
            []
        );
        assert_eq!(
            decide(nvidia_wayland, &[(WORKAROUNDS_ENV, "off")]),
            [SOFTWARE]
        );
        assert_eq!(
            decide(
                nvidia_wayland,
                &[
                    (WORKAROUNDS_ENV, "off"),
                    ("WEBKIT_DISABLE_COMPOSITING_MODE", "0")
                ]
            ),
            []
        );
    }
}
