//! QQ Music's personal radio, 猜你喜欢 (issue 14, item 1): `music.radioProxy.MbTrackRadioSvr` /
//! `get_radio_track` with radio id 99, as L-1124/QQMusicApi's `recommend.get_guess_recommend`
//! asks it (docs/qqmusic-wire.md "Personal radio"). A login's read; nothing here reports
//! listening. The references show no "not interested" and no heartbeat call for QQ Music.

use duet_core::retry::Effect;
use duet_core::{Error, Track};
use serde_json::{json, Value};

use crate::client::{Client, Item};
use crate::errors::qq;
use crate::parse;
use crate::session::Credential;

/// The radio 猜你喜欢 (the only one the references name).
pub const GUESS_RADIO_ID: u32 = 99;
/// Songs asked for at a time: the reference's `num`.
pub const RADIO_BATCH: u32 = 5;

/// The next songs of 猜你喜欢.
pub async fn guess_radio(client: &Client, credential: &Credential) -> Result<Vec<Track>, Error> {
    let data = client
        .call_one(
            Some(credential),
            Effect::Read,
            Item::new(
                "music.radioProxy.MbTrackRadioSvr",
                "get_radio_track",
                json!({
                    "id": GUESS_RADIO_ID,
                    "num": RADIO_BATCH,
                    "from": 0,
                    "scene": 0,
                    "song_ids": [],
                }),
            ),
        )
        .await?;
    radio_tracks(&data)
}

/// Reads an answer's `tracks` (track objects as song detail's, §5.2); without them the answer
/// changed shape.
pub fn radio_tracks(data: &Value) -> Result<Vec<Track>, Error> {
    let tracks = data
        .get("tracks")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            qq(Error::upstream(
                "QQ Music's radio answer has no `tracks`: its shape changed",
            ))
        })?;
    Ok(tracks.iter().filter_map(parse::track).collect())
}
