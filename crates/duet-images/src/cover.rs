//! Colours for a cover, computed once per cover in Rust (docs/design.md §7): the lyrics backdrop is a
//! gradient of these, not a blur filter recomputed every frame. [`CoverCache`] remembers them
//! for the covers seen last.

use std::collections::HashMap;
use std::io::Cursor;

use duet_core::{Error, Result};
use serde::{Deserialize, Serialize};

/// The largest picture decoded, in pixels a side: covers come at up to 3000 (NetEase's
/// originals); a small file announcing more would be a decompression bomb.
const MAX_SIDE: u32 = 8192;
/// What decoding one cover may allocate.
const MAX_DECODE_BYTES: u64 = 256 << 20;

/// How many covers' colours [`CoverCache`] keeps by default: a few screens of playlists.
pub const COVER_CACHE_SIZE: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CoverColors {
    /// A dark, calm version of the cover's average colour.
    pub background: String,
    /// The cover's most saturated strong colour.
    pub accent: String,
    /// Black or white, whichever reads on `background`.
    pub text: String,
}

fn hex([r, g, b]: [f32; 3]) -> String {
    let c = |v: f32| v.round().clamp(0.0, 255.0) as u8;
    format!("#{:02x}{:02x}{:02x}", c(r), c(g), c(b))
}

fn luminance([r, g, b]: [f32; 3]) -> f32 {
    (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255.0
}

/// Decodes a cover (PNG or JPEG, at most 8192 pixels a side) and derives its colours from a
/// 24×24 thumbnail.
pub fn cover_colors(image_bytes: &[u8]) -> Result<CoverColors> {
    let not_a_cover = |e: image::ImageError| Error::bad_request(format!("not a cover image: {e}"));
    let mut reader = image::ImageReader::new(Cursor::new(image_bytes))
        .with_guessed_format()
        .map_err(|e| Error::bad_request(format!("not a cover image: {e}")))?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let image = reader.decode().map_err(not_a_cover)?;
    let small = image.thumbnail(24, 24).to_rgb8();
    let pixels: Vec<[f32; 3]> = small
        .pixels()
        .map(|p| [f32::from(p[0]), f32::from(p[1]), f32::from(p[2])])
        .collect();
    if pixels.is_empty() {
        return Err(Error::bad_request("the cover image is empty"));
    }
    let n = pixels.len() as f32;
    let mut average = [0.0f32; 3];
    for p in &pixels {
        for i in 0..3 {
            average[i] += p[i] / n;
        }
    }
    let saturation = |p: &[f32; 3]| {
        let max = p.iter().cloned().fold(0.0, f32::max);
        let min = p.iter().cloned().fold(255.0, f32::min);
        if max <= 0.0 {
            0.0
        } else {
            (max - min) / max * (max / 255.0)
        }
    };
    let accent = pixels
        .iter()
        .max_by(|a, b| saturation(a).total_cmp(&saturation(b)))
        .copied()
        .filter(|p| saturation(p) > 0.15)
        .unwrap_or(average);
    let background = average.map(|v| v * 0.45);
    let text = if luminance(background) > 0.5 {
        [17.0, 17.0, 17.0]
    } else {
        [255.0, 255.0, 255.0]
    };
    Ok(CoverColors {
        background: hex(background),
        accent: hex(accent),
        text: hex(text),
    })
}

/// The colours of the covers used last, at most `capacity` of them: the least recently used
/// goes when a new one comes.
#[derive(Debug)]
pub struct CoverCache {
    capacity: usize,
    /// Colours and when they were last used.
    entries: HashMap<String, (CoverColors, u64)>,
    clock: u64,
}

impl Default for CoverCache {
    fn default() -> Self {
        Self::new(COVER_CACHE_SIZE)
    }
}

impl CoverCache {
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            entries: HashMap::new(),
            clock: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&mut self, url: &str) -> Option<CoverColors> {
        self.clock += 1;
        let now = self.clock;
        self.entries.get_mut(url).map(|(colors, used)| {
            *used = now;
            colors.clone()
        })
    }

    pub fn insert(&mut self, url: String, colors: CoverColors) {
        self.clock += 1;
        if self.entries.len() >= self.capacity && !self.entries.contains_key(&url) {
            // A linear scan: a few hundred entries, once per new cover.
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(url, _)| url.clone());
            if let Some(oldest) = oldest {
                self.entries.remove(&oldest);
            }
        }
        self.entries.insert(url, (colors, self.clock));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb(f(x, y)));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_red_cover_gets_a_dark_red_backdrop_and_white_text() {
        let colors = cover_colors(&png(64, 64, |_, _| [200, 20, 20])).unwrap();
        assert_eq!(colors.background, "#5a0909");
        assert_eq!(colors.accent, "#c81414");
        assert_eq!(colors.text, "#ffffff");
    }

    #[test]
    fn the_accent_is_the_vivid_part() {
        let colors = cover_colors(&png(64, 64, |x, _| {
            if x < 48 {
                [90, 90, 90]
            } else {
                [20, 200, 255]
            }
        }))
        .unwrap();
        let accent = u32::from_str_radix(&colors.accent[1..], 16).unwrap();
        assert!(accent & 0xff > 0xc0, "blue-ish accent: {}", colors.accent);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(cover_colors(b"<html>nope</html>").is_err());
        assert!(cover_colors(&[]).is_err());
    }

    #[test]
    fn a_picture_announcing_more_than_8192_pixels_a_side_is_not_decoded() {
        // A few hundred bytes of PNG for 100,000 × 1 pixels: refused from its header.
        let wide = png(100_000, 1, |_, _| [1, 2, 3]);
        assert!(wide.len() < 10_000);
        let error = cover_colors(&wide).unwrap_err();
        assert!(error.message.contains("limit"), "{error}");
        assert!(cover_colors(&png(MAX_SIDE, 1, |_, _| [9, 9, 9])).is_ok());
    }

    #[test]
    fn the_cache_keeps_the_most_recently_used_covers() {
        let colors = |n: u8| CoverColors {
            background: format!("#0000{n:02x}"),
            accent: String::new(),
            text: String::new(),
        };
        let mut cache = CoverCache::new(3);
        for n in 0..3 {
            cache.insert(format!("u{n}"), colors(n));
        }
        assert_eq!(
            cache.get("u0"),
            Some(colors(0)),
            "u0 is now the most recent"
        );
        cache.insert("u3".into(), colors(3));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("u1"), None, "the least recently used went");
        assert_eq!(cache.get("u0"), Some(colors(0)));
        assert_eq!(cache.get("u2"), Some(colors(2)));
        assert_eq!(cache.get("u3"), Some(colors(3)));
        // Replacing an entry does not evict another.
        cache.insert("u3".into(), colors(9));
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get("u3"), Some(colors(9)));
        let mut big = CoverCache::default();
        for n in 0..1000 {
            big.insert(format!("https://p1.music.126.net/{n}.jpg"), colors(1));
        }
        assert_eq!(big.len(), COVER_CACHE_SIZE);
    }
}
