//! A ticket's QR code as a PNG image, for mail clients (which do not all show SVG).

use qrcode::{Color, EcLevel, QrCode};

/// Pixels per QR module: 6 makes a typical ticket code about 300 px wide.
const SCALE: usize = 6;
/// The blank margin a scanner needs around the code, in modules.
const QUIET_ZONE: usize = 4;

#[derive(Debug, thiserror::Error)]
pub enum QrImageError {
    #[error("the ticket code does not fit a QR code: {0}")]
    Code(#[from] qrcode::types::QrError),
    #[error("cannot encode the PNG: {0}")]
    Png(#[from] png::EncodingError),
}

/// Black on white, 8-bit greyscale; medium error correction, as the gate scanners expect.
pub fn render(text: &str) -> Result<Vec<u8>, QrImageError> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)?;
    let modules = code.width();
    let colours = code.to_colors();
    let side = (modules + 2 * QUIET_ZONE) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (index, colour) in colours.iter().enumerate() {
        if *colour != Color::Dark {
            continue;
        }
        let (row, column) = (index / modules + QUIET_ZONE, index % modules + QUIET_ZONE);
        for y in row * SCALE..(row + 1) * SCALE {
            pixels[y * side + column * SCALE..y * side + (column + 1) * SCALE].fill(0);
        }
    }
    let mut png_bytes = Vec::new();
    let width = u32::try_from(side).unwrap_or(u32::MAX);
    let mut encoder = png::Encoder::new(&mut png_bytes, width, width);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&pixels)?;
    writer.finish()?;
    Ok(png_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_renders_as_a_square_png_with_a_white_margin() {
        let image = render("BX1.some-ticket-payload.signature").expect("renders");
        let decoder = png::Decoder::new(std::io::Cursor::new(image));
        let mut reader = decoder.read_info().expect("a PNG");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let frame = reader.next_frame(&mut pixels).expect("a frame");
        assert_eq!(frame.width, frame.height);
        assert_eq!(frame.width as usize % SCALE, 0);
        // The quiet zone is white; the finder pattern's corner just inside it is black.
        let side = frame.width as usize;
        assert_eq!(pixels[0], 255);
        let corner = QUIET_ZONE * SCALE;
        assert_eq!(pixels[corner * side + corner], 0);
    }
}
