//! Station photos: what an upload must be before it is stored.
//!
//! The format is judged by the file's own magic bytes, never by the name or the
//! `Content-Type` a client claims, and the dimensions come from the format's
//! header (PNG `IHDR`, JPEG start-of-frame, WebP `VP8 `/`VP8L`/`VP8X`), so a
//! text file renamed `.png` or a decompression bomb is refused before a byte is
//! written. Nothing is decoded: the header is all the server needs.

use sha2::{Digest, Sha256};

use super::reservation::checked_text;
pub use crate::kit::image::{dimensions, PhotoFormat};
use crate::Invalid;

/// At most 2 MiB per photo.
pub const PHOTO_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Smaller than this is an icon, not a photo of a station.
pub const PHOTO_MIN_SIDE: u32 = 64;
/// Larger than this is refused before anyone decodes it.
pub const PHOTO_MAX_SIDE: u32 = 8000;
/// Live photos per station.
pub const PHOTOS_PER_STATION: i64 = 9;
pub const CAPTION_MAX_CHARS: usize = 100;

/// An upload that passed every check: its format, size and digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhotoUpload {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
    /// Lower-case hex SHA-256 of the bytes: the strong `ETag`.
    pub sha256: String,
    pub caption: String,
    pub bytes: Vec<u8>,
}

impl PhotoUpload {
    /// Checks an upload: size, format by magic bytes, dimensions from the header, caption.
    pub fn new(bytes: Vec<u8>, caption: &str) -> Result<Self, Invalid> {
        if bytes.is_empty() {
            return Err(Invalid::field("photo", "photo_missing"));
        }
        if bytes.len() > PHOTO_MAX_BYTES {
            return Err(Invalid::field("photo", "photo_too_large"));
        }
        let format = PhotoFormat::sniff(&bytes).ok_or(Invalid::field("photo", "photo_unsupported_format"))?;
        let (width, height) = dimensions(format, &bytes).ok_or(Invalid::field("photo", "photo_unreadable"))?;
        check_dimensions(width, height)?;
        let caption = photo_caption(caption)?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Self { format, width, height, sha256, caption, bytes })
    }
}

/// Between 64×64 and 8000×8000.
pub fn check_dimensions(width: u32, height: u32) -> Result<(), Invalid> {
    if width < PHOTO_MIN_SIDE || height < PHOTO_MIN_SIDE {
        return Err(Invalid::field("photo", "photo_too_small"));
    }
    if width > PHOTO_MAX_SIDE || height > PHOTO_MAX_SIDE {
        return Err(Invalid::field("photo", "photo_too_big"));
    }
    Ok(())
}

/// Up to 100 characters, may be empty.
pub fn photo_caption(caption: &str) -> Result<String, Invalid> {
    checked_text(caption, "caption", CAPTION_MAX_CHARS, false).map_err(|e| match e.code {
        "text_too_long" => Invalid::field("caption", "caption_too_long"),
        _ => Invalid::field("caption", "invalid_value"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A PNG signature and `IHDR` chunk: enough for the header checks.
    fn png_header(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
        bytes.extend_from_slice(&13u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    fn jpeg_header(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        // An APP0 (JFIF) segment to skip, then SOF2 (progressive).
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        bytes.extend_from_slice(&[0xFF, 0xC2, 0x00, 0x11, 0x08]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xFF, 0xD9]);
        bytes
    }

    fn webp(chunk: &[u8; 4], payload: &[u8]) -> Vec<u8> {
        let mut bytes = b"RIFF".to_vec();
        bytes.extend_from_slice(&(4 + 8 + payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(b"WEBP");
        bytes.extend_from_slice(chunk);
        bytes.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        bytes.extend_from_slice(payload);
        bytes
    }

    #[test]
    fn a_png_is_recognised_with_its_size() {
        let upload = PhotoUpload::new(png_header(640, 480), " 门口 ").unwrap();
        assert_eq!((upload.format, upload.width, upload.height), (PhotoFormat::Png, 640, 480));
        assert_eq!(upload.caption, "门口");
        assert_eq!(upload.sha256.len(), 64);
    }

    #[test]
    fn a_jpeg_is_measured_at_its_frame_header_past_other_segments() {
        let upload = PhotoUpload::new(jpeg_header(1024, 768), "").unwrap();
        assert_eq!((upload.format, upload.width, upload.height), (PhotoFormat::Jpeg, 1024, 768));
    }

    #[test]
    fn the_three_kinds_of_webp_are_measured() {
        let lossy = webp(b"VP8 ", &[0x30, 0x01, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0xE0, 0x01]);
        assert_eq!(dimensions(PhotoFormat::Webp, &lossy), Some((640, 480)));
        // 100×200: (w-1) in 14 bits, (h-1) in the next 14.
        let bits: u32 = 99 | (199 << 14);
        let mut payload = vec![0x2F];
        payload.extend_from_slice(&bits.to_le_bytes());
        let lossless = webp(b"VP8L", &payload);
        assert_eq!(dimensions(PhotoFormat::Webp, &lossless), Some((100, 200)));
        let extended = webp(b"VP8X", &[0, 0, 0, 0, 0x1F, 0x03, 0x00, 0xDF, 0x01, 0x00]);
        assert_eq!(dimensions(PhotoFormat::Webp, &extended), Some((800, 480)));
        assert_eq!(PhotoFormat::sniff(&extended), Some(PhotoFormat::Webp));
    }

    #[test]
    fn a_text_file_named_png_is_not_an_image() {
        let error = PhotoUpload::new(b"hello, this is not a picture at all".to_vec(), "").unwrap_err();
        assert_eq!(error.code, "photo_unsupported_format");
        // Other image formats browsers do not all show are refused too.
        assert_eq!(PhotoUpload::new(b"GIF89a\x40\x00\x40\x00".to_vec(), "").unwrap_err().code, "photo_unsupported_format");
    }

    #[test]
    fn a_header_cut_short_is_unreadable() {
        let png = png_header(640, 480);
        assert_eq!(PhotoUpload::new(png[..20].to_vec(), "").unwrap_err().code, "photo_unreadable");
        let jpeg = jpeg_header(640, 480);
        assert_eq!(PhotoUpload::new(jpeg[..12].to_vec(), "").unwrap_err().code, "photo_unreadable");
    }

    #[test]
    fn sizes_and_dimensions_have_limits() {
        assert_eq!(PhotoUpload::new(Vec::new(), "").unwrap_err().code, "photo_missing");
        let mut big = png_header(640, 480);
        big.resize(PHOTO_MAX_BYTES + 1, 0);
        assert_eq!(PhotoUpload::new(big, "").unwrap_err().code, "photo_too_large");
        let mut just_fits = png_header(640, 480);
        just_fits.resize(PHOTO_MAX_BYTES, 0);
        assert!(PhotoUpload::new(just_fits, "").is_ok());
        assert_eq!(PhotoUpload::new(png_header(63, 480), "").unwrap_err().code, "photo_too_small");
        assert_eq!(PhotoUpload::new(png_header(8001, 480), "").unwrap_err().code, "photo_too_big");
        assert!(PhotoUpload::new(png_header(64, 8000), "").is_ok());
    }

    #[test]
    fn captions_are_short_single_lines_of_text() {
        assert!(photo_caption(&"站".repeat(100)).is_ok());
        assert_eq!(photo_caption(&"站".repeat(101)).unwrap_err().code, "caption_too_long");
        assert_eq!(photo_caption("a\u{7}b").unwrap_err().code, "invalid_value");
    }

    proptest! {
        #[test]
        fn png_dimensions_are_accepted_exactly_within_the_limits(w in 0u32..10_000, h in 0u32..10_000) {
            let within = (PHOTO_MIN_SIDE..=PHOTO_MAX_SIDE).contains(&w) && (PHOTO_MIN_SIDE..=PHOTO_MAX_SIDE).contains(&h);
            let result = PhotoUpload::new(png_header(w, h), "");
            prop_assert_eq!(result.is_ok(), within);
            if let Ok(upload) = result {
                prop_assert_eq!((upload.width, upload.height), (w, h));
            }
        }

        #[test]
        fn jpeg_dimensions_round_trip(w in 1u16.., h in 1u16..) {
            prop_assert_eq!(dimensions(PhotoFormat::Jpeg, &jpeg_header(w, h)), Some((u32::from(w), u32::from(h))));
        }

        #[test]
        fn arbitrary_bytes_never_panic_and_never_pass_unless_they_sniff(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let sniffed = PhotoFormat::sniff(&bytes);
            if let Ok(upload) = PhotoUpload::new(bytes, "") {
                prop_assert_eq!(Some(upload.format), sniffed);
            }
        }
    }
}
