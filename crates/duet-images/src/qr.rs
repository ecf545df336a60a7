//! Login QR codes as PNG `data:` URIs, rendered locally from the login URL so they work whatever
//! picture the service would send.

use base64::Engine as _;
use duet_core::{Error, Result};

/// Pixels a module of a login QR code: large and sharp on screen.
pub const LOGIN_QR_SCALE: u32 = 8;

/// Renders `content` as a black-on-white PNG `data:` URI, `scale` pixels per module, with the
/// standard 4-module quiet zone.
pub fn render_qr_png(content: &str, scale: u32) -> Result<String> {
    let code = qrcode::QrCode::with_error_correction_level(content, qrcode::EcLevel::M)
        .map_err(|e| Error::bad_request(format!("cannot encode a QR code: {e}")))?;
    let image = code
        .render::<image::Luma<u8>>()
        .module_dimensions(scale, scale)
        .quiet_zone(true)
        .build();
    let mut png = Vec::new();
    image::DynamicImage::ImageLuma8(image)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| Error::upstream(format!("cannot write the QR PNG: {e}")))?;
    Ok(format!(
        "data:image/png;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(png)
    ))
}

/// The login QR code of `url` as the app and the server show it (a
/// [`duet_core::qr::QrRenderer`]).
pub fn login_qr_png(url: &str) -> Result<String> {
    render_qr_png(url, LOGIN_QR_SCALE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_png_decodes_as_png() {
        let uri = login_qr_png("https://music.163.com/login?codekey=abc").unwrap();
        assert!(uri.starts_with("data:image/png;base64,"), "{uri:.40}");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(uri.trim_start_matches("data:image/png;base64,"))
            .unwrap();
        let image = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
        assert!(
            image.width() >= 200,
            "QR should be large: {}",
            image.width()
        );
        assert_eq!(image.width(), image.height());
    }
}
