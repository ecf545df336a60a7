//! Colours for a cover, computed once per cover in Rust (DESIGN.md §7): the lyrics backdrop is a
//! gradient of these, not a blur filter recomputed every frame.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// Decodes a cover (PNG or JPEG) and derives its colours from a 24×24 thumbnail.
pub fn cover_colors(image_bytes: &[u8]) -> Result<CoverColors> {
    let image = image::load_from_memory(image_bytes)
        .map_err(|e| Error::bad_request(format!("not a cover image: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, f: impl Fn(u32, u32) -> [u8; 3]) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| image::Rgb(f(x, y)));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
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
}
