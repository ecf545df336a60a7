//! The rules every service's library writes share (likes and your own playlists): what a
//! playlist name may be and how many tracks one write may carry. Checked before any request, so
//! bad input is a `bad_request` and never reaches a service.

use crate::error::{Error, Result};

/// The longest playlist name either service takes (NetEase's create form stops at 40
/// characters; QQ Music's app at 40 as well). Longer names are refused, not cut.
pub const PLAYLIST_NAME_MAX_CHARS: usize = 40;

/// The most tracks one add or remove carries: a selection of a whole long playlist is split by
/// the caller into writes of this size, each made because the person asked.
pub const MAX_TRACKS_PER_WRITE: usize = 500;

/// `name` trimmed, or why it cannot name a playlist: empty, too long, or holding control
/// characters (a name is shown everywhere and may be exported).
pub fn checked_playlist_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::bad_request("a playlist needs a name"));
    }
    if name.chars().count() > PLAYLIST_NAME_MAX_CHARS {
        return Err(Error::bad_request(format!(
            "playlist names are at most {PLAYLIST_NAME_MAX_CHARS} characters"
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::bad_request(
            "a playlist name cannot hold control characters",
        ));
    }
    Ok(name)
}

/// Checks the size of one add or remove: 1 to [`MAX_TRACKS_PER_WRITE`] tracks, no duplicates.
pub fn checked_track_batch(track_ids: &[String]) -> Result<()> {
    if track_ids.is_empty() {
        return Err(Error::bad_request("name at least one track"));
    }
    if track_ids.len() > MAX_TRACKS_PER_WRITE {
        return Err(Error::bad_request(format!(
            "one change carries at most {MAX_TRACKS_PER_WRITE} tracks"
        )));
    }
    let mut seen = std::collections::HashSet::with_capacity(track_ids.len());
    if let Some(twice) = track_ids.iter().find(|id| !seen.insert(id.as_str())) {
        return Err(Error::bad_request(format!(
            "track {:?} is named twice",
            twice.chars().take(40).collect::<String>()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(checked_playlist_name("  Road trip  ").unwrap(), "Road trip");
        assert_eq!(
            checked_playlist_name(&"歌".repeat(40))
                .unwrap()
                .chars()
                .count(),
            40
        );
        for bad in ["", "   ", "a\u{0}b", "line\nbreak"] {
            assert_eq!(
                checked_playlist_name(bad).unwrap_err().kind,
                ErrorKind::BadRequest,
                "{bad:?}"
            );
        }
        assert_eq!(
            checked_playlist_name(&"歌".repeat(41)).unwrap_err().kind,
            ErrorKind::BadRequest
        );
    }

    #[test]
    fn batches_are_bounded_and_distinct() {
        let one = vec!["1".to_owned()];
        assert!(checked_track_batch(&one).is_ok());
        assert!(checked_track_batch(&[]).is_err());
        let twice = vec!["1".to_owned(), "1".to_owned()];
        assert_eq!(
            checked_track_batch(&twice).unwrap_err().kind,
            ErrorKind::BadRequest
        );
        let many: Vec<String> = (0..=MAX_TRACKS_PER_WRITE).map(|i| i.to_string()).collect();
        assert!(checked_track_batch(&many).is_err());
        assert!(checked_track_batch(&many[..MAX_TRACKS_PER_WRITE]).is_ok());
    }
}
