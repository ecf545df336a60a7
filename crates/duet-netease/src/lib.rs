//! NetEase Cloud Music for Duet: the ciphers and transports of `docs/protocol/netease.md`, the PC
//! client's identity, and [`NeteaseProvider`], the [`duet_core::Provider`] over them. A bare `§N` in
//! this crate (and in the fake's `netease` module) is a section of `docs/protocol/netease.md`.

pub mod albums;
pub mod client;
pub mod cloud;
pub mod crypto;
pub mod endpoints;
pub mod errors;
pub mod identity;
pub mod library;
pub mod lyrics;
pub mod parse;
pub mod podcasts;
pub mod provider;
pub mod radio;
pub mod session;

pub use client::{Config, Transport, WeapiSecret};
pub use provider::NeteaseProvider;
