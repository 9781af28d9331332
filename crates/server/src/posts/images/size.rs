//! An image's width and height from its header, without decoding it: enough to refuse a
//! decompression bomb (a small file that unpacks to gigapixels) before any reader's phone
//! tries to show it.

use crate::files::{JPEG, PNG, WEBP};

/// `(width, height)` as the header of a file of `content_type` (sniffed) says; `None` when
/// the header is not there or not readable.
pub fn dimensions(content_type: &str, bytes: &[u8]) -> Option<(u32, u32)> {
    let size = match content_type {
        PNG => png(bytes),
        JPEG => jpeg(bytes),
        WEBP => webp(bytes),
        _ => None,
    }?;
    (size.0 > 0 && size.1 > 0).then_some(size)
}

fn be16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le16(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn le24(b: &[u8], at: usize) -> Option<u32> {
    let b = b.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// The IHDR chunk comes first: signature (8), length (4), "IHDR", width, height.
fn png(b: &[u8]) -> Option<(u32, u32)> {
    (b.get(12..16)? == b"IHDR").then_some(())?;
    Some((be32(b, 16)?, be32(b, 20)?))
}

/// Walks the segments up to the first start-of-frame, which holds the size.
fn jpeg(b: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *b.get(at)? != 0xFF {
            return None;
        }
        let marker = *b.get(at + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            // Markers without a length.
            0x01 | 0xD0..=0xD8 => at += 2,
            // Start of frame (not DHT C4, JPG C8 or DAC CC): length, precision, height, width.
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                return Some((be16(b, at + 7)?, be16(b, at + 5)?));
            }
            // Start of scan or end of image before any frame: not a readable image.
            0xDA | 0xD9 => return None,
            _ => at += 2 + be16(b, at + 2)? as usize,
        }
    }
}

/// RIFF header (12), then the first chunk: lossy `VP8 `, lossless `VP8L` or extended `VP8X`.
fn webp(b: &[u8]) -> Option<(u32, u32)> {
    match b.get(12..16)? {
        b"VP8 " => {
            // Frame tag (3), start code 9d 01 2a, then 14-bit width and height.
            (b.get(23..26)? == [0x9D, 0x01, 0x2A]).then_some(())?;
            Some((le16(b, 26)? & 0x3FFF, le16(b, 28)? & 0x3FFF))
        }
        b"VP8L" => {
            (*b.get(20)? == 0x2F).then_some(())?;
            let bits = u32::from_le_bytes(b.get(21..25)?.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(b, 24)? + 1, le24(b, 27)? + 1)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG header of `width` × `height`.
    pub fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        b.extend(width.to_be_bytes());
        b.extend(height.to_be_bytes());
        b.extend([8, 2, 0, 0, 0]);
        b
    }

    #[test]
    fn reads_png() {
        assert_eq!(dimensions(PNG, &png_header(640, 480)), Some((640, 480)));
        assert_eq!(dimensions(PNG, &png_header(0, 480)), None);
        assert_eq!(dimensions(PNG, b"\x89PNG\r\n\x1a\n"), None);
    }

    #[test]
    fn reads_jpeg_past_its_other_segments() {
        let mut b = vec![0xFF, 0xD8];
        // APP0 (JFIF), a DHT, then SOF2 (progressive) with height 300, width 400.
        b.extend([0xFF, 0xE0, 0x00, 0x06, b'J', b'F', b'I', b'F']);
        b.extend([0xFF, 0xC4, 0x00, 0x03, 0x00]);
        b.extend([
            0xFF, 0xFF, 0xC2, 0x00, 0x0B, 0x08, 0x01, 0x2C, 0x01, 0x90, 0x03,
        ]);
        assert_eq!(dimensions(JPEG, &b), Some((400, 300)));
        assert_eq!(dimensions(JPEG, &[0xFF, 0xD8, 0xFF, 0xD9]), None);
        assert_eq!(
            dimensions(JPEG, b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 stand-in"),
            None
        );
    }

    #[test]
    fn reads_webp() {
        let mut lossy = b"RIFF\0\0\0\0WEBPVP8 \0\0\0\0\0\0\0\x9d\x01\x2a".to_vec();
        lossy.extend(320u16.to_le_bytes());
        lossy.extend(200u16.to_le_bytes());
        assert_eq!(dimensions(WEBP, &lossy), Some((320, 200)));
        let mut lossless = b"RIFF\0\0\0\0WEBPVP8L\0\0\0\0\x2f".to_vec();
        lossless.extend((99u32 | 49 << 14).to_le_bytes());
        assert_eq!(dimensions(WEBP, &lossless), Some((100, 50)));
        let mut extended = b"RIFF\0\0\0\0WEBPVP8X\0\0\0\0\0\0\0\0".to_vec();
        extended.extend([0x0F, 0x27, 0x00, 0x0F, 0x27, 0x00]);
        assert_eq!(dimensions(WEBP, &extended), Some((10_000, 10_000)));
    }
}
