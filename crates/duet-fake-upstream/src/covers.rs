//! Generated images: cover art (a diagonal two-colour gradient derived from the path, so
//! covers differ and the app's colour analysis has something real to read), and the PNG /
//! JPEG encoders the QR codes use.

use std::io::Write as _;

use md5::{Digest as _, Md5};

const SIZE: u32 = 160;

fn hsl_to_rgb(h: f32, s: f32, l: f32) -> [u8; 3] {
    let c = (1.0 - (2.0 * l - 1.0).abs()) * s;
    let x = c * (1.0 - ((h / 60.0) % 2.0 - 1.0).abs());
    let m = l - c / 2.0;
    let (r, g, b) = match (h / 60.0) as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    [r, g, b].map(|v| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8)
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// The RGB raster (`SIZE`×`SIZE`, 3 bytes a pixel) of one cover path: a diagonal
/// two-colour gradient derived from the path.
fn cover_rgb(path: &str) -> Vec<u8> {
    let digest = Md5::digest(path.as_bytes());
    let hue = f32::from(u16::from_be_bytes([digest[0], digest[1]]) % 360);
    let a = hsl_to_rgb(hue, 0.65, 0.55);
    let b = hsl_to_rgb((hue + 40.0 + f32::from(digest[2] % 80)) % 360.0, 0.7, 0.35);
    let mut raw = Vec::with_capacity((SIZE * 3 * SIZE) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let t = (x + y) as f32 / (2 * (SIZE - 1)) as f32;
            for i in 0..3 {
                raw.push((f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8);
            }
        }
    }
    raw
}

/// A PNG of an RGB (`channels` 3) or grey (`channels` 1) raster.
pub(crate) fn png(width: u32, height: u32, channels: u8, pixels: &[u8]) -> Vec<u8> {
    let row = (width * u32::from(channels)) as usize;
    let mut raw = Vec::with_capacity((row + 1) * height as usize);
    for line in pixels.chunks(row.max(1)).take(height as usize) {
        raw.push(0);
        raw.extend_from_slice(line);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing into a Vec cannot fail.
    let _ = z.write_all(&raw);
    let idat = z.finish().unwrap_or_default();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    let colour_type = if channels == 1 { 0 } else { 2 };
    ihdr.extend_from_slice(&[8, colour_type, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A baseline JPEG of an RGB (`channels` 3) or grey (`channels` 1) raster; empty for one larger
/// than JPEG's 65,535 pixels a side.
pub(crate) fn jpeg(width: u32, height: u32, channels: u8, pixels: &[u8]) -> Vec<u8> {
    let colour = if channels == 1 {
        jpeg_encoder::ColorType::Luma
    } else {
        jpeg_encoder::ColorType::Rgb
    };
    let (Ok(width), Ok(height)) = (u16::try_from(width), u16::try_from(height)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let encoded = jpeg_encoder::Encoder::new(&mut out, 90).encode(pixels, width, height, colour);
    if encoded.is_err() {
        return Vec::new();
    }
    out
}

/// The PNG for one cover path (NetEase's CDN).
pub fn cover_png(path: &str) -> Vec<u8> {
    png(SIZE, SIZE, 3, &cover_rgb(path))
}

/// The JPEG for one cover path (QQ Music's `y.gtimg.cn`).
pub fn cover_jpeg(path: &str) -> Vec<u8> {
    jpeg(SIZE, SIZE, 3, &cover_rgb(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covers_are_valid_pngs_that_differ_by_path() {
        let one = cover_png("/abc==/1.jpg");
        let two = cover_png("/xyz==/2.jpg");
        assert!(one.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert_ne!(one, two);
        assert_eq!(one, cover_png("/abc==/1.jpg"));
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
        let j = cover_jpeg("/music/photo_new/T002R300x300M000000MkMni19ClKG.jpg");
        assert_eq!(&j[..3], &[0xFF, 0xD8, 0xFF]);
        let grey = png(3, 2, 1, &[0, 255, 0, 255, 0, 255]);
        assert!(grey.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}
