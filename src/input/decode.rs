//! Turns the bytes PowerShell wrote into text, whole or (big files) window by window: BOM
//! sniffing (UTF-8, UTF-16LE/BE), strict UTF-8, and a Windows-1252 fallback for
//! `-Encoding Default` exports, which is reported, never silent.

use std::path::Path;

use rayon::prelude::*;

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
    if let Some(nul) = memchr::memchr(0, &bytes) {
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
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            // Windows-1252 only when no character of the file is multi-byte UTF-8: a UTF-8
            // file with one bad byte would otherwise turn every accent into mojibake.
            if let Some(utf8) = first_multibyte_utf8(&bytes) {
                let (line, column) = line_and_column(&bytes, at);
                let (utf8_line, _) = line_and_column(&bytes, utf8);
                return Err(Error::Encoding {
                    path: path.to_path_buf(),
                    detail: format!(
                        "invalid UTF-8 at line {line}, column {column} (byte 0x{:02X}), in a file that is UTF-8 elsewhere (line {utf8_line}): it was damaged or concatenated from files of two encodings",
                        bytes[at]
                    ),
                });
            }
            Ok((windows_1252(&bytes), Encoding::Windows1252))
        }
    }
}

/// The offset of the first valid multi-byte UTF-8 character, if any: a lead byte followed by
/// the right number of continuation bytes, decoding to a character UTF-8 allows.
fn first_multibyte_utf8(bytes: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => {
                i += 1;
                continue;
            }
        };
        if let Some(seq) = bytes.get(i..i + len)
            && std::str::from_utf8(seq).is_ok()
        {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// 1-based line and column of an offset; the column counts characters when the line up to it
/// is UTF-8, bytes otherwise.
fn line_and_column(bytes: &[u8], at: usize) -> (u64, u64) {
    let before = &bytes[..at.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() as u64 + 1;
    let start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
    let head = &before[start..];
    let column = std::str::from_utf8(head).map_or(head.len(), |t| t.chars().count());
    (line, column as u64 + 1)
}

fn utf8(path: &Path, bytes: Vec<u8>) -> Result<String> {
    if let Some(nul) = memchr::memchr(0, &bytes) {
        return Err(Error::Encoding {
            path: path.to_path_buf(),
            detail: format!("NUL byte at line {} in UTF-8 text", line_of(&bytes, nul)),
        });
    }
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
    let mut out = Vec::with_capacity(body.len() / 2);
    for (start, piece) in decode_pieces(body, unit, 8 << 20) {
        match piece {
            Ok(bytes) => out.extend_from_slice(&bytes),
            Err((at, what)) => {
                // Lines of the pieces before, then of this one up to the fault.
                let before = out.iter().filter(|&&b| b == b'\n').count() as u64;
                let here = body[start..start + at]
                    .chunks_exact(2)
                    .filter(|c| unit([c[0], c[1]]) == u16::from(b'\n'))
                    .count() as u64;
                return Err(bad(format!("{what} at line {}", 1 + before + here)));
            }
        }
    }
    // Valid by construction: every piece was encoded from decoded scalar values.
    String::from_utf8(out).map_err(|_| bad("invalid UTF-16".into()))
}

/// A big file decoded window by window, so that neither its bytes nor its whole text are ever
/// in memory at once. Only the plain cases are handled (UTF-8, UTF-8 or UTF-16 with a BOM, no
/// NUL): anything else is `Unsupported`, and the caller reads the whole file with `decode`,
/// which knows the fallbacks and words the errors.
pub struct Windows<R> {
    file: R,
    encoding: Encoding,
    /// Bytes read and not decoded yet: an incomplete character at the end of the last read.
    raw: Vec<u8>,
    /// Decoded text not consumed yet.
    text: String,
    /// UTF-16 windows are decoded in pieces, into these buffers, kept from window to window:
    /// fresh ones each time cost more in page faults than the decoding.
    pieces: Vec<Vec<u8>>,
    /// Bytes read per window.
    window: usize,
    /// Bytes read from the file so far, BOM included.
    read: u64,
    eof: bool,
}

impl<R: std::io::Read> Windows<R> {
    pub fn new(mut file: R, window: usize) -> std::io::Result<Self> {
        // Room for a window and what a window can leave over (an incomplete character, a
        // surrogate half): one more byte and `fill` would double the buffer.
        let mut head = Vec::with_capacity(window + 8);
        let eof = read_up_to(&mut file, &mut head, 4)?;
        let (encoding, bom) = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
            (Encoding::Utf8Bom, 3)
        } else if head.starts_with(&[0xFF, 0xFE]) {
            (Encoding::Utf16Le, 2)
        } else if head.starts_with(&[0xFE, 0xFF]) {
            (Encoding::Utf16Be, 2)
        } else {
            (Encoding::Utf8, 0)
        };
        let read = head.len() as u64;
        head.drain(..bom);
        Ok(Windows {
            file,
            encoding,
            raw: head,
            text: String::new(),
            pieces: Vec::new(),
            window,
            read,
            eof,
        })
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The decoded text not consumed yet.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// True once the whole file has been decoded into `text`.
    pub fn at_end(&self) -> bool {
        self.eof && self.raw.is_empty()
    }

    /// Bytes of the file read so far.
    pub fn bytes_read(&self) -> u64 {
        self.read
    }

    /// Drops the first `n` bytes of `text`.
    pub fn consume(&mut self, n: usize) {
        self.text.drain(..n);
    }

    /// Reads and decodes the next window, appending it to `text`.
    pub fn fill(&mut self) -> std::result::Result<(), WindowError> {
        let before = self.raw.len();
        self.eof = read_up_to(&mut self.file, &mut self.raw, before + self.window)?;
        self.read += (self.raw.len() - before) as u64;
        crate::progress::advance((self.raw.len() - before) as u64);
        let keep = match self.encoding {
            Encoding::Utf16Le => self.utf16(u16::from_le_bytes)?,
            Encoding::Utf16Be => self.utf16(u16::from_be_bytes)?,
            _ => self.utf8()?,
        };
        if self.eof && keep > 0 {
            return Err(WindowError::Unsupported);
        }
        let done = self.raw.len() - keep;
        self.raw.drain(..done);
        Ok(())
    }

    /// Decodes what `raw` holds but an incomplete character at its end; returns that
    /// character's length.
    fn utf8(&mut self) -> std::result::Result<usize, WindowError> {
        if self.raw.contains(&0) {
            return Err(WindowError::Unsupported);
        }
        let valid = match std::str::from_utf8(&self.raw) {
            Ok(text) => text,
            Err(e) if e.error_len().is_none() => std::str::from_utf8(&self.raw[..e.valid_up_to()])
                .map_err(|_| WindowError::Unsupported)?,
            Err(_) => return Err(WindowError::Unsupported),
        };
        self.text.push_str(valid);
        Ok(self.raw.len() - valid.len())
    }

    fn utf16(&mut self, unit: fn([u8; 2]) -> u16) -> std::result::Result<usize, WindowError> {
        let raw = &self.raw;
        let mut keep = raw.len() % 2;
        let even = raw.len() - keep;
        // A high surrogate at the end waits for its pair in the next window.
        if even >= 2 && (0xD800..0xDC00).contains(&unit([raw[even - 2], raw[even - 1]])) {
            keep += 2;
        }
        let body = &raw[..raw.len() - keep];
        // Pieces of 1 MB: a window of 8 MB is shared out over every core.
        let cuts = utf16_cuts(body, unit, 1 << 20);
        self.pieces.resize_with(cuts.len() - 1, Vec::new);
        self.pieces
            .par_iter_mut()
            .zip(cuts.par_windows(2))
            .try_for_each(|(out, w)| decode_utf16_into(&body[w[0]..w[1]], unit, out))
            .map_err(|_| WindowError::Unsupported)?;
        for bytes in &self.pieces {
            // Valid by construction: encoded from decoded scalar values.
            let text = std::str::from_utf8(bytes).map_err(|_| WindowError::Unsupported)?;
            self.text.push_str(text);
        }
        Ok(keep)
    }
}

#[derive(Debug)]
pub enum WindowError {
    Io(std::io::Error),
    /// The file needs the whole-file reader.
    Unsupported,
}

impl From<std::io::Error> for WindowError {
    fn from(e: std::io::Error) -> Self {
        WindowError::Io(e)
    }
}

/// Reads into `buf` until it holds `to` bytes or the file ends; true at the end.
fn read_up_to(
    file: &mut impl std::io::Read,
    buf: &mut Vec<u8>,
    to: usize,
) -> std::io::Result<bool> {
    while buf.len() < to {
        let start = buf.len();
        buf.resize(to, 0);
        match file.read(&mut buf[start..]) {
            Ok(0) => {
                buf.truncate(start);
                return Ok(true);
            }
            Ok(n) => buf.truncate(start + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    }
    Ok(false)
}

/// A decoded piece of UTF-16: its UTF-8, or the byte offset of a fault in it and what it is.
type Piece = std::result::Result<Vec<u8>, (usize, String)>;

/// `body` decoded in pieces of about `piece` bytes on every core, each with its start in
/// `body`; a cut never separates a surrogate pair.
fn decode_pieces(body: &[u8], unit: fn([u8; 2]) -> u16, piece: usize) -> Vec<(usize, Piece)> {
    utf16_cuts(body, unit, piece)
        .par_windows(2)
        .map(|w| (w[0], decode_utf16_piece(&body[w[0]..w[1]], unit)))
        .collect()
}

/// Where to cut `body` into pieces of about `piece` bytes: between code units, never inside a
/// surrogate pair; the first cut is 0 and the last `body.len()`.
fn utf16_cuts(body: &[u8], unit: fn([u8; 2]) -> u16, piece: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    while body.len() - cuts[cuts.len() - 1] > piece {
        // Even, so a cut falls between two code units.
        let mut at = cuts[cuts.len() - 1] + (piece & !1);
        if (0xD800..0xDC00).contains(&unit([body[at - 2], body[at - 1]])) {
            at += 2;
        }
        cuts.push(at);
    }
    cuts.push(body.len());
    cuts
}

/// UTF-16 to UTF-8 with a fast path for ASCII (most of any export). An error is the byte
/// offset in `body` and what is wrong there.
fn decode_utf16_piece(body: &[u8], unit: fn([u8; 2]) -> u16) -> Piece {
    let mut out = Vec::with_capacity(body.len() / 2 + 16);
    decode_utf16_into(body, unit, &mut out).map(|()| out)
}

/// `decode_utf16_piece` into `out` (cleared first), so a window reader reuses its buffers.
fn decode_utf16_into(
    body: &[u8],
    unit: fn([u8; 2]) -> u16,
    out: &mut Vec<u8>,
) -> std::result::Result<(), (usize, String)> {
    out.clear();
    let little_endian = unit([1, 0]) == 1;
    let mut i = 0;
    while i + 1 < body.len() {
        // Four code units at a time while they are ASCII and not NUL, as most of any export is;
        // the per-unit loop below (a call through `unit` for each) takes the rest.
        while let Some(bytes) = body.get(i..i + 8) {
            let w = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
            // Each unit as a little-endian lane.
            let w = if little_endian {
                w
            } else {
                ((w & 0x00FF_00FF_00FF_00FF) << 8) | ((w >> 8) & 0x00FF_00FF_00FF_00FF)
            };
            const LANES: u64 = 0x0001_0001_0001_0001;
            let beyond_ascii = w & 0xFF80_FF80_FF80_FF80 != 0;
            // Set for some lane when a lane is zero (a NUL), never otherwise.
            let nul = w.wrapping_sub(LANES) & !w & (LANES << 15) != 0;
            if beyond_ascii || nul {
                break;
            }
            out.extend_from_slice(&[w as u8, (w >> 16) as u8, (w >> 32) as u8, (w >> 48) as u8]);
            i += 8;
        }
        if i + 1 >= body.len() {
            break;
        }
        let u = unit([body[i], body[i + 1]]);
        if u < 0x80 {
            if u == 0 {
                return Err((i, "NUL character in UTF-16 text".into()));
            }
            out.push(u as u8);
            i += 2;
            continue;
        }
        let c = match u {
            0xD800..=0xDBFF => {
                let low = body
                    .get(i + 2..i + 4)
                    .map(|b| unit([b[0], b[1]]))
                    .filter(|l| (0xDC00..=0xDFFF).contains(l));
                let Some(low) = low else {
                    return Err((i, format!("invalid UTF-16 (unpaired surrogate 0x{u:04X})")));
                };
                i += 2;
                let v = 0x10000 + ((u32::from(u) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                char::from_u32(v)
            }
            0xDC00..=0xDFFF => {
                return Err((i, format!("invalid UTF-16 (unpaired surrogate 0x{u:04X})")));
            }
            _ => char::from_u32(u32::from(u)),
        };
        let c = c.ok_or((i, "invalid UTF-16".to_string()))?;
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        i += 2;
    }
    Ok(())
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
    fn utf8_with_one_bad_byte_is_an_error_not_windows_1252() {
        let e = dec("Jos\u{e9}\nok\nM\u{fc}ller (x\n"
            .replace("(x", "\u{1}")
            .as_bytes())
        .map(|_| ())
        .err();
        assert!(e.is_none(), "valid UTF-8 is read as such");
        let mut bytes = "Jos\u{e9},a\nok\nM\u{fc}l".as_bytes().to_vec();
        bytes.extend_from_slice(b"\xC3\x28ler\n");
        let e = dec(&bytes).unwrap_err().to_string();
        assert!(
            e.contains("invalid UTF-8 at line 3, column 4 (byte 0xC3)"),
            "{e}"
        );
        assert!(e.contains("UTF-8 elsewhere (line 1)"), "{e}");
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

#[cfg(test)]
mod pieces {
    use super::*;

    /// Over 8 MB of UTF-16 with surrogate pairs everywhere: decoded in pieces, the same text.
    #[test]
    fn pieces_never_split_a_surrogate_pair() {
        let text: String = "a😀é\r\n".repeat(900_000);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert!(bytes.len() > 8 << 20);
        let (decoded, encoding) = decode(Path::new("t.csv"), bytes).unwrap();
        assert_eq!(encoding, Encoding::Utf16Le);
        assert!(decoded == text, "decoded text differs");

        let mut broken = vec![0xFF, 0xFE];
        broken.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        broken.extend(0xDC00u16.to_le_bytes());
        let e = decode(Path::new("t.csv"), broken).unwrap_err().to_string();
        assert!(
            e.contains("unpaired surrogate 0xDC00) at line 900001"),
            "{e}"
        );
    }

    /// What the standard library makes of `units`: the text, or the unit where it stops (a NUL
    /// or an unpaired surrogate).
    fn reference(units: &[u16]) -> std::result::Result<String, usize> {
        let mut text = String::new();
        let mut at = 0;
        for c in char::decode_utf16(units.iter().copied()) {
            match c {
                Ok('\0') | Err(_) => return Err(at),
                Ok(c) => {
                    text.push(c);
                    at += c.len_utf16();
                }
            }
        }
        Ok(text)
    }

    proptest::proptest! {
        /// The four-at-a-time ASCII path and the per-unit path agree with the standard library
        /// in both byte orders: the same text, or an error at the same unit.
        #[test]
        fn utf16_decodes_like_std(
            units in proptest::collection::vec(
                proptest::prop_oneof![
                    6 => 0x20u16..0x7F,
                    1 => proptest::strategy::Just(0u16),
                    1 => 0x80u16..0xD800,
                    1 => 0xD800u16..0xE000,
                    1 => 0xE000u16..=0xFFFF,
                ],
                0..64,
            ),
        ) {
            type Unit = fn([u8; 2]) -> u16;
            for little_endian in [true, false] {
                let (unit, bytes): (Unit, Vec<u8>) = if little_endian {
                    (u16::from_le_bytes, units.iter().flat_map(|u| u.to_le_bytes()).collect())
                } else {
                    (u16::from_be_bytes, units.iter().flat_map(|u| u.to_be_bytes()).collect())
                };
                let got = decode_utf16_piece(&bytes, unit)
                    .map(|b| String::from_utf8(b).unwrap())
                    .map_err(|(at, _)| at / 2);
                proptest::prop_assert_eq!(got, reference(&units));
            }
        }
    }
}
