//! The play queue: the tracks, the order they play in (shuffled or not), where playback is, and
//! what comes next under each repeat mode. Pure logic, no audio.

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Repeat {
    /// Play the queue once, then stop.
    #[default]
    Off,
    /// Start over after the last track.
    All,
    /// Play the current track again and again (`next` still moves on).
    One,
}

/// Why the queue is moving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advance {
    /// The track ended by itself: repeat-one plays it again.
    Finished,
    /// The person pressed next, or the track could not be played: always another track,
    /// wrapping around unless repeat is off.
    Skip,
}

/// What [`Queue::remove`] did to the current track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    /// Another track went; the current one stays current.
    Other,
    /// The current track went; the one that followed it in play order is current now.
    Current,
    /// The current track went and nothing follows it (it was the last to play with repeat off,
    /// or the only one): the last left in play order is current, if any.
    CurrentAndLast,
}

/// Tracks in queue order, plus a play order over them.
///
/// Indices (`current`, `jump`) are positions in the queue as shown; the play order is a
/// permutation of them, the identity unless shuffled.
#[derive(Debug, Clone)]
pub struct Queue<T> {
    items: Vec<T>,
    order: Vec<usize>,
    /// Position in `order` of the current track.
    cursor: Option<usize>,
    repeat: Repeat,
    shuffle: bool,
    rng: StdRng,
}

impl<T> Queue<T> {
    /// An empty queue; `seed` makes shuffling reproducible (tests), `None` seeds from the OS.
    pub fn new(seed: Option<u64>) -> Self {
        Self {
            items: Vec::new(),
            order: Vec::new(),
            cursor: None,
            repeat: Repeat::Off,
            shuffle: false,
            rng: match seed {
                Some(seed) => StdRng::seed_from_u64(seed),
                None => StdRng::from_entropy(),
            },
        }
    }

    pub fn items(&self) -> &[T] {
        &self.items
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn repeat(&self) -> Repeat {
        self.repeat
    }

    pub fn shuffle(&self) -> bool {
        self.shuffle
    }

    /// The play order, as queue indices.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The queue index of the current track.
    pub fn current_index(&self) -> Option<usize> {
        self.cursor.map(|c| self.order[c])
    }

    pub fn current(&self) -> Option<&T> {
        self.current_index().map(|i| &self.items[i])
    }

    /// Replaces the queue and makes `start` current. `false` (and nothing changes) when `start`
    /// is out of range.
    pub fn replace(&mut self, items: Vec<T>, start: usize) -> bool {
        if start >= items.len() {
            return false;
        }
        self.items = items;
        self.order = (0..self.items.len()).collect();
        self.cursor = Some(start);
        if self.shuffle {
            self.reshuffle_around(start);
        }
        true
    }

    /// Adds tracks at the end (in shuffle mode, at random places in what is still to come).
    pub fn append(&mut self, items: Vec<T>) {
        let first = self.items.len();
        self.items.extend(items);
        let mut added: Vec<usize> = (first..self.items.len()).collect();
        if self.shuffle {
            added.shuffle(&mut self.rng);
        }
        self.order.extend(added);
    }

    /// Inserts tracks right after the current one, in queue and in play order (shuffled or
    /// not, they play next, in the order given); at the end when nothing is current.
    pub fn insert_next(&mut self, items: Vec<T>) {
        let Some(current) = self.current_index() else {
            self.append(items);
            return;
        };
        let (at, added) = (current + 1, items.len());
        for i in &mut self.order {
            if *i >= at {
                *i += added;
            }
        }
        self.items.splice(at..at, items);
        let cursor = self.cursor.unwrap_or(0);
        self.order.splice(cursor + 1..cursor + 1, at..at + added);
    }

    /// Takes the track at queue index `index` out; `None` (and nothing changes) when out of
    /// range.
    pub fn remove(&mut self, index: usize) -> Option<Removed> {
        if index >= self.items.len() {
            return None;
        }
        let place = self.order.iter().position(|&i| i == index)?;
        self.items.remove(index);
        self.order.remove(place);
        for i in &mut self.order {
            if *i > index {
                *i -= 1;
            }
        }
        let Some(cursor) = self.cursor else {
            return Some(Removed::Other);
        };
        if place != cursor {
            if place < cursor {
                self.cursor = Some(cursor - 1);
            }
            return Some(Removed::Other);
        }
        if self.order.is_empty() {
            self.cursor = None;
            return Some(Removed::CurrentAndLast);
        }
        if cursor < self.order.len() {
            return Some(Removed::Current);
        }
        if self.repeat == Repeat::Off {
            self.cursor = Some(self.order.len() - 1);
            Some(Removed::CurrentAndLast)
        } else {
            self.cursor = Some(0);
            Some(Removed::Current)
        }
    }

    /// Moves the track at queue index `from` to `to`, the others closing up; the current track
    /// stays current. Without shuffle the play order follows; shuffled, it is kept. `false`
    /// (and nothing changes) when either index is out of range.
    pub fn move_item(&mut self, from: usize, to: usize) -> bool {
        let len = self.items.len();
        if from >= len || to >= len {
            return false;
        }
        let current = self.current_index();
        let item = self.items.remove(from);
        self.items.insert(to, item);
        let moved = |i: usize| match i {
            i if i == from => to,
            i if from < to && (from + 1..=to).contains(&i) => i - 1,
            i if to < from && (to..from).contains(&i) => i + 1,
            i => i,
        };
        if self.shuffle {
            for i in &mut self.order {
                *i = moved(*i);
            }
        } else {
            self.cursor = current.map(moved);
        }
        true
    }

    /// Keeps only the current track (the whole queue goes when nothing is current).
    pub fn clear_others(&mut self) {
        match self.current_index() {
            Some(current) => {
                let item = self.items.swap_remove(current);
                self.items = vec![item];
                self.order = vec![0];
                self.cursor = Some(0);
            }
            None => {
                self.items.clear();
                self.order.clear();
            }
        }
    }

    /// Makes queue index `index` current. In shuffle mode the rest is reshuffled to follow it.
    pub fn jump(&mut self, index: usize) -> bool {
        if index >= self.items.len() {
            return false;
        }
        if self.shuffle {
            self.order = (0..self.items.len()).collect();
            self.reshuffle_around(index);
        } else {
            self.cursor = Some(index);
        }
        true
    }

    /// Sets the modes. Turning shuffle on keeps the current track and shuffles the others after
    /// it; turning it off goes back to queue order at the current track.
    pub fn set_mode(&mut self, repeat: Repeat, shuffle: bool) {
        self.repeat = repeat;
        if shuffle == self.shuffle {
            return;
        }
        self.shuffle = shuffle;
        let current = self.current_index();
        self.order = (0..self.items.len()).collect();
        if shuffle {
            match current {
                Some(current) => self.reshuffle_around(current),
                None => self.order.shuffle(&mut self.rng),
            }
        } else {
            self.cursor = current;
        }
    }

    /// `order` = `[first, shuffled rest…]`, cursor on `first`.
    fn reshuffle_around(&mut self, first: usize) {
        let mut rest: Vec<usize> = (0..self.items.len()).filter(|&i| i != first).collect();
        rest.shuffle(&mut self.rng);
        self.order = std::iter::once(first).chain(rest).collect();
        self.cursor = Some(0);
    }

    /// Moves to the track that comes next and returns its queue index; `None` at the end of the
    /// queue with repeat off (the cursor stays on the last track).
    pub fn advance(&mut self, why: Advance) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        let Some(cursor) = self.cursor else {
            self.cursor = Some(0);
            return self.current_index();
        };
        if why == Advance::Finished && self.repeat == Repeat::One {
            return self.current_index();
        }
        let next = cursor + 1;
        if next < self.order.len() {
            self.cursor = Some(next);
        } else if self.repeat == Repeat::Off {
            return None;
        } else {
            self.cursor = Some(0);
        }
        self.current_index()
    }

    /// The queue index [`advance`](Self::advance) would move to, without moving (the player
    /// prepares that track before the current one ends).
    pub fn peek_advance(&self, why: Advance) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        let Some(cursor) = self.cursor else {
            return self.order.first().copied();
        };
        if why == Advance::Finished && self.repeat == Repeat::One {
            return self.current_index();
        }
        let next = cursor + 1;
        if next < self.order.len() {
            self.order.get(next).copied()
        } else if self.repeat == Repeat::Off {
            None
        } else {
            self.order.first().copied()
        }
    }

    /// Moves to the track before; at the first track it stays there (repeat off) or wraps to the
    /// last (repeat all/one).
    pub fn back(&mut self) -> Option<usize> {
        let cursor = self.cursor?;
        self.cursor = Some(match cursor {
            0 if self.repeat == Repeat::Off => 0,
            0 => self.order.len() - 1,
            c => c - 1,
        });
        self.current_index()
    }

    /// Back to the first track of the play order (playing again after the end).
    pub fn rewind(&mut self) -> Option<usize> {
        if self.items.is_empty() {
            return None;
        }
        self.cursor = Some(0);
        self.current_index()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue(n: usize, repeat: Repeat) -> Queue<usize> {
        let mut q = Queue::new(Some(7));
        assert!(q.replace((0..n).collect(), 0));
        q.set_mode(repeat, false);
        q
    }

    fn run(q: &mut Queue<usize>, why: Advance, steps: usize) -> Vec<Option<usize>> {
        (0..steps).map(|_| q.advance(why)).collect()
    }

    #[test]
    fn repeat_off_ends_after_the_last_track() {
        let mut q = queue(3, Repeat::Off);
        assert_eq!(q.current_index(), Some(0));
        assert_eq!(run(&mut q, Advance::Finished, 3), [Some(1), Some(2), None]);
        assert_eq!(q.current_index(), Some(2), "stays on the last track");
        assert_eq!(q.advance(Advance::Skip), None);
        assert_eq!(q.rewind(), Some(0));
    }

    #[test]
    fn peeking_agrees_with_advancing() {
        for repeat in [Repeat::Off, Repeat::All, Repeat::One] {
            for shuffle in [false, true] {
                let mut q = queue(4, repeat);
                q.set_mode(repeat, shuffle);
                for why in [Advance::Finished, Advance::Skip]
                    .into_iter()
                    .cycle()
                    .take(9)
                {
                    let peeked = q.peek_advance(why);
                    let before = q.current_index();
                    let moved = q.advance(why);
                    assert_eq!(peeked, moved, "{repeat:?} shuffle {shuffle} {why:?}");
                    if moved.is_none() {
                        assert_eq!(q.current_index(), before);
                        break;
                    }
                }
            }
        }
    }

    #[test]
    fn repeat_all_wraps() {
        let mut q = queue(3, Repeat::All);
        assert_eq!(
            run(&mut q, Advance::Finished, 4),
            [Some(1), Some(2), Some(0), Some(1)]
        );
    }

    #[test]
    fn repeat_one_repeats_until_skipped() {
        let mut q = queue(3, Repeat::One);
        assert_eq!(
            run(&mut q, Advance::Finished, 3),
            [Some(0), Some(0), Some(0)]
        );
        assert_eq!(q.advance(Advance::Skip), Some(1));
        assert_eq!(q.advance(Advance::Skip), Some(2));
        assert_eq!(q.advance(Advance::Skip), Some(0), "skipping wraps");
    }

    #[test]
    fn back_and_jump() {
        let mut q = queue(3, Repeat::Off);
        assert_eq!(q.back(), Some(0), "stays at the first track");
        assert!(q.jump(2));
        assert_eq!(q.back(), Some(1));
        assert!(!q.jump(3));
        q.set_mode(Repeat::All, false);
        q.jump(0);
        assert_eq!(q.back(), Some(2), "wraps with repeat all");
    }

    #[test]
    fn shuffle_keeps_the_current_track_and_is_reproducible() {
        let shuffled = |seed| {
            let mut q: Queue<usize> = Queue::new(Some(seed));
            q.replace((0..20).collect(), 5);
            q.set_mode(Repeat::Off, true);
            q
        };
        let q = shuffled(42);
        assert_eq!(q.current_index(), Some(5));
        assert_eq!(q.order()[0], 5);
        let mut sorted = q.order().to_vec();
        sorted.sort();
        assert_eq!(sorted, (0..20).collect::<Vec<_>>(), "a permutation");
        assert_ne!(q.order(), (0..20).collect::<Vec<_>>().as_slice());
        assert_eq!(shuffled(42).order(), q.order(), "same seed, same order");
        assert_ne!(shuffled(43).order(), q.order());

        // Playing through visits every track once, then ends.
        let mut q = shuffled(42);
        let mut seen = vec![5];
        while let Some(i) = q.advance(Advance::Finished) {
            seen.push(i);
        }
        assert_eq!(seen, q.order());

        // Unshuffling goes back to queue order from the current track.
        let mut q = shuffled(42);
        q.advance(Advance::Skip);
        let current = q.current_index().unwrap();
        q.set_mode(Repeat::Off, false);
        assert_eq!(q.current_index(), Some(current));
        assert_eq!(q.order(), (0..20).collect::<Vec<_>>().as_slice());
    }

    #[test]
    fn shuffled_replace_jump_and_append() {
        let mut q: Queue<usize> = Queue::new(Some(1));
        q.set_mode(Repeat::Off, true);
        assert!(q.replace((0..10).collect(), 3));
        assert_eq!(q.current_index(), Some(3));
        assert!(q.jump(8));
        assert_eq!(q.current_index(), Some(8));
        assert_eq!(q.order()[0], 8);
        q.append(vec![10, 11, 12]);
        assert_eq!(q.len(), 13);
        let mut tail = q.order()[10..].to_vec();
        tail.sort();
        assert_eq!(tail, [10, 11, 12]);
    }

    #[test]
    fn empty_and_fresh_queues() {
        let mut q: Queue<usize> = Queue::new(None);
        assert_eq!(q.advance(Advance::Skip), None);
        assert_eq!(q.back(), None);
        assert!(!q.replace(vec![], 0));
        q.append(vec![1, 2]);
        assert_eq!(q.current_index(), None);
        assert_eq!(q.advance(Advance::Skip), Some(0), "starts at the first");
    }

    /// The order is a permutation of the queue, and the cursor points into it.
    fn consistent(q: &Queue<usize>) {
        let mut sorted = q.order().to_vec();
        sorted.sort();
        assert_eq!(sorted, (0..q.len()).collect::<Vec<_>>(), "{:?}", q.order());
        if let Some(c) = q.cursor {
            assert!(c < q.order.len());
        }
    }

    #[test]
    fn play_next_goes_right_after_the_current_track() {
        for shuffle in [false, true] {
            let mut q: Queue<usize> = Queue::new(Some(3));
            q.replace((0..6).collect(), 2);
            q.set_mode(Repeat::Off, shuffle);
            q.insert_next(vec![100, 101]);
            consistent(&q);
            assert_eq!(q.current(), Some(&2));
            assert_eq!(q.items()[3..5], [100, 101], "in the queue as shown");
            assert_eq!(
                q.advance(Advance::Finished).map(|i| q.items()[i]),
                Some(100)
            );
            assert_eq!(
                q.advance(Advance::Finished).map(|i| q.items()[i]),
                Some(101)
            );
        }
        let mut empty: Queue<usize> = Queue::new(Some(3));
        empty.insert_next(vec![7]);
        assert_eq!(empty.items(), [7]);
        assert_eq!(empty.current_index(), None);
    }

    #[test]
    fn removing_tracks_keeps_the_current_one_or_moves_on() {
        let mut q = queue(5, Repeat::Off);
        q.jump(2);
        assert_eq!(q.remove(0), Some(Removed::Other));
        assert_eq!((q.items(), q.current()), (&[1, 2, 3, 4][..], Some(&2)));
        assert_eq!(q.remove(3), Some(Removed::Other));
        assert_eq!(q.current(), Some(&2));
        assert_eq!(q.remove(1), Some(Removed::Current), "the current one");
        assert_eq!(q.current(), Some(&3), "what followed it");
        assert_eq!(
            q.remove(1),
            Some(Removed::CurrentAndLast),
            "nothing after 3"
        );
        assert_eq!(q.current(), Some(&1));
        assert_eq!(q.remove(5), None);
        assert_eq!(q.remove(0), Some(Removed::CurrentAndLast));
        assert_eq!((q.len(), q.current()), (0, None));

        let mut q = queue(3, Repeat::All);
        q.jump(2);
        assert_eq!(q.remove(2), Some(Removed::Current), "wraps with repeat all");
        assert_eq!(q.current(), Some(&0));

        let mut q: Queue<usize> = Queue::new(Some(9));
        q.replace((0..8).collect(), 4);
        q.set_mode(Repeat::Off, true);
        let next = q.peek_advance(Advance::Finished).map(|i| q.items()[i]);
        q.remove(4);
        consistent(&q);
        assert_eq!(
            q.current().copied(),
            next,
            "shuffled: the next in play order"
        );
        let other = (0..q.len())
            .find(|&i| Some(i) != q.current_index())
            .unwrap();
        assert_eq!(q.remove(other), Some(Removed::Other));
        consistent(&q);
        assert_eq!(q.current().copied(), next);
    }

    #[test]
    fn moving_a_track_keeps_the_current_one() {
        let mut q = queue(5, Repeat::Off);
        q.jump(1);
        assert!(q.move_item(4, 0));
        assert_eq!((q.items(), q.current()), (&[4, 0, 1, 2, 3][..], Some(&1)));
        assert_eq!(q.advance(Advance::Finished).map(|i| q.items()[i]), Some(2));
        assert!(q.move_item(3, 4), "the current track itself");
        assert_eq!((q.items(), q.current()), (&[4, 0, 1, 3, 2][..], Some(&2)));
        assert_eq!(q.order(), [0, 1, 2, 3, 4]);
        assert!(!q.move_item(0, 5));

        let mut q: Queue<usize> = Queue::new(Some(5));
        q.replace((0..6).collect(), 3);
        q.set_mode(Repeat::Off, true);
        let plays = |q: &Queue<usize>| q.order().iter().map(|&i| q.items()[i]).collect::<Vec<_>>();
        let before = plays(&q);
        assert!(q.move_item(0, 5));
        consistent(&q);
        assert_eq!(plays(&q), before, "shuffled: the play order is kept");
        assert_eq!(q.current(), Some(&3));
    }

    #[test]
    fn clearing_keeps_only_the_current_track() {
        let mut q = queue(5, Repeat::Off);
        q.jump(3);
        q.clear_others();
        consistent(&q);
        assert_eq!((q.items(), q.current()), (&[3][..], Some(&3)));
        assert_eq!(q.advance(Advance::Finished), None);
        let mut fresh: Queue<usize> = Queue::new(None);
        fresh.append(vec![1, 2]);
        fresh.clear_others();
        assert!(fresh.is_empty());
    }
}
