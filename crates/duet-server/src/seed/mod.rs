//! The seed-compatible QQ Music API (`/api/...`, docs/design.md §5): the paths and parameters of
//! `docs/seeds/qqmusic-api-server.txt`, so its users can point their scripts at Duet. A thin
//! adapter like `/v1`: each route reads its parameters and the credential it runs under, calls
//! `duet_qqmusic::QqApi` (or the `QqProvider` for the session this server holds), and answers
//! with Duet's model JSON or the error object.
//!
//! Credentials, in this order: the headers `Uin` + `Qm-keyst`; the cookies `uin` + `qm_keyst`
//! (or `qqmusic_key`); on POST, `musicid` + `musickey` in the JSON body. Without any, the QQ
//! Music session this server logged in itself (`/api/login/qrcode`, `/v1/qq/login/qr`).
//!
//! Declined on purpose: inflating listening time (`/api/accelerate/song`, `.../songlist`),
//! automating coin rewards (`/api/coin/task`, `.../check`) and approving another device's QR
//! code from an image (`POST /api/login/qrcode`).

mod credentials;
mod listen_picture;
mod routes;
mod stats;

use duet_core::{Error, ProviderId};

use crate::api::ApiError;

pub use credentials::SeedQq;
pub use routes::routes;
pub use stats::Stats;

fn qq_error(error: Error) -> ApiError {
    if error.provider.is_none() {
        ApiError(error.with_provider(ProviderId::Qq))
    } else {
        ApiError(error)
    }
}

fn bad(message: impl Into<String>) -> Error {
    Error::bad_request(message).with_provider(ProviderId::Qq)
}
