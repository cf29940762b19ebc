//! The machine-readable outputs: readiness.csv (one row per source mailbox) and findings.csv
//! (one row per finding). UTF-8 with BOM and CRLF, so Excel and Import-Csv on Windows
//! PowerShell 5.1 both read accents right. Values are written exactly, never formula-escaped:
//! these files feed scripts (the workbook is the human view and is escaped there).

use std::io::Write;

use crate::report::Report;
use crate::stamp::Stamping;

/// No line numbers here: the same tenant exported in another shape (a `#TYPE` line, say) must
/// give the same bytes. findings.csv carries the lines.
pub const READINESS_HEADER: [&str; 12] = [
    "SourcePrimarySmtpAddress",
    "SourceAlias",
    "SourceDisplayName",
    "SourceRecipientTypeDetails",
    "SourceExchangeGuid",
    "TargetIdentity",
    "TargetRecipientTypeDetails",
    "MatchedBy",
    "Status",
    "Codes",
    "TotalItemSizeBytes",
    "ArchiveSizeBytes",
];

pub const FINDINGS_HEADER: [&str; 8] = [
    "Code",
    "Severity",
    "SourcePrimarySmtpAddress",
    "Target",
    "Message",
    "Fix",
    "Rule",
    "SourceLine",
];

fn writer(w: &mut dyn Write) -> std::io::Result<::csv::Writer<&mut dyn Write>> {
    w.write_all(b"\xEF\xBB\xBF")?;
    Ok(::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(w))
}

/// The stamping files are read by Import-Csv on Windows PowerShell 5.1 and 7: BOM, CRLF, and
/// every field quoted, as Export-Csv itself writes them.
pub(crate) fn import_csv_writer(
    w: &mut dyn Write,
) -> std::io::Result<::csv::Writer<&mut dyn Write>> {
    w.write_all(b"\xEF\xBB\xBF")?;
    Ok(::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Always)
        .from_writer(w))
}

pub const MAILUSERS_HEADER: [&str; 15] = [
    "Action",
    "Identity",
    "Name",
    "Alias",
    "DisplayName",
    "FirstName",
    "LastName",
    "MicrosoftOnlineServicesID",
    "PrimarySmtpAddress",
    "ExternalEmailAddress",
    "ExchangeGuid",
    "ArchiveGuid",
    "EmailAddressesToAdd",
    "EmailAddressesToRemove",
    "SourcePrimarySmtpAddress",
];
pub const X500_HEADER: [&str; 3] = ["Identity", "Proxy", "SourcePrimarySmtpAddress"];
pub const ONPREM_AD_HEADER: [&str; 5] = [
    "Identity",
    "Attribute",
    "Operation",
    "Value",
    "SourcePrimarySmtpAddress",
];

pub fn mailusers(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(MAILUSERS_HEADER)?;
    for r in &stamping.mailusers {
        out.write_record([
            r.action.map_or("", |a| a.as_str()),
            &r.identity,
            &r.name,
            &r.alias,
            &r.display_name,
            &r.first_name,
            &r.last_name,
            &r.microsoft_online_services_id,
            &r.primary_smtp_address,
            &r.external_email_address,
            &r.exchange_guid,
            &r.archive_guid,
            &r.to_add.join(";"),
            &r.to_remove.join(";"),
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub fn x500(report: &Report<'_>, stamping: &Stamping, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(X500_HEADER)?;
    for r in &stamping.proxies {
        out.write_record([
            r.identity.as_str(),
            &r.proxy,
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub const SEND_ON_BEHALF_HEADER: [&str; 5] = [
    "Mailbox",
    "Delegate",
    "Status",
    "SourceMailbox",
    "SourceDelegate",
];

pub fn send_on_behalf(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(SEND_ON_BEHALF_HEADER)?;
    for r in &stamping.send_on_behalf {
        out.write_record([
            r.mailbox.as_str(),
            &r.delegate,
            r.status,
            report.inputs.sources[r.source].label(),
            &r.source_delegate,
        ])?;
    }
    out.flush()
}

pub fn onprem_ad(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(ONPREM_AD_HEADER)?;
    for r in &stamping.onprem {
        out.write_record([
            r.identity.as_str(),
            r.attribute,
            r.operation,
            &r.value,
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub fn readiness(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = writer(w)?;
    out.write_record(READINESS_HEADER)?;
    let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    for &i in &report.order {
        let s = &report.inputs.sources[i];
        let m = &report.joined.matches[i];
        let t = m.target.map(|t| &report.inputs.targets[t]);
        let stats = s.stats.as_ref();
        out.write_record([
            s.primary_smtp(),
            s.alias(),
            s.display_name(),
            s.recipient_type_details(),
            &s.exchange_guid.map(|g| g.to_string()).unwrap_or_default(),
            t.map_or("", |t| t.label()),
            t.map_or("", |t| t.recipient_type_details()),
            &m.by.map(|b| b.to_string()).unwrap_or_default(),
            report.statuses[i].as_str(),
            &report.codes[i].join(";"),
            &num(stats.and_then(|st| st.total_item_size)),
            &num(stats.and_then(|st| st.archive_size)),
        ])?;
    }
    out.flush()
}

pub fn findings(report: &Report<'_>, w: &mut dyn Write) -> std::io::Result<()> {
    let mut out = writer(w)?;
    out.write_record(FINDINGS_HEADER)?;
    for f in &report.findings {
        let s = f.source.map(|s| &report.inputs.sources[s]);
        let rule = crate::rules::by_code(f.code).map_or("", |r| r.meta().name);
        out.write_record([
            f.code,
            f.severity.as_str(),
            s.map_or("", |s| s.label()),
            f.target.map_or("", |t| report.inputs.targets[t].label()),
            &f.message,
            &f.fix,
            rule,
            &s.map(|s| s.line.to_string()).unwrap_or_default(),
        ])?;
    }
    out.flush()
}
