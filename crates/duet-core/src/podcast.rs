//! Podcasts (NetEase 电台/播客; issue 14, item 2): the shows a person subscribes to and their
//! episodes. An episode plays as its [`Track`] (the service's "main song"), through the same
//! stream URLs as any track.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::model::{ImageUrls, ProviderId, Track, UserRef};

/// One podcast (a NetEase 电台): its page header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Podcast {
    pub provider: ProviderId,
    pub id: String,
    pub name: String,
    /// Who makes it (NetEase's `dj`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<UserRef>,
    pub cover_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub episode_count: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subscriber_count: Option<u64>,
    /// Whether this account subscribes to it.
    pub subscribed: bool,
    /// When its newest episode came out (ms since the epoch), where the service says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_episode_at_ms: Option<u64>,
}

/// One episode (a NetEase 节目).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Episode {
    pub provider: ProviderId,
    pub id: String,
    pub podcast_id: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub cover_url: Option<String>,
    pub duration_ms: u64,
    /// When it came out (ms since the epoch).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at_ms: Option<u64>,
    /// The episode's number in its podcast (第 N 期), where the service numbers them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen_count: Option<u64>,
    /// What plays: the episode's audio as a track (its id goes to the stream URL call).
    pub track: Track,
}

/// One page of a podcast's episodes, newest first. Pages start at 1 and hold
/// [`EpisodePage::PAGE_SIZE`] episodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct EpisodePage {
    pub provider: ProviderId,
    pub podcast_id: String,
    pub page: u32,
    pub page_size: u32,
    /// The service's count of all the podcast's episodes.
    pub total: u64,
    pub has_more: bool,
    pub episodes: Vec<Episode>,
}

impl EpisodePage {
    /// NCMA's default page (`module/dj_program.js`, `limit` 30).
    pub const PAGE_SIZE: u32 = 30;
    /// Pages past this are refused: 2,000 pages of 30 is beyond any podcast.
    pub const MAX_PAGE: u32 = 2_000;

    /// Checks a requested page number before anything is asked of a service.
    pub fn check_page(page: u32) -> Result<()> {
        if page == 0 || page > Self::MAX_PAGE {
            return Err(Error::bad_request(format!(
                "pages of a podcast's episodes go from 1 to {}",
                Self::MAX_PAGE
            )));
        }
        Ok(())
    }

    /// The offset of the first episode of `page` (checked).
    pub fn offset(page: u32) -> u64 {
        u64::from(page.saturating_sub(1)) * u64::from(Self::PAGE_SIZE)
    }
}

impl ImageUrls for Podcast {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(url) = &mut self.cover_url {
            f(url);
        }
        self.host.visit_image_urls(f);
    }
}

impl ImageUrls for Episode {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        if let Some(url) = &mut self.cover_url {
            f(url);
        }
        self.track.visit_image_urls(f);
    }
}

impl ImageUrls for EpisodePage {
    fn visit_image_urls(&mut self, f: &mut dyn FnMut(&mut String)) {
        self.episodes.visit_image_urls(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    #[test]
    fn pages_are_checked_and_offset() {
        assert_eq!(
            EpisodePage::check_page(0).unwrap_err().kind,
            ErrorKind::BadRequest
        );
        assert_eq!(
            EpisodePage::check_page(EpisodePage::MAX_PAGE + 1)
                .unwrap_err()
                .kind,
            ErrorKind::BadRequest
        );
        assert!(EpisodePage::check_page(1).is_ok());
        assert_eq!(EpisodePage::offset(1), 0);
        assert_eq!(EpisodePage::offset(3), 60);
    }
}
