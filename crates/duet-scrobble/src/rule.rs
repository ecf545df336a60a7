//! When a play counts: the rule both services document. A track longer than 30 s counts once
//! it has been heard for half its length or four minutes, whichever comes first; time spent
//! paused and a seek ahead add nothing; the play's timestamp is when it began. Fed with the
//! player's states and position ticks as plain values, so it knows no player.

use duet_core::{ProviderId, Track};

use crate::Scrobble;

/// Tracks this long or shorter never count.
pub const SHORTEST_COUNTED_MS: u64 = 30_000;
/// Heard this long, a track counts whatever its length.
pub const ENOUGH_HEARD_MS: u64 = 4 * 60 * 1000;
/// The most one position tick may add: a larger step that is not marked as a seek is a jump
/// the player did not tell of, not time heard.
const LONGEST_TICK_MS: u64 = 10_000;

/// How long `duration_ms` must be heard to count, or `None` when it never counts.
pub fn heard_needed_ms(duration_ms: u64) -> Option<u64> {
    (duration_ms > SHORTEST_COUNTED_MS).then(|| (duration_ms / 2).min(ENOUGH_HEARD_MS))
}

/// What the rule tells of a play.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleEvent {
    /// A track began playing: the "now playing" update (never queued).
    NowPlaying(Scrobble),
    /// The play counts now: to queue and send.
    Counted(Scrobble),
}

/// The play going on and how much of it was heard.
#[derive(Debug, Default)]
pub struct PlayRule {
    play: Option<Play>,
}

#[derive(Debug)]
struct Play {
    key: (ProviderId, String),
    scrobble: Scrobble,
    duration_ms: u64,
    heard_ms: u64,
    last_position_ms: u64,
    playing: bool,
    counted: bool,
}

impl PlayRule {
    pub fn new() -> Self {
        Self::default()
    }

    /// A player state: `track` is what is heard (none: nothing is), `playing` whether it is
    /// playing now (not loading, paused or stopped), `now_s` the wall clock in Unix seconds.
    /// A new track playing starts a new play and tells "now playing".
    pub fn state(
        &mut self,
        track: Option<&Track>,
        playing: bool,
        position_ms: u64,
        duration_ms: u64,
        now_s: i64,
    ) -> Option<RuleEvent> {
        let Some(track) = track else {
            self.play = None;
            return None;
        };
        let key = (track.provider, track.id.clone());
        match &mut self.play {
            Some(play) if play.key == key => {
                play.playing = playing;
                if duration_ms > 0 {
                    play.duration_ms = duration_ms;
                }
                if playing && wrapped(play.last_position_ms, position_ms, false) {
                    return Some(play.again(position_ms, now_s));
                }
                // A state's position is where the player is, not time heard.
                play.last_position_ms = position_ms;
                None
            }
            _ if !playing => {
                // Another track loading or paused before it played: the old play is over.
                self.play = None;
                None
            }
            _ => {
                let scrobble = Scrobble::of_track(track, now_s);
                let duration_ms = if duration_ms > 0 {
                    duration_ms
                } else {
                    track.duration_ms
                };
                self.play = Some(Play {
                    key,
                    scrobble: scrobble.clone(),
                    duration_ms,
                    heard_ms: 0,
                    last_position_ms: position_ms,
                    playing: true,
                    counted: false,
                });
                Some(RuleEvent::NowPlaying(scrobble))
            }
        }
    }

    /// A position tick; `seeked` when the position jumped there rather than played there. A
    /// return to the start that is no seek (repeat one) is a new play of the same track.
    pub fn position(&mut self, position_ms: u64, seeked: bool, now_s: i64) -> Option<RuleEvent> {
        let play = self.play.as_mut()?;
        let before = std::mem::replace(&mut play.last_position_ms, position_ms);
        if play.playing && wrapped(before, position_ms, seeked) {
            return Some(play.again(position_ms, now_s));
        }
        let step = position_ms.saturating_sub(before);
        if !play.playing || seeked || step > LONGEST_TICK_MS {
            return None;
        }
        play.heard_ms += step;
        let needed = heard_needed_ms(play.duration_ms)?;
        if play.counted || play.heard_ms < needed {
            return None;
        }
        play.counted = true;
        let mut scrobble = play.scrobble.clone();
        scrobble.duration_s = u32::try_from(play.duration_ms / 1000).unwrap_or(u32::MAX);
        Some(RuleEvent::Counted(scrobble))
    }

    /// How long the play going on has been heard.
    pub fn heard_ms(&self) -> u64 {
        self.play.as_ref().map_or(0, |p| p.heard_ms)
    }
}

/// A return to the start that is no seek: the track plays again (repeat one).
fn wrapped(before_ms: u64, position_ms: u64, seeked: bool) -> bool {
    !seeked && before_ms > position_ms + LONGEST_TICK_MS && position_ms <= LONGEST_TICK_MS
}

impl Play {
    /// The same track playing again from `position_ms`: a new play, told as "now playing".
    fn again(&mut self, position_ms: u64, now_s: i64) -> RuleEvent {
        self.scrobble.started_at = now_s;
        self.heard_ms = 0;
        self.last_position_ms = position_ms;
        self.counted = false;
        RuleEvent::NowPlaying(self.scrobble.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use duet_core::{AlbumRef, ArtistRef};

    fn track(id: &str, duration_ms: u64) -> Track {
        Track {
            provider: ProviderId::Netease,
            id: id.into(),
            title: format!("Song {id}"),
            artists: vec![ArtistRef {
                id: "1".into(),
                name: "Artist".into(),
            }],
            album: AlbumRef {
                id: "2".into(),
                name: "Album".into(),
                cover_url: None,
            },
            duration_ms,
            playable: true,
            unavailable_reason: None,
            vip: false,
            trial: None,
        }
    }

    /// Plays from `from` to `to` in one-second ticks; the events told on the way.
    fn play(rule: &mut PlayRule, from: u64, to: u64) -> Vec<RuleEvent> {
        (from / 1000 + 1..=to / 1000)
            .filter_map(|s| rule.position(s * 1000, false, 1))
            .collect()
    }

    fn counted(events: &[RuleEvent]) -> usize {
        events
            .iter()
            .filter(|e| matches!(e, RuleEvent::Counted(_)))
            .count()
    }

    #[test]
    fn the_needed_time_is_half_or_four_minutes_and_short_tracks_never_count() {
        assert_eq!(heard_needed_ms(30_000), None);
        assert_eq!(heard_needed_ms(31_000), Some(15_500));
        assert_eq!(heard_needed_ms(200_000), Some(100_000));
        assert_eq!(heard_needed_ms(480_000), Some(240_000));
        assert_eq!(heard_needed_ms(3_600_000), Some(240_000));
    }

    #[test]
    fn a_track_counts_once_at_half_with_the_time_it_began() {
        let mut rule = PlayRule::new();
        let t = track("a", 200_000);
        let began = rule.state(Some(&t), true, 0, 200_000, 1_700_000_000);
        let Some(RuleEvent::NowPlaying(now)) = began else {
            panic!("no now playing: {began:?}")
        };
        assert_eq!(now.started_at, 1_700_000_000);
        assert!(play(&mut rule, 0, 99_000).is_empty());
        let events = play(&mut rule, 99_000, 200_000);
        assert_eq!(counted(&events), 1, "{events:?}");
        let RuleEvent::Counted(s) = &events[0] else {
            unreachable!()
        };
        assert_eq!(
            (
                s.artist.as_str(),
                s.title.as_str(),
                s.started_at,
                s.duration_s
            ),
            ("Artist", "Song a", 1_700_000_000, 200)
        );
        assert_eq!(s.album.as_deref(), Some("Album"));
    }

    #[test]
    fn a_long_track_counts_after_four_minutes() {
        let mut rule = PlayRule::new();
        let t = track("long", 3_600_000);
        rule.state(Some(&t), true, 0, 3_600_000, 1);
        assert!(play(&mut rule, 0, 239_000).is_empty());
        assert_eq!(counted(&play(&mut rule, 239_000, 241_000)), 1);
    }

    #[test]
    fn a_short_track_never_counts() {
        let mut rule = PlayRule::new();
        let t = track("short", 30_000);
        assert!(rule.state(Some(&t), true, 0, 30_000, 1).is_some());
        assert_eq!(counted(&play(&mut rule, 0, 30_000)), 0);
    }

    #[test]
    fn paused_time_does_not_count() {
        let mut rule = PlayRule::new();
        let t = track("p", 100_000);
        rule.state(Some(&t), true, 0, 100_000, 1);
        assert!(play(&mut rule, 0, 40_000).is_empty());
        rule.state(Some(&t), false, 40_000, 100_000, 2);
        // Ticks while paused (the position does not move; a stray one that did adds nothing).
        assert!(rule.position(40_000, false, 2).is_none());
        assert!(rule.position(45_000, false, 2).is_none());
        rule.state(Some(&t), true, 40_000, 100_000, 3);
        assert!(play(&mut rule, 40_000, 49_000).is_empty());
        assert_eq!(rule.heard_ms(), 49_000);
        assert_eq!(counted(&play(&mut rule, 49_000, 50_000)), 1);
    }

    #[test]
    fn seeking_ahead_does_not_count() {
        let mut rule = PlayRule::new();
        let t = track("s", 200_000);
        rule.state(Some(&t), true, 0, 200_000, 1);
        play(&mut rule, 0, 10_000);
        assert!(
            rule.position(150_000, true, 1).is_none(),
            "a seek is no time heard"
        );
        assert!(play(&mut rule, 150_000, 200_000).is_empty());
        assert_eq!(rule.heard_ms(), 60_000);
        // An unannounced jump is not time heard either.
        let mut rule = PlayRule::new();
        rule.state(Some(&t), true, 0, 200_000, 1);
        assert!(rule.position(120_000, false, 1).is_none());
        assert_eq!(rule.heard_ms(), 0);
    }

    #[test]
    fn repeat_one_is_a_new_play_with_its_own_start() {
        let mut rule = PlayRule::new();
        let t = track("r", 100_000);
        rule.state(Some(&t), true, 0, 100_000, 1);
        assert_eq!(counted(&play(&mut rule, 0, 100_000)), 1);
        // Back to the start with no seek: the same track again.
        let again = rule.position(0, false, 500);
        assert!(
            matches!(&again, Some(RuleEvent::NowPlaying(s)) if s.started_at == 500),
            "{again:?}"
        );
        let events = play(&mut rule, 0, 60_000);
        assert_eq!(counted(&events), 1);
        // A seek back to the start is no new play.
        assert!(rule.position(0, true, 600).is_none());
        assert_eq!(counted(&play(&mut rule, 0, 60_000)), 0);
    }

    #[test]
    fn a_new_track_starts_a_new_play_and_stopping_ends_it() {
        let mut rule = PlayRule::new();
        let (a, b) = (track("a", 100_000), track("b", 100_000));
        rule.state(Some(&a), true, 0, 100_000, 1);
        play(&mut rule, 0, 40_000);
        assert!(matches!(
            rule.state(Some(&b), true, 0, 100_000, 50),
            Some(RuleEvent::NowPlaying(s)) if s.started_at == 50 && s.title == "Song b"
        ));
        assert_eq!(rule.heard_ms(), 0);
        rule.state(None, false, 0, 0, 60);
        assert!(rule.position(1_000, false, 60).is_none());
        // The same track played again later is a new play (a new "now playing").
        assert!(rule.state(Some(&b), true, 0, 100_000, 70).is_some());
    }
}
