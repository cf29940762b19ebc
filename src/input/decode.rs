//! Turns the bytes PowerShell wrote into text: BOM sniffing (UTF-8, UTF-16LE/BE), strict UTF-8,
//! and a Windows-1252 fallback for `-Encoding Default` exports, which is reported, never silent.

use std::path::Path;

use crate::error::{Error, Result};

/// How a file was encoded, for the run summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1252,
}

impl Encoding {
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }
}

/// Decodes a whole file. The returned text never starts with a BOM.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<(String, Encoding)> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        let mut bytes = bytes;
        bytes.drain(..3);
        return utf8(path, bytes).map(|t| (t, Encoding::Utf8Bom));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return utf16(path, &bytes[2..], u16::from_le_bytes).map(|t| (t, Encoding::Utf16Le));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return utf16(path, &bytes[2..], u16::from_be_bytes).map(|t| (t, Encoding::Utf16Be));
    }
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Encoding {
            path: path.to_path_buf(),
            detail: format!(
                "NUL byte at line {} and no byte-order mark: this is binary data or UTF-16 written without a BOM",
                line_of(&bytes, nul)
            ),
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, Encoding::Utf8)),
        Err(e) => Ok((windows_1252(e.as_bytes()), Encoding::Windows1252)),
    }
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        Error::Encoding {
            path: path.to_path_buf(),
            detail: format!(
                "the file starts with a UTF-8 byte-order mark but has invalid UTF-8 at line {}",
                line_of(e.as_bytes(), at)
            ),
        }
    })
}

fn utf16(path: &Path, body: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String> {
    let bad = |detail: String| Error::Encoding {
        path: path.to_path_buf(),
        detail,
    };
    if !body.len().is_multiple_of(2) {
        return Err(bad(
            "UTF-16 text with an odd number of bytes (the file is truncated)".into(),
        ));
    }
    let units = body.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut text = String::with_capacity(body.len() / 2);
    let mut line = 1u64;
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => {
                if c == '\n' {
                    line += 1;
                }
                text.push(c);
            }
            Err(e) => {
                return Err(bad(format!(
                    "invalid UTF-16 (unpaired surrogate 0x{:04X}) at line {line}",
                    e.unpaired_surrogate()
                )));
            }
        }
    }
    if text.contains('\0') {
        let nul = text.find('\0').unwrap_or(0);
        return Err(bad(format!(
            "NUL character at line {} in UTF-16 text",
            line_of(text.as_bytes(), nul)
        )));
    }
    Ok(text)
}

/// Windows-1252 differs from Latin-1 only in 0x80..=0x9F.
fn windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '\u{20AC}', '\u{FFFD}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}',
        '\u{2021}', '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{FFFD}',
        '\u{017D}', '\u{FFFD}', '\u{FFFD}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}',
        '\u{2022}', '\u{2013}', '\u{2014}', '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}',
        '\u{0153}', '\u{FFFD}', '\u{017E}', '\u{0178}',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

fn line_of(bytes: &[u8], offset: usize) -> u64 {
    1 + bytes[..offset.min(bytes.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(bytes: &[u8]) -> Result<(String, Encoding)> {
        decode(Path::new("t.csv"), bytes.to_vec())
    }

    #[test]
    fn boms_are_sniffed_and_stripped() {
        assert_eq!(
            dec(b"\xEF\xBB\xBFa,b").unwrap(),
            ("a,b".into(), Encoding::Utf8Bom)
        );
        assert_eq!(
            dec(b"\xFF\xFEa\0,\0b\0").unwrap(),
            ("a,b".into(), Encoding::Utf16Le)
        );
        assert_eq!(
            dec(b"\xFE\xFF\0a\0,\0b").unwrap(),
            ("a,b".into(), Encoding::Utf16Be)
        );
        assert_eq!(
            dec("Müller".as_bytes()).unwrap(),
            ("Müller".into(), Encoding::Utf8)
        );
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let (text, enc) = dec(b"M\xFCller \x80").unwrap();
        assert_eq!((text.as_str(), enc), ("Müller €", Encoding::Windows1252));
    }

    #[test]
    fn broken_encodings_are_errors_with_a_line() {
        let e = dec(b"a\nb\0c").unwrap_err().to_string();
        assert!(e.contains("NUL byte at line 2"), "{e}");
        let e = dec(b"\xFF\xFEa\0\n\0\x00\xD8b\0").unwrap_err().to_string();
        assert!(e.contains("unpaired surrogate 0xD800) at line 2"), "{e}");
        let e = dec(b"\xFF\xFEa").unwrap_err().to_string();
        assert!(e.contains("odd number of bytes"), "{e}");
        let e = dec(b"\xEF\xBB\xBFok\n\xFF").unwrap_err().to_string();
        assert!(e.contains("invalid UTF-8 at line 2"), "{e}");
    }
}
