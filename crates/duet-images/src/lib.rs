//! The pictures Duet draws and reads, for the front ends: login QR codes rendered as PNG (the
//! QR session machine of `duet_core::qr` is handed [`login_qr_png`]), and a cover's colours for
//! the lyrics backdrop. Its own crate so that the core, the player and the fake service build
//! without an image codec.

pub mod cover;
pub mod qr;

pub use cover::{cover_colors, CoverCache, CoverColors};
pub use qr::{login_qr_png, render_qr_png};
