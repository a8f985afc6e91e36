//! A photo a worker adds to an appeal (the towed bike, the unpaid wage slip):
//! checked by its content as station photos are, and stripped of its EXIF
//! and XMP metadata — where it was taken, the phone, its owner — unless the
//! worker chose to keep it.

use sha2::{Digest, Sha256};

use crate::kit::image::{dimensions, strip_metadata, PhotoFormat};
use crate::Invalid;

/// At most 8 MiB: a phone's photo, not a video.
pub const APPEAL_PHOTO_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Photos per appeal.
pub const PHOTOS_PER_APPEAL: i64 = 6;
const MIN_SIDE: u32 = 64;
const MAX_SIDE: u32 = 12_000;

/// A photo that passed every check, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealPhoto {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
    /// Lower-case hex SHA-256 of the stored bytes.
    pub sha256: String,
    /// Whether the metadata (and the place in it) was kept, at the worker's choice.
    pub kept_metadata: bool,
    pub bytes: Vec<u8>,
}

impl AppealPhoto {
    pub fn new(bytes: Vec<u8>, keep_metadata: bool) -> Result<Self, Invalid> {
        if bytes.is_empty() {
            return Err(Invalid::field("photo", "photo_missing"));
        }
        if bytes.len() > APPEAL_PHOTO_MAX_BYTES {
            return Err(Invalid::field("photo", "appeal_photo_too_large"));
        }
        let format = PhotoFormat::sniff(&bytes).ok_or(Invalid::field("photo", "photo_unsupported_format"))?;
        let (width, height) = dimensions(format, &bytes).ok_or(Invalid::field("photo", "photo_unreadable"))?;
        if width < MIN_SIDE || height < MIN_SIDE {
            return Err(Invalid::field("photo", "photo_too_small"));
        }
        if width > MAX_SIDE || height > MAX_SIDE {
            return Err(Invalid::field("photo", "appeal_photo_too_big"));
        }
        let bytes = if keep_metadata {
            bytes
        } else {
            strip_metadata(format, &bytes).ok_or(Invalid::field("photo", "photo_unreadable"))?
        };
        let sha256 = hex::encode(Sha256::digest(&bytes));
        Ok(Self { format, width, height, sha256, kept_metadata: keep_metadata, bytes })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(exif: &[u8]) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE1];
        bytes.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        bytes.extend_from_slice(exif);
        bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x03, 0x00, 0x04, 0x00]);
        bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x00, 0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn the_place_in_a_photo_is_removed_unless_the_worker_keeps_it() {
        let exif = b"Exif\0\0GPSLatitude 29.5575";
        let stripped = AppealPhoto::new(jpeg(exif), false).unwrap();
        assert!(!stripped.bytes.windows(3).any(|w| w == b"GPS"));
        assert_eq!((stripped.width, stripped.height), (1024, 768));
        let kept = AppealPhoto::new(jpeg(exif), true).unwrap();
        assert!(kept.bytes.windows(3).any(|w| w == b"GPS") && kept.kept_metadata);
    }

    #[test]
    fn bad_photos_are_refused_with_a_code() {
        assert_eq!(AppealPhoto::new(Vec::new(), false).unwrap_err().code, "photo_missing");
        assert_eq!(AppealPhoto::new(b"hello, not an image".to_vec(), false).unwrap_err().code, "photo_unsupported_format");
        let mut huge = jpeg(b"Exif\0\0");
        huge.resize(20 * 1024 * 1024, 0);
        assert_eq!(AppealPhoto::new(huge, false).unwrap_err().code, "appeal_photo_too_large");
    }
}
