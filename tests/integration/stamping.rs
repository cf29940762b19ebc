//! The round trip: apply stamping/*.csv to the target export with a small simulator of what
//! New-MailUser, Set-MailUser and an on-premises change plus sync do to the exported object,
//! plan again, and every mailbox that was NeedsStamping must now be Ready, with no new finding.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use xtenant::cli::PlanArgs;
use xtenant::config::Config;
use xtenant::input::table::read_raw;
use xtenant::sample::{Shape, TARGET_HEADER};

use crate::util::{Dir, rows, samples, tenant_args};

/// The target export as rows keyed by column name, indexed by UPN and primary address as
/// they were before stamping (the identities the rows use).
struct Targets {
    rows: Vec<BTreeMap<String, String>>,
    by_identity: std::collections::HashMap<String, usize>,
}

impl Targets {
    fn read(path: &Path) -> Targets {
        let t = read_raw(path).unwrap();
        let mut targets = Targets {
            rows: Vec::new(),
            by_identity: Default::default(),
        };
        for (_, r) in t.rows {
            targets.push(t.headers.iter().cloned().zip(r).collect());
        }
        targets
    }

    fn push(&mut self, row: BTreeMap<String, String>) {
        for col in ["PrimarySmtpAddress", "UserPrincipalName"] {
            if let Some(v) = row.get(col).filter(|v| !v.is_empty()) {
                self.by_identity
                    .entry(v.to_lowercase())
                    .or_insert(self.rows.len());
            }
        }
        self.rows.push(row);
    }

    fn write(&self, path: &Path) {
        let rows: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| {
                TARGET_HEADER
                    .iter()
                    .map(|h| r.get(*h).cloned().unwrap_or_default())
                    .collect()
            })
            .collect();
        std::fs::write(path, Shape::PS7.render(&TARGET_HEADER, &rows)).unwrap();
    }

    /// The object an identity names (Set-MailUser resolves UPNs and addresses).
    fn find(&mut self, identity: &str) -> &mut BTreeMap<String, String> {
        let i = *self
            .by_identity
            .get(&identity.to_lowercase())
            .unwrap_or_else(|| panic!("no target object {identity}"));
        &mut self.rows[i]
    }
}

fn proxies(row: &BTreeMap<String, String>) -> Vec<String> {
    xtenant::input::values::split_proxies(&row["EmailAddresses"])
        .into_iter()
        .map(str::to_string)
        .collect()
}

fn set_proxies(row: &mut BTreeMap<String, String>, list: Vec<String>) {
    row.insert("EmailAddresses".into(), list.join(";"));
}

fn add_proxy(row: &mut BTreeMap<String, String>, proxy: &str) {
    let mut list = proxies(row);
    if !list.iter().any(|p| p.eq_ignore_ascii_case(proxy)) {
        list.push(proxy.to_string());
    }
    set_proxies(row, list);
}

fn remove_proxy(row: &mut BTreeMap<String, String>, proxy: &str) {
    let list = proxies(row)
        .into_iter()
        .filter(|p| !p.eq_ignore_ascii_case(proxy))
        .collect();
    set_proxies(row, list);
}

/// Set-MailUser -PrimarySmtpAddress: the old primary stays as a secondary address.
fn set_primary(row: &mut BTreeMap<String, String>, new: &str) {
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
}

fn apply(out: &Path, targets: &mut Targets) {
    for r in rows(&out.join("stamping/mailusers.csv")) {
        let list = |col: &str| {
            r[col]
                .split(';')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        if r["Action"] == "New" {
            let mut row: BTreeMap<String, String> = TARGET_HEADER
                .iter()
                .map(|h| (h.to_string(), String::new()))
                .collect();
            for (col, from) in [
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
            for p in list("EmailAddressesToAdd") {
                add_proxy(&mut row, &p);
            }
            targets.push(row);
            continue;
        }
        let row = targets.find(&r["Identity"]);
        for col in ["ExchangeGuid", "ArchiveGuid", "ExternalEmailAddress"] {
            if !r[col].is_empty() {
                row.insert(col.into(), r[col].clone());
            }
        }
        if !r["PrimarySmtpAddress"].is_empty() {
            set_primary(row, &r["PrimarySmtpAddress"]);
        }
        for p in list("EmailAddressesToAdd") {
            add_proxy(row, &p);
        }
        for p in list("EmailAddressesToRemove") {
            remove_proxy(row, &p);
        }
    }
    for r in rows(&out.join("stamping/x500.csv")) {
        add_proxy(targets.find(&r["Identity"]), &r["Proxy"]);
    }
    // On-premises AD, then a directory sync.
    for r in rows(&out.join("stamping/onprem-ad.csv")) {
        let row = targets.find(&r["Identity"]);
        let value = r["Value"].clone();
        match (r["Attribute"].as_str(), r["Operation"].as_str()) {
            ("msExchMailboxGuid", _) => drop(row.insert("ExchangeGuid".into(), value)),
            ("msExchArchiveGUID", _) => drop(row.insert("ArchiveGuid".into(), value)),
            ("mail", _) => drop(row.insert("PrimarySmtpAddress".into(), value)),
            ("targetAddress", _) => drop(row.insert("ExternalEmailAddress".into(), value)),
            ("proxyAddresses", "Add") => add_proxy(row, &value),
            ("proxyAddresses", "Remove") => remove_proxy(row, &value),
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

fn round_trip(tenant: &Path, dir: &Dir) {
    let args = |target: Option<&Path>, out: &Path| PlanArgs {
        config: Some(tenant.join("xtenant.toml")),
        target_recipients: target.map(Path::to_path_buf),
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

    let mut targets = Targets::read(&tenant.join("target-recipients.csv"));
    apply(&before_dir, &mut targets);
    let stamped = dir.join("target-stamped.csv");
    targets.write(&stamped);

    let after_dir = dir.join("after");
    xtenant::plan(&Config::from_args(&args(Some(&stamped), &after_dir)).unwrap()).unwrap();
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
    let dns: BTreeSet<String> = source.rows.iter().map(|(_, r)| r[dn_col].clone()).collect();
    let stamped: Vec<String> = rows(&out.join("stamping/x500.csv"))
        .into_iter()
        .filter_map(|r| r["Proxy"].strip_prefix("x500:").map(str::to_string))
        .collect();
    assert!(!stamped.is_empty());
    assert!(
        stamped.iter().all(|dn| dns.contains(dn)),
        "every x500:<LegacyExchangeDN> is a source DN byte for byte"
    );
}

/// Compares a generated file with its committed snapshot; `XTENANT_BLESS=1` rewrites it.
fn snapshot(name: &str, actual: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("XTENANT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the generated file; review the change and run with XTENANT_BLESS=1",
        path.display()
    );
}

#[test]
fn generated_scripts_for_the_samples_match_their_snapshots() {
    let samples = samples();
    let dir = Dir::new("script-snapshot");
    let out = dir.join("plan");
    let args = tenant_args(&samples, &out);
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    for script in [
        "Apply-Stamping",
        "New-MigrationBatches",
        "Complete-MigrationBatches",
    ] {
        let text = std::fs::read(out.join(format!("scripts/{script}.ps1"))).unwrap();
        snapshot(&format!("{script}.samples.ps1"), &text);
    }
    let head: Vec<String> = rows(&out.join("stamping/mailusers.csv"))
        .into_iter()
        .take(3)
        .map(|r| format!("{r:?}"))
        .collect();
    snapshot("mailusers.samples.head.txt", head.join("\n").as_bytes());
}

#[test]
fn every_delegate_of_a_moving_mailbox_is_listed_for_restamping_or_with_its_reason() {
    let samples = samples();
    let dir = Dir::new("send-on-behalf");
    let out = dir.join("plan");
    let args = tenant_args(&samples, &out);
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    let statuses: BTreeMap<String, String> = rows(&out.join("readiness.csv"))
        .into_iter()
        .map(|r| (r["SourcePrimarySmtpAddress"].clone(), r["Status"].clone()))
        .collect();
    let source = read_raw(&samples.join("source-mailboxes.csv")).unwrap();
    let col = |name: &str| source.headers.iter().position(|h| h == name).unwrap();
    let (primary, delegates) = (col("PrimarySmtpAddress"), col("GrantSendOnBehalfTo"));
    let expected: usize = source
        .rows
        .iter()
        .filter(|(_, r)| statuses[&r[primary]] != "Blocked")
        .map(|(_, r)| r[delegates].split(';').filter(|d| !d.is_empty()).count())
        .sum();
    let listed = rows(&out.join("stamping/send-on-behalf.csv"));
    assert!(expected > 50);
    assert_eq!(
        listed.len(),
        expected,
        "one row per delegate of every mailbox that moves"
    );
    for r in &listed {
        match r["Status"].as_str() {
            "Restamp" => assert!(r["Delegate"].ends_with("@northwindtraders.com"), "{r:?}"),
            "DelegateNotMigrating" | "DelegateAmbiguous" | "DelegateUnresolved" => {
                assert!(r["Delegate"].is_empty())
            }
            other => panic!("unknown status {other}"),
        }
    }
    snapshot(
        "Restamp-SendOnBehalf.samples.ps1",
        &std::fs::read(out.join("scripts/Restamp-SendOnBehalf.ps1")).unwrap(),
    );
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
