//! readiness.xlsx, the manager's view: a one-page Summary, then Mailboxes, Findings, Waves,
//! Batches, Permissions and Rules. The big sheets are written in constant-memory mode, in
//! parallel, and continue on `Name (2)` past Excel's row limit. User data is always a string.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::time::SystemTime;

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFormat, ChartLegendPosition, ChartPoint, ChartSolidFill, ChartType,
    ConditionalFormatCell, ConditionalFormatCellRule, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Table, TableColumn, TableStyle, Url, Workbook, Worksheet,
    XlsxError,
};

use super::sheet_xml::{self, Cell, Splice};
use crate::config::WaveSettings;
use crate::date::Date;
use crate::plan::{Broken, Plan, Side};
use crate::report::Report;
use crate::rules::{self, Domains, RuleMeta, Severity, Status};

/// Data rows one sheet holds under its header: Excel's 1,048,576 rows less the header.
pub const SHEET_ROWS: usize = 1_048_575;

/// Sheets up to this many rows are Excel tables; longer ones get an autofilter on a styled
/// header instead. rust_xlsxwriter records every cell of a table in a hash map to check for
/// overlaps (about 40 bytes and 100 ns a cell): 15 million cells for 1,000,000 mailboxes.
pub const TABLE_ROWS: usize = 100_000;

/// Mailbox and finding rows up to which the workbook is compressed hard (level 6): about a
/// tenth of a second of deflate.
const SMALL_BOOK: usize = 20_000;

/// Excel's limit on one cell, in UTF-16 units.
const CELL_CHARS: usize = 32_767;

/// Everything the workbook shows, computed by the pipeline before writing.
pub struct Data<'a> {
    pub report: &'a Report<'a>,
    pub plan: &'a Plan,
    pub broken: &'a [Broken<'a>],
    pub domains: &'a Domains,
    pub settings: &'a WaveSettings,
    /// Data rows per sheet before it continues on `Name (2)`; `SHEET_ROWS` but in tests.
    pub sheet_rows: usize,
}

/// Builds the workbook; `save` writes it.
type Built = (Workbook, Vec<(String, Page)>, i64);

/// Writes the workbook to `out`: the package rust_xlsxwriter makes without the detail rows,
/// then those rows generated straight into it (`sheet_xml`), on every core.
pub fn write(data: &Data<'_>, out: impl std::io::Write + std::io::Seek) -> std::io::Result<()> {
    let xlsx = |e: XlsxError| std::io::Error::other(format!("readiness.xlsx: {e}"));
    let (mut wb, pages, level) = build(data).map_err(xlsx)?;
    let book = wb.save_to_buffer().map_err(xlsx)?;
    let counts = Counts::new(data.report);
    let links = rule_links(&counts);
    let links = &links;
    let splices: Vec<Splice<'_>> = pages
        .into_iter()
        .filter(|(_, p)| !p.range.is_empty())
        .map(|(file, page)| Splice {
            file,
            rows: page.range.len(),
            columns: page.kind.columns().len(),
            fill: Box::new(move |rows, styles, out| {
                page_rows(&page, data, links, rows, styles, out);
            }),
        })
        .collect();
    sheet_xml::splice(&book, &splices, level, out)
}

/// The package without the detail rows, the detail pages with the sheet file each went to, and
/// the compression level for the rows.
fn build(data: &Data<'_>) -> Result<Built, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation time (the newest input's) keeps the bytes the same for the same inputs.
    let newest = data
        .report
        .inputs
        .files
        .iter()
        .filter_map(|f| f.modified)
        .max()
        .map_or(0, unix_seconds);
    wb.set_properties(
        &DocProperties::new()
            .set_title("Cross-tenant migration readiness")
            .set_author("xtenant")
            .set_creation_datetime(&ExcelDateTime::from_timestamp(newest)?),
    );
    let counts = Counts::new(data.report);
    // Deflate is single-threaded and, at level 6, most of the save: level 1 is three times
    // faster for files about 1.6 times larger (measured at 200,000 mailboxes: 0.7 s and 62 MB
    // against 2.4 s and 37 MB). Level 6 only where it costs little.
    let level = if data.report.order.len() + data.report.findings.len() > SMALL_BOOK {
        1
    } else {
        6
    };
    wb.set_zip_compression_level(level as u8);

    let rows = [
        (Kind::Mailboxes, data.report.order.len()),
        (Kind::Findings, data.report.findings.len()),
        (Kind::Permissions, data.broken.len()),
    ];
    let mut pages: Vec<(Worksheet, Page)> = Vec::new();
    for (kind, n) in rows {
        for (i, range) in page_ranges(n, data.sheet_rows).into_iter().enumerate() {
            let mut sheet = Worksheet::new();
            sheet.set_name(page_name(kind.title(), i))?;
            let page = Page {
                kind,
                range,
                index: i,
            };
            probe(&mut sheet, &page)?;
            pages.push((sheet, page));
        }
    }

    let mut summary = Worksheet::new();
    summary.set_name("Summary")?;
    write_summary(&mut summary, data, &counts, &pages)?;
    let mut waves = Worksheet::new();
    waves.set_name("Waves")?;
    write_waves(&mut waves, data)?;
    let mut batches = Worksheet::new();
    batches.set_name("Batches")?;
    write_batches(&mut batches, data)?;
    let mut rules_sheet = Worksheet::new();
    rules_sheet.set_name("Rules")?;
    write_rules(&mut rules_sheet, &counts)?;

    // Sheet order: Summary, Mailboxes..., Findings..., Waves, Batches, Permissions..., Rules.
    // rust_xlsxwriter numbers the sheet files in that order: sheet1.xml is the Summary.
    let mut order: Vec<(Worksheet, Option<Page>)> = vec![(summary, None)];
    let (mailboxes, rest): (Vec<_>, Vec<_>) = pages
        .into_iter()
        .partition(|(_, p)| p.kind == Kind::Mailboxes);
    let (findings, permissions): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|(_, p)| p.kind == Kind::Findings);
    order.extend(mailboxes.into_iter().map(|(s, p)| (s, Some(p))));
    order.extend(findings.into_iter().map(|(s, p)| (s, Some(p))));
    order.push((waves, None));
    order.push((batches, None));
    order.extend(permissions.into_iter().map(|(s, p)| (s, Some(p))));
    order.push((rules_sheet, None));
    let mut spliced = Vec::new();
    for (n, (sheet, page)) in (1..).zip(order) {
        wb.push_worksheet(sheet);
        if let Some(page) = page {
            spliced.push((format!("xl/worksheets/sheet{n}.xml"), page));
        }
    }
    Ok((wb, spliced, level))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Mailboxes,
    Findings,
    Permissions,
}

/// One sheet of a detail table: rows `range` of it, the `index`-th page.
struct Page {
    kind: Kind,
    range: Range<usize>,
    index: usize,
}

fn page_ranges(n: usize, per_sheet: usize) -> Vec<Range<usize>> {
    let per_sheet = per_sheet.max(1);
    if n == 0 {
        // An empty table still gets its (header-only) sheet.
        return std::iter::once(0..0).collect();
    }
    (0..n)
        .step_by(per_sheet)
        .map(|start| start..(start + per_sheet).min(n))
        .collect()
}

/// `Mailboxes`, `Mailboxes (2)`, ...
fn page_name(title: &str, index: usize) -> String {
    match index {
        0 => title.to_string(),
        i => format!("{title} ({})", i + 1),
    }
}

/// A cell's text as Excel can hold it: cut at 32,767 UTF-16 units, saying so.
fn text(s: &str) -> Cow<'_, str> {
    // UTF-8 never has fewer bytes than UTF-16 has units, so short strings need no count.
    if s.len() <= CELL_CHARS {
        return Cow::Borrowed(s);
    }
    const CUT: &str = " [cut: longer than an Excel cell holds]";
    let budget = CELL_CHARS - CUT.len();
    let mut units = 0;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > budget {
            end = i;
            break;
        }
    }
    if end == s.len() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("{}{CUT}", &s[..end]))
}

fn gb(bytes: u64) -> f64 {
    bytes as f64 / (1u64 << 30) as f64
}

fn unix_seconds(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `2026-11-22 14:05` (UTC).
fn utc(t: SystemTime) -> String {
    let secs = unix_seconds(t);
    let day = Date::from_unix_days(secs.div_euclid(86_400));
    let minute = secs.rem_euclid(86_400) / 60;
    format!("{day} {:02}:{:02}", minute / 60, minute % 60)
}

/// Per rule (in `rules::ALL` order): findings and distinct mailboxes in this run.
struct Counts {
    findings: Vec<usize>,
    mailboxes: Vec<usize>,
    position: HashMap<&'static str, usize>,
}

impl Counts {
    fn new(report: &Report<'_>) -> Counts {
        let position: HashMap<&'static str, usize> = rules::ALL
            .iter()
            .enumerate()
            .map(|(i, r)| (r.meta().code, i))
            .collect();
        let n = rules::ALL.len();
        let (mut findings, mut mailboxes) = (vec![0; n], vec![0; n]);
        // Findings are sorted by mailbox, so a mailbox's findings of one code are adjacent.
        let mut last: Vec<Option<usize>> = vec![None; n];
        for f in &report.findings {
            let Some(&p) = position.get(f.code) else {
                continue;
            };
            findings[p] += 1;
            if f.source.is_some() && last[p] != f.source {
                mailboxes[p] += 1;
                last[p] = f.source;
            }
        }
        Counts {
            findings,
            mailboxes,
            position,
        }
    }

    /// The Excel row (1-based) of a rule on the Rules sheet.
    fn rules_row(&self, code: &str) -> Option<usize> {
        self.position.get(code).map(|p| p + 2)
    }
}

/// The formats every sheet uses.
struct Formats {
    header: Format,
    int: Format,
    gb: Format,
    hours: Format,
    pct: Format,
    link: Format,
    wrap: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color("D9E1F2")
                .set_border_bottom(FormatBorder::Thin),
            int: Format::new().set_num_format("#,##0"),
            gb: Format::new().set_num_format("#,##0.00"),
            hours: Format::new().set_num_format("#,##0.0"),
            pct: Format::new().set_num_format("0%"),
            link: Format::new()
                .set_font_color("0563C1")
                .set_underline(rust_xlsxwriter::FormatUnderline::Single),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        }
    }
}

/// Excel's "Good", "Neutral" and "Bad" cell styles, by status.
fn status_format(status: Status) -> Format {
    let (fill, font) = match status {
        Status::Ready => ("C6EFCE", "006100"),
        Status::NeedsStamping => ("FFEB9C", "9C5700"),
        Status::Blocked => ("FFC7CE", "9C0006"),
    };
    Format::new()
        .set_background_color(fill)
        .set_font_color(font)
}

/// A detail sheet's header, widths, table and frozen header row, set before any row is written
/// (constant-memory sheets cannot go back to a row).
fn prepare(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[(&str, f64)],
    rows: usize,
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, (_, width)) in columns.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // Printed, each page repeats the header row.
    sheet.set_landscape();
    sheet.set_repeat_rows(0, 0)?;
    let last_col = columns.len() as u16 - 1;
    if rows == 0 || rows > TABLE_ROWS {
        for (c, (title, _)) in columns.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *title, &f.header)?;
        }
        if rows == 0 {
            // Excel tables need a data row; an empty sheet keeps its header and says so.
            sheet.write_string(1, 0, "(none)")?;
        } else {
            sheet.autofilter(0, 0, rows as u32, last_col)?;
        }
        return Ok(());
    }
    let table = Table::new()
        .set_name(name.replace([' ', '(', ')'], ""))
        .set_style(TableStyle::Medium2)
        .set_autofilter(true)
        .set_columns(
            &columns
                .iter()
                .map(|(title, _)| TableColumn::new().set_header(*title))
                .collect::<Vec<_>>(),
        );
    sheet.add_table(0, 0, rows as u32, last_col, &table)?;
    Ok(())
}

const MAILBOX_COLUMNS: [(&str, f64); 15] = [
    ("Source address", 34.0),
    ("Alias", 18.0),
    ("Display name", 28.0),
    ("UPN", 34.0),
    ("Type", 18.0),
    ("ExchangeGuid", 38.0),
    ("Target", 34.0),
    ("Target type", 16.0),
    ("Matched by", 20.0),
    ("Status", 15.0),
    ("Wave", 10.0),
    ("Batch", 18.0),
    ("Mailbox GB", 12.0),
    ("Archive GB", 12.0),
    ("Codes", 30.0),
];

const FINDING_COLUMNS: [(&str, f64); 8] = [
    ("Code", 9.0),
    ("Severity", 10.0),
    ("Mailbox", 34.0),
    ("Target", 34.0),
    ("Message", 80.0),
    ("Fix", 80.0),
    ("Rule", 30.0),
    ("Source line", 11.0),
];

const PERMISSION_COLUMNS: [(&str, f64); 9] = [
    ("Code", 9.0),
    ("Permission", 14.0),
    ("Mailbox", 34.0),
    ("Mailbox wave", 13.0),
    ("Mailbox batch", 18.0),
    ("Holder", 34.0),
    ("Holder wave", 13.0),
    ("Holder batch", 18.0),
    ("Problem", 45.0),
];

/// A detail page as rust_xlsxwriter writes it: widths, header (as a table or with a filter),
/// frozen header row, conditional formats, and one probe row whose cells carry each column's
/// style. The rows themselves are generated into the package afterwards (`sheet_xml`).
fn probe(sheet: &mut Worksheet, page: &Page) -> Result<(), XlsxError> {
    let f = Formats::new();
    let n = page.range.len();
    let name = page_name(page.kind.title(), page.index);
    prepare(sheet, &name, page.kind.columns(), n, &f)?;
    if n == 0 {
        return Ok(());
    }
    match page.kind {
        Kind::Mailboxes => {
            for status in [Status::Ready, Status::NeedsStamping, Status::Blocked] {
                let rule = ConditionalFormatCell::new()
                    .set_rule(ConditionalFormatCellRule::EqualTo(format!(
                        "\"{}\"",
                        status.as_str()
                    )))
                    .set_format(status_format(status));
                sheet.add_conditional_format(1, 9, n as u32, 9, &rule)?;
            }
            sheet.write_number_with_format(1, 12, 0.0, &f.gb)?;
            sheet.write_number_with_format(1, 13, 0.0, &f.gb)?;
        }
        Kind::Findings => {
            sheet.write_formula_with_format(1, 0, Formula::new("=0"), &f.link)?;
        }
        Kind::Permissions => {
            sheet.write_string(1, 0, "probe")?;
        }
    }
    Ok(())
}

impl Kind {
    fn title(self) -> &'static str {
        match self {
            Kind::Mailboxes => "Mailboxes",
            Kind::Findings => "Findings",
            Kind::Permissions => "Permissions",
        }
    }

    fn columns(self) -> &'static [(&'static str, f64)] {
        match self {
            Kind::Mailboxes => &MAILBOX_COLUMNS,
            Kind::Findings => &FINDING_COLUMNS,
            Kind::Permissions => &PERMISSION_COLUMNS,
        }
    }
}

fn wave_batch<'a>(data: &Data<'a>, i: usize) -> (&'a str, &'a str) {
    data.plan.placement[i].map_or(("", ""), |(w, b)| {
        let wave = &data.plan.waves[w];
        (wave.name.as_str(), wave.batches[b].name.as_str())
    })
}

/// Generates the XML of `rows` (0-based within the page) of a page.
fn page_rows(
    page: &Page,
    data: &Data<'_>,
    links: &HashMap<&str, String>,
    rows: Range<usize>,
    styles: &[Option<u32>],
    out: &mut String,
) {
    let start = page.range.start;
    for r in rows {
        // Row 1 is the header.
        let excel_row = r as u32 + 2;
        let i = start + r;
        match page.kind {
            Kind::Mailboxes => mailbox_row(data, data.report.order[i], excel_row, styles, out),
            Kind::Findings => finding_row(data, links, i, excel_row, styles, out),
            Kind::Permissions => permission_row(data, i, excel_row, styles, out),
        }
    }
}

fn mailbox_row(data: &Data<'_>, i: usize, row: u32, styles: &[Option<u32>], out: &mut String) {
    let report = data.report;
    let s = &report.inputs.sources[i];
    let m = &report.joined.matches[i];
    let t = m.target.map(|t| &report.inputs.targets[t]);
    let (wave, batch) = wave_batch(data, i);
    let guid = s.exchange_guid.map(|g| g.to_string()).unwrap_or_default();
    let by = m.by.map(|b| b.to_string()).unwrap_or_default();
    let codes = report.codes[i].join("; ");
    let texts = [
        text(&s.primary_smtp),
        text(&s.alias),
        text(&s.display_name),
        text(&s.upn),
        text(&s.recipient_type_details),
        Cow::Borrowed(guid.as_str()),
        text(t.map_or("", |t| t.label())),
        text(t.map_or("", |t| &t.recipient_type_details)),
        Cow::Borrowed(by.as_str()),
        Cow::Borrowed(report.statuses[i].as_str()),
        text(wave),
        text(batch),
    ];
    let size = |b: Option<u64>| b.map_or(Cell::Empty, |b| Cell::Number(gb(b)));
    let stats = s.stats.as_ref();
    let mut cells: Vec<Cell<'_>> = texts.iter().map(|t| cell(t)).collect();
    cells.push(size(stats.and_then(|st| st.total_item_size)));
    cells.push(size(stats.and_then(|st| st.archive_size)));
    cells.push(cell(&codes));
    sheet_xml::row(out, row, &cells, styles);
}

fn finding_row(
    data: &Data<'_>,
    links: &HashMap<&str, String>,
    i: usize,
    row: u32,
    styles: &[Option<u32>],
    out: &mut String,
) {
    let report = data.report;
    let finding = &report.findings[i];
    let s = finding.source.map(|s| &report.inputs.sources[s]);
    let texts = [
        text(s.map_or("", |s| s.label())),
        text(
            finding
                .target
                .map_or("", |t| report.inputs.targets[t].label()),
        ),
        text(&finding.message),
        text(&finding.fix),
    ];
    let code = match links.get(finding.code) {
        Some(link) => Cell::Formula(link, finding.code),
        None => Cell::Text(finding.code),
    };
    let mut cells = vec![code, Cell::Text(finding.severity.as_str())];
    cells.extend(texts.iter().map(|t| cell(t)));
    cells.push(cell(
        rules::find(finding.code).map_or("", |r| r.meta().name),
    ));
    cells.push(s.map_or(Cell::Empty, |s| Cell::Number(s.line as f64)));
    sheet_xml::row(out, row, &cells, styles);
}

fn permission_row<'a>(
    data: &Data<'a>,
    i: usize,
    row: u32,
    styles: &[Option<u32>],
    out: &mut String,
) {
    let sources = &data.report.inputs.sources;
    let side = |s: Side<'a>| match s {
        Side::Mailbox(i) => {
            let (wave, batch) = wave_batch(data, i);
            (text(sources[i].label()), wave, batch)
        }
        Side::Unresolved(t) => (text(t), "", ""),
    };
    let b = &data.broken[i];
    let (mailbox, mwave, mbatch) = side(b.mailbox);
    let (holder, hwave, hbatch) = side(b.trustee);
    let cells = [
        Cell::Text(b.problem.code()),
        Cell::Text(b.kind.as_str()),
        cell(&mailbox),
        cell(mwave),
        cell(mbatch),
        cell(&holder),
        cell(hwave),
        cell(hbatch),
        cell(b.problem.describe()),
    ];
    sheet_xml::row(out, row, &cells, styles);
}

/// A text cell; nothing at all for an empty value.
fn cell(s: &str) -> Cell<'_> {
    if s.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(s)
    }
}

/// The link formula of each code: its cell jumps to the rule's row on the Rules sheet.
fn rule_links(counts: &Counts) -> HashMap<&'static str, String> {
    rules::ALL
        .iter()
        .filter_map(|r| {
            let code = r.meta().code;
            counts
                .rules_row(code)
                .map(|row| (code, format!("HYPERLINK(\"#Rules!A{row}\",\"{code}\")")))
        })
        .collect()
}

/// Per wave: (users, ready, needs stamping).
fn wave_counts(data: &Data<'_>) -> Vec<(usize, usize, usize)> {
    data.plan
        .waves
        .iter()
        .map(|w| {
            let mut c = (0, 0, 0);
            for b in &w.batches {
                for &m in &b.members {
                    c.0 += 1;
                    match data.report.statuses[m] {
                        Status::Ready => c.1 += 1,
                        Status::NeedsStamping => c.2 += 1,
                        Status::Blocked => {}
                    }
                }
            }
            c
        })
        .collect()
}

fn date(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn small_table(
    sheet: &mut Worksheet,
    name: &str,
    columns: &[(&str, f64)],
    rows: usize,
) -> Result<(), XlsxError> {
    let f = Formats::new();
    prepare(sheet, name, columns, rows, &f)
}

const WAVE_COLUMNS: [(&str, f64); 11] = [
    ("Wave", 12.0),
    ("Cut-over", 12.0),
    ("Start after", 12.0),
    ("Batches", 9.0),
    ("Users", 9.0),
    ("Ready", 9.0),
    ("NeedsStamping", 15.0),
    ("% ready", 9.0),
    ("GB", 11.0),
    ("Longest batch (h)", 17.0),
    ("Batch hours (sum)", 17.0),
];

fn write_waves(sheet: &mut Worksheet, data: &Data<'_>) -> Result<(), XlsxError> {
    let f = Formats::new();
    let waves = &data.plan.waves;
    small_table(sheet, "Waves", &WAVE_COLUMNS, waves.len())?;
    let counts = wave_counts(data);
    for ((row, w), (users, ready, stamping)) in (1u32..).zip(waves).zip(counts) {
        sheet.write_string(row, 0, &w.name)?;
        sheet.write_string(row, 1, date(w.cutover))?;
        sheet.write_string(
            row,
            2,
            date(
                w.cutover
                    .map(|c| c.add_days(-data.settings.start_days_before)),
            ),
        )?;
        sheet.write_number_with_format(row, 3, w.batches.len() as f64, &f.int)?;
        sheet.write_number_with_format(row, 4, users as f64, &f.int)?;
        sheet.write_number_with_format(row, 5, ready as f64, &f.int)?;
        sheet.write_number_with_format(row, 6, stamping as f64, &f.int)?;
        sheet.write_number_with_format(row, 7, share(ready, users), &f.pct)?;
        sheet.write_number_with_format(row, 8, gb(w.bytes()), &f.gb)?;
        let hours = w.batches.iter().map(|b| b.estimated_hours);
        sheet.write_number_with_format(row, 9, hours.clone().fold(0.0, f64::max), &f.hours)?;
        sheet.write_number_with_format(row, 10, hours.sum::<f64>(), &f.hours)?;
    }
    Ok(())
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

const BATCH_COLUMNS: [(&str, f64); 8] = [
    ("Wave", 12.0),
    ("Batch", 20.0),
    ("File", 34.0),
    ("Users", 9.0),
    ("GB", 11.0),
    ("Estimated hours", 16.0),
    ("Start after", 12.0),
    ("Cut-over", 12.0),
];

fn write_batches(sheet: &mut Worksheet, data: &Data<'_>) -> Result<(), XlsxError> {
    let f = Formats::new();
    let n = data.plan.waves.iter().map(|w| w.batches.len()).sum();
    small_table(sheet, "Batches", &BATCH_COLUMNS, n)?;
    let mut row = 1u32;
    for w in &data.plan.waves {
        for b in &w.batches {
            sheet.write_string(row, 0, &w.name)?;
            sheet.write_string(row, 1, &b.name)?;
            // The same relative path as batches/batches.csv, under the output folder.
            sheet.write_string(row, 2, format!("batches/{}/{}.csv", w.name, b.name))?;
            sheet.write_number_with_format(row, 3, b.members.len() as f64, &f.int)?;
            sheet.write_number_with_format(row, 4, gb(b.bytes), &f.gb)?;
            sheet.write_number_with_format(row, 5, b.estimated_hours, &f.hours)?;
            sheet.write_string(
                row,
                6,
                date(
                    w.cutover
                        .map(|c| c.add_days(-data.settings.start_days_before)),
                ),
            )?;
            sheet.write_string(row, 7, date(w.cutover))?;
            row += 1;
        }
    }
    Ok(())
}

const RULE_COLUMNS: [(&str, f64); 10] = [
    ("Code", 8.0),
    ("Name", 30.0),
    ("Severity", 10.0),
    ("Scope", 10.0),
    ("Mailboxes", 11.0),
    ("Findings", 10.0),
    ("Summary", 45.0),
    ("What", 60.0),
    ("Why", 60.0),
    ("How to fix", 60.0),
];

fn write_rules(sheet: &mut Worksheet, counts: &Counts) -> Result<(), XlsxError> {
    let f = Formats::new();
    small_table(sheet, "Rules", &RULE_COLUMNS, rules::ALL.len())?;
    for (row, (p, rule)) in (1u32..).zip(rules::ALL.iter().enumerate()) {
        let m = rule.meta();
        sheet.write_string_with_format(row, 0, m.code, &f.wrap)?;
        sheet.write_string_with_format(row, 1, m.name, &f.wrap)?;
        sheet.write_string_with_format(row, 2, m.severity.as_str(), &f.wrap)?;
        sheet.write_string_with_format(row, 3, if m.org { "org" } else { "mailbox" }, &f.wrap)?;
        sheet.write_number_with_format(row, 4, counts.mailboxes[p] as f64, &f.int)?;
        sheet.write_number_with_format(row, 5, counts.findings[p] as f64, &f.int)?;
        for (c, value) in (6u16..).zip([m.summary, m.what, m.why, m.fix]) {
            sheet.write_string_with_format(row, c, value, &f.wrap)?;
        }
    }
    Ok(())
}

/// The Summary's columns: labels, names, then numbers; charts sit right of them from `CHARTS`.
const SUMMARY_WIDTHS: [f64; 8] = [28.0, 34.0, 12.0, 17.0, 12.0, 14.0, 12.0, 12.0];
const CHARTS: u16 = 9;
const LAST_COL: u16 = 16;

/// The Summary's cell writers. Every cell is top-aligned, so a row whose last text wraps onto a
/// second line still reads across.
struct Cells<'s> {
    sheet: &'s mut Worksheet,
    plain: Format,
    int: Format,
    pct: Format,
    gb: Format,
    link: Format,
    header: Format,
    section: Format,
    wrap: Format,
}

impl Cells<'_> {
    fn new(sheet: &mut Worksheet) -> Cells<'_> {
        let f = Formats::new();
        let top = |f: Format| f.set_align(FormatAlign::Top);
        Cells {
            sheet,
            plain: top(Format::new()),
            int: top(f.int),
            pct: top(f.pct),
            gb: top(f.gb),
            link: top(f.link),
            header: f.header,
            section: Format::new()
                .set_bold()
                .set_font_size(12)
                .set_font_color("1F3864")
                .set_border_bottom(FormatBorder::Medium),
            wrap: f.wrap,
        }
    }

    fn str(&mut self, row: u32, col: u16, s: &str) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(row, col, text(s), &self.plain)?;
        Ok(())
    }

    fn num(&mut self, row: u32, col: u16, n: f64, format: &Format) -> Result<(), XlsxError> {
        self.sheet.write_number_with_format(row, col, n, format)?;
        Ok(())
    }

    fn int(&mut self, row: u32, col: u16, n: usize) -> Result<(), XlsxError> {
        let format = self.int.clone();
        self.num(row, col, n as f64, &format)
    }

    fn styled(&mut self, row: u32, col: u16, s: &str, format: &Format) -> Result<(), XlsxError> {
        let format = format.clone().set_align(FormatAlign::Top);
        self.sheet.write_string_with_format(row, col, s, &format)?;
        Ok(())
    }

    /// A section title ruled across the table columns.
    fn section(&mut self, row: u32, title: &str) -> Result<(), XlsxError> {
        self.sheet
            .write_string_with_format(row, 0, title, &self.section)?;
        for c in 1..SUMMARY_WIDTHS.len() as u16 {
            self.sheet.write_blank(row, c, &self.section)?;
        }
        Ok(())
    }

    /// Column titles; the header shading runs on across the table columns.
    fn header(&mut self, row: u32, titles: &[&str]) -> Result<(), XlsxError> {
        for c in 0..SUMMARY_WIDTHS.len() as u16 {
            match titles.get(c as usize) {
                Some(t) => self
                    .sheet
                    .write_string_with_format(row, c, *t, &self.header)?,
                None => self.sheet.write_blank(row, c, &self.header)?,
            };
        }
        Ok(())
    }

    /// A long text from `first` to the last table column, merged and wrapped, so it never runs
    /// under a chart; the row grows to the lines it needs.
    fn long(&mut self, row: u32, first: u16, s: &str) -> Result<(), XlsxError> {
        let width: f64 = SUMMARY_WIDTHS[first as usize..].iter().sum();
        // About 1.2 characters of body text per unit of column width.
        let lines = (s.chars().count() as f64 / (width * 1.2)).ceil().max(1.0);
        if lines > 1.0 {
            self.sheet.set_row_height(row, 15.0 * lines)?;
        }
        let last = SUMMARY_WIDTHS.len() as u16 - 1;
        if first == last {
            self.sheet
                .write_string_with_format(row, first, text(s), &self.wrap)?;
        } else {
            self.sheet
                .merge_range(row, first, row, last, &text(s), &self.wrap)?;
        }
        Ok(())
    }
}

fn write_summary(
    sheet: &mut Worksheet,
    data: &Data<'_>,
    counts: &Counts,
    pages: &[(Worksheet, Page)],
) -> Result<(), XlsxError> {
    let report = data.report;
    for (c, w) in (0u16..).zip(SUMMARY_WIDTHS) {
        sheet.set_column_width(c, w)?;
    }
    let title = Format::new().set_bold().set_font_size(16);
    sheet.write_string_with_format(0, 0, "Cross-tenant migration readiness", &title)?;
    let mut cells = Cells::new(sheet);
    let mut row = 1u32;
    let tenants = format!(
        "Source: {}    Target: {}{}",
        source_tenant(report),
        data.domains
            .primary
            .as_deref()
            .unwrap_or("(no accepted domains given)"),
        data.domains
            .delivery
            .as_deref()
            .map(|d| format!("    Delivery domain: {d}"))
            .unwrap_or_default()
    );
    cells.str(row, 0, &tenants)?;
    row += 2;

    // Inputs.
    let pie_row = row;
    cells.section(row, "Inputs")?;
    row += 1;
    cells.header(row, &["Input", "File", "Rows", "Modified (UTC)", "Read as"])?;
    row += 1;
    for file in &report.inputs.files {
        cells.str(row, 0, file.kind.key())?;
        let name = file
            .path
            .file_name()
            .map_or_else(|| file.path.to_string_lossy(), |n| n.to_string_lossy());
        cells.str(row, 1, &name)?;
        cells.int(row, 2, file.rows)?;
        cells.str(row, 3, &file.modified.map(utc).unwrap_or_default())?;
        cells.long(row, 4, &file.format)?;
        row += 1;
    }
    row += 1;

    // Status totals.
    cells.section(row, "Mailboxes by status")?;
    row += 1;
    cells.header(row, &["Status", "Meaning", "Mailboxes", "Share"])?;
    row += 1;
    let total = report.statuses.len();
    let status_rows = row;
    for (status, meaning) in [
        (Status::Ready, "can move as it is"),
        (
            Status::NeedsStamping,
            "moves once the stamping files are applied",
        ),
        (Status::Blocked, "held back until its blockers are fixed"),
    ] {
        let n = report.count(status);
        cells.styled(row, 0, status.as_str(), &status_format(status))?;
        cells.str(row, 1, meaning)?;
        cells.int(row, 2, n)?;
        let pct = cells.pct.clone();
        cells.num(row, 3, share(n, total), &pct)?;
        row += 1;
    }
    let bold = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    cells.styled(row, 0, "Total", &bold)?;
    cells.styled(row, 1, "", &bold)?;
    cells.num(row, 2, total as f64, &bold.clone().set_num_format("#,##0"))?;
    cells.styled(row, 3, "", &bold)?;
    row += 2;

    // Reconciliation: every count a manager may check against the files.
    cells.section(row, "Counts reconciled")?;
    row += 1;
    cells.header(row, &["Count", "Where", "Rows", "Expected", "Check"])?;
    row += 1;
    let source_rows: usize = report
        .inputs
        .files
        .iter()
        .filter(|f| f.kind == crate::input::InputKind::SourceMailboxes)
        .map(|f| f.rows)
        .sum();
    let planned: usize = data.plan.waves.iter().map(|w| w.users()).sum();
    let moving = report.count(Status::Ready) + report.count(Status::NeedsStamping);
    let sheets = |kind: Kind, name: &str| match pages.iter().filter(|(_, p)| p.kind == kind).count()
    {
        1 => format!("{name} sheet"),
        n => format!("{name} sheets (1-{n})"),
    };
    for (what, where_, rows, expected) in [
        (
            "Source mailboxes read",
            "the source mailbox export".to_string(),
            source_rows,
            source_rows,
        ),
        (
            "Mailboxes reported",
            format!("readiness.csv, {}", sheets(Kind::Mailboxes, "Mailboxes")),
            report.order.len(),
            source_rows,
        ),
        (
            "Ready + NeedsStamping planned",
            "batches/<wave>/<batch>.csv".to_string(),
            planned,
            moving,
        ),
        (
            "Blocked held back",
            "batches/held-back.csv".to_string(),
            report.count(Status::Blocked),
            total - moving,
        ),
        (
            "Findings",
            format!("findings.csv, {}", sheets(Kind::Findings, "Findings")),
            report.findings.len(),
            report.findings.len(),
        ),
    ] {
        cells.str(row, 0, what)?;
        cells.str(row, 1, &where_)?;
        cells.int(row, 2, rows)?;
        cells.int(row, 3, expected)?;
        let ok = rows == expected;
        cells.styled(
            row,
            4,
            if ok { "OK" } else { "MISMATCH" },
            &status_format(if ok { Status::Ready } else { Status::Blocked }),
        )?;
        row += 1;
    }
    row += 1;

    // Top blocking codes.
    let waves_chart_row = row;
    cells.section(row, "Top blocking codes")?;
    row += 1;
    cells.header(row, &["Code", "Rule", "Mailboxes", "What it means"])?;
    row += 1;
    let mut blocking: Vec<(usize, &RuleMeta)> = rules::ALL
        .iter()
        .enumerate()
        .filter(|(p, r)| r.meta().severity == Severity::Blocker && counts.mailboxes[*p] > 0)
        .map(|(p, r)| (counts.mailboxes[p], r.meta()))
        .collect();
    blocking.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.code.cmp(b.1.code)));
    if blocking.is_empty() {
        cells.str(row, 0, "none: no mailbox is Blocked")?;
        row += 1;
    }
    for (n, m) in blocking.iter().take(TOP_CODES) {
        match counts.rules_row(m.code) {
            Some(target) => {
                let url = Url::new(format!("internal:Rules!A{target}")).set_text(m.code);
                let link = cells.link.clone();
                cells.sheet.write_url_with_format(row, 0, url, &link)?;
            }
            None => cells.str(row, 0, m.code)?,
        }
        cells.str(row, 1, m.name)?;
        cells.int(row, 2, *n)?;
        cells.long(row, 3, m.summary)?;
        row += 1;
    }
    if blocking.len() > TOP_CODES {
        let more = format!(
            "and {} more blocking codes: see the Rules sheet",
            blocking.len() - TOP_CODES
        );
        cells.str(row, 0, &more)?;
        row += 1;
    }
    row += 1;

    // Per-wave readiness.
    cells.section(row, "Waves")?;
    row += 1;
    cells.header(
        row,
        &[
            "Wave",
            "Cut-over",
            "Batches",
            "Users",
            "Ready",
            "NeedsStamping",
            "% ready",
            "GB",
        ],
    )?;
    row += 1;
    let wave_rows = row;
    for (w, (users, ready, stamping)) in data.plan.waves.iter().zip(wave_counts(data)) {
        cells.str(row, 0, &w.name)?;
        cells.str(row, 1, &date(w.cutover))?;
        cells.int(row, 2, w.batches.len())?;
        cells.int(row, 3, users)?;
        cells.int(row, 4, ready)?;
        cells.int(row, 5, stamping)?;
        let (pct, gb_format) = (cells.pct.clone(), cells.gb.clone());
        cells.num(row, 6, share(ready, users), &pct)?;
        cells.num(row, 7, gb(w.bytes()), &gb_format)?;
        row += 1;
    }
    if data.plan.waves.is_empty() {
        cells.str(row, 0, "none: no mailbox can move yet")?;
        row += 1;
    }
    row += 1;

    // Org-level findings.
    cells.section(row, "Org-level findings")?;
    row += 1;
    cells.header(row, &["Code", "Severity", "Message"])?;
    row += 1;
    let org: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.source.is_none())
        .collect();
    if org.is_empty() {
        cells.str(row, 0, "none")?;
        row += 1;
    }
    for finding in org {
        cells.str(row, 0, finding.code)?;
        cells.str(row, 1, finding.severity.as_str())?;
        cells.long(row, 2, &finding.message)?;
        row += 1;
    }

    // Notes: sheets continued, rules that did not run, how the files were read.
    let mut notes: Vec<String> = Vec::new();
    for (kind, title, n) in [
        (Kind::Mailboxes, "Mailboxes", report.order.len()),
        (Kind::Findings, "Findings", report.findings.len()),
        (Kind::Permissions, "Permissions", data.broken.len()),
    ] {
        let count = pages.iter().filter(|(_, p)| p.kind == kind).count();
        if count > 1 {
            notes.push(format!(
                "{title} has {n} rows, more than one sheet holds ({}): it continues on {}.",
                data.sheet_rows,
                (1..count)
                    .map(|i| format!("'{}'", page_name(title, i)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    notes.extend(report.skipped.iter().cloned());
    notes.extend(report.inputs.notices.iter().map(|n| n.0.clone()));
    if !notes.is_empty() {
        row += 1;
        cells.section(row, "Notes")?;
        row += 1;
        for note in &notes {
            cells.long(row, 0, note)?;
            row += 1;
        }
    }

    // Charts, right of the tables.
    if total > 0 {
        let mut pie = Chart::new(ChartType::Pie);
        pie.title().set_name("Mailboxes by status");
        pie.legend().set_position(ChartLegendPosition::Right);
        let points: Vec<ChartPoint> = [Status::Ready, Status::NeedsStamping, Status::Blocked]
            .iter()
            .map(|&s| {
                ChartPoint::new().set_format(
                    ChartFormat::new()
                        .set_solid_fill(ChartSolidFill::new().set_color(chart_color(s))),
                )
            })
            .collect();
        pie.add_series()
            .set_categories(("Summary", status_rows, 0, status_rows + 2, 0))
            .set_values(("Summary", status_rows, 2, status_rows + 2, 2))
            .set_points(&points)
            .set_data_label(ChartDataLabel::new().show_percentage());
        pie.set_width(480).set_height(300);
        cells.sheet.insert_chart(pie_row, CHARTS, &pie)?;
    }
    if !data.plan.waves.is_empty() {
        let last = wave_rows + data.plan.waves.len() as u32 - 1;
        let mut chart = Chart::new(ChartType::ColumnStacked);
        chart.title().set_name("Users per wave");
        chart.legend().set_position(ChartLegendPosition::Bottom);
        for (col, status) in [(4u16, Status::Ready), (5, Status::NeedsStamping)] {
            chart
                .add_series()
                .set_name(("Summary", wave_rows - 1, col))
                .set_categories(("Summary", wave_rows, 0, last, 0))
                .set_values(("Summary", wave_rows, col, last, col))
                .set_format(
                    ChartFormat::new()
                        .set_solid_fill(ChartSolidFill::new().set_color(chart_color(status))),
                );
        }
        chart.set_width(480).set_height(300);
        cells.sheet.insert_chart(waves_chart_row, CHARTS, &chart)?;
    }

    // One landscape page; one page wide when the waves run long.
    let last_row = row.max(waves_chart_row + 16).max(pie_row + 16);
    sheet.set_landscape();
    sheet.set_margins(0.4, 0.4, 0.5, 0.5, 0.3, 0.3);
    sheet.set_print_area(0, 0, last_row, LAST_COL)?;
    sheet.set_print_fit_to_pages(1, if last_row <= ONE_PAGE_ROWS { 1 } else { 0 });
    sheet.set_footer("&L&8xtenant readiness&R&8Page &P of &N");
    sheet.set_screen_gridlines(false);
    Ok(())
}

/// Blocking codes listed on the Summary; the Rules sheet has them all.
const TOP_CODES: usize = 10;
/// Rows that still print legibly on one landscape page.
const ONE_PAGE_ROWS: u32 = 70;

fn chart_color(status: Status) -> &'static str {
    match status {
        Status::Ready => "63BE7B",
        Status::NeedsStamping => "FFC000",
        Status::Blocked => "E0474C",
    }
}

/// The source tenant as a manager names it: the most common primary SMTP domain.
fn source_tenant(report: &Report<'_>) -> String {
    let mut by_domain: HashMap<&str, usize> = HashMap::new();
    for s in &report.inputs.sources {
        if let Some((_, d)) = s.primary_smtp.rsplit_once('@') {
            *by_domain.entry(d).or_default() += 1;
        }
    }
    by_domain
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map_or_else(
            || "(no source mailboxes)".to_string(),
            |(d, _)| d.to_lowercase(),
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_at_the_limit() {
        let one = |r: Range<usize>| std::iter::once(r).collect::<Vec<_>>();
        assert_eq!(page_ranges(0, 10), one(0..0));
        assert_eq!(page_ranges(10, 10), one(0..10));
        assert_eq!(page_ranges(11, 10), vec![0..10, 10..11]);
        assert_eq!(page_name("Findings", 0), "Findings");
        assert_eq!(page_name("Findings", 2), "Findings (3)");
    }

    /// Tables up to `TABLE_ROWS`, a plain autofilter above (no rows need writing to see it).
    #[test]
    fn long_sheets_get_an_autofilter_instead_of_a_table() {
        use calamine::Reader;
        let f = Formats::new();
        let mut wb = Workbook::new();
        for (name, rows) in [("Small", 10), ("Big", TABLE_ROWS + 1)] {
            let sheet = wb.add_worksheet();
            sheet.set_name(name).unwrap();
            prepare(sheet, name, &MAILBOX_COLUMNS, rows, &f).unwrap();
            sheet.write_string(1, 0, "x").unwrap();
        }
        let bytes = wb.save_to_buffer().unwrap();
        let mut xlsx = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        xlsx.load_tables().unwrap();
        assert_eq!(xlsx.table_names(), ["Small"]);
        let big = xlsx.worksheet_range("Big").unwrap();
        assert_eq!(
            big.get((0, 0)),
            Some(&calamine::Data::String("Source address".into()))
        );
    }

    #[test]
    fn long_text_is_cut_to_a_cell() {
        assert_eq!(text("short"), "short");
        let long = "é".repeat(40_000);
        let cut = text(&long);
        assert!(cut.encode_utf16().count() <= CELL_CHARS);
        assert!(cut.ends_with("holds]"));
        // 32,767 astral characters are 65,534 UTF-16 units: cut too.
        let astral = "😀".repeat(CELL_CHARS);
        assert!(text(&astral).encode_utf16().count() <= CELL_CHARS);
    }
}
