//! One input file as a table of the columns its `InputKind` needs, whatever shape it came in:
//! CSV (any of `,` `;` tab, with or without `#TYPE`, quoted or not) or Export-Clixml.

use std::path::{Path, PathBuf};

use super::clixml::{self, XmlValue};
use super::decode::{self, Encoding};
use super::values::{self, is_dotnet_type_name, split_list};
use super::{ColSpec, InputKind, Notice};
use crate::error::{Column, Error, Location, Result};
use crate::model::{Problem, ValueIssue};
use rayon::prelude::*;
use uuid::Uuid;

/// A parsed input: rows projected onto `kind.columns()` (by position in that list).
pub struct Table {
    pub path: PathBuf,
    pub kind: InputKind,
    /// Which of `kind.columns()` the file has.
    pub present: Vec<bool>,
    /// How the file was written, e.g. "UTF-16LE, `;`-delimited CSV, #TYPE line".
    pub format: String,
    pub notices: Vec<Notice>,
    body: Body,
}

enum Body {
    /// Field index of each column in `kind.columns()`. The records themselves are mapped as
    /// they are parsed: each record's position holds its line in the file.
    Csv {
        index: Vec<Option<usize>>,
    },
    Xml(Vec<XmlRow>),
}

struct XmlRow {
    line: u64,
    values: Vec<XmlValue>,
}

/// The longest line an input may hold: 64 MB, far above any export (a mailbox with 60,000
/// addresses is 2 MB), and a stop for an endless stream.
const LINE_LIMIT: usize = 64 << 20;

/// Exports are files, or pipes (a FIFO, process substitution); a device never ends
/// (`/dev/zero`) or is not text.
fn refuse_devices(path: &Path, meta: &std::fs::Metadata) -> Result<()> {
    let ft = meta.file_type();
    #[cfg(unix)]
    let pipe = std::os::unix::fs::FileTypeExt::is_fifo(&ft);
    #[cfg(not(unix))]
    let pipe = false;
    if ft.is_file() || pipe {
        return Ok(());
    }
    let what = if ft.is_dir() { "a folder" } else { "a device" };
    Err(Error::Input {
        path: path.to_path_buf(),
        detail: format!(
            "{what}, not an export file: give the file that Export-Csv or Export-Clixml wrote"
        ),
    })
}

/// Reads `file` whole, stopping with an error naming the line when a line grows longer than
/// `limit` bytes (in any encoding a line ends with byte 0x0A).
fn read_bounded(path: &Path, mut file: impl std::io::Read, limit: usize) -> Result<Vec<u8>> {
    let io = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    let (mut line, mut line_start) = (1u64, 0usize);
    let mut chunk = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io(e)),
        };
        let base = bytes.len();
        bytes.extend_from_slice(&chunk[..n]);
        for nl in memchr::memchr_iter(b'\n', &chunk[..n]) {
            line += 1;
            line_start = base + nl + 1;
        }
        if bytes.len() - line_start > limit {
            return Err(Error::MalformedRow {
                location: Location {
                    path: path.to_path_buf(),
                    line,
                    column: None,
                },
                detail: format!(
                    "a line longer than {} MB: this is not an export (an endless stream, a binary file), or a value that no export holds",
                    limit >> 20
                ),
            });
        }
    }
    Ok(bytes)
}

/// A parsed CSV record. The csv crate's `StringRecord` checks each record's UTF-8 again; every
/// record here is parsed from a `&str` (the decoded file), so the check is skipped: on a big
/// export it was a second pass over every byte.
#[derive(Debug, Default, Clone)]
struct Record(csv::ByteRecord);

impl Record {
    fn get(&self, i: usize) -> Option<&str> {
        // SAFETY: the record was parsed from a `&str`. csv cuts fields at ASCII delimiters and
        // line breaks and drops only ASCII quote bytes, so each field is a run of whole
        // characters of valid UTF-8, and is valid UTF-8 itself.
        self.0
            .get(i)
            .map(|f| unsafe { std::str::from_utf8_unchecked(f) })
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    fn position(&self) -> Option<&csv::Position> {
        self.0.position()
    }

    fn set_position(&mut self, pos: Option<csv::Position>) {
        self.0.set_position(pos);
    }
}

/// One row of a table, as the mappers see it.
pub struct Row<'a> {
    table: &'a Table,
    cells: Cells<'a>,
}

/// Where a row's values are: a CSV record (mapped as it is parsed, never kept) or a CLIXML
/// object.
#[derive(Clone, Copy)]
enum Cells<'a> {
    Csv(&'a Record),
    Xml(&'a XmlRow),
}

impl Table {
    /// Reads the file and maps every row with `map`, in parallel, in file order. CSV rows are
    /// mapped as they are parsed, so the parsed records are never all held at once.
    pub fn read<T: Send>(
        path: &Path,
        kind: InputKind,
        map: impl Fn(&Row<'_>) -> T + Sync,
    ) -> Result<(Table, Vec<T>)> {
        let io = |source| Error::Read {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        refuse_devices(path, &meta)?;
        let size = meta.len();
        if meta.is_file() && size > STREAM_FROM {
            let file = std::fs::File::open(path).map_err(io)?;
            if let Some(read) =
                read_windows(path, kind, file, size, (window(), WINDOW_CHUNK), &map)?
            {
                return Ok(read);
            }
        }
        let bytes = read_bounded(path, std::fs::File::open(path).map_err(io)?, LINE_LIMIT)?;
        crate::progress::advance(bytes.len() as u64);
        let (text, encoding) = decode::decode(path, bytes)?;
        let mut notices = Vec::new();
        if encoding == Encoding::Windows1252 {
            notices.push(Notice(format!(
                "{}: READ AS WINDOWS-1252 (-Encoding Default): it is not UTF-8 and holds no UTF-8 character. Check that accented names look right in readiness.csv; if they do not, re-export with -Encoding UTF8",
                path.display()
            )));
        }
        if clixml::looks_like_clixml(&text) {
            let table = read_clixml(path, kind, &text, encoding, notices)?;
            let rows = match &table.body {
                Body::Xml(rows) => rows
                    .par_iter()
                    .map(|r| {
                        map(&Row {
                            table: &table,
                            cells: Cells::Xml(r),
                        })
                    })
                    .collect(),
                Body::Csv { .. } => Vec::new(),
            };
            Ok((table, rows))
        } else {
            read_csv(path, kind, &text, encoding, notices, &map)
        }
    }

    /// A CSV table whose columns are at `index` among the file's fields.
    fn csv(
        path: &Path,
        kind: InputKind,
        index: &[Option<usize>],
        format: String,
        notices: Vec<Notice>,
    ) -> Table {
        Table {
            path: path.to_path_buf(),
            kind,
            present: index.iter().map(Option::is_some).collect(),
            format,
            notices,
            body: Body::Csv {
                index: index.to_vec(),
            },
        }
    }

    /// One CSV record of this table through a mapper.
    fn map_record<T>(&self, record: &Record, map: impl Fn(&Row<'_>) -> T) -> T {
        map(&Row {
            table: self,
            cells: Cells::Csv(record),
        })
    }

    pub fn has(&self, col: impl Into<usize>) -> bool {
        self.present[col.into()]
    }
}

impl<'a> Row<'a> {
    /// 1-based line of the row in the file.
    pub fn line(&self) -> u64 {
        match self.cells {
            Cells::Csv(record) => record.position().map_or(0, |p| p.line()),
            Cells::Xml(row) => row.line,
        }
    }

    /// The trimmed cell of column `col`, `None` when absent or empty.
    pub fn text(&self, col: impl Into<usize>) -> Option<&'a str> {
        let col: usize = col.into();
        match (self.cells, &self.table.body) {
            (Cells::Csv(record), Body::Csv { index }) => {
                let cell = values::trim(record.get(index[col]?)?);
                (!cell.is_empty()).then_some(cell)
            }
            (Cells::Csv(_), _) => None,
            (Cells::Xml(row), _) => match &row.values[col] {
                XmlValue::Text(s) if !s.trim().is_empty() => Some(s.trim()),
                XmlValue::List(items) => items.first().map(|s| s.trim()),
                _ => None,
            },
        }
    }

    /// The items of a multi-valued column.
    pub fn list(&self, col: impl Into<usize>) -> Vec<&'a str> {
        let col: usize = col.into();
        let kind = self.table.kind.columns()[col].kind;
        match self.cells {
            Cells::Xml(row) => match &row.values[col] {
                XmlValue::List(items) => items.iter().flat_map(|s| split_list(s, kind)).collect(),
                XmlValue::Text(s) => split_list(s, kind),
                XmlValue::Nil => Vec::new(),
            },
            Cells::Csv(_) => self
                .text(col)
                .map(|c| split_list(c, kind))
                .unwrap_or_default(),
        }
    }

    /// A GUID column; an unparsable value is recorded as an issue and read as none.
    pub fn guid(&self, col: impl Into<usize>, issues: &mut Vec<ValueIssue>) -> Option<Uuid> {
        let col: usize = col.into();
        self.parsed(col, issues, Problem::InvalidGuid, values::parse_guid)
    }

    /// A size column in bytes.
    pub fn size(&self, col: impl Into<usize>, issues: &mut Vec<ValueIssue>) -> Option<u64> {
        let col: usize = col.into();
        self.parsed(col, issues, Problem::InvalidSize, values::parse_size)
    }

    /// An ISO 8601 instant; `None` when absent or empty.
    pub fn timestamp(
        &self,
        col: impl Into<usize>,
        issues: &mut Vec<ValueIssue>,
    ) -> Option<crate::date::Timestamp> {
        let col: usize = col.into();
        self.parsed(col, issues, Problem::InvalidTime, |t| {
            crate::date::Timestamp::parse(t)
                .map(Some)
                .ok_or(values::Invalid)
        })
    }

    /// A True/False column; `None` when absent or empty.
    pub fn flag(&self, col: impl Into<usize>, issues: &mut Vec<ValueIssue>) -> Option<bool> {
        let col: usize = col.into();
        self.parsed(col, issues, Problem::InvalidBool, values::parse_bool)
    }

    /// An address column's text (empty when absent); a value without a usable `@` is
    /// recorded as an issue and kept as written.
    pub fn address(&self, col: impl Into<usize>, issues: &mut Vec<ValueIssue>) -> &'a str {
        let col: usize = col.into();
        let value = self.text(col).unwrap_or_default();
        if !value.is_empty() && !values::is_valid_address(value) {
            issues.push(ValueIssue {
                column: self.table.kind.columns()[col].name,
                value: value.to_string(),
                problem: Problem::InvalidAddress,
            });
        }
        value
    }

    /// A column's owned text, empty when absent.
    pub fn string(&self, col: impl Into<usize>) -> String {
        let col: usize = col.into();
        self.text(col).unwrap_or_default().to_string()
    }

    fn parsed<T>(
        &self,
        col: usize,
        issues: &mut Vec<ValueIssue>,
        problem: Problem,
        parse: fn(&str) -> Result<Option<T>, values::Invalid>,
    ) -> Option<T> {
        let text = self.text(col)?;
        parse(text).unwrap_or_else(|values::Invalid| {
            issues.push(ValueIssue {
                column: self.table.kind.columns()[col].name,
                value: text.to_string(),
                problem,
            });
            None
        })
    }

    /// Where this row's column is, for findings.
    pub fn location(&self, col: impl Into<usize>) -> Location {
        let col: usize = col.into();
        Location {
            path: self.table.path.clone(),
            line: self.line(),
            column: Some(Column::Field(
                col + 1,
                self.table.kind.columns()[col].name.to_string(),
            )),
        }
    }
}

/// Line breaks in `bytes[range]`: `\n`, `\r\n`, and a bare `\r` (old Mac files) each count
/// once. The byte after the range decides whether a final `\r` is bare.
fn line_breaks(bytes: &[u8], range: std::ops::Range<usize>) -> u64 {
    let end = range.end;
    let part = &bytes[range];
    let lf = memchr::memchr_iter(b'\n', part).count();
    let bare_cr = memchr::memchr_iter(b'\r', part)
        .filter(|&i| {
            let next = if i + 1 < part.len() {
                part.get(i + 1)
            } else {
                bytes.get(end)
            };
            next != Some(&b'\n')
        })
        .count();
    (lf + bare_cr) as u64
}

/// The first line of `text` and the rest, at `\n`, `\r\n` or a bare `\r`.
fn split_line(text: &str) -> (&str, &str) {
    match text.find(['\r', '\n']) {
        Some(i) if text[i..].starts_with("\r\n") => (&text[..i], &text[i + 2..]),
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, ""),
    }
}

/// A CSV file positioned after its header: what every CSV read shares.
struct CsvStart<'t> {
    reader: csv::Reader<&'t [u8]>,
    /// The text the reader reads (after the skipped lines), for line numbers.
    text: &'t str,
    /// The last record start seen: (byte in `text`, 1-based line in `text`).
    cursor: (usize, u64),
    names: Vec<String>,
    line_offset: u64,
    format: String,
    delimiter: u8,
}

impl CsvStart<'_> {
    /// The 1-based line in `text` where the record at `pos` starts. csv reports a record at the
    /// terminator of the one before it, so line breaks at `pos` are skipped first. Counting
    /// from the previous record keeps the whole file linear.
    fn line_at(&mut self, pos: &csv::Position) -> u64 {
        let bytes = self.text.as_bytes();
        let mut start = (pos.byte() as usize).min(bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let (from, line) = self.cursor;
        let from = from.min(start);
        let line = line + line_breaks(bytes, from..start);
        self.cursor = (start, line);
        line
    }
}

fn start_csv<'t>(
    path: &Path,
    text: &'t str,
    encoding: Encoding,
    what: &str,
) -> Result<CsvStart<'t>> {
    // Skip what Import-Csv skips before the header: `#TYPE ...`, other `#` lines, blank lines.
    let mut rest = text;
    let mut line_offset = 0u64;
    let mut type_line = None;
    loop {
        let (line, tail) = split_line(rest);
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            // By `get`, not by index: a `#` line may hold any text, multi-byte included.
            if let Some(rest) = trimmed
                .get(..5)
                .filter(|p| p.eq_ignore_ascii_case("#type"))
                .and(trimmed.get(5..))
            {
                type_line = Some(rest.trim().to_string());
            }
        } else if !trimmed.is_empty() || tail.is_empty() {
            break;
        }
        rest = tail;
        line_offset += 1;
    }
    let header_line = rest.split(['\n', '\r']).next().unwrap_or("");
    let delimiter = sniff_delimiter(header_line);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(rest.as_bytes());
    let mut header = csv::StringRecord::new();
    let got_header = reader
        .read_record(&mut header)
        .map_err(|e| csv_error(path, line_offset + 1, &e))?;
    let mut names: Vec<String> = header.iter().map(|h| h.trim().to_string()).collect();
    while names.last().is_some_and(String::is_empty) {
        names.pop();
    }
    if !got_header || names.is_empty() {
        return Err(Error::Input {
            path: path.to_path_buf(),
            detail: format!("the file is empty: expected {what} with a header row"),
        });
    }
    // A set, not a scan of the names before: a header may have 100,000 columns.
    let mut seen = std::collections::HashSet::with_capacity(names.len());
    for n in &names {
        if !seen.insert(super::header_name(n).to_ascii_lowercase()) {
            return Err(Error::DuplicateColumn {
                location: Location {
                    path: path.to_path_buf(),
                    line: line_offset + 1,
                    column: None,
                },
                name: n.clone(),
            });
        }
    }
    let mut format = format!("{}, {} CSV", encoding.label(), delimiter_label(delimiter));
    if let Some(t) = type_line {
        format.push_str(&format!(", #TYPE {t}"));
    }
    Ok(CsvStart {
        reader,
        text: rest,
        cursor: (0, 1),
        names,
        line_offset,
        format,
        delimiter,
    })
}

/// Reads the next data row, skipping blank lines and checking its width; returns its line in
/// the file, `None` at the end. The record's position is rewritten to that line.
fn next_record(path: &Path, start: &mut CsvStart<'_>, record: &mut Record) -> Result<Option<u64>> {
    loop {
        match start.reader.read_byte_record(&mut record.0) {
            Ok(false) => return Ok(None),
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| start.line_at(p)) + start.line_offset;
                return Err(csv_error(path, line, &e));
            }
        }
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        let mut pos = record
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        let line = start.line_at(&pos) + start.line_offset;
        pos.set_line(line);
        record.set_position(Some(pos));
        check_width(path, line, record, start.names.len())?;
        return Ok(Some(line));
    }
}

/// A CSV read without a schema: header names and every row as written (trimmed). Used for
/// files whose columns are free-form (hand-made mapping sheets) and to inspect foreign files.
#[derive(Debug)]
pub struct RawTable {
    pub headers: Vec<String>,
    /// (line, fields) per data row.
    pub rows: Vec<(u64, Vec<String>)>,
    pub format: String,
}

pub fn read_raw(path: &Path) -> Result<RawTable> {
    let bytes = std::fs::read(path).map_err(|source| Error::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let (text, encoding) = decode::decode(path, bytes)?;
    let mut start = start_csv(path, &text, encoding, "a CSV file")?;
    let mut rows = Vec::new();
    let mut record = Record::default();
    while let Some(line) = next_record(path, &mut start, &mut record)? {
        rows.push((line, record.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(RawTable {
        headers: start.names,
        rows,
        format: start.format,
    })
}

fn read_csv<T: Send>(
    path: &Path,
    kind: InputKind,
    text: &str,
    encoding: Encoding,
    notices: Vec<Notice>,
    map: &(impl Fn(&Row<'_>) -> T + Sync),
) -> Result<(Table, Vec<T>)> {
    read_csv_in(path, kind, text, encoding, notices, CHUNK, map)
}

/// Records mapped per parallel batch when a file is read in one piece.
const BATCH: usize = 4096;

fn read_csv_in<T: Send>(
    path: &Path,
    kind: InputKind,
    text: &str,
    encoding: Encoding,
    notices: Vec<Notice>,
    chunk: usize,
    map: &(impl Fn(&Row<'_>) -> T + Sync),
) -> Result<(Table, Vec<T>)> {
    // PowerShell writes an empty file when the command returned nothing: for an export where
    // nothing is an answer (no relationship, no soft-deleted mailbox), that is no rows.
    if kind.may_be_empty() && text.trim_start_matches('\u{feff}').trim().is_empty() {
        let notice = Notice(format!(
            "{}: empty: {} with no rows (PowerShell writes an empty file when the command returns nothing)",
            path.display(),
            kind.what()
        ));
        let index = vec![None; kind.columns().len()];
        let mut notices = notices;
        notices.push(notice);
        let table = Table::csv(path, kind, &index, "empty file".into(), notices);
        return Ok((table, Vec::new()));
    }
    let mut start = start_csv(path, text, encoding, kind.what())?;
    let names = start.names.clone();
    let specs = kind.columns();
    let mut index: Vec<Option<usize>> = specs.iter().map(|s| s.find_in(&names)).collect();

    // A bare list of addresses (no header at all) is a common hand-made scope list.
    let mut first = None;
    if kind == InputKind::ScopeMembers
        && index.iter().all(Option::is_none)
        && names.len() == 1
        && names[0].contains('@')
    {
        let mut record = Record(csv::ByteRecord::from(vec![names[0].as_str()]));
        let mut pos = csv::Position::new();
        pos.set_line(start.line_offset + 1);
        record.set_position(Some(pos));
        first = Some(record);
        index[0] = Some(0);
    }
    let mut record = Record::default();
    // The first row alone: the schema is checked on it before anything else is read.
    if first.is_none()
        && let Some(line) = next_record(path, &mut start, &mut record)?
    {
        check_schema(path, kind, &names, &index, line, |i| record.get(i))?;
        check_flattened(path, kind, &index, line, |i| record.get(i))?;
        first = Some(std::mem::take(&mut record));
    }
    let table = Table::csv(path, kind, &index, start.format.clone(), notices);
    let row = |record: &Record| table.map_record(record, map);
    let mut rows: Vec<T> = first.iter().map(row).collect();
    let resume = start.reader.position().byte() as usize;
    match chunks(start.text, resume, start.delimiter, chunk) {
        // Big files: the rest is cut at record boundaries, parsed and mapped on every core;
        // each task reuses one record, so nothing parsed is kept but the mapped rows.
        Some(chunks) if chunks.len() > 1 => {
            let head = Head {
                kind,
                index: &index,
                names: &start.names,
                delimiter: start.delimiter,
                line_offset: start.line_offset,
            };
            parse_pieces(
                path,
                &head,
                start.text,
                &chunks,
                &row,
                (&mut Vec::new(), &mut rows),
            )?;
        }
        // One piece: parsed in order, mapped in parallel batches of reused records.
        _ => {
            let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
            let mut filled = 0;
            loop {
                if filled == batch.len() {
                    batch.push(Record::default());
                }
                let Some(line) = next_record(path, &mut start, &mut batch[filled])? else {
                    break;
                };
                check_flattened(path, kind, &index, line, |i| batch[filled].get(i))?;
                filled += 1;
                if filled == BATCH {
                    rows.par_extend(batch.par_iter().map(row));
                    filled = 0;
                }
            }
            rows.par_extend(batch[..filled].par_iter().map(row));
        }
    }
    if rows.is_empty() {
        check_schema(path, kind, &names, &index, start.line_offset + 1, |_| None)?;
    }
    Ok((table, rows))
}

/// How the records of a piece of a CSV file are read.
#[derive(Clone, Copy)]
struct Head<'a> {
    kind: InputKind,
    /// Field index of each of `kind.columns()`.
    index: &'a [Option<usize>],
    names: &'a [String],
    delimiter: u8,
    /// Lines of the file before the piece.
    line_offset: u64,
}

/// Parses and maps the `pieces` of `text` (as `cuts` makes them) on every core and appends the
/// rows in file order. `head.line_offset` counts the lines of the file before `text`. The error
/// is the first in file order, as a sequential read would have stopped there. Each piece's rows
/// go to a buffer of `parts`, which a window reader keeps from window to window (fresh buffers
/// each time cost more in page faults than the parsing).
fn parse_pieces<T: Send>(
    path: &Path,
    head: &Head<'_>,
    text: &str,
    pieces: &[(usize, usize, u64)],
    row: &(impl Fn(&Record) -> T + Sync),
    (parts, rows): (&mut Vec<Vec<T>>, &mut Vec<T>),
) -> Result<()> {
    parts.resize_with(pieces.len(), Vec::new);
    let parsed: Vec<Result<()>> = parts
        .par_iter_mut()
        .zip(pieces)
        .map(|(part, &(from, to, lines_before))| {
            let piece = Head {
                line_offset: head.line_offset + lines_before,
                ..*head
            };
            part.clear();
            parse_piece(path, &piece, &text[from..to], row, part)
        })
        .collect();
    for (part, parsed) in parts.iter_mut().zip(parsed) {
        parsed?;
        rows.append(part);
    }
    Ok(())
}

/// Parses `text`, a piece of a CSV file cut at record boundaries, and maps its records. One
/// record is reused, so nothing parsed is kept but the mapped rows.
fn parse_piece<T>(
    path: &Path,
    head: &Head<'_>,
    text: &str,
    row: &impl Fn(&Record) -> T,
    out: &mut Vec<T>,
) -> Result<()> {
    let mut part = CsvStart {
        reader: csv::ReaderBuilder::new()
            .delimiter(head.delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes()),
        text,
        cursor: (0, 1),
        names: head.names.to_vec(),
        line_offset: head.line_offset,
        format: String::new(),
        delimiter: head.delimiter,
    };
    let mut record = Record::default();
    while let Some(line) = next_record(path, &mut part, &mut record)? {
        check_flattened(path, head.kind, head.index, line, |i| record.get(i))?;
        out.push(row(&record));
    }
    Ok(())
}

/// Files larger than this are read window by window (`read_windows`).
const STREAM_FROM: u64 = 16 << 20;

/// Bytes of a file read per window: a piece for every core, and at least 8 MB. Small windows
/// keep the buffers warm: fresh pages cost more here than parsing them (the kernel zeroes each).
fn window() -> usize {
    (8 << 20).max(rayon::current_num_threads() * CHUNK)
}

/// Reads a big CSV file window by window: each window's records are cut into pieces, parsed and
/// mapped on every core, and its text is dropped, so the file's bytes and whole text are never
/// in memory at once and the buffers are reused. `None` when the file needs the whole-file
/// reader: an encoding other than plain UTF-8 or UTF-16, CLIXML, a quote that counting cannot
/// follow, or any error in the data, which that reader then finds and words (so a broken big
/// file is read twice, a good one once).
fn read_windows<T: Send>(
    path: &Path,
    kind: InputKind,
    file: impl std::io::Read,
    size: u64,
    sizes: (usize, usize),
    map: &(impl Fn(&Row<'_>) -> T + Sync),
) -> Result<Option<(Table, Vec<T>)>> {
    let (window, chunk) = sizes;
    let io = |source| Error::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut w = decode::Windows::new(file, window).map_err(io)?;
    // Ok(false): the file needs the whole-file reader.
    let fill = |w: &mut decode::Windows<_>| match w.fill() {
        Ok(()) => Ok(true),
        Err(decode::WindowError::Io(e)) => Err(io(e)),
        Err(decode::WindowError::Unsupported) => Ok(false),
    };
    // The header and the first record, checked as the whole-file reader checks them; a window
    // too short to hold them is followed by more.
    let first = loop {
        if !fill(&mut w)? {
            return Ok(None);
        }
        match first_record(path, kind, w.text(), w.encoding(), w.at_end()) {
            Some(first) => break first,
            None if !w.at_end() && w.text().len() < 4 * window => continue,
            None => return Ok(None),
        }
    };
    let FirstRecord {
        skipped,
        resume,
        names,
        delimiter,
        line_offset,
        format,
        index,
        record,
    } = first;
    let Some(first) = cuts(&w.text()[skipped..], resume, delimiter, chunk, w.at_end()) else {
        return Ok(None);
    };
    let table = Table::csv(path, kind, &index, format, Vec::new());
    let row = |record: &Record| table.map_record(record, map);
    // The pieces of a window whose text follows `lines_done` lines of the file's body.
    let mut parts = Vec::new();
    let mut parse =
        |text: &str, pieces: &[(usize, usize, u64)], lines_done: u64, rows: &mut Vec<T>| {
            let head = Head {
                kind,
                index: &index,
                names: &names,
                delimiter,
                line_offset: line_offset + lines_done,
            };
            parse_pieces(path, &head, text, pieces, &row, (&mut parts, rows))
        };
    let mut rows = vec![row(&record)];
    if parse(&w.text()[skipped..], &first.pieces, 0, &mut rows).is_err() {
        return Ok(None);
    }
    let mut lines_done = first.lines;
    w.consume(skipped + first.end);
    // The rows of the whole file, estimated from the first window: capacity that is never
    // touched costs no memory, and growing a vector of a million rows copies all of them.
    // A quarter more: rows vary in length, and an estimate short by one row would double it.
    // Never more rows than the file could hold (a row has a byte per field at least), and only
    // if the memory is there: a first window of tiny rows must not ask for the impossible.
    let estimate = (rows.len() as u64).saturating_mul(size) / w.bytes_read().max(1);
    let most = size / names.len().max(1) as u64;
    let wanted = estimate.saturating_add(estimate / 4).min(most);
    let _ = rows.try_reserve(usize::try_from(wanted).unwrap_or(usize::MAX));
    while !(w.at_end() && w.text().is_empty()) {
        if !fill(&mut w)? {
            return Ok(None);
        }
        let Some(next) = cuts(w.text(), 0, delimiter, chunk, w.at_end()) else {
            return Ok(None);
        };
        if parse(w.text(), &next.pieces, lines_done, &mut rows).is_err() {
            return Ok(None);
        }
        lines_done += next.lines;
        w.consume(next.end);
    }
    Ok(Some((table, rows)))
}

/// A CSV file's header and first record, read from the start of its first window.
struct FirstRecord {
    /// Bytes of the window before the header (`#TYPE` and blank lines).
    skipped: usize,
    /// Where the second record starts, after `skipped`.
    resume: usize,
    names: Vec<String>,
    delimiter: u8,
    line_offset: u64,
    format: String,
    index: Vec<Option<usize>>,
    record: Record,
}

/// The header and first record of `text` when they pass every check of the whole-file reader
/// and end at a record boundary inside the window (anywhere, when `complete`).
fn first_record(
    path: &Path,
    kind: InputKind,
    text: &str,
    encoding: Encoding,
    complete: bool,
) -> Option<FirstRecord> {
    if clixml::looks_like_clixml(text) {
        return None;
    }
    let mut start = start_csv(path, text, encoding, kind.what()).ok()?;
    let index: Vec<Option<usize>> = kind
        .columns()
        .iter()
        .map(|s| s.find_in(&start.names))
        .collect();
    // A bare list of addresses (a scope file with no header) is left to the whole-file reader.
    if kind == InputKind::ScopeMembers && index.iter().all(Option::is_none) {
        return None;
    }
    let mut record = Record::default();
    let line = next_record(path, &mut start, &mut record).ok()??;
    check_schema(path, kind, &start.names, &index, line, |i| record.get(i)).ok()?;
    check_flattened(path, kind, &index, line, |i| record.get(i)).ok()?;
    let resume = start.reader.position().byte() as usize;
    let end = cuts(start.text, 0, start.delimiter, usize::MAX, complete)?.end;
    if resume > end {
        return None;
    }
    Some(FirstRecord {
        skipped: text.len() - start.text.len(),
        resume,
        names: start.names,
        delimiter: start.delimiter,
        line_offset: start.line_offset,
        format: start.format,
        index,
        record,
    })
}

/// Bytes of CSV text parsed per task: large enough that a task outweighs its start-up, small
/// enough that 2 to 16 cores all get work on a file of tens of megabytes.
const CHUNK: usize = 4 << 20;

/// Bytes of CSV text parsed per task in a window: a window of UTF-16 holds about 4 MB of text,
/// which `CHUNK` would leave to one core.
const WINDOW_CHUNK: usize = 1 << 20;

/// Cuts `text[from..]` into pieces of about `chunk` bytes at record boundaries, each with the
/// number of line breaks in `text` before it: `(start, end, lines before)`. `None` for text
/// too short to be worth cutting, or that `cuts` refuses.
fn chunks(
    text: &str,
    from: usize,
    delimiter: u8,
    chunk: usize,
) -> Option<Vec<(usize, usize, u64)>> {
    if text.len().saturating_sub(from) < 2 * chunk {
        return None;
    }
    cuts(text, from, delimiter, chunk, true).map(|c| c.pieces)
}

/// Cuts `text[from..]`, which starts at a record boundary, into pieces of about `chunk` bytes
/// at record boundaries, each with the number of line breaks in `text` before it:
/// `(start, end, lines before)`. A boundary is a line break outside quotes. With `complete`
/// false the text is a window of a longer file: the pieces stop at its last boundary (the rest
/// belongs to the next window); with `complete` true they cover all of it. `None` when the text has a quote a CSV parser would read literally (in the middle of an
/// unquoted field, or not followed by a delimiter after a quoted one): there, counting quotes
/// could cut inside a record, so the file must be read in one piece.
fn cuts(text: &str, from: usize, delimiter: u8, chunk: usize, complete: bool) -> Option<Pieces> {
    let bytes = text.as_bytes();
    let mut cuts = vec![from];
    let mut last_boundary = from;
    // Jumps from quote to quote and line break to line break. A quote outside quotes must open
    // a field (follow a delimiter or a line break), and a closing one must end it.
    let mut i = from;
    while let Some(at) = memchr::memchr2(b'"', b'\n', &bytes[i..]) {
        let at = i + at;
        if bytes[at] == b'\n' {
            last_boundary = at + 1;
            if at + 1 - cuts[cuts.len() - 1] >= chunk && at + 1 < bytes.len() {
                cuts.push(at + 1);
            }
            i = at + 1;
            continue;
        }
        if at > from && !matches!(bytes[at - 1], b'\n' | b'\r') && bytes[at - 1] != delimiter {
            return None;
        }
        // Inside quotes: to the closing quote, past doubled ones.
        let mut j = at + 1;
        loop {
            match memchr::memchr(b'"', &bytes[j..]) {
                // A window ending inside quotes: its last boundary is before this field.
                None => {
                    j = bytes.len();
                    break;
                }
                Some(q) if bytes.get(j + q + 1) == Some(&b'"') => j += q + 2,
                Some(q) => {
                    j += q + 1;
                    // At the end of a window the next byte is unknown (it may be the second
                    // quote of a pair); nothing after this point is cut in this window anyway.
                    if !matches!(bytes.get(j), None | Some(b'\r' | b'\n'))
                        && bytes.get(j) != Some(&delimiter)
                    {
                        return None;
                    }
                    break;
                }
            }
        }
        i = j;
    }
    let end = if complete { bytes.len() } else { last_boundary };
    // The last cut may lie after the last boundary only when it is that boundary.
    while cuts.len() > 1 && cuts[cuts.len() - 1] >= end {
        cuts.pop();
    }
    if end > from {
        cuts.push(end);
    }
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let newlines: Vec<u64> = pieces
        .par_iter()
        .map(|&(a, b)| line_breaks(bytes, a..b))
        .collect();
    let mut before = line_breaks(bytes, 0..from);
    let mut out = Vec::with_capacity(pieces.len());
    for ((a, b), n) in pieces.into_iter().zip(newlines) {
        out.push((a, b, before));
        before += n;
    }
    Some(Pieces {
        pieces: out,
        end,
        lines: before,
    })
}

/// What `cuts` found.
struct Pieces {
    /// `(start, end, line breaks in the text before start)`.
    pieces: Vec<(usize, usize, u64)>,
    /// Where the last piece ends.
    end: usize,
    /// Line breaks in the text before `end`.
    lines: u64,
}

/// Picks `,`, `;` or tab by counting them outside quotes in the header line.
fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [b',', b';', b'\t'][if counts[best] == 0 { 0 } else { best }]
}

fn delimiter_label(d: u8) -> &'static str {
    match d {
        b';' => "`;`-delimited",
        b'\t' => "tab-delimited",
        _ => "`,`-delimited",
    }
}

/// A row with a different field count than the header means a broken quote or an unquoted
/// delimiter inside a value: the values would land in the wrong columns, so stop. Extra empty
/// fields too: `Brown, Ingrid` unquoted in a row whose last value is empty shifts every value
/// after it and leaves one empty field over.
fn check_width(path: &Path, line: u64, record: &Record, width: usize) -> Result<()> {
    if record.len() == width {
        return Ok(());
    }
    let mut detail = format!(
        "expected {width} fields as in the header, found {}",
        record.len()
    );
    if record.iter().any(|f| f.contains('\n')) {
        detail
            .push_str("; a quoted value runs across lines, so a closing quote is probably missing");
    } else {
        detail.push_str("; a value probably contains the delimiter without being quoted");
    }
    detail.push_str(". Re-export with Export-Csv, which quotes every value");
    Err(Error::MalformedRow {
        location: Location {
            path: path.to_path_buf(),
            line,
            column: None,
        },
        detail,
    })
}

/// Missing required columns, reported after checking the first row for unflattened
/// collections: when both happen the re-export fixes both, and the type name is the clearer clue.
fn check_schema<'r>(
    path: &Path,
    kind: InputKind,
    names: &[String],
    index: &[Option<usize>],
    line: u64,
    cell: impl Fn(usize) -> Option<&'r str>,
) -> Result<()> {
    let specs = kind.columns();
    let missing = missing_required(specs, index.iter().map(Option::is_some));
    if missing.is_empty() {
        return Ok(());
    }
    if let Err(Error::NotFlattened {
        location,
        column,
        value,
        ..
    }) = check_flattened(path, kind, index, line, cell)
    {
        return Err(Error::NotFlattened {
            location,
            recipe: kind.recipe(),
            column,
            value,
            missing,
        });
    }
    Err(Error::MissingColumns {
        path: path.to_path_buf(),
        what: kind.what(),
        recipe: kind.recipe(),
        missing,
        found: names.to_vec(),
    })
}

/// The names of the required columns that are not present.
fn missing_required(specs: &[ColSpec], present: impl Iterator<Item = bool>) -> Vec<String> {
    specs
        .iter()
        .zip(present)
        .filter(|(s, p)| s.required && !p)
        .map(|(s, _)| s.name.to_string())
        .collect()
}

fn check_flattened<'r>(
    path: &Path,
    kind: InputKind,
    index: &[Option<usize>],
    line: u64,
    cell: impl Fn(usize) -> Option<&'r str>,
) -> Result<()> {
    for (spec, idx) in kind.columns().iter().zip(index) {
        let Some(i) = *idx else { continue };
        if !spec.kind.is_list() {
            continue;
        }
        if let Some(value) = cell(i).filter(|v| is_dotnet_type_name(v)) {
            return Err(not_flattened(path, kind, spec, Some(i), line, value));
        }
    }
    Ok(())
}

fn not_flattened(
    path: &Path,
    kind: InputKind,
    spec: &ColSpec,
    // The field's position in a CSV row; CLIXML properties have none.
    field: Option<usize>,
    line: u64,
    value: &str,
) -> Error {
    Error::NotFlattened {
        location: Box::new(Location {
            path: path.to_path_buf(),
            line,
            column: field.map(|f| Column::Field(f + 1, spec.name.to_string())),
        }),
        recipe: kind.recipe(),
        column: spec.name.to_string(),
        value: value.trim().to_string(),
        missing: Vec::new(),
    }
}

fn csv_error(path: &Path, line: u64, e: &csv::Error) -> Error {
    Error::MalformedRow {
        location: Location {
            path: path.to_path_buf(),
            line,
            column: None,
        },
        detail: e.to_string(),
    }
}

fn read_clixml(
    path: &Path,
    kind: InputKind,
    text: &str,
    encoding: Encoding,
    notices: Vec<Notice>,
) -> Result<Table> {
    let objects = clixml::parse(text).map_err(|e| Error::Clixml {
        location: Location {
            path: path.to_path_buf(),
            line: e.line,
            column: Some(Column::Char(e.column)),
        },
        detail: e.detail.clone(),
    })?;
    let specs = kind.columns();
    let mut present = vec![false; specs.len()];
    let mut names: Vec<String> = Vec::new();
    let mut rows = Vec::with_capacity(objects.len());
    for obj in objects {
        let mut values = vec![XmlValue::Nil; specs.len()];
        let mut canonical_seen = vec![false; specs.len()];
        for (name, value) in obj.props {
            if let Some(c) = specs.iter().position(|s| s.matches(&name)) {
                // A property under the canonical name wins over one under an alias.
                let canonical = specs[c].name.eq_ignore_ascii_case(name.trim());
                if canonical_seen[c] && !canonical {
                    continue;
                }
                canonical_seen[c] |= canonical;
                present[c] = true;
                if let XmlValue::Text(t) = &value
                    && specs[c].kind.is_list()
                    && is_dotnet_type_name(t)
                {
                    return Err(not_flattened(path, kind, &specs[c], None, obj.line, t));
                }
                values[c] = value;
            } else if names.len() < 200 && !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                names.push(name);
            }
        }
        rows.push(XmlRow {
            line: obj.line,
            values,
        });
    }
    let missing = missing_required(specs, present.iter().copied());
    if !missing.is_empty() {
        names.extend(
            specs
                .iter()
                .zip(&present)
                .filter(|(_, p)| **p)
                .map(|(s, _)| s.name.to_string()),
        );
        return Err(Error::MissingColumns {
            path: path.to_path_buf(),
            what: kind.what(),
            recipe: kind.recipe(),
            missing,
            found: names,
        });
    }
    Ok(Table {
        path: path.to_path_buf(),
        kind,
        present,
        format: format!("{}, Export-Clixml", encoding.label()),
        notices,
        body: Body::Xml(rows),
    })
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_line_past_the_limit_stops_the_read_naming_it() {
        let path = Path::new("stream.csv");
        let text = format!("a,b\n1,2\n{}", "x".repeat(150));
        let e = read_bounded(path, text.as_bytes(), 100)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("stream.csv:3") && e.contains("a line longer than"),
            "{e}"
        );
        let ok = format!("a,b\n{}\n", "x".repeat(90)).repeat(3);
        assert_eq!(
            read_bounded(path, ok.as_bytes(), 100).unwrap(),
            ok.as_bytes()
        );
    }

    use super::*;

    #[test]
    fn delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter(r#""a","b","c""#), b',');
        assert_eq!(sniff_delimiter(r#""a;x","b";"c";"d""#), b';');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("PrimarySmtpAddress"), b',');
    }

    /// A source export of `rows` rows after `head`, with quoted line breaks, delimiters and
    /// doubled quotes, characters of 2 to 4 bytes, and blank lines.
    fn tricky_csv(head: &str, rows: usize) -> String {
        let mut text = format!(
            "{head}PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,DisplayName\r\n"
        );
        for i in 0..rows {
            let name = match i % 5 {
                0 => format!("\"Doe, John {i} 😀\""),
                1 => format!("\"Multi\r\nline \"\"{i}\"\"\""),
                2 => String::new(),
                3 => format!("Müller{i}"),
                _ => format!("plain{i}"),
            };
            text.push_str(&format!(
                "u{i}@contoso.com,SMTP:u{i}@contoso.com,,/o=x/cn=u{i},{name}\r\n"
            ));
            if i % (rows / 6).max(1) == 0 {
                text.push_str("\r\n");
            }
        }
        text
    }

    /// A text with quoted line breaks, delimiters and doubled quotes, cut into pieces of about
    /// 4 KB: the same rows, lines and errors as read in one piece.
    #[test]
    fn pieces_read_like_the_whole() {
        let text = tricky_csv("", 3000);
        let path = Path::new("source.csv");
        let columns = InputKind::SourceMailboxes.columns().len();
        let map = |r: &Row<'_>| {
            let cells: Vec<Option<String>> = (0..columns)
                .map(|c| r.text(c).map(str::to_string))
                .collect();
            (r.line(), cells)
        };
        let read = |text: &str, chunk| {
            let kind = InputKind::SourceMailboxes;
            read_csv_in(path, kind, text, Encoding::Utf8, Vec::new(), chunk, &map)
        };
        let whole = read(&text, usize::MAX / 4).unwrap().1;
        let pieces = read(&text, 4096).unwrap().1;
        assert!(chunks(&text, 0, b',', 4096).unwrap().len() > 10);
        assert_eq!(whole.len(), 3000);
        assert!(whole == pieces, "rows differ");
        assert_eq!(whole[1].1[4].as_deref(), Some("Multi\r\nline \"1\""));

        // A broken row far into the file: the same error, naming the same line.
        let at = text.len() * 3 / 4;
        let cut = at + text[at..].find("\r\nu").unwrap() + 2;
        let mut broken = text.clone();
        broken.insert_str(cut, "bad@contoso.com,only-two-fields\r\n");
        let err = |chunk| read(&broken, chunk).err().unwrap().to_string();
        assert_eq!(err(usize::MAX / 4), err(4096));
        assert!(err(4096).contains("malformed row"), "{}", err(4096));

        // A quote inside an unquoted field: no cutting by counting quotes.
        assert!(chunks("a,b\nx,y\"z\n", 0, b',', 1).is_none());
    }

    /// Window by window, with windows and pieces far smaller than the records, in every
    /// encoding the window reader takes: the same rows and lines as the whole-file read; and
    /// `None` (the whole-file reader takes over) for anything it leaves to that reader.
    #[test]
    fn windows_read_like_the_whole() {
        let text = tricky_csv(
            "#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n",
            400,
        );
        let path = Path::new("source.csv");
        let kind = InputKind::SourceMailboxes;
        let columns = kind.columns().len();
        let map = |r: &Row<'_>| {
            let cells: Vec<Option<String>> = (0..columns)
                .map(|c| r.text(c).map(str::to_string))
                .collect();
            (r.line(), cells)
        };
        let whole = read_csv_in(path, kind, &text, Encoding::Utf8, Vec::new(), CHUNK, &map)
            .unwrap()
            .1;
        assert_eq!(whole.len(), 400);
        let windows = |bytes: &[u8], window| {
            let size = bytes.len() as u64;
            read_windows(path, kind, bytes, size, (window, 512), &map).unwrap()
        };
        let utf16 = |bom: [u8; 2], unit: fn(u16) -> [u8; 2]| {
            let mut b = bom.to_vec();
            b.extend(text.encode_utf16().flat_map(unit));
            b
        };
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend(text.as_bytes());
        let encodings = [
            ("UTF-8", text.as_bytes().to_vec()),
            ("UTF-8 with BOM", bom8),
            ("UTF-16LE", utf16([0xFF, 0xFE], u16::to_le_bytes)),
            ("UTF-16BE", utf16([0xFE, 0xFF], u16::to_be_bytes)),
        ];
        for (label, bytes) in &encodings {
            // Odd sizes cut characters, surrogate pairs and quote pairs at every edge.
            for window in [301, 1000, 4099, 1 << 20] {
                let (table, rows) = windows(bytes, window).expect(label);
                assert!(table.format.starts_with(label), "{}", table.format);
                assert!(rows == whole, "{label}, window {window}: rows differ");
            }
        }

        // A file claimed to be far bigger than its first window suggests (tiny rows first):
        // the row estimate is capped and only reserved if possible, never an abort.
        let huge = read_windows(path, kind, text.as_bytes(), u64::MAX / 2, (1000, 512), &map);
        assert!(huge.unwrap().expect("read").1 == whole);

        // Left to the whole-file reader: NUL, invalid UTF-8, a literal quote, a broken row,
        // a truncated UTF-16 file, CLIXML.
        let with = |from: &str, to: &str| text.replacen(from, to, 1).into_bytes();
        let mut latin = text.clone().into_bytes();
        let at = latin.len() / 2;
        latin[at] = 0xFC;
        let mut truncated = utf16([0xFF, 0xFE], u16::to_le_bytes);
        truncated.pop();
        for (what, bytes) in [
            ("NUL", with("plain9", "pl\0in9")),
            ("Windows-1252", latin),
            ("a literal quote", with("plain9", "pl\"ain9")),
            ("a broken row", with("u9@contoso.com,", "u9@contoso.com")),
            ("truncated UTF-16", truncated),
            ("CLIXML", b"<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"></Objs>".to_vec()),
        ] {
            assert!(windows(&bytes, 1000).is_none(), "{what}");
        }
    }

    /// Old Mac line ends (a bare `\r`): the `#TYPE` line is skipped and rows keep their lines.
    #[test]
    fn bare_carriage_returns_end_lines() {
        let text = "#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox\rPrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN\ra@contoso.com,SMTP:a@contoso.com,,/o=x\rb@contoso.com,SMTP:b@contoso.com,,/o=y\r";
        let map = |r: &Row<'_>| (r.line(), r.string(0usize));
        let (table, rows) = read_csv_in(
            Path::new("s.csv"),
            InputKind::SourceMailboxes,
            text,
            Encoding::Utf8,
            Vec::new(),
            CHUNK,
            &map,
        )
        .unwrap();
        assert!(table.format.contains("#TYPE Selected"), "{}", table.format);
        assert_eq!(
            rows,
            [
                (3, "a@contoso.com".to_string()),
                (4, "b@contoso.com".to_string())
            ]
        );
        assert_eq!(line_breaks(b"a\r\nb\rc\n", 0..7), 3);
    }
}
