//! The round trip: apply stamping/*.csv to the target export with a small simulator of what
//! Remove-MailContact, New-MailUser, Set-MailUser and an on-premises change plus sync do to the
//! exported objects, plan again, and every mailbox that was NeedsStamping must now be Ready,
//! with no new finding. The simulator is strict as Exchange Online is: a proxy address, x500
//! (another's LegacyExchangeDN included) or Name that another recipient holds is refused.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use xtenant::cli::PlanArgs;
use xtenant::config::Config;
use xtenant::input::table::read_raw;
use xtenant::sample::{OTHER_HEADER, Shape, TARGET_HEADER};

use crate::util::{Dir, export_rows, rows, samples, tenant_args};

type Object = BTreeMap<String, String>;

/// Who holds a value: a target-recipients object or one of the other recipients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Owner {
    Target(usize),
    Other(usize),
}

/// The target tenant as the simulator sees it: the target export, the other recipients, and
/// who holds each unique value (`smtp:`, `x500:`, `x400:` and `name:` keys, lower-cased).
struct Tenant {
    rows: Vec<Object>,
    /// Indexed by UPN and primary address as they were before stamping (the identities the
    /// rows use).
    by_identity: HashMap<String, usize>,
    others: Vec<Object>,
    removed: Vec<bool>,
    holders: HashMap<String, BTreeSet<Owner>>,
    /// Every change Exchange Online (or Entra ID's PropertyConflict) would have refused.
    refused: Vec<String>,
}

/// The registry key of a proxy (`PREFIX:value`), for the prefixes kept unique.
fn proxy_key(proxy: &str) -> Option<String> {
    let (prefix, value) = proxy.split_once(':')?;
    let prefix = prefix.to_ascii_lowercase();
    matches!(prefix.as_str(), "smtp" | "x500" | "x400")
        .then(|| format!("{prefix}:{}", value.to_lowercase()))
}

/// Every unique value an object holds.
fn keys_of(row: &Object) -> Vec<String> {
    let mut keys = Vec::new();
    for col in ["PrimarySmtpAddress", "UserPrincipalName"] {
        if let Some(v) = row.get(col).filter(|v| !v.is_empty()) {
            keys.push(format!("smtp:{}", v.to_lowercase()));
        }
    }
    if let Some(v) = row.get("LegacyExchangeDN").filter(|v| !v.is_empty()) {
        keys.push(format!("x500:{}", v.to_lowercase()));
    }
    if let Some(v) = row.get("Name").filter(|v| !v.is_empty()) {
        keys.push(format!("name:{}", v.to_lowercase()));
    }
    keys.extend(proxies(row).iter().filter_map(|p| proxy_key(p)));
    keys
}

impl Tenant {
    fn read(target: &Path, others: Option<&Path>) -> Tenant {
        let read = |path: &Path| -> Vec<Object> {
            let t = read_raw(path).unwrap();
            t.rows
                .into_iter()
                .map(|(_, r)| t.headers.iter().cloned().zip(r).collect())
                .collect()
        };
        let mut tenant = Tenant {
            rows: Vec::new(),
            by_identity: Default::default(),
            others: Vec::new(),
            removed: Vec::new(),
            holders: Default::default(),
            refused: Vec::new(),
        };
        for row in read(target) {
            tenant.push(row);
        }
        for (i, row) in others.map(read).unwrap_or_default().into_iter().enumerate() {
            for k in keys_of(&row) {
                tenant.holders.entry(k).or_default().insert(Owner::Other(i));
            }
            tenant.others.push(row);
            tenant.removed.push(false);
        }
        tenant
    }

    fn push(&mut self, row: Object) -> usize {
        let i = self.rows.len();
        for col in ["PrimarySmtpAddress", "UserPrincipalName"] {
            if let Some(v) = row.get(col).filter(|v| !v.is_empty()) {
                self.by_identity.entry(v.to_lowercase()).or_insert(i);
            }
        }
        for k in keys_of(&row) {
            self.holders.entry(k).or_default().insert(Owner::Target(i));
        }
        self.rows.push(row);
        i
    }

    /// Whether a recipient other than `owner` holds `key`.
    fn taken(&self, key: &str, owner: Owner) -> Option<Owner> {
        self.holders
            .get(key)
            .and_then(|h| h.iter().find(|o| **o != owner).copied())
    }

    fn refuse(&mut self, what: String) {
        self.refused.push(what);
    }

    /// New-MailUser: refused whole when its Name or primary address is taken.
    fn create(&mut self, row: Object) {
        let owner = Owner::Target(self.rows.len());
        for k in keys_of(&row) {
            if let Some(holder) = self.taken(&k, owner) {
                self.refuse(format!(
                    "New-MailUser {}: {k} is held by {holder:?}",
                    row["PrimarySmtpAddress"]
                ));
                return;
            }
        }
        self.push(row);
    }

    fn write(&self, target: &Path, others: &Path) {
        let render = |header: &[&str], rows: &mut dyn Iterator<Item = &Object>| {
            let rows: Vec<Vec<String>> = rows
                .map(|r| {
                    header
                        .iter()
                        .map(|h| r.get(*h).cloned().unwrap_or_default())
                        .collect()
                })
                .collect();
            Shape::PS7.render(header, &rows)
        };
        std::fs::write(target, render(&TARGET_HEADER, &mut self.rows.iter())).unwrap();
        let mut kept = self
            .others
            .iter()
            .zip(&self.removed)
            .filter(|(_, r)| !**r)
            .map(|(o, _)| o);
        std::fs::write(others, render(&OTHER_HEADER, &mut kept)).unwrap();
    }

    /// The object an identity names (Set-MailUser resolves UPNs and addresses).
    fn find(&self, identity: &str) -> usize {
        *self
            .by_identity
            .get(&identity.to_lowercase())
            .unwrap_or_else(|| panic!("no target object {identity}"))
    }

    /// Remove-MailContact: what it held is free again.
    fn remove_contact(&mut self, identity: &str) {
        let i = self
            .others
            .iter()
            .position(|o| o["PrimarySmtpAddress"].eq_ignore_ascii_case(identity))
            .unwrap_or_else(|| panic!("no contact {identity}"));
        assert_eq!(self.others[i]["RecipientTypeDetails"], "MailContact");
        assert_ne!(
            self.others[i]["IsDirSynced"], "True",
            "a dir-synced contact cannot be removed"
        );
        assert!(!self.removed[i], "{identity} removed twice");
        self.removed[i] = true;
        for k in keys_of(&self.others[i]) {
            if let Some(h) = self.holders.get_mut(&k) {
                h.remove(&Owner::Other(i));
            }
        }
    }

    fn add_proxy(&mut self, i: usize, proxy: &str) {
        let mut list = proxies(&self.rows[i]);
        if list.iter().any(|p| p.eq_ignore_ascii_case(proxy)) {
            return;
        }
        if let Some(k) = proxy_key(proxy) {
            if let Some(holder) = self.taken(&k, Owner::Target(i)) {
                let who = self.rows[i]["PrimarySmtpAddress"].clone();
                self.refuse(format!("{who}: {proxy} is held by {holder:?}"));
                return;
            }
            self.holders.entry(k).or_default().insert(Owner::Target(i));
        }
        list.push(proxy.to_string());
        set_proxies(&mut self.rows[i], list);
    }

    fn remove_proxy(&mut self, i: usize, proxy: &str) {
        let list = proxies(&self.rows[i])
            .into_iter()
            .filter(|p| !p.eq_ignore_ascii_case(proxy))
            .collect();
        set_proxies(&mut self.rows[i], list);
        if let Some(h) = proxy_key(proxy).and_then(|k| self.holders.get_mut(&k)) {
            h.remove(&Owner::Target(i));
        }
    }

    /// Set-MailUser -PrimarySmtpAddress: the old primary stays as a secondary address.
    fn set_primary(&mut self, i: usize, new: &str) {
        let key = format!("smtp:{}", new.to_lowercase());
        if let Some(holder) = self.taken(&key, Owner::Target(i)) {
            let who = self.rows[i]["PrimarySmtpAddress"].clone();
            self.refuse(format!("{who}: primary {new} is held by {holder:?}"));
            return;
        }
        let row = &mut self.rows[i];
        let list = proxies(row)
            .into_iter()
            .filter(|p| !p.get(5..).is_some_and(|a| a.eq_ignore_ascii_case(new)))
            .map(|p| match p.strip_prefix("SMTP:") {
                Some(address) => format!("smtp:{address}"),
                None => p,
            })
            .chain(std::iter::once(format!("SMTP:{new}")))
            .collect();
        set_proxies(row, list);
        row.insert("PrimarySmtpAddress".into(), new.to_string());
        self.holders
            .entry(key)
            .or_default()
            .insert(Owner::Target(i));
    }
}

fn proxies(row: &Object) -> Vec<String> {
    xtenant::input::values::split_proxies(row.get("EmailAddresses").map_or("", String::as_str))
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn set_proxies(row: &mut Object, list: Vec<String>) {
    row.insert("EmailAddresses".into(), list.join(";"));
}

/// Applies the plan in `out`; `remove_contacts` false leaves the contacts in place (to show
/// that the simulator refuses what they hold).
fn apply(out: &Path, tenant: &mut Tenant, remove_contacts: bool) {
    // Apply-Stamping.ps1 removes the contacts first; dir-synced ones are left to on-premises.
    for r in rows(&out.join("stamping/contacts.csv")) {
        if remove_contacts && r["Action"] == "Remove" {
            tenant.remove_contact(&r["Identity"]);
        }
    }
    for r in rows(&out.join("stamping/mailusers.csv")) {
        let list = |col: &str| {
            r[col]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        if r["Action"] == "New" {
            let mut row: Object = TARGET_HEADER
                .iter()
                .map(|h| (h.to_string(), String::new()))
                .collect();
            for (col, from) in [
                ("Name", "Name"),
                ("Alias", "Alias"),
                ("DisplayName", "DisplayName"),
                ("UserPrincipalName", "MicrosoftOnlineServicesID"),
                ("PrimarySmtpAddress", "PrimarySmtpAddress"),
                ("ExternalEmailAddress", "ExternalEmailAddress"),
                ("ExchangeGuid", "ExchangeGuid"),
                ("ArchiveGuid", "ArchiveGuid"),
            ] {
                row.insert(col.into(), r[from].clone());
            }
            row.insert("RecipientTypeDetails".into(), "MailUser".into());
            row.insert(
                "EmailAddresses".into(),
                format!("SMTP:{}", r["PrimarySmtpAddress"]),
            );
            let before = tenant.rows.len();
            tenant.create(row);
            if tenant.rows.len() > before {
                for p in list("EmailAddressesToAdd") {
                    tenant.add_proxy(before, &p);
                }
            }
            continue;
        }
        let i = tenant.find(&r["Identity"]);
        for col in ["ExchangeGuid", "ArchiveGuid", "ExternalEmailAddress"] {
            if !r[col].is_empty() {
                tenant.rows[i].insert(col.into(), r[col].clone());
            }
        }
        if !r["PrimarySmtpAddress"].is_empty() {
            tenant.set_primary(i, &r["PrimarySmtpAddress"]);
        }
        for p in list("EmailAddressesToRemove") {
            tenant.remove_proxy(i, &p);
        }
        for p in list("EmailAddressesToAdd") {
            tenant.add_proxy(i, &p);
        }
    }
    for r in rows(&out.join("stamping/x500.csv")) {
        let i = tenant.find(&r["Identity"]);
        tenant.add_proxy(i, &r["Proxy"]);
    }
    // On-premises AD, then a directory sync (Entra ID drops a value another object holds).
    for r in rows(&out.join("stamping/onprem-ad.csv")) {
        let i = tenant.find(&r["Identity"]);
        let value = r["Value"].clone();
        let row = &mut tenant.rows[i];
        match (r["Attribute"].as_str(), r["Operation"].as_str()) {
            ("msExchMailboxGuid", _) => drop(row.insert("ExchangeGuid".into(), value)),
            ("msExchArchiveGUID", _) => drop(row.insert("ArchiveGuid".into(), value)),
            ("mail", _) => drop(row.insert("PrimarySmtpAddress".into(), value)),
            ("targetAddress", _) => drop(row.insert("ExternalEmailAddress".into(), value)),
            ("proxyAddresses", "Add") => tenant.add_proxy(i, &value),
            ("proxyAddresses", "Remove") => tenant.remove_proxy(i, &value),
            other => panic!("unexpected AD change {other:?}"),
        }
    }
}

/// (source address, code) of every finding, and each mailbox's status.
fn outcome(out: &Path) -> (BTreeSet<(String, String)>, BTreeMap<String, String>) {
    let findings = rows(&out.join("findings.csv"))
        .into_iter()
        .map(|f| {
            (
                format!("{}#{}", f["SourcePrimarySmtpAddress"], f["SourceLine"]),
                f["Code"].clone(),
            )
        })
        .collect();
    let statuses = rows(&out.join("readiness.csv"))
        .into_iter()
        .map(|r| (r["SourcePrimarySmtpAddress"].clone(), r["Status"].clone()))
        .collect();
    (findings, statuses)
}

/// Each line of every batch file is an address that exactly one target object holds once all
/// of stamping/ is applied (cloud and on-premises): what New-MigrationBatch looks users up by.
fn every_batch_address_names_one_stamped_target(plan: &Path, targets: &Tenant) {
    let mut holders: std::collections::HashMap<String, usize> = Default::default();
    for row in &targets.rows {
        let mut held: BTreeSet<String> = proxies(row)
            .iter()
            .filter(|p| p.get(..5).is_some_and(|h| h.eq_ignore_ascii_case("smtp:")))
            .map(|p| p[5..].to_lowercase())
            .collect();
        held.insert(row["PrimarySmtpAddress"].to_lowercase());
        for a in held {
            *holders.entry(a).or_default() += 1;
        }
    }
    let mut checked = 0;
    for wave in std::fs::read_dir(plan.join("batches")).unwrap() {
        let wave = wave.unwrap().path();
        if !wave.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&wave).unwrap() {
            let file = file.unwrap().path();
            let text = std::fs::read_to_string(&file).unwrap();
            let mut lines = text.split("\r\n");
            assert_eq!(lines.next(), Some("EmailAddress"));
            for a in lines.filter(|l| !l.is_empty()) {
                let n = holders.get(&a.to_lowercase()).copied().unwrap_or(0);
                assert_eq!(
                    n,
                    1,
                    "{}: {a} is held by {n} stamped target objects",
                    file.display()
                );
                checked += 1;
            }
            assert!(
                text.ends_with("\r\n") && !text.contains("\r\n\r\n"),
                "a blank line in {}",
                file.display()
            );
        }
    }
    assert!(checked > 100, "{checked} batch addresses");
}

fn round_trip(tenant: &Path, dir: &Dir) {
    let others_file = tenant.join("target-other-recipients.csv");
    let others = others_file.exists().then_some(others_file.as_path());
    let args = |target: Option<(&Path, &Path)>, out: &Path| PlanArgs {
        config: Some(tenant.join("xtenant.toml")),
        target_recipients: target.map(|t| t.0.to_path_buf()),
        target_other_recipients: target.map(|t| vec![t.1.to_path_buf()]).unwrap_or_default(),
        out: Some(out.to_path_buf()),
        quiet: true,
        ..PlanArgs::default()
    };
    let before_dir = dir.join("before");
    xtenant::plan(&Config::from_args(&args(None, &before_dir)).unwrap()).unwrap();
    let (before, before_status) = outcome(&before_dir);
    let needs: Vec<&String> = before_status
        .iter()
        .filter(|(_, s)| *s == "NeedsStamping")
        .map(|(a, _)| a)
        .collect();
    assert!(needs.len() > 100, "the tenant has mailboxes to stamp");

    // The simulator is strict: with the contacts left in place, what they hold is refused.
    let converted = rows(&before_dir.join("stamping/contacts.csv"))
        .iter()
        .filter(|r| r["Action"] == "Remove")
        .count();
    assert!(converted > 10, "{converted} contacts to convert");
    let mut unconverted = Tenant::read(&tenant.join("target-recipients.csv"), others);
    apply(&before_dir, &mut unconverted, false);
    assert!(
        unconverted.refused.len() >= converted / 4,
        "only {} refusals with {converted} contacts left in place",
        unconverted.refused.len()
    );

    let mut targets = Tenant::read(&tenant.join("target-recipients.csv"), others);
    apply(&before_dir, &mut targets, true);
    assert!(
        targets.refused.is_empty(),
        "{} changes Exchange Online would refuse: {:?}",
        targets.refused.len(),
        &targets.refused[..targets.refused.len().min(5)]
    );
    every_batch_address_names_one_stamped_target(&before_dir, &targets);
    let edits = nothing_is_lost_with_the_contacts(tenant, &before_dir);
    for edit in ["Replace", "Add", "Rewrite", "ByHand", "OnPremises"] {
        assert!(
            edits.get(edit).is_some_and(|n| *n > 0),
            "no {edit} row: {edits:?}"
        );
    }
    let stamped = dir.join("target-stamped.csv");
    let stamped_others = dir.join("target-others-stamped.csv");
    targets.write(&stamped, &stamped_others);

    let after_dir = dir.join("after");
    xtenant::plan(
        &Config::from_args(&args(Some((&stamped, &stamped_others)), &after_dir)).unwrap(),
    )
    .unwrap();
    let (after, after_status) = outcome(&after_dir);
    let not_ready: Vec<(&String, &String)> = needs
        .iter()
        .map(|a| (*a, &after_status[*a]))
        .filter(|(_, s)| *s != "Ready")
        .collect();
    assert!(
        not_ready.is_empty(),
        "{} NeedsStamping mailboxes are not Ready after stamping: {:?}",
        not_ready.len(),
        &not_ready[..not_ready.len().min(5)]
    );
    let new: Vec<&(String, String)> = after.difference(&before).collect();
    assert!(
        new.is_empty(),
        "stamping caused new findings: {:?}",
        &new[..new.len().min(5)]
    );
}

/// How Exchange Online's Set- cmdlets put a recipient back in a property, written here from
/// Microsoft's reference and not from xtenant's table: (parameter, edit) or `None` (no Set-
/// parameter: by hand).
fn set_parameter(cmdlet: &str, property: &str) -> Option<(&'static str, &'static str)> {
    let unified = cmdlet == "Set-UnifiedGroup";
    match property {
        "ForwardingAddress" => ["Set-Mailbox", "Set-MailPublicFolder"]
            .contains(&cmdlet)
            .then_some(("ForwardingAddress", "Replace")),
        "AcceptMessagesOnlyFrom" if unified => {
            Some(("AcceptMessagesOnlyFromSendersOrMembers", "Rewrite"))
        }
        "RejectMessagesFrom" if unified => Some(("RejectMessagesFromSendersOrMembers", "Rewrite")),
        "ModeratedBy" if unified => Some(("ModeratedBy", "Rewrite")),
        "BypassModerationFromSendersOrMembers" if unified => None,
        "AcceptMessagesOnlyFrom" => Some(("AcceptMessagesOnlyFrom", "Add")),
        "RejectMessagesFrom" => Some(("RejectMessagesFrom", "Add")),
        "ModeratedBy" => Some(("ModeratedBy", "Add")),
        "BypassModerationFromSendersOrMembers" => {
            Some(("BypassModerationFromSendersOrMembers", "Add"))
        }
        other => panic!("the sample names {other}"),
    }
}

/// What a removed contact leaves behind: every group it was a member of and every recipient
/// that named it (forwarding, delivery restrictions, moderation) gets its MailUser back through
/// group-members.csv and references.csv, with the parameter Exchange Online takes for it, or a
/// ByHand row where no Set- parameter does; nothing else is listed. Returns the rows per Edit.
fn nothing_is_lost_with_the_contacts(tenant: &Path, plan: &Path) -> BTreeMap<String, usize> {
    let mailuser_of: HashMap<String, String> = rows(&plan.join("stamping/contacts.csv"))
        .into_iter()
        .filter(|r| r["Action"] == "Remove")
        .map(|r| (r["Identity"].to_lowercase(), r["MailUserIdentity"].clone()))
        .collect();
    let expected: BTreeSet<(String, String)> =
        export_rows(&tenant.join("target-group-members.csv"))
            .into_iter()
            .filter_map(|m| {
                Some((
                    m["Group"].clone(),
                    mailuser_of.get(&m["Member"].to_lowercase())?.clone(),
                ))
            })
            .collect();
    let written: BTreeSet<(String, String)> = rows(&plan.join("stamping/group-members.csv"))
        .into_iter()
        .map(|g| (g["Group"].clone(), g["Member"].clone()))
        .collect();
    assert_eq!(written, expected, "group-members.csv");
    assert!(!written.is_empty());

    let cmdlet_of = |rtd: &str| match rtd {
        "MailUniversalDistributionGroup" | "MailUniversalSecurityGroup" => "Set-DistributionGroup",
        "GroupMailbox" => "Set-UnifiedGroup",
        "DynamicDistributionGroup" => "Set-DynamicDistributionGroup",
        "PublicFolder" => "Set-MailPublicFolder",
        other => panic!("the sample has a {other} holder"),
    };
    let expected: BTreeSet<Vec<String>> = export_rows(&tenant.join("target-references.csv"))
        .into_iter()
        .filter_map(|r| {
            let mailuser = mailuser_of.get(&r["Value"].to_lowercase())?;
            let cmdlet = cmdlet_of(&r["RecipientTypeDetails"]);
            let (parameter, edit) = match set_parameter(cmdlet, &r["Property"]) {
                Some((parameter, _)) if r["IsDirSynced"] == "True" => {
                    (parameter.to_string(), "OnPremises")
                }
                Some((parameter, edit)) => (parameter.to_string(), edit),
                None if r["IsDirSynced"] == "True" => (r["Property"].clone(), "OnPremises"),
                None => (r["Property"].clone(), "ByHand"),
            };
            Some(vec![
                r["Identity"].clone(),
                cmdlet.into(),
                parameter,
                edit.into(),
                mailuser.clone(),
            ])
        })
        .collect();
    let written: Vec<Vec<String>> = rows(&plan.join("stamping/references.csv"))
        .into_iter()
        .map(|r| {
            ["Identity", "Cmdlet", "Parameter", "Edit", "MailUser"]
                .iter()
                .map(|c| r[*c].clone())
                .collect()
        })
        .collect();
    assert_eq!(
        written.len(),
        expected.len(),
        "references.csv has a row twice"
    );
    assert_eq!(
        written.into_iter().collect::<BTreeSet<_>>(),
        expected,
        "references.csv"
    );
    let mut edits = BTreeMap::new();
    for r in &expected {
        *edits.entry(r[3].clone()).or_default() += 1;
    }
    edits
}

#[test]
fn stamping_makes_the_bundled_samples_ready() {
    let samples = samples();
    round_trip(&samples, &Dir::new("roundtrip-samples"));
}

#[test]
fn stamping_makes_20000_generated_users_ready() {
    let dir = Dir::new("roundtrip-20k");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(20_000, 11), &tenant).unwrap();
    round_trip(&tenant, &dir);
}

#[test]
fn x500_values_are_copied_byte_exact() {
    let dir = Dir::new("x500-exact");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(300, 4), &tenant).unwrap();
    let out = dir.join("plan");
    let args = tenant_args(&tenant, &out);
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    let source = read_raw(&tenant.join("source-mailboxes.csv")).unwrap();
    let dn_col = source
        .headers
        .iter()
        .position(|h| h == "LegacyExchangeDN")
        .unwrap();
    let mut dns: BTreeSet<String> = source.rows.iter().map(|(_, r)| r[dn_col].clone()).collect();
    // A converted contact's LegacyExchangeDN is carried byte for byte too.
    let others = read_raw(&tenant.join("target-other-recipients.csv")).unwrap();
    let other_dn = others
        .headers
        .iter()
        .position(|h| h == "LegacyExchangeDN")
        .unwrap();
    dns.extend(others.rows.iter().map(|(_, r)| r[other_dn].clone()));
    let stamped: Vec<String> = rows(&out.join("stamping/x500.csv"))
        .into_iter()
        .filter_map(|r| r["Proxy"].strip_prefix("x500:").map(str::to_string))
        .collect();
    assert!(!stamped.is_empty());
    assert!(
        stamped.iter().all(|dn| dns.contains(dn)),
        "every x500:<LegacyExchangeDN> is a source DN, or a converted contact's, byte for byte"
    );
}

/// The sample source's identities, lower-cased, in two tiers as Exchange treats them: those
/// unique in a tenant (alias, Name, UPN, addresses), then display names, which people share.
/// Each maps to the primary addresses that carry it.
type Identities = [BTreeMap<String, BTreeSet<String>>; 2];

fn source_identities(samples: &Path) -> Identities {
    let source = read_raw(&samples.join("source-mailboxes.csv")).unwrap();
    let col = |name: &str| source.headers.iter().position(|h| h == name).unwrap();
    let mut out: Identities = Default::default();
    for (_, r) in &source.rows {
        let primary = &r[col("PrimarySmtpAddress")];
        let smtp = r[col("EmailAddresses")]
            .split(';')
            .filter_map(|p| p.split_once(':'))
            .filter(|(k, _)| k.eq_ignore_ascii_case("smtp"))
            .map(|(_, a)| a.to_string());
        let unique = ["Alias", "Name", "UserPrincipalName", "PrimarySmtpAddress"]
            .map(|c| r[col(c)].clone())
            .into_iter()
            .chain(smtp);
        for id in unique.filter(|v| !v.is_empty()) {
            out[0]
                .entry(id.to_lowercase())
                .or_default()
                .insert(primary.clone());
        }
        let display = &r[col("DisplayName")];
        if !display.is_empty() {
            out[1]
                .entry(display.to_lowercase())
                .or_default()
                .insert(primary.clone());
        }
    }
    out
}

/// The mailboxes an identity names: the first tier that knows it decides; canonical names
/// (`contoso.com/Users/Name`) and DNs (`CN=Name,...`) by their leaf.
fn lookup<'i>(ids: &'i Identities, identity: &str) -> Option<&'i BTreeSet<String>> {
    let id = identity.trim().to_lowercase();
    let leaf = id.rsplit('/').next().map(str::to_string);
    let cn = id
        .strip_prefix("cn=")
        .and_then(|r| r.split(',').next())
        .map(str::to_string);
    ids.iter().find_map(|tier| {
        [Some(id.clone()), leaf.clone(), cn.clone()]
            .into_iter()
            .flatten()
            .find_map(|k| tier.get(&k))
    })
}

#[test]
fn every_send_as_and_delegate_of_a_moving_mailbox_is_listed_for_restamping_or_with_its_reason() {
    let samples = samples();
    let dir = Dir::new("permissions");
    let out = dir.join("plan");
    let args = tenant_args(&samples, &out);
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    let statuses: BTreeMap<String, String> = rows(&out.join("readiness.csv"))
        .into_iter()
        .map(|r| (r["SourcePrimarySmtpAddress"].clone(), r["Status"].clone()))
        .collect();
    let ids = source_identities(&samples);
    let one = |id: &str| {
        lookup(&ids, id)
            .filter(|s| s.len() == 1)
            .and_then(|s| s.iter().next().cloned())
    };
    // Independently of xtenant's resolver: each (mailbox, holder) pair of the exports whose
    // mailbox moves, with the status its holder gives it.
    let mut expected: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    let status_of = |trustee: &str| match lookup(&ids, trustee) {
        None => "TrusteeUnresolved",
        Some(s) if s.len() > 1 => "TrusteeAmbiguous",
        Some(s) if statuses[s.iter().next().unwrap()] == "Blocked" => "TrusteeNotMigrating",
        Some(_) => "Restamp",
    };
    let mut expect = |kind: &str, mailbox: &str, trustee: &str| {
        if let Some(m) = one(mailbox).filter(|m| statuses[m] != "Blocked")
            && one(trustee).as_ref() != Some(&m)
        {
            // SourceTrustee names a source mailbox by its primary address, anything else as
            // the export wrote it.
            let holder = one(trustee)
                .unwrap_or_else(|| trustee.to_string())
                .to_lowercase();
            expected.insert((kind.into(), m, holder, status_of(trustee).into()));
        }
    };
    for r in rows_of(&samples.join("recipient-permissions.csv")) {
        if r["AccessControlType"] == "Allow" && r["IsInherited"] == "False" {
            expect("SendAs", &r["Identity"], &r["Trustee"]);
        }
    }
    let source = read_raw(&samples.join("source-mailboxes.csv")).unwrap();
    let col = |name: &str| source.headers.iter().position(|h| h == name).unwrap();
    for (_, r) in &source.rows {
        for d in r[col("GrantSendOnBehalfTo")]
            .split(';')
            .filter(|d| !d.is_empty())
        {
            expect("SendOnBehalf", &r[col("PrimarySmtpAddress")], d);
        }
    }
    let listed: Vec<BTreeMap<String, String>> = rows(&out.join("stamping/permissions.csv"));
    let got: BTreeSet<(String, String, String, String)> = listed
        .iter()
        .filter(|r| r["Permission"] != "FullAccess")
        .map(|r| {
            (
                r["Permission"].clone(),
                r["SourceMailbox"].clone(),
                r["SourceTrustee"].to_lowercase(),
                r["Status"].clone(),
            )
        })
        .collect();
    assert!(expected.len() > 250, "{}", expected.len());
    let missing: Vec<_> = expected.difference(&got).take(5).collect();
    let extra: Vec<_> = got.difference(&expected).take(5).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:?}, extra {extra:?}"
    );
    assert_eq!(
        got.len(),
        listed
            .iter()
            .filter(|r| r["Permission"] != "FullAccess")
            .count()
    );
    for r in &listed {
        let restamp = r["Status"] == "Restamp";
        assert!(r["Mailbox"].ends_with("@northwindtraders.com"), "{r:?}");
        assert_eq!(
            r["Trustee"].ends_with("@northwindtraders.com"),
            restamp,
            "{r:?}"
        );
        // Send-As waits for no wave; send-on-behalf for the mailbox's.
        match (r["Permission"].as_str(), restamp) {
            ("SendAs", _) | (_, false) => assert_eq!(r["GrantAfterWave"], "", "{r:?}"),
            ("SendOnBehalf", true) => assert_eq!(r["GrantAfterWave"], r["MailboxWave"]),
            _ => {}
        }
    }
}

#[test]
fn routing_names_the_onprem_target_of_each_dir_synced_user_and_the_delivery_address() {
    let samples = samples();
    let dir = Dir::new("routing");
    let out = dir.join("plan");
    xtenant::plan(&Config::from_args(&tenant_args(&samples, &out)).unwrap()).unwrap();
    let synced: BTreeSet<String> = rows_of(&samples.join("target-recipients.csv"))
        .into_iter()
        .filter(|r| r["IsDirSynced"] == "True")
        .map(|r| r["UserPrincipalName"].to_lowercase())
        .collect();
    let planned: BTreeSet<String> = rows(&out.join("batches/batches.csv"))
        .into_iter()
        .flat_map(|b| {
            let text = std::fs::read_to_string(out.join("batches").join(&b["File"])).unwrap();
            text.split("\r\n")
                .skip(1)
                .filter(|l| !l.is_empty())
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let routing = rows(&out.join("stamping/routing.csv"));
    assert_eq!(routing.len(), planned.len(), "one row per planned mailbox");
    let mut onprem = 0;
    for r in &routing {
        assert!(
            planned.contains(&r["TargetAddress"].to_lowercase()),
            "{r:?}"
        );
        assert!(
            r["RemoteRoutingAddress"].ends_with("@northwindtraders.onmicrosoft.com"),
            "{r:?}"
        );
        let id = r["TargetOnPremIdentity"].to_lowercase();
        if !id.is_empty() {
            assert!(synced.contains(&id), "{r:?}");
            onprem += 1;
        }
    }
    assert!(onprem > 20, "{onprem} dir-synced targets");
}

/// A CSV of the samples (UTF-8, maybe without BOM) as header-keyed rows.
fn rows_of(path: &Path) -> Vec<BTreeMap<String, String>> {
    let t = read_raw(path).unwrap();
    t.rows
        .into_iter()
        .map(|(_, r)| t.headers.iter().cloned().zip(r).collect())
        .collect()
}

#[test]
fn full_access_is_listed_only_where_the_plan_splits_it_and_waits_for_the_later_wave() {
    let dir = Dir::new("full-access");
    // a <- b <- c (FullAccess) is one cluster of three; batches of one user each split it.
    // held is on hold (Blocked); "Sales Team" is a group, not a mailbox.
    let mut source = String::from(
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,Alias,Name,UserPrincipalName,LitigationHoldEnabled\r\n",
    );
    let mut target = String::from(
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress,Alias,UserPrincipalName,RecipientTypeDetails\r\n",
    );
    for (n, a) in ["a", "b", "c", "held"].iter().enumerate() {
        let guid = format!("{:08x}-1111-4222-8333-444455556666", n + 1);
        let hold = if *a == "held" { "True" } else { "False" };
        source.push_str(&format!(
            "{a}@contoso.com,SMTP:{a}@contoso.com;smtp:{a}@contoso.onmicrosoft.com,{guid},/o=X/cn={a},{a},{a},{a}@contoso.com,{hold}\r\n"
        ));
        target.push_str(&format!(
            "{a}@northwindtraders.com,SMTP:{a}@northwindtraders.com;smtp:{a}@northwindtraders.onmicrosoft.com;x500:/o=X/cn={a},{guid},SMTP:{a}@contoso.onmicrosoft.com,{a},{a}@northwindtraders.com,MailUser\r\n"
        ));
    }
    let s = dir.write("source.csv", source);
    let t = dir.write("target.csv", target);
    let p = dir.write(
        "perms.csv",
        "Identity,User,AccessRights,IsInherited,Deny\r\n\
         a,b@contoso.com,FullAccess,False,False\r\n\
         b,c@contoso.com,FullAccess,False,False\r\n\
         a,held@contoso.com,FullAccess,False,False\r\n\
         a,Sales Team,FullAccess,False,False\r\n",
    );
    let out = dir.join("out");
    let mut a = crate::util::args(&s, &t, &out);
    a.mailbox_permissions = Some(p);
    a.batch_size = Some(1);
    a.users_per_wave = Some(1);
    crate::util::plan(&a);
    let wave: BTreeMap<String, String> = rows(&out.join("stamping/routing.csv"))
        .into_iter()
        .map(|r| (r["SourcePrimarySmtpAddress"].clone(), r["Wave"].clone()))
        .collect();
    assert_eq!(wave.len(), 3, "{wave:?}");
    let later = |x: &str, y: &str| wave[x].clone().max(wave[y].clone());
    let got: Vec<(String, String, String, String)> = rows(&out.join("stamping/permissions.csv"))
        .into_iter()
        .map(|r| {
            (
                r["Mailbox"].clone(),
                r["SourceTrustee"].clone(),
                r["Status"].clone(),
                r["GrantAfterWave"].clone(),
            )
        })
        .collect();
    let n = |s: &str| format!("{s}@northwindtraders.com");
    let mut expected = vec![
        (
            n("a"),
            "b@contoso.com".into(),
            "Restamp".into(),
            later("a@contoso.com", "b@contoso.com"),
        ),
        (
            n("a"),
            "held@contoso.com".into(),
            "TrusteeNotMigrating".into(),
            String::new(),
        ),
        (
            n("a"),
            "Sales Team".into(),
            "TrusteeUnresolved".into(),
            String::new(),
        ),
        (
            n("b"),
            "c@contoso.com".into(),
            "Restamp".into(),
            later("b@contoso.com", "c@contoso.com"),
        ),
    ];
    expected.sort();
    let mut got = got;
    got.sort();
    assert_eq!(got, expected);
    // Together in one batch, nothing is listed: FullAccess moves with the mailbox.
    a.batch_size = None;
    a.users_per_wave = None;
    a.force = true;
    crate::util::plan(&a);
    let left: Vec<String> = rows(&out.join("stamping/permissions.csv"))
        .into_iter()
        .map(|r| r["Status"].clone())
        .collect();
    assert_eq!(left, ["TrusteeNotMigrating", "TrusteeUnresolved"]);
}

#[test]
fn an_address_template_names_new_mailusers() {
    let dir = Dir::new("template");
    let s = dir.write(
        "source.csv",
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,Alias,FirstName,LastName\r\n\
         lara@contoso.com,SMTP:lara@contoso.com;smtp:lara@contoso.onmicrosoft.com,1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,/o=X/cn=lara,lara,Lara,Müller\r\n\
         shared@contoso.com,SMTP:shared@contoso.com,2ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,/o=X/cn=shared,shared,,\r\n",
    );
    let t = dir.write(
        "target.csv",
        "PrimarySmtpAddress,EmailAddresses,ExchangeGuid\r\n",
    );
    let mut a = crate::util::args(&s, &t, &dir.join("out"));
    a.address_template = Some("{first}.{last}@northwindtraders.com".into());
    crate::util::plan(&a);
    let created: Vec<(String, String, String)> = rows(&dir.join("out/stamping/mailusers.csv"))
        .into_iter()
        .map(|r| {
            (
                r["PrimarySmtpAddress"].clone(),
                r["MicrosoftOnlineServicesID"].clone(),
                r["LastName"].clone(),
            )
        })
        .collect();
    assert_eq!(
        created,
        [
            (
                "lara.muller@northwindtraders.com".into(),
                "lara.muller@northwindtraders.com".into(),
                "Müller".into()
            ),
            // No first or last name: the default policy.
            (
                "shared@northwindtraders.com".into(),
                "shared@northwindtraders.com".into(),
                String::new()
            ),
        ]
    );
}

#[test]
fn with_only_the_two_required_exports_no_batch_holds_a_blank_line() {
    // No accepted domains: new MailUsers cannot be named, and targets whose primary address
    // must change cannot be fixed. Those mailboxes are held back (XT107), never written blank.
    let samples = samples();
    let dir = Dir::new("two-exports");
    let out = dir.join("plan");
    let args = PlanArgs {
        source_mailboxes: Some(samples.join("source-mailboxes.csv")),
        target_recipients: Some(samples.join("target-recipients.csv")),
        out: Some(out.clone()),
        quiet: true,
        ..PlanArgs::default()
    };
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    let held: BTreeSet<String> = rows(&out.join("batches/held-back.csv"))
        .into_iter()
        .filter(|r| r["Codes"].split(';').any(|c| c == "XT107"))
        .map(|r| r["SourcePrimarySmtpAddress"].clone())
        .collect();
    let missing: BTreeSet<String> = rows(&out.join("readiness.csv"))
        .into_iter()
        .filter(|r| r["Codes"].split(';').any(|c| c == "XT101"))
        .map(|r| r["SourcePrimarySmtpAddress"].clone())
        .collect();
    assert!(missing.len() > 50);
    assert!(
        missing.is_subset(&held),
        "every mailbox without a target is held back"
    );
    let mut lines = 0;
    for b in rows(&out.join("batches/batches.csv")) {
        let text = std::fs::read_to_string(out.join("batches").join(&b["File"])).unwrap();
        for line in text.split("\r\n").skip(1).filter(|l| !l.is_empty()) {
            assert!(line.contains('@'), "{line:?} in {}", b["File"]);
            lines += 1;
        }
        assert!(!text.contains("\r\n\r\n"), "a blank line in {}", b["File"]);
    }
    assert!(lines > 500);
}
