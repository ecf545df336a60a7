//! The image CDN (`p1`–`p4.music.126.net`): every cover path answers a PNG of its own, a
//! diagonal two-colour gradient derived from the path, so covers differ and the app's colour
//! analysis has something real to read.

use std::io::Write as _;

use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use md5::{Digest as _, Md5};

use crate::http_util::response;

pub const COVER_HOSTS: [&str; 4] = [
    "p1.music.126.net",
    "p2.music.126.net",
    "p3.music.126.net",
    "p4.music.126.net",
];

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

/// The PNG for one cover path.
pub fn cover_png(path: &str) -> Vec<u8> {
    let digest = Md5::digest(path.as_bytes());
    let hue = f32::from(u16::from_be_bytes([digest[0], digest[1]]) % 360);
    let a = hsl_to_rgb(hue, 0.65, 0.55);
    let b = hsl_to_rgb((hue + 40.0 + f32::from(digest[2] % 80)) % 360.0, 0.7, 0.35);
    let mut raw = Vec::with_capacity(((SIZE * 3 + 1) * SIZE) as usize);
    for y in 0..SIZE {
        raw.push(0);
        for x in 0..SIZE {
            let t = (x + y) as f32 / (2 * (SIZE - 1)) as f32;
            for i in 0..3 {
                raw.push((f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t) as u8);
            }
        }
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(&raw).expect("in memory");
    let idat = z.finish().expect("in memory");
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&SIZE.to_be_bytes());
    ihdr.extend_from_slice(&SIZE.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

pub(crate) fn serve(rest: &str, method: &Method) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return response(StatusCode::METHOD_NOT_ALLOWED, "text/plain", Vec::new());
    }
    let mut answer = response(StatusCode::OK, "image/png", cover_png(rest));
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000"),
    );
    answer
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
    }
}
