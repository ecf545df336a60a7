//! Artist credits as the two services write them: lists joined by "/", "、", "&", ",", " x ",
//! in any order, with aliases in brackets ("陈奕迅 (Eason Chan)").

use crate::fold::{half_width, key};

/// The separate names in one credit string, as written (trimmed).
pub(crate) fn split(credit: &str) -> Vec<String> {
    let text: String = credit.chars().map(half_width).collect();
    let mut names = vec![text];
    for separator in [
        " feat. ",
        " feat ",
        " ft. ",
        " featuring ",
        " with ",
        " x ",
        " X ",
        " × ",
    ] {
        names = names
            .iter()
            .flat_map(|n| n.split(separator).map(str::to_owned).collect::<Vec<_>>())
            .collect();
    }
    names
        .iter()
        .flat_map(|n| n.split(['/', '、', '&', ',', '，', ';', '；', '|', '+']))
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// One artist: the keys of its name and of any alias written beside it in brackets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Artist {
    keys: Vec<String>,
}

impl Artist {
    pub(crate) fn new(name: &str) -> Option<Artist> {
        let mut keys = Vec::new();
        let mut outside = String::new();
        let mut inside = String::new();
        let mut depth = 0usize;
        for c in name.chars().map(half_width) {
            match c {
                '(' | '[' | '【' => depth += 1,
                ')' | ']' | '】' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        keys.push(key(&inside));
                        inside.clear();
                    }
                }
                _ if depth > 0 => inside.push(c),
                _ => outside.push(c),
            }
        }
        keys.insert(0, key(&outside));
        keys.retain(|k| !k.is_empty());
        keys.dedup();
        (!keys.is_empty()).then_some(Artist { keys })
    }

    /// Whether two credits name the same artist: a key in common, or one key containing the
    /// other where the shorter is long enough not to be a coincidence ("G.E.M.邓紫棋" and
    /// "邓紫棋").
    pub(crate) fn same(&self, other: &Artist) -> bool {
        self.keys.iter().any(|a| {
            other.keys.iter().any(|b| {
                if a == b {
                    return true;
                }
                let (short, long) = if a.chars().count() <= b.chars().count() {
                    (a, b)
                } else {
                    (b, a)
                };
                let han = short.chars().any(crate::fold::is_han);
                let enough = if han { 2 } else { 4 };
                short.chars().count() >= enough && long.contains(short.as_str())
            })
        })
    }
}

/// Every artist of a track: its credits and the guests its title names.
pub(crate) fn of(credits: &[duet_core::ArtistRef], featured: &[String]) -> Vec<Artist> {
    let mut artists: Vec<Artist> = Vec::new();
    let names = credits
        .iter()
        .flat_map(|a| split(&a.name))
        .chain(featured.iter().cloned());
    for artist in names.filter_map(|n| Artist::new(&n)) {
        if !artists.iter().any(|a| a.same(&artist)) {
            artists.push(artist);
        }
    }
    artists
}

/// How far two credit lists agree, 0.0–1.0: mostly whether the smaller list is all found in the
/// larger (a guest credited on one service only costs little), partly how many are shared.
/// 0.0 when no artist is shared.
pub(crate) fn agreement(a: &[Artist], b: &[Artist]) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.iter().any(|y| x.same(y))).count();
    if shared == 0 {
        return 0.0;
    }
    let smaller = a.len().min(b.len()) as f32;
    let larger = a.len().max(b.len()) as f32;
    let shared = shared as f32;
    0.7 * (shared / smaller).min(1.0) + 0.3 * (shared / larger).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(names: &[&str]) -> Vec<duet_core::ArtistRef> {
        names
            .iter()
            .map(|n| duet_core::ArtistRef {
                id: String::new(),
                name: (*n).to_owned(),
            })
            .collect()
    }

    #[test]
    fn separators_split_a_credit_into_names() {
        assert_eq!(split("周杰伦/费玉清"), ["周杰伦", "费玉清"]);
        assert_eq!(split("周杰伦、费玉清"), ["周杰伦", "费玉清"]);
        assert_eq!(split("A & B, C"), ["A", "B", "C"]);
        assert_eq!(split("Alan Walker x Ava Max"), ["Alan Walker", "Ava Max"]);
        assert_eq!(split("A feat. B"), ["A", "B"]);
        assert_eq!(split("周杰伦，费玉清"), ["周杰伦", "费玉清"]);
    }

    #[test]
    fn lists_in_any_order_agree_fully() {
        let a = of(&refs(&["周杰伦", "费玉清"]), &[]);
        let b = of(&refs(&["費玉清 / 周杰倫"]), &[]);
        assert_eq!(agreement(&a, &b), 1.0);
    }

    #[test]
    fn a_guest_on_one_side_only_costs_a_little() {
        let a = of(&refs(&["周杰伦"]), &[]);
        let b = of(&refs(&["周杰伦", "杨瑞代"]), &[]);
        let score = agreement(&a, &b);
        assert!(score > 0.8 && score < 1.0, "{score}");
    }

    #[test]
    fn a_different_artist_does_not_agree() {
        let a = of(&refs(&["周杰伦"]), &[]);
        let b = of(&refs(&["林俊杰"]), &[]);
        assert_eq!(agreement(&a, &b), 0.0);
        assert_eq!(agreement(&a, &[]), 0.0);
    }

    #[test]
    fn aliases_and_prefixed_names_are_the_same_artist() {
        let a = Artist::new("陈奕迅 (Eason Chan)").unwrap();
        assert!(a.same(&Artist::new("Eason Chan").unwrap()));
        assert!(a.same(&Artist::new("陳奕迅").unwrap()));
        assert!(Artist::new("G.E.M.邓紫棋")
            .unwrap()
            .same(&Artist::new("邓紫棋").unwrap()));
        assert!(!Artist::new("Jay")
            .unwrap()
            .same(&Artist::new("Jay Chou").unwrap()));
        assert!(Artist::new("（）").is_none());
    }

    #[test]
    fn title_guests_join_the_credits() {
        let a = of(&refs(&["The Kid LAROI"]), &["justinbieber".to_owned()]);
        let b = of(&refs(&["The Kid LAROI", "Justin Bieber"]), &[]);
        assert_eq!(agreement(&a, &b), 1.0);
    }
}
