//! The rows of the workbook's big sheets, written as SpreadsheetML directly and spliced into the
//! package rust_xlsxwriter made: its per-cell bookkeeping (several allocations and a B-tree
//! insert per cell) was most of a run's time at a million rows. Every value is an inline
//! string or a number, escaped here exactly as rust_xlsxwriter escapes it.

use std::fmt::Write as _;
use std::io::{Read, Seek, Write};
use std::sync::Mutex;

use rayon::prelude::*;

/// One cell of a generated row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    Empty,
    Text(&'a str),
    Number(f64),
    /// A formula with its cached result (a string).
    Formula(&'a str, &'a str),
}

/// Column letters, A to ZZ: the detail sheets are far narrower.
fn column(c: usize) -> String {
    let letter = |i: usize| char::from(b'A' + i as u8);
    if c < 26 {
        letter(c).to_string()
    } else {
        format!("{}{}", letter(c / 26 - 1), letter(c % 26))
    }
}

/// Text as it goes between `<t>` tags: XML's three specials escaped, control characters and
/// the two non-characters written as Excel's `_xHHHH_`, and a literal `_xHHHH_` guarded with
/// `_x005F_` so Excel does not decode it.
pub fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // Most values need nothing: copy runs of plain bytes whole. A byte that may need work is an
    // XML special, a control character, `_`, or the first byte of U+FFFE/U+FFFF; a table
    // answers for each byte in one look-up (every cell of the big sheets is scanned).
    const SPECIAL: [bool; 256] = {
        let mut set = [false; 256];
        let mut b = 0;
        while b < 256 {
            set[b] = matches!(b as u8, b'&' | b'<' | b'>' | b'_' | 0..=0x1F | 0xEF);
            b += 1;
        }
        set
    };
    let special = |b: &u8| SPECIAL[usize::from(*b)];
    let mut i = 0;
    while i < bytes.len() {
        let Some(n) = bytes[i..].iter().position(special) else {
            out.push_str(&s[i..]);
            return;
        };
        out.push_str(&s[i..i + n]);
        i += n;
        // `i` is at a character boundary: every special byte is ASCII or a lead byte.
        let c = s[i..].chars().next().unwrap_or_default();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "_x{:04X}_", c as u32);
            }
            '_' if is_escape_code(&bytes[i..]) => out.push_str("_x005F_"),
            c => out.push(c),
        }
        i += c.len_utf8();
    }
}

/// Text at the start of `b` that Excel would decode as an escape code once written: `_xHHHH_`,
/// or `_xHHHH` followed by a character this writer itself escapes to `_x...` (`_x0041` then
/// a carriage return would become `_x0041_x000D_`).
fn is_escape_code(b: &[u8]) -> bool {
    b.len() >= 7
        && b[1] == b'x'
        && b[2..6].iter().all(u8::is_ascii_hexdigit)
        && (b[6] == b'_'
            || (b[6] < 0x20 && b[6] != b'\t' && b[6] != b'\n')
            || b[6..].starts_with(&[0xEF, 0xBF, 0xBE])
            || b[6..].starts_with(&[0xEF, 0xBF, 0xBF]))
}

/// Appends row `r` (1-based) with `cells`; `styles[c]` is the style index of column `c`.
pub fn row(out: &mut String, r: u32, cells: &[Cell<'_>], styles: &[Option<u32>]) {
    let mut digits = [0u8; 10];
    let r_text = decimal(r, &mut digits);
    out.push_str("<row r=\"");
    out.push_str(r_text);
    out.push_str("\">");
    for (c, cell) in cells.iter().enumerate() {
        let style = styles.get(c).copied().flatten();
        let open = |out: &mut String, kind: &str| {
            out.push_str("<c r=\"");
            out.push_str(COLUMNS[c]);
            out.push_str(r_text);
            out.push('"');
            if let Some(s) = style {
                let mut digits = [0u8; 10];
                out.push_str(" s=\"");
                out.push_str(decimal(s, &mut digits));
                out.push('"');
            }
            out.push_str(kind);
        };
        match *cell {
            Cell::Empty => {}
            Cell::Text(t) => {
                open(out, " t=\"inlineStr\"><is><t");
                let edge = |c: Option<char>| c.is_some_and(char::is_whitespace);
                if edge(t.chars().next()) || edge(t.chars().next_back()) {
                    out.push_str(" xml:space=\"preserve\"");
                }
                out.push('>');
                escape_into(out, t);
                out.push_str("</t></is></c>");
            }
            Cell::Number(n) => {
                open(out, ">");
                let _ = write!(out, "<v>{n}</v></c>");
            }
            Cell::Formula(f, result) => {
                open(out, " t=\"str\"><f>");
                escape_into(out, f);
                out.push_str("</f><v>");
                escape_into(out, result);
                out.push_str("</v></c>");
            }
        }
    }
    out.push_str("</row>");
}

/// `n` in decimal, written into `buf` (no formatting machinery: this runs for every cell).
fn decimal(mut n: u32, buf: &mut [u8; 10]) -> &str {
    let mut at = buf.len();
    loop {
        at -= 1;
        buf[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[at..]).unwrap_or("0")
}

const COLUMNS: [&str; 16] = [
    "A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M", "N", "O", "P",
];

/// A sheet whose data rows are generated: the package's sheet file holds a probe row at row 2
/// (cells styled as each column must be), which is replaced.
pub struct Splice<'f> {
    /// `xl/worksheets/sheetN.xml`.
    pub file: String,
    pub rows: usize,
    pub columns: usize,
    /// The sheet's Excel table, made over the header and the probe row only (rust_xlsxwriter
    /// books every cell of a table in a hash map): it is widened to the rows here.
    pub table: Option<String>,
    pub fill: Box<Fill<'f>>,
}

/// Appends the XML of data rows `range` (0-based) with the probed styles, one per column.
pub type Fill<'f> = dyn Fn(std::ops::Range<usize>, &[Option<u32>], &mut String) + Sync + 'f;

/// Rows generated per task; a window of tasks is generated in parallel, then compressed.
const ROWS_PER_TASK: usize = 2_048;

/// Copies the package `book` to `out`, replacing each splice's probe row by its generated rows
/// and widening its table. The sheets are generated and compressed at the same time, each on
/// its own (deflate is single-threaded); every other part is copied as compressed, byte for byte.
/// Each sheet goes out as soon as it and every part before it are done: written all at the end,
/// the 680 MB of a 1,000,000-mailbox workbook took one core 2.5 s after the others were idle.
pub fn splice(
    book: &[u8],
    splices: &[Splice<'_>],
    level: i64,
    out: impl Write + Seek + Send,
) -> std::io::Result<()> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(book)).map_err(zip_err)?;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(level))
        .unix_permissions(0o600)
        .last_modified_time(zip::DateTime::default());
    let mut sheets = Vec::with_capacity(splices.len());
    for s in splices {
        let mut xml = String::new();
        zin.by_name(&s.file)
            .map_err(zip_err)?
            .read_to_string(&mut xml)?;
        sheets.push(xml);
    }
    let done: Mutex<Vec<Option<Prepared>>> = Mutex::new((0..splices.len()).map(|_| None).collect());
    let package = Mutex::new(Package {
        zin,
        zout: zip::ZipWriter::new(Fuse {
            inner: out,
            failed: false,
        }),
        next: 0,
        error: None,
    });
    // `par_bridge` hands the sheets out in order, so they tend to be done in order.
    splices
        .iter()
        .zip(&sheets)
        .enumerate()
        .par_bridge()
        .for_each(|(k, (s, xml))| {
            let file = sheet(s, xml, options);
            lock(&done)[k] = Some(file);
            // Whoever finishes writes what is ready, unless another thread is writing: that
            // one finds this sheet when it looks again, or the last `advance` below does.
            while let Ok(mut writing) = package.try_lock() {
                let waiting = writing.advance(splices, &done, options);
                drop(writing);
                if waiting.is_none_or(|k| lock(&done)[k].is_none()) {
                    break;
                }
            }
        });
    let mut package = package
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    // Every sheet is done now, so this reaches the end of the package (or an error).
    let waiting = package.advance(splices, &done, options);
    if let Some(e) = package.error {
        return Err(e);
    }
    if let Some(k) = waiting {
        // Not reached: a package missing a sheet must not look complete.
        let name = &splices[k].file;
        return Err(std::io::Error::other(format!(
            "{name}: the sheet was never made"
        )));
    }
    package.zout.finish().map_err(zip_err)?;
    Ok(())
}

type Prepared = std::io::Result<zip::write::PreparedZipFile>;

/// The package's output: after its first error it takes and discards everything. The zip
/// writer, dropped after a failure (a full disk), tries to finish the archive and prints
/// "ZipWriter::drop: failed to finalize archive" to stderr beside the real error; this way its
/// last attempt succeeds into nothing. The half-written file is thrown away with the staging.
struct Fuse<W> {
    inner: W,
    failed: bool,
}

impl<W: Write> Write for Fuse<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.failed {
            return Ok(buf.len());
        }
        self.inner.write(buf).inspect_err(|_| self.failed = true)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed {
            return Ok(());
        }
        self.inner.flush().inspect_err(|_| self.failed = true)
    }
}

impl<W: Seek> Seek for Fuse<W> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        if self.failed {
            return Ok(0);
        }
        self.inner.seek(pos).inspect_err(|_| self.failed = true)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The package being copied: the parts of `zin` before `next` are in `zout`.
struct Package<'b, W: Write + Seek> {
    zin: zip::ZipArchive<std::io::Cursor<&'b [u8]>>,
    zout: zip::ZipWriter<W>,
    next: usize,
    error: Option<std::io::Error>,
}

impl<W: Write + Seek> Package<'_, W> {
    /// Writes parts in order until one is a sheet not done yet, whose splice it returns, or
    /// until the end or the first error (kept in `error`).
    fn advance(
        &mut self,
        splices: &[Splice<'_>],
        done: &Mutex<Vec<Option<Prepared>>>,
        options: zip::write::SimpleFileOptions,
    ) -> Option<usize> {
        while self.error.is_none() && self.next < self.zin.len() {
            match self.part(splices, done, options) {
                Ok(None) => self.next += 1,
                Ok(Some(k)) => return Some(k),
                Err(e) => self.error = Some(e),
            }
        }
        None
    }

    /// Writes part `next`, or returns the splice it waits for.
    fn part(
        &mut self,
        splices: &[Splice<'_>],
        done: &Mutex<Vec<Option<Prepared>>>,
        options: zip::write::SimpleFileOptions,
    ) -> std::io::Result<Option<usize>> {
        let mut entry = self.zin.by_index(self.next).map_err(zip_err)?;
        let name = entry.name().map_err(zip_err)?.to_string();
        if let Some(k) = splices.iter().position(|s| s.file == name) {
            let Some(file) = lock(done)[k].take() else {
                return Ok(Some(k));
            };
            self.zout.add_prepared_file(file?).map_err(zip_err)?;
            return Ok(None);
        }
        if !name.starts_with("xl/tables/") {
            self.zout.raw_copy_file(entry).map_err(zip_err)?;
            return Ok(None);
        }
        let mut xml = String::new();
        entry.read_to_string(&mut xml)?;
        for s in splices {
            if let Some(table) = &s.table {
                xml = widen_table(&xml, table, s.columns, s.rows);
            }
        }
        self.zout
            .start_file(name.as_str(), options)
            .map_err(zip_err)?;
        self.zout.write_all(xml.as_bytes())?;
        Ok(None)
    }
}

/// One sheet with its rows, compressed.
fn sheet(
    s: &Splice<'_>,
    xml: &str,
    options: zip::write::SimpleFileOptions,
) -> std::io::Result<zip::write::PreparedZipFile> {
    let name = &s.file;
    let (head, probe, tail) = cut(xml)
        .ok_or_else(|| std::io::Error::other(format!("{name}: no probe row to replace")))?;
    let styles = probe_styles(probe, s.columns);
    let mut zout = zip::write::ZipFileBuilder::new(name, options).map_err(zip_err)?;
    let last = format!("{}{}", column(s.columns - 1), s.rows + 1);
    zout.write_all(with_dimension(head, &last).as_bytes())?;
    let tasks: Vec<std::ops::Range<usize>> = (0..s.rows)
        .step_by(ROWS_PER_TASK)
        .map(|a| a..(a + ROWS_PER_TASK).min(s.rows))
        .collect();
    // A bounded window keeps memory flat however long the sheet is; its buffers are reused
    // (fresh multi-megabyte buffers each time cost more in page faults than the XML).
    let width = rayon::current_num_threads().max(1) * 2;
    let mut parts: Vec<String> = vec![String::new(); width];
    for window in tasks.chunks(width) {
        parts.par_iter_mut().zip(window).for_each(|(part, range)| {
            part.clear();
            (s.fill)(range.clone(), &styles, part);
        });
        for part in &parts[..window.len()] {
            zout.write_all(part.as_bytes())?;
        }
    }
    zout.write_all(tail.as_bytes())?;
    zout.finish().map_err(zip_err)
}

/// A table part with the ref of table `name` (made over the header and one row) stretched to
/// `rows` data rows. Other tables' parts come back as they are.
fn widen_table(xml: &str, name: &str, columns: usize, rows: usize) -> String {
    // The `<table>` element's own name, not a column's (`<tableColumn name=...>`).
    let table_tag = xml
        .find("<table ")
        .and_then(|at| xml[at..].find('>').map(|end| &xml[at..at + end]));
    if !table_tag.is_some_and(|tag| tag.contains(&format!(" name=\"{name}\""))) {
        return xml.to_string();
    }
    let last = column(columns - 1);
    xml.replace(
        &format!("ref=\"A1:{last}2\""),
        &format!("ref=\"A1:{last}{}\"", rows + 1),
    )
}

fn zip_err(e: zip::result::ZipError) -> std::io::Error {
    match e {
        zip::result::ZipError::Io(e) => e,
        e => std::io::Error::other(e.to_string()),
    }
}

/// Splits a sheet's XML around its probe row (`<row r="2"` ... `</row>`).
fn cut(xml: &str) -> Option<(&str, &str, &str)> {
    let start = xml.find("<row r=\"2\"")?;
    let end = start + xml[start..].find("</row>")? + "</row>".len();
    Some((&xml[..start], &xml[start..end], &xml[end..]))
}

/// The `s` attribute of each probe cell, by column.
fn probe_styles(probe: &str, columns: usize) -> Vec<Option<u32>> {
    let mut styles = vec![None; columns];
    for cell in probe.split("<c ").skip(1) {
        let attrs = cell.split('>').next().unwrap_or("");
        let attr = |name: &str| {
            attrs
                .split_whitespace()
                .find_map(|a| a.strip_prefix(name))
                .map(|v| v.trim_matches(|c| c == '"' || c == '/'))
        };
        let (Some(r), Some(s)) = (attr("r="), attr("s=")) else {
            continue;
        };
        let letters: String = r.chars().take_while(char::is_ascii_uppercase).collect();
        if let Some(c) = (0..columns).find(|&c| column(c) == letters) {
            styles[c] = s.parse().ok();
        }
    }
    styles
}

/// The head with its `<dimension ref="...">` set to `A1:<last>`.
fn with_dimension(head: &str, last: &str) -> String {
    match head.find("<dimension ref=\"") {
        Some(at) => {
            let from = at + "<dimension ref=\"".len();
            let to = from + head[from..].find('"').unwrap_or(0);
            format!("{}A1:{last}{}", &head[..from], &head[to..])
        }
        None => head.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A disk that fills after `room` bytes.
    struct Full {
        room: usize,
        pos: u64,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if buf.len() > self.room {
                return Err(std::io::Error::from(std::io::ErrorKind::StorageFull));
            }
            self.room -= buf.len();
            self.pos += buf.len() as u64;
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl Seek for Full {
        fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
            if let std::io::SeekFrom::Start(p) = pos {
                self.pos = p;
            }
            Ok(self.pos)
        }
    }

    #[test]
    fn after_a_full_disk_the_package_output_takes_nothing_more() {
        let mut out = Fuse {
            inner: Full { room: 10, pos: 0 },
            failed: false,
        };
        assert!(out.write(b"0123456789").is_ok());
        let e = out.write(b"x").unwrap_err();
        assert_eq!(e.kind(), std::io::ErrorKind::StorageFull);
        // What the zip writer's drop writes afterwards goes nowhere, and succeeds: it prints
        // nothing beside the real error.
        assert_eq!(out.write(b"central directory").unwrap(), 17);
        assert!(out.seek(std::io::SeekFrom::End(0)).is_ok() && out.flush().is_ok());
    }

    #[test]
    fn text_is_escaped_as_excel_reads_it() {
        let mut s = String::new();
        escape_into(&mut s, "a<b>&c\u{1}d_x0041_e\u{FFFF}");
        assert_eq!(s, "a&lt;b&gt;&amp;c_x0001_d_x005F_x0041_e_xFFFF_");
        s.clear();
        escape_into(&mut s, "_x0041\r_x0042");
        assert_eq!(s, "_x005F_x0041_x000D__x0042");
    }

    #[test]
    fn rows_carry_styles_and_keep_edge_blanks() {
        let mut s = String::new();
        row(
            &mut s,
            7,
            &[
                Cell::Text(" x"),
                Cell::Empty,
                Cell::Number(1.5),
                Cell::Formula("A1", "v"),
            ],
            &[None, None, Some(3), Some(4)],
        );
        assert_eq!(
            s,
            "<row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> x</t></is></c>\
             <c r=\"C7\" s=\"3\"><v>1.5</v></c><c r=\"D7\" s=\"4\" t=\"str\"><f>A1</f><v>v</v></c></row>"
        );
    }

    #[test]
    fn plain_runs_and_numbers_are_written_whole() {
        let mut s = String::new();
        escape_into(&mut s, "plain ann@contoso.com, Müller_x_ & <b>\u{FFFE}");
        assert_eq!(s, "plain ann@contoso.com, Müller_x_ &amp; &lt;b&gt;_xFFFE_");
        let mut buf = [0u8; 10];
        assert_eq!(decimal(0, &mut buf), "0");
        assert_eq!(decimal(u32::MAX, &mut buf), "4294967295");
    }

    #[test]
    fn only_the_named_table_is_widened() {
        let rules = "<table id=\"7\" name=\"Rules\" ref=\"A1:H2\"><autoFilter ref=\"A1:H2\"/><tableColumns><tableColumn id=\"1\" name=\"Findings\"/></tableColumns></table>";
        assert_eq!(widen_table(rules, "Findings", 8, 500), rules);
        assert_eq!(
            widen_table(rules, "Rules", 8, 500),
            rules.replace("A1:H2", "A1:H501")
        );
    }

    #[test]
    fn probe_styles_are_read_by_column() {
        let probe = "<row r=\"2\" spans=\"1:15\"><c r=\"A2\" s=\"5\" t=\"str\"><f>1</f></c><c r=\"M2\" s=\"3\"><v>0</v></c></row>";
        let styles = probe_styles(probe, 15);
        assert_eq!((styles[0], styles[12], styles[1]), (Some(5), Some(3), None));
        assert_eq!(column(0), "A");
        assert_eq!(column(27), "AB");
    }
}
