//! Images as uploads carry them: the format judged by the file's own magic
//! bytes, never by its name or claimed `Content-Type`; the dimensions read
//! from the format's header (PNG `IHDR`, JPEG start-of-frame, WebP
//! `VP8 `/`VP8L`/`VP8X`), so a renamed text file or a decompression bomb is
//! refused before a byte is stored; and the metadata a camera writes (EXIF,
//! with the place a photo was taken, and XMP) removed without decoding the
//! picture. Used by station photos and appeal photos alike.

/// The image formats browsers show everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
    Webp,
}

impl PhotoFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            PhotoFormat::Jpeg => "image/jpeg",
            PhotoFormat::Png => "image/png",
            PhotoFormat::Webp => "image/webp",
        }
    }

    pub fn from_content_type(value: &str) -> Option<Self> {
        match value {
            "image/jpeg" => Some(PhotoFormat::Jpeg),
            "image/png" => Some(PhotoFormat::Png),
            "image/webp" => Some(PhotoFormat::Webp),
            _ => None,
        }
    }

    /// Recognises the format by its magic bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(PhotoFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(PhotoFormat::Jpeg)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(PhotoFormat::Webp)
        } else {
            None
        }
    }
}

/// Width and height from the header of a sniffed image; `None` if it is cut short or malformed.
pub fn dimensions(format: PhotoFormat, bytes: &[u8]) -> Option<(u32, u32)> {
    match format {
        PhotoFormat::Png => png_dimensions(bytes),
        PhotoFormat::Jpeg => jpeg_dimensions(bytes),
        PhotoFormat::Webp => webp_dimensions(bytes),
    }
}

fn be32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

fn be16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?)))
}

fn le16(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from(u16::from_le_bytes(bytes.get(at..at + 2)?.try_into().ok()?)))
}

fn le24(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at + 3)?;
    Some(u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16)
}

/// The first chunk must be `IHDR` (13 bytes: width, height, ...).
fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    if be32(bytes, 8)? != 13 || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    Some((be32(bytes, 16)?, be32(bytes, 20)?))
}

/// Walks the segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG, DAC).
fn jpeg_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            // Fill bytes before a marker.
            0xFF => at += 1,
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => at += 2,
            // End of image or start of scan before any frame header.
            0xD9 | 0xDA => return None,
            0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                // Length, precision, height, width.
                let (height, width) = (be16(bytes, at + 5)?, be16(bytes, at + 7)?);
                return Some((width, height));
            }
            _ => {
                let length = be16(bytes, at + 2)? as usize;
                if length < 2 {
                    return None;
                }
                at += 2 + length;
            }
        }
    }
}

/// Lossy (`VP8 `), lossless (`VP8L`) or extended (`VP8X`) WebP.
fn webp_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    match bytes.get(12..16)? {
        b"VP8 " => {
            // Frame tag (3 bytes), then the key frame start code.
            if bytes.get(23..26)? != [0x9D, 0x01, 0x2A] {
                return None;
            }
            Some((le16(bytes, 26)? & 0x3FFF, le16(bytes, 28)? & 0x3FFF))
        }
        b"VP8L" => {
            if *bytes.get(20)? != 0x2F {
                return None;
            }
            let b = bytes.get(21..25)?;
            let bits = u32::from_le_bytes(b.try_into().ok()?);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1))
        }
        b"VP8X" => Some((le24(bytes, 24)? + 1, le24(bytes, 27)? + 1)),
        _ => None,
    }
}

/// The image without its EXIF and XMP metadata (where it was taken, the
/// camera, the owner): JPEG `APP1` segments, PNG `eXIf` chunks and XMP
/// `iTXt`, WebP `EXIF` and `XMP ` chunks (and their flags in `VP8X`). The
/// picture's own bytes are untouched; `None` if the file is cut short.
pub fn strip_metadata(format: PhotoFormat, bytes: &[u8]) -> Option<Vec<u8>> {
    match format {
        PhotoFormat::Jpeg => strip_jpeg(bytes),
        PhotoFormat::Png => strip_png(bytes),
        PhotoFormat::Webp => strip_webp(bytes),
    }
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = bytes.get(..2)?.to_vec();
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        match marker {
            0xFF => {
                at += 1;
            }
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                at += 2;
            }
            0xD9 => {
                out.extend_from_slice(&bytes[at..at + 2]);
                return Some(out);
            }
            // Start of scan: the compressed picture and everything after it stay as they are.
            0xDA => {
                out.extend_from_slice(&bytes[at..]);
                return Some(out);
            }
            _ => {
                let length = be16(bytes, at + 2)? as usize;
                if length < 2 {
                    return None;
                }
                let segment = bytes.get(at..at + 2 + length)?;
                // APP1 holds EXIF and XMP.
                if marker != 0xE1 {
                    out.extend_from_slice(segment);
                }
                at += 2 + length;
            }
        }
    }
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = bytes.get(..8)?.to_vec();
    let mut at = 8;
    while at < bytes.len() {
        let length = be32(bytes, at)? as usize;
        let kind = bytes.get(at + 4..at + 8)?;
        let chunk = bytes.get(at..at + 12 + length)?;
        let is_xmp = kind == b"iTXt" && bytes.get(at + 8..at + 8 + 17).is_some_and(|k| k == b"XML:com.adobe.xmp");
        if kind != b"eXIf" && !is_xmp {
            out.extend_from_slice(chunk);
        }
        at += 12 + length;
        if kind == b"IEND" {
            break;
        }
    }
    Some(out)
}

fn strip_webp(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..12)? != b"WEBP" {
        return None;
    }
    let mut body = Vec::with_capacity(bytes.len());
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let kind = &bytes[at..at + 4];
        let size = u32::from_le_bytes(bytes.get(at + 4..at + 8)?.try_into().ok()?) as usize;
        let padded = size + (size & 1);
        let chunk = bytes.get(at..(at + 8 + padded).min(bytes.len()))?;
        if kind == b"VP8X" {
            let mut chunk = chunk.to_vec();
            // Flags: bit 3 EXIF, bit 2 XMP.
            if let Some(flags) = chunk.get_mut(8) {
                *flags &= !0b0000_1100;
            }
            body.extend_from_slice(&chunk);
        } else if kind != b"EXIF" && kind != b"XMP " {
            body.extend_from_slice(chunk);
        }
        at += 8 + padded;
    }
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&u32::try_from(4 + body.len()).ok()?.to_le_bytes());
    out.extend_from_slice(b"WEBP");
    out.extend_from_slice(&body);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        let exif = b"Exif\0\0GPS 29.5575N 106.5769E";
        bytes.extend_from_slice(&[0xFF, 0xE1]);
        bytes.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        bytes.extend_from_slice(exif);
        bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80]);
        bytes.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        bytes.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn a_jpegs_exif_goes_and_the_picture_stays() {
        let original = jpeg_with_exif();
        let stripped = strip_metadata(PhotoFormat::Jpeg, &original).unwrap();
        assert!(!stripped.windows(4).any(|w| w == b"Exif"), "the EXIF segment is gone");
        assert!(!stripped.windows(3).any(|w| w == b"GPS"));
        assert_eq!(dimensions(PhotoFormat::Jpeg, &stripped), Some((640, 480)));
        assert!(stripped.ends_with(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34, 0xFF, 0xD9]), "the scan is untouched");
        assert_eq!(strip_metadata(PhotoFormat::Jpeg, &stripped).unwrap(), stripped, "stripping twice changes nothing");
    }

    #[test]
    fn a_pngs_exif_chunk_goes() {
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut c = (data.len() as u32).to_be_bytes().to_vec();
            c.extend_from_slice(kind);
            c.extend_from_slice(data);
            c.extend_from_slice(&[0, 0, 0, 0]);
            c
        };
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = 640u32.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&480u32.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
        png.extend(chunk(b"IHDR", &ihdr));
        png.extend(chunk(b"eXIf", b"MM\0*GPS"));
        png.extend(chunk(b"IDAT", b"pixels"));
        png.extend(chunk(b"IEND", b""));
        let stripped = strip_metadata(PhotoFormat::Png, &png).unwrap();
        assert!(!stripped.windows(4).any(|w| w == b"eXIf"));
        assert!(stripped.windows(6).any(|w| w == b"pixels"));
        assert_eq!(dimensions(PhotoFormat::Png, &stripped), Some((640, 480)));
    }

    #[test]
    fn a_webps_exif_chunk_and_flag_go() {
        let mut body = b"VP8X".to_vec();
        body.extend_from_slice(&10u32.to_le_bytes());
        body.extend_from_slice(&[0b0000_1000, 0, 0, 0, 0x7F, 0x02, 0x00, 0xDF, 0x01, 0x00]);
        body.extend_from_slice(b"EXIF");
        body.extend_from_slice(&3u32.to_le_bytes());
        body.extend_from_slice(b"GPS\0");
        let mut webp = b"RIFF".to_vec();
        webp.extend_from_slice(&((4 + body.len()) as u32).to_le_bytes());
        webp.extend_from_slice(b"WEBP");
        webp.extend_from_slice(&body);
        let stripped = strip_metadata(PhotoFormat::Webp, &webp).unwrap();
        assert!(!stripped.windows(4).any(|w| w == b"EXIF"));
        assert_eq!(stripped[20] & 0b1000, 0, "the EXIF flag is cleared");
        assert_eq!(dimensions(PhotoFormat::Webp, &stripped), Some((640, 480)));
    }

    #[test]
    fn a_cut_file_is_refused_not_guessed() {
        let original = jpeg_with_exif();
        assert_eq!(strip_metadata(PhotoFormat::Jpeg, &original[..20]), None);
    }
}
