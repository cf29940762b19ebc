//! The machine-readable outputs: readiness.csv (one row per source mailbox) and findings.csv
//! (one row per finding). UTF-8 with BOM and CRLF, so Excel and Import-Csv on Windows
//! PowerShell 5.1 both read accents right. Values are written exactly, never formula-escaped:
//! these files feed scripts (the workbook is the human view and is escaped there).

use std::io::Write;

use crate::postmove::{self, Grant, GrantStatus, Trustee};
use crate::report::Report;
use crate::rules::Domains;
use crate::stamp::Stamping;
use crate::waves::Plan;

/// No line numbers here: the same tenant exported in another shape (a `#TYPE` line, say) must
/// give the same bytes. findings.csv carries the lines.
pub const READINESS_HEADER: [&str; 13] = [
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
    "ContactsToRemove",
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

pub const MAILUSERS_HEADER: [&str; 17] = [
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
    "ExchangeGuidInExport",
    "ArchiveGuidInExport",
    "SourcePrimarySmtpAddress",
];
pub const X500_HEADER: [&str; 3] = ["Identity", "Proxy", "SourcePrimarySmtpAddress"];
pub const ONPREM_AD_HEADER: [&str; 6] = [
    "Identity",
    "Attribute",
    "Operation",
    "Value",
    "ValueInExport",
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
            &r.exported_exchange_guid,
            &r.exported_archive_guid,
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

pub const CONTACTS_HEADER: [&str; 12] = [
    "Identity",
    "Action",
    "RecipientTypeDetails",
    "Name",
    "DisplayName",
    "PrimarySmtpAddress",
    "ExternalEmailAddress",
    "LegacyExchangeDN",
    "EmailAddresses",
    "IsDirSynced",
    "MailUserIdentity",
    "SourcePrimarySmtpAddress",
];

/// stamping/contacts.csv: the contacts that stand for migrating mailboxes, removed before the
/// stamping (scripts/Apply-Stamping.ps1) or on-premises by hand. Every address the contact
/// held is kept here, so nothing is lost with it.
pub fn contacts(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(CONTACTS_HEADER)?;
    for r in &stamping.contacts {
        let c = &report.inputs.target_others[r.other];
        // The primary address finds a contact (no two recipients share one); the Name when a
        // row has none.
        let identity = if c.primary_smtp().trim().is_empty() {
            c.name()
        } else {
            c.primary_smtp()
        };
        let addresses: Vec<String> = c.email_addresses().map(|p| p.render()).collect();
        out.write_record([
            identity,
            r.action.as_str(),
            c.recipient_type_details(),
            c.name(),
            c.display_name(),
            c.primary_smtp(),
            c.external_email_address(),
            c.legacy_dn(),
            &addresses.join(";"),
            match c.is_dir_synced {
                Some(true) => "True",
                Some(false) => "False",
                None => "",
            },
            &r.mailuser,
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub const GROUP_MEMBERS_HEADER: [&str; 4] = [
    "Group",
    "Member",
    "RemovedContact",
    "SourcePrimarySmtpAddress",
];

/// stamping/group-members.csv: the groups a removed contact was a member of, which the MailUser
/// that replaces it joins (scripts/Apply-Stamping.ps1, after the stamping).
pub fn group_members(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(GROUP_MEMBERS_HEADER)?;
    for r in &stamping.groups {
        out.write_record([
            r.group.as_str(),
            &r.mailuser,
            report.inputs.target_others[r.contact].label(),
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub const REFERENCES_HEADER: [&str; 10] = [
    "Identity",
    "Name",
    "RecipientTypeDetails",
    "Cmdlet",
    "Parameter",
    "Edit",
    "Property",
    "MailUser",
    "RemovedContact",
    "SourcePrimarySmtpAddress",
];

/// stamping/references.csv: where a removed contact was named in another recipient's
/// forwarding, delivery restrictions or moderation, and the Set- parameter that puts the
/// MailUser that replaces it back (scripts/Apply-Stamping.ps1, last).
pub fn references(
    report: &Report<'_>,
    stamping: &Stamping,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(REFERENCES_HEADER)?;
    let Some(references) = &report.inputs.references else {
        return out.flush();
    };
    for r in &stamping.references {
        let reference = &references[r.reference];
        out.write_record([
            reference.holder.as_str(),
            &reference.holder_name,
            &reference.holder_type,
            &format!("Set-{}", reference.kind.noun()),
            r.parameter,
            r.edit.as_str(),
            reference.property.as_str(),
            &r.mailuser,
            report.inputs.target_others[r.contact].label(),
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub const PERMISSIONS_HEADER: [&str; 9] = [
    "Permission",
    "Mailbox",
    "Trustee",
    "Status",
    "MailboxWave",
    "TrusteeWave",
    "GrantAfterWave",
    "SourceMailbox",
    "SourceTrustee",
];

/// stamping/permissions.csv: what scripts/Restore-Permissions.ps1 grants again. Mailbox and
/// Trustee are target addresses (`addresses`); Trustee is empty when the holder cannot be
/// granted (Status says why), and SourceTrustee keeps what the export wrote.
pub fn permissions(
    report: &Report<'_>,
    plan: &Plan,
    grants: &[Grant],
    addresses: &[String],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(PERMISSIONS_HEADER)?;
    let sources = &report.inputs.sources;
    let wave = |w: Option<usize>| w.map_or("", |w| plan.waves[w].name.as_str());
    let wave_of = |i: usize| plan.wave_batch(i).0;
    for g in grants {
        let (trustee, trustee_wave, source_trustee) = match g.trustee() {
            Trustee::Mailbox(t) => {
                let restamp = g.status == GrantStatus::Restamp;
                (
                    if restamp { addresses[t].as_str() } else { "" },
                    wave_of(t),
                    sources[t].label(),
                )
            }
            Trustee::Unresolved(u) => ("", "", plan.graph.unresolved[u].trustee_text.as_str()),
        };
        out.write_record([
            g.kind.as_str(),
            &addresses[g.mailbox()],
            trustee,
            g.status.as_str(),
            wave_of(g.mailbox()),
            trustee_wave,
            if g.status == GrantStatus::Restamp {
                wave(g.after_wave(plan))
            } else {
                ""
            },
            sources[g.mailbox()].label(),
            source_trustee,
        ])?;
    }
    out.flush()
}

pub const ROUTING_HEADER: [&str; 7] = [
    "SourcePrimarySmtpAddress",
    "SourceAlias",
    "TargetAddress",
    "Wave",
    "Batch",
    "RemoteRoutingAddress",
    "TargetOnPremIdentity",
];

/// stamping/routing.csv: the routing address scripts/Update-SourceRouting.ps1 sets on a hybrid
/// source's RemoteMailbox, and scripts/Update-TargetRouting.ps1 on a dir-synced target's AD user
/// (TargetOnPremIdentity), once the mailbox has moved; one row per planned mailbox, in output
/// order. TargetAddress is the batch address, by which the target's migration users are known.
pub fn routing(
    report: &Report<'_>,
    plan: &Plan,
    domains: &Domains,
    addresses: &[String],
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = import_csv_writer(w)?;
    out.write_record(ROUTING_HEADER)?;
    for &i in report
        .order
        .iter()
        .filter(|&&i| plan.placement[i].is_some())
    {
        let s = &report.inputs.sources[i];
        let (wave, batch) = plan.wave_batch(i);
        let r = postmove::routing(report.inputs, report.joined, domains, i);
        out.write_record([
            s.label(),
            s.alias(),
            &addresses[i],
            wave,
            batch,
            r.address.as_deref().unwrap_or_default(),
            r.onprem_target.unwrap_or_default(),
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
            &r.exported,
            report.inputs.sources[r.source].label(),
        ])?;
    }
    out.flush()
}

pub fn readiness(
    report: &Report<'_>,
    contacts: &super::ContactIndex<'_>,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    let mut out = writer(w)?;
    out.write_record(READINESS_HEADER)?;
    let num = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    for &i in &report.order {
        // The write stage's bar counts mailboxes, as readiness.csv's rows.
        crate::progress::advance(1);
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
            &contacts.describe(report, i),
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
