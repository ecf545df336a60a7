//! One search across every logged-in service: the same [`SearchQuery`] asked of each at once,
//! each under its own deadline, and their pages merged into one ([`MergedPage`]): items
//! interleaved by relevance with their service kept (the badge), the same recording on two
//! services shown once with the other listing under `also_on`, and each service's part with its
//! own state (its totals, or its typed error), so a failing or slow service never holds back the
//! other's results.
//!
//! The desktop app streams [`Search::run_with_updates`]'s pages to the UI as each service
//! answers; `duet-server`'s `GET /v1/search` answers [`Search::run`]'s final page.

mod merge;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use duet_core::{Album, Artist, Error, Playlist, Provider, ProviderId, SearchQuery, Track};
use serde::{Deserialize, Serialize};
use tokio::task::JoinSet;

pub use merge::merge;

/// How long a service may take to answer before its part is given up as a `network` error
/// (the other services' results do not wait for it).
pub const SERVICE_DEADLINE: Duration = Duration::from_secs(10);

/// One page of the merged search. Page N holds each service's page N (so up to
/// `page_size` items of each), merged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MergedPage {
    pub query: String,
    pub page: u32,
    /// The page size asked of each service.
    pub page_size: u32,
    /// Whether any service has a page after this one.
    pub has_more: bool,
    /// Every service of the build, in a fixed order, each with its own state.
    pub parts: Vec<Part>,
    #[serde(flatten)]
    pub items: MergedItems,
}

impl MergedPage {
    /// This page's part of `provider`.
    pub fn part(&self, provider: ProviderId) -> Option<&Part> {
        self.parts.iter().find(|p| p.provider == provider)
    }
}

/// The merged items, of the kind searched for: `{"type": "track", "items": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "items", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum MergedItems {
    Track(Vec<MergedTrack>),
    Album(Vec<Album>),
    Artist(Vec<Artist>),
    Playlist(Vec<Playlist>),
}

impl MergedItems {
    pub fn len(&self) -> usize {
        match self {
            MergedItems::Track(v) => v.len(),
            MergedItems::Album(v) => v.len(),
            MergedItems::Artist(v) => v.len(),
            MergedItems::Playlist(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A song of the merged list: the better-placed listing, and the same recording on the other
/// services (a `duet_match::score` of at least `duet_match::SURE` both ways), its alternatives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct MergedTrack {
    pub track: Track,
    pub also_on: Vec<Track>,
}

/// One service's part of a merged page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Part {
    pub provider: ProviderId,
    #[serde(flatten)]
    pub state: PartState,
}

/// Where one service's part stands: `{"status": "ok", "total", "has_more", "count"}`,
/// `{"status": "error", "error": {kind, message, provider?, upstream_code?}}`,
/// `{"status": "not_logged_in"}` (not asked) or `{"status": "pending"}` (still asked, in the
/// pages streamed before its answer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum PartState {
    Ok {
        /// The service's count of all matches.
        total: u64,
        has_more: bool,
        /// How many of this page's listings are the service's (placed or under `also_on`).
        count: u32,
    },
    Error {
        error: Error,
    },
    NotLoggedIn,
    Pending,
}

/// What one service answered (or did not), the input of [`merge`].
#[derive(Debug, Clone)]
pub enum Answer {
    /// Still asked.
    Pending,
    /// No session: not asked.
    NotLoggedIn,
    Page(duet_core::SearchPage),
    Failed(Error),
}

/// The services to search, and how long each may take.
pub struct Search {
    providers: Vec<Arc<dyn Provider>>,
    deadline: Duration,
    /// When set, only these services are asked; the others are listed as not logged in.
    only: Option<Vec<ProviderId>>,
}

impl Search {
    /// Over `providers` (each service once), in the order of their ids: that order breaks ties
    /// of the interleaving, and is the order of the parts.
    pub fn new(providers: impl IntoIterator<Item = Arc<dyn Provider>>) -> Self {
        let mut providers: Vec<Arc<dyn Provider>> = providers.into_iter().collect();
        providers.sort_by_key(|p| p.id());
        providers.dedup_by_key(|p| p.id());
        Self {
            providers,
            deadline: SERVICE_DEADLINE,
            only: None,
        }
    }

    /// Asks only `services` (those a front end shows as signed in: a session the service has
    /// declared expired may still be held until the person logs in again); the others are
    /// listed as not logged in, unasked.
    pub fn asking_only(mut self, services: &[ProviderId]) -> Self {
        self.only = Some(services.to_vec());
        self
    }

    /// Another deadline per service than [`SERVICE_DEADLINE`].
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Asks every logged-in service at once and answers the merged page once all have answered
    /// or run out of time.
    pub async fn run(&self, query: &SearchQuery) -> MergedPage {
        self.run_with_updates(query, |_| {}).await
    }

    /// As [`run`](Search::run), calling `on_update` with the merged page so far first (every
    /// asked part pending) and then each time a service answers or runs out of time; the last
    /// update is the page returned.
    pub async fn run_with_updates(
        &self,
        query: &SearchQuery,
        mut on_update: impl FnMut(&MergedPage),
    ) -> MergedPage {
        let mut answers: Vec<(ProviderId, Answer)> = Vec::with_capacity(self.providers.len());
        let mut asked = JoinSet::new();
        let mut slots = HashMap::new();
        for provider in &self.providers {
            let id = provider.id();
            let wanted = self.only.as_ref().is_none_or(|only| only.contains(&id));
            if !wanted || !provider.has_session().await {
                answers.push((id, Answer::NotLoggedIn));
                continue;
            }
            let provider = Arc::clone(provider);
            let query = query.clone();
            let deadline = self.deadline;
            let task = asked.spawn(async move { ask(provider.as_ref(), &query, deadline).await });
            slots.insert(task.id(), answers.len());
            answers.push((id, Answer::Pending));
        }
        let mut page = merge(query, &answers);
        on_update(&page);
        while let Some(joined) = asked.join_next_with_id().await {
            let (task, answer) = match joined {
                Ok(done) => done,
                // Only a bug makes a search task panic; its part says so rather than staying
                // pending for ever.
                Err(failure) => (
                    failure.id(),
                    Answer::Failed(Error::upstream(format!("the search stopped: {failure}"))),
                ),
            };
            let Some(&slot) = slots.get(&task) else {
                continue;
            };
            answers[slot].1 = match answer {
                Answer::Failed(error) if error.provider.is_none() => {
                    Answer::Failed(error.with_provider(answers[slot].0))
                }
                answer => answer,
            };
            page = merge(query, &answers);
            on_update(&page);
        }
        page
    }
}

/// One service's answer to `query` within `deadline`.
async fn ask(provider: &dyn Provider, query: &SearchQuery, deadline: Duration) -> Answer {
    let id = provider.id();
    let result = match tokio::time::timeout(deadline, provider.search(query)).await {
        Ok(result) => result,
        Err(_) => Err(Error::network(format!(
            "{id} did not answer the search within {} s",
            deadline.as_secs_f32()
        ))),
    };
    match result {
        Ok(page) => Answer::Page(page),
        Err(mut error) => {
            error.provider.get_or_insert(id);
            Answer::Failed(error)
        }
    }
}
