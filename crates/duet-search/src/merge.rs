//! The merge of the services' pages into one: the interleaving by relevance and the folding of
//! the same recording into one item. Pure: the same answers always merge the same way.
//!
//! The rule: each service's own order is its relevance. Items whose title (or name) is exactly
//! the query come first, then the rest; within each of these two tiers the services take turns,
//! one item each, in the order of the answers (a service with fewer items simply drops out of
//! the turns). A song that is the same recording as one already placed from another service
//! (`duet_match::score` at least `duet_match::SURE` both ways, so artists and duration agree)
//! joins that item's `also_on` instead of being placed again. Albums, artists and playlists are
//! interleaved the same way but never folded: two services' albums of one name may hold
//! different tracks, and playlists and artist pages differ by service.

use std::collections::VecDeque;

use duet_core::{Error, ProviderId, SearchItems, SearchQuery, SearchType, Track};
use duet_match::SURE;

use crate::{Answer, MergedItems, MergedPage, MergedTrack, Part, PartState};

/// The merged page of `answers` (one per service, in the order the parts and the turns take).
pub fn merge(query: &SearchQuery, answers: &[(ProviderId, Answer)]) -> MergedPage {
    let mut parts = Vec::with_capacity(answers.len());
    let mut pages = Vec::new();
    let mut has_more = false;
    for (provider, answer) in answers {
        let state = match answer {
            Answer::Pending => PartState::Pending,
            Answer::NotLoggedIn => PartState::NotLoggedIn,
            Answer::Failed(error) => PartState::Error {
                error: error.clone(),
            },
            Answer::Page(page) if search_type(&page.items) != query.kind => PartState::Error {
                error: Error::upstream(format!(
                    "{provider} answered a {:?} search with other items",
                    query.kind
                ))
                .with_provider(*provider),
            },
            Answer::Page(page) => {
                has_more |= page.has_more;
                pages.push(&page.items);
                PartState::Ok {
                    total: page.total,
                    has_more: page.has_more,
                    count: u32::try_from(page.items.len()).unwrap_or(u32::MAX),
                }
            }
        };
        parts.push(Part {
            provider: *provider,
            state,
        });
    }

    let q = normalise(&query.q);
    let items = match query.kind {
        SearchType::Track => {
            let lists = pages.iter().filter_map(|items| match items {
                SearchItems::Track(v) => Some(v.clone()),
                _ => None,
            });
            MergedItems::Track(fold_same_recordings(interleave(lists, |t| {
                exact_track(&q, t)
            })))
        }
        SearchType::Album => {
            let lists = pages.iter().filter_map(|items| match items {
                SearchItems::Album(v) => Some(v.clone()),
                _ => None,
            });
            MergedItems::Album(interleave(lists, |a| {
                exact_name(&q, &a.name, a.artists.iter().map(|r| r.name.as_str()))
            }))
        }
        SearchType::Artist => {
            let lists = pages.iter().filter_map(|items| match items {
                SearchItems::Artist(v) => Some(v.clone()),
                _ => None,
            });
            MergedItems::Artist(interleave(lists, |a| normalise(&a.name) == q))
        }
        SearchType::Playlist => {
            let lists = pages.iter().filter_map(|items| match items {
                SearchItems::Playlist(v) => Some(v.clone()),
                _ => None,
            });
            MergedItems::Playlist(interleave(lists, |p| normalise(&p.name) == q))
        }
    };

    MergedPage {
        query: query.q.clone(),
        page: query.page,
        page_size: query.page_size,
        has_more,
        parts,
        items,
    }
}

fn search_type(items: &SearchItems) -> SearchType {
    match items {
        SearchItems::Track(_) => SearchType::Track,
        SearchItems::Album(_) => SearchType::Album,
        SearchItems::Artist(_) => SearchType::Artist,
        SearchItems::Playlist(_) => SearchType::Playlist,
    }
}

/// The exact matches of every list first, then the rest; the lists take turns within each.
fn interleave<T>(lists: impl IntoIterator<Item = Vec<T>>, exact: impl Fn(&T) -> bool) -> Vec<T> {
    let mut exacts = Vec::new();
    let mut others = Vec::new();
    for list in lists {
        let (e, o): (VecDeque<T>, VecDeque<T>) = list.into_iter().partition(|t| exact(t));
        exacts.push(e);
        others.push(o);
    }
    let mut merged = Vec::new();
    for mut tier in [exacts, others] {
        loop {
            let before = merged.len();
            merged.extend(tier.iter_mut().filter_map(VecDeque::pop_front));
            if merged.len() == before {
                break;
            }
        }
    }
    merged
}

/// Places each song in turn, unless it is the same recording as an item already placed from
/// another service: then it joins the best such item's `also_on` (one listing per service).
fn fold_same_recordings(tracks: Vec<Track>) -> Vec<MergedTrack> {
    let mut merged: Vec<MergedTrack> = Vec::new();
    for track in tracks {
        let twin = merged
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.track.provider != track.provider
                    && m.also_on.iter().all(|t| t.provider != track.provider)
            })
            .map(|(i, m)| {
                let both_ways =
                    duet_match::score(&m.track, &track).min(duet_match::score(&track, &m.track));
                (i, both_ways)
            })
            .filter(|(_, score)| *score >= SURE)
            // The best score; on a tie, the better-placed item.
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match twin {
            Some((i, _)) => merged[i].also_on.push(track),
            None => merged.push(MergedTrack {
                track,
                also_on: Vec::new(),
            }),
        }
    }
    merged
}

/// Whether the song's title is the query, or the query is its title and one of its artists
/// ("晴天 周杰伦", "周杰伦 晴天").
fn exact_track(q: &str, track: &Track) -> bool {
    exact_name(
        q,
        &track.title,
        track.artists.iter().map(|a| a.name.as_str()),
    )
}

fn exact_name<'a>(q: &str, name: &str, artists: impl IntoIterator<Item = &'a str>) -> bool {
    if q.is_empty() {
        return false;
    }
    let name = normalise(name);
    if name == q {
        return true;
    }
    artists.into_iter().any(|artist| {
        let artist = normalise(artist);
        !artist.is_empty()
            && (q.strip_prefix(name.as_str()) == Some(artist.as_str())
                || q.strip_prefix(artist.as_str()) == Some(name.as_str()))
    })
}

/// Lower case, full-width forms folded to half-width, letters and digits only (spaces and
/// punctuation carry no meaning for "is this exactly what was asked for").
fn normalise(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            c => c,
        })
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use duet_core::{AlbumRef, ArtistRef, ErrorKind, SearchPage};

    use super::*;

    fn track(provider: ProviderId, id: &str, title: &str, artist: &str, ms: u64) -> Track {
        Track {
            provider,
            id: id.into(),
            title: title.into(),
            artists: vec![ArtistRef {
                id: format!("a-{artist}"),
                name: artist.into(),
            }],
            album: AlbumRef {
                id: String::new(),
                name: String::new(),
                cover_url: None,
            },
            duration_ms: ms,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    fn page(provider: ProviderId, tracks: Vec<Track>, total: u64) -> Answer {
        Answer::Page(SearchPage {
            provider,
            query: "晴天".into(),
            page: 1,
            page_size: 10,
            total,
            has_more: total > tracks.len() as u64,
            items: SearchItems::Track(tracks),
        })
    }

    fn ids(page: &MergedPage) -> Vec<(String, Vec<String>)> {
        let MergedItems::Track(items) = &page.items else {
            panic!("not songs")
        };
        items
            .iter()
            .map(|m| {
                (
                    m.track.id.clone(),
                    m.also_on.iter().map(|t| t.id.clone()).collect(),
                )
            })
            .collect()
    }

    use ProviderId::{Netease, Qq};

    #[test]
    fn exact_titles_lead_then_the_services_take_turns_and_twins_fold() {
        let query = SearchQuery::new("晴天", SearchType::Track, 1, 10).unwrap();
        let netease = page(
            Netease,
            vec![
                track(Netease, "n-live", "晴天 (Live)", "周杰伦", 295_000),
                track(Netease, "n-studio", "晴天", "周杰伦", 268_853),
                track(Netease, "n-other", "晴天的雨", "某人", 200_000),
            ],
            3,
        );
        let qq = page(
            Qq,
            vec![
                track(Qq, "q-studio", "晴天", "周杰倫", 269_000),
                track(Qq, "q-same-title", "晴天", "南山南方", 198_000),
                track(Qq, "q-partial", "晴天 (Instrumental)", "周杰伦", 269_000),
            ],
            40,
        );
        let merged = merge(&query, &[(Netease, netease), (Qq, qq)]);
        assert_eq!(
            ids(&merged),
            [
                // Exact titles, NetEase and QQ Music in turn; QQ's twin of the first folds in.
                ("n-studio".into(), vec!["q-studio".into()]),
                ("q-same-title".into(), vec![]),
                // Then the partial ones, in turn.
                ("n-live".into(), vec![]),
                ("q-partial".into(), vec![]),
                ("n-other".into(), vec![]),
            ]
        );
        assert!(merged.has_more);
        assert_eq!(
            merged.parts[1].state,
            PartState::Ok {
                total: 40,
                has_more: true,
                count: 3
            }
        );
    }

    #[test]
    fn a_failed_or_missing_service_leaves_the_others_list_whole() {
        let query = SearchQuery::new("周杰伦 晴天", SearchType::Track, 2, 10).unwrap();
        let netease = page(
            Netease,
            vec![
                track(Netease, "n-1", "七里香", "周杰伦", 1),
                track(Netease, "n-2", "晴天", "周杰伦", 2),
            ],
            2,
        );
        let failed = Error::new(ErrorKind::RateLimited, "slow down").with_provider(Qq);
        let merged = merge(
            &query,
            &[(Netease, netease), (Qq, Answer::Failed(failed.clone()))],
        );
        // "周杰伦 晴天" is 晴天 by 周杰伦 exactly: it leads.
        assert_eq!(
            ids(&merged),
            [("n-2".into(), vec![]), ("n-1".into(), vec![])]
        );
        assert_eq!(merged.page, 2);
        assert!(!merged.has_more);
        assert_eq!(merged.parts[1].state, PartState::Error { error: failed });

        let merged = merge(
            &query,
            &[(Netease, Answer::Pending), (Qq, Answer::NotLoggedIn)],
        );
        assert!(merged.items.is_empty());
        assert_eq!(merged.parts[0].state, PartState::Pending);
        assert_eq!(merged.parts[1].state, PartState::NotLoggedIn);
    }

    #[test]
    fn an_answer_of_the_wrong_kind_is_that_service_s_error() {
        let query = SearchQuery::new("晴天", SearchType::Album, 1, 10).unwrap();
        let merged = merge(&query, &[(Qq, page(Qq, vec![], 0))]);
        let PartState::Error { error } = &merged.parts[0].state else {
            panic!("{:?}", merged.parts)
        };
        assert_eq!(error.kind, ErrorKind::Upstream);
        assert_eq!(error.provider, Some(Qq));
        assert_eq!(merged.items, MergedItems::Album(vec![]));
    }

    #[test]
    fn the_wire_shape_is_flat() {
        let query = SearchQuery::new("x", SearchType::Track, 1, 10).unwrap();
        let merged = merge(
            &query,
            &[
                (Netease, page(Netease, vec![], 0)),
                (Qq, Answer::NotLoggedIn),
            ],
        );
        let json = serde_json::to_value(&merged).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "query": "x", "page": 1, "page_size": 10, "has_more": false,
                "parts": [
                    {"provider": "netease", "status": "ok", "total": 0, "has_more": false, "count": 0},
                    {"provider": "qq", "status": "not_logged_in"},
                ],
                "type": "track", "items": [],
            })
        );
    }

    #[test]
    fn normalising_ignores_width_case_and_punctuation() {
        assert_eq!(normalise("Ｓｈａｐｅ of You!"), "shapeofyou");
        assert!(exact_name("shapeofyou", "Shape Of You", []));
        assert!(exact_name(
            "edsheeranshapeofyou",
            "Shape of You",
            ["Ed Sheeran"]
        ));
        assert!(!exact_name("", "", ["x"]));
        assert!(!exact_name("shape", "Shape of You", ["Ed Sheeran"]));
    }
}
