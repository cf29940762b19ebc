//! One fixture per rule: small source and target exports in which the `fire` mailboxes must get
//! the rule's code and the `calm` ones (often a near miss) must not. A meta-test checks that
//! every registered rule has a case here, and a clean baseline gets no finding at all.

use std::collections::BTreeMap;

use xtenant::rules::ALL;

use crate::util::{Dir, args, plan, rows};

type Row = BTreeMap<&'static str, String>;

const SOURCE_COLUMNS: [&str; 15] = [
    "PrimarySmtpAddress",
    "EmailAddresses",
    "ExchangeGuid",
    "LegacyExchangeDN",
    "Alias",
    "Name",
    "UserPrincipalName",
    "ArchiveGuid",
    "RecipientTypeDetails",
    "LitigationHoldEnabled",
    "InPlaceHolds",
    "DelayHoldApplied",
    "DelayReleaseHoldApplied",
    "ComplianceTagHoldApplied",
    "RetentionHoldEnabled",
];
const TARGET_COLUMNS: [&str; 9] = [
    "PrimarySmtpAddress",
    "EmailAddresses",
    "ExchangeGuid",
    "ExternalEmailAddress",
    "Alias",
    "UserPrincipalName",
    "ArchiveGuid",
    "RecipientTypeDetails",
    "IsDirSynced",
];

#[derive(Default)]
struct Fixture {
    sources: Vec<Row>,
    targets: Vec<Row>,
    scope: Option<Vec<String>>,
    mapping: Option<Vec<(String, String)>>,
    accepted: Vec<String>,
}

fn guid(n: u32) -> String {
    format!("{n:08x}-1111-4222-8333-444455556666")
}

fn dn(alias: &str) -> String {
    format!(
        "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0123abcd-{alias}"
    )
}

impl Fixture {
    /// Mailboxes with fully stamped targets: nothing fires for them.
    fn with(aliases: &[&str]) -> Fixture {
        let mut f = Fixture {
            accepted: vec![
                "northwindtraders.com".into(),
                "northwindtraders.onmicrosoft.com".into(),
            ],
            ..Fixture::default()
        };
        for a in aliases {
            f.add(a);
        }
        f
    }

    fn add(&mut self, alias: &str) {
        let n = self.sources.len() as u32 + 1;
        let mut s = Row::new();
        s.insert("PrimarySmtpAddress", format!("{alias}@contoso.com"));
        s.insert(
            "EmailAddresses",
            format!("SMTP:{alias}@contoso.com;smtp:{alias}@contoso.onmicrosoft.com"),
        );
        s.insert("ExchangeGuid", guid(n));
        s.insert("LegacyExchangeDN", dn(alias));
        s.insert("Alias", alias.into());
        s.insert("Name", alias.into());
        s.insert("UserPrincipalName", format!("{alias}@contoso.com"));
        s.insert("RecipientTypeDetails", "UserMailbox".into());
        for flag in [
            "LitigationHoldEnabled",
            "DelayHoldApplied",
            "DelayReleaseHoldApplied",
            "ComplianceTagHoldApplied",
            "RetentionHoldEnabled",
        ] {
            s.insert(flag, "False".into());
        }
        let mut t = Row::new();
        t.insert(
            "PrimarySmtpAddress",
            format!("{alias}@northwindtraders.com"),
        );
        t.insert(
            "EmailAddresses",
            format!("SMTP:{alias}@northwindtraders.com;smtp:{alias}@northwindtraders.onmicrosoft.com;x500:{}", dn(alias)),
        );
        t.insert("ExchangeGuid", guid(n));
        t.insert(
            "ExternalEmailAddress",
            format!("SMTP:{alias}@contoso.onmicrosoft.com"),
        );
        t.insert("Alias", alias.into());
        t.insert("UserPrincipalName", format!("{alias}@northwindtraders.com"));
        t.insert("RecipientTypeDetails", "MailUser".into());
        t.insert("IsDirSynced", "False".into());
        self.sources.push(s);
        self.targets.push(t);
    }

    fn source(&mut self, alias: &str) -> &mut Row {
        self.sources
            .iter_mut()
            .find(|r| r["Alias"] == alias)
            .unwrap()
    }

    fn target(&mut self, alias: &str) -> &mut Row {
        self.targets
            .iter_mut()
            .find(|r| r["Alias"] == alias)
            .unwrap()
    }

    fn drop_target(&mut self, alias: &str) {
        self.targets.retain(|r| r["Alias"] != alias);
    }

    /// Runs `plan` and returns, per code, the source addresses with that finding ("" = org).
    fn run(&self) -> BTreeMap<String, Vec<String>> {
        let dir = Dir::new("rule");
        let csv = |header: &[&str], rows: &[Row]| {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(header).unwrap();
            for r in rows {
                w.write_record(header.iter().map(|h| r.get(h).map_or("", String::as_str)))
                    .unwrap();
            }
            w.into_inner().unwrap()
        };
        let s = dir.write("source.csv", csv(&SOURCE_COLUMNS, &self.sources));
        let t = dir.write("target.csv", csv(&TARGET_COLUMNS, &self.targets));
        let mut a = args(&s, &t, &dir.join("out"));
        a.accepted_domain = self.accepted.clone();
        if let Some(scope) = &self.scope {
            a.scope_members =
                Some(dir.write("scope.csv", format!("Name\r\n{}\r\n", scope.join("\r\n"))));
        }
        if let Some(mapping) = &self.mapping {
            let body: Vec<String> = mapping.iter().map(|(s, t)| format!("{s},{t}")).collect();
            a.mapping = Some(dir.write(
                "mapping.csv",
                format!("SourceIdentity,TargetIdentity\r\n{}\r\n", body.join("\r\n")),
            ));
        }
        plan(&a);
        let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in rows(&dir.join("out/findings.csv")) {
            out.entry(f["Code"].clone())
                .or_default()
                .push(f["SourcePrimarySmtpAddress"].clone());
        }
        out
    }
}

fn fires(f: &Fixture, code: &str) -> Vec<String> {
    f.run().remove(code).unwrap_or_default()
}

const FIRE: &str = "fire@contoso.com";

type Case = (&'static str, fn() -> (Fixture, Vec<&'static str>));

/// (code, fixture and the mailboxes that must get it). Mailboxes not listed must not.
const CASES: &[Case] = &[
    ("XT001", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.accepted.push("contoso.com".into());
        (f, vec![""])
    }),
    ("XT101", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.drop_target("fire");
        (f, vec![FIRE])
    }),
    ("XT102", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire").insert("ExchangeGuid", String::new());
        let mut twin = f.target("fire").clone();
        twin.insert("Alias", "fire2".into());
        twin.insert("PrimarySmtpAddress", "fire2@northwindtraders.com".into());
        f.targets.push(twin);
        (f, vec![FIRE])
    }),
    ("XT103", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        f.drop_target("fire2");
        f.target("fire").insert(
            "ExternalEmailAddress",
            "SMTP:fire2@contoso.onmicrosoft.com".into(),
        );
        (f, vec![FIRE, "fire2@contoso.com"])
    }),
    ("XT104", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("RecipientTypeDetails", "UserMailbox".into());
        (f, vec![FIRE])
    }),
    ("XT105", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.mapping = Some(vec![
            (FIRE.into(), "nobody@northwindtraders.com".into()),
            (
                "calm@contoso.com".into(),
                "calm@northwindtraders.com".into(),
            ),
            (
                "ghost@contoso.com".into(),
                "calm@northwindtraders.com".into(),
            ),
        ]);
        (f, vec!["", FIRE])
    }),
    ("XT106", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        let t = f.target("fire");
        t.insert("ExchangeGuid", String::new());
        t.insert("ExternalEmailAddress", String::new());
        t.insert("EmailAddresses", "SMTP:fire@northwindtraders.com".into());
        // calm's namesake in the target is a real person with a mailbox: never a name match.
        f.drop_target("calm");
        f.targets.push(Row::from([
            ("Alias", "calm".to_string()),
            ("PrimarySmtpAddress", "calm@northwindtraders.com".into()),
            ("EmailAddresses", "SMTP:calm@northwindtraders.com".into()),
            ("ExchangeGuid", guid(99)),
            ("RecipientTypeDetails", "UserMailbox".into()),
        ]));
        (f, vec![FIRE])
    }),
    ("XT201", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire").insert(
            "ExchangeGuid",
            "00000000-0000-0000-0000-000000000000".into(),
        );
        (f, vec![FIRE])
    }),
    ("XT202", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire").insert("ExchangeGuid", guid(77));
        (f, vec![FIRE])
    }),
    ("XT203", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire").insert("ArchiveGuid", guid(50));
        f.source("calm").insert("ArchiveGuid", guid(51));
        f.target("calm")
            .insert("ArchiveGuid", guid(51).to_uppercase());
        (f, vec![FIRE])
    }),
    ("XT204", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire").insert("ArchiveGuid", guid(50));
        f.target("fire").insert("ArchiveGuid", guid(52));
        (f, vec![FIRE])
    }),
    ("XT205", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("EmailAddresses", "SMTP:fire@northwindtraders.com".into());
        // Case differs only: still a match.
        let upper = format!(
            "SMTP:calm@northwindtraders.com;X500:{}",
            dn("calm").to_uppercase()
        );
        f.target("calm").insert("EmailAddresses", upper);
        (f, vec![FIRE])
    }),
    ("XT206", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        for a in ["fire", "calm"] {
            let extra = format!(";X500:/o=Contoso/cn=Recipients/cn={a}");
            f.source(a)
                .get_mut("EmailAddresses")
                .unwrap()
                .push_str(&extra);
        }
        let calm_extra = ";x500:/o=Contoso/cn=Recipients/cn=calm";
        f.target("calm")
            .get_mut("EmailAddresses")
            .unwrap()
            .push_str(calm_extra);
        (f, vec![FIRE])
    }),
    ("XT401", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        f.source("fire")
            .insert("LitigationHoldEnabled", "True".into());
        f.source("fire2").insert(
            "InPlaceHolds",
            "UniH7d895d48-7e23-4a8d-8346-533c3beac15d".into(),
        );
        // An exclusion from an org-wide policy and a retention hold are not holds.
        f.source("calm").insert(
            "InPlaceHolds",
            "-mbxe9b52bf7ab3b46a286308ecb29624696".into(),
        );
        f.source("calm")
            .insert("RetentionHoldEnabled", "True".into());
        (f, vec![FIRE, "fire2@contoso.com"])
    }),
    ("XT404", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire")
            .insert("RecipientTypeDetails", "GroupMailbox".into());
        f.source("calm")
            .insert("RecipientTypeDetails", "SharedMailbox".into());
        (f, vec![FIRE])
    }),
    ("XT405", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.scope = Some(vec!["calm".into()]);
        (f, vec![FIRE])
    }),
    ("XT601", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire").insert("ExchangeGuid", "not-a-guid".into());
        (f, vec![FIRE])
    }),
    ("XT602", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        f.source("fire2").insert("PrimarySmtpAddress", FIRE.into());
        (f, vec![FIRE, FIRE])
    }),
    ("XT603", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("ExchangeGuid", "0000-broken".into());
        (f, vec![FIRE])
    }),
];

#[test]
fn every_rule_fires_on_its_fixture_and_only_there() {
    for (code, case) in CASES {
        let (fixture, mut expected) = case();
        let mut got = fires(&fixture, code);
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{code}");
    }
}

#[test]
fn every_registered_rule_has_a_case() {
    let missing: Vec<&str> = ALL
        .iter()
        .map(|r| r.meta().code)
        .filter(|c| !CASES.iter().any(|(k, _)| k == c))
        .collect();
    assert!(missing.is_empty(), "rules without a fixture: {missing:?}");
}

#[test]
fn a_clean_pair_of_tenants_has_no_finding() {
    let f = Fixture::with(&["ann", "bob", "carl"]);
    assert_eq!(f.run(), BTreeMap::new());
}
