//! QQ Music for Duet: the algorithms of `docs/protocol/qqmusic.md` (hash33 / g_tk / ptqrtoken, the
//! zzc and zzb signs, the QRC lyric cipher, the ptlogin2 `ptuiCB` reply), the web client's
//! identity, the `musics.fcg` envelope, QQ, WeChat and QQ Music app QR login, and [`QqProvider`], the
//! [`duet_core::Provider`] over them. The wire contract with the fake is
//! `docs/qqmusic-wire.md`. A bare `§N` in this crate (and in the fake's `qq` module) is a section of
//! `docs/protocol/qqmusic.md`.

pub mod albums;
pub mod api;
pub mod app_qr;
pub mod client;
pub mod errors;
pub mod identity;
pub mod library;
pub mod login;
pub mod lyrics;
pub mod parse;
pub mod provider;
pub mod ptui;
pub mod qrc;
pub mod radio;
pub mod session;
pub mod sign;
pub mod tokens;
mod vkey;

pub use api::{QqApi, SongIds, UserInfo};
pub use client::{Config, LONG_POLL_TIMEOUT};
pub use provider::QqProvider;
pub use session::{Credential, LoginKind, Session};
