//! Duet's provider-neutral core: the data model every front end speaks (docs/design.md §2), the typed
//! error kinds, the [`Provider`] trait each music service implements, the QR login session
//! machine, the credential store's interface, the request budget each service's calls share,
//! the `DUET_UPSTREAM` routing switch, and size-capped reading of HTTP answers.

pub mod budget;
pub mod clock;
pub mod cloud;
pub mod cookies;
pub mod credentials;
pub mod error;
pub mod hosts;
pub mod http;
pub mod keeper;
pub mod library;
pub mod lyrics;
pub mod model;
pub mod playlist_tools;
pub mod podcast;
pub mod provider;
pub mod qr;
pub mod retry;
pub mod secret;
pub mod share;
pub mod text;
pub mod upstream;

pub use credentials::{CredentialStore, MemoryStore};
pub use error::{Error, ErrorKind, Result};
pub use model::*;
pub use podcast::{Episode, EpisodePage, Podcast};
pub use provider::Provider;
pub use secret::Secret;
pub use upstream::{StreamLocation, Upstream};
