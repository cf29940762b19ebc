//! One fixture per rule: small source and target exports in which the `fire` mailboxes must get
//! the rule's code and the `calm` ones (often a near miss) must not. A meta-test checks that
//! every registered rule has a case here, and a clean baseline gets no finding at all.

use std::collections::BTreeMap;

use xtenant::rules::ALL;

use crate::util::{Dir, args, plan, rows};

type Row = BTreeMap<&'static str, String>;

const SOURCE_COLUMNS: [&str; 20] = [
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
    "PersistedCapabilities",
    "MailboxLocations",
    "AutoExpandingArchiveEnabled",
    "MailboxMoveRemoteHostName",
    "GrantSendOnBehalfTo",
];
const TARGET_COLUMNS: [&str; 14] = [
    "Name",
    "PrimarySmtpAddress",
    "EmailAddresses",
    "ExchangeGuid",
    "ExternalEmailAddress",
    "Alias",
    "UserPrincipalName",
    "ArchiveGuid",
    "RecipientTypeDetails",
    "IsDirSynced",
    "PreviousRecipientTypeDetails",
    "PersistedCapabilities",
    "RecoverableItemsQuota",
    "SKUAssigned",
];

#[derive(Default)]
struct Fixture {
    sources: Vec<Row>,
    targets: Vec<Row>,
    /// The target's contacts, groups, ... (`--target-other-recipients`).
    others: Vec<Row>,
    /// (group, member) (`--target-group-members`).
    members: Vec<(&'static str, &'static str)>,
    /// The setup exports: (flag without `--`, file body).
    setup: Vec<(&'static str, String)>,
    /// (source tenant ID, target tenant ID).
    tenants: Option<(&'static str, &'static str)>,
    /// Groups nested in the scope group (its members file then has RecipientTypeDetails).
    nested: Vec<&'static str>,
    /// Rows of `--target-references` (Identity,Name,RecipientTypeDetails,IsDirSynced,Property,
    /// Value).
    references: Vec<&'static str>,
    scope: Option<Vec<String>>,
    mapping: Option<Vec<(String, String)>>,
    /// (source alias, TotalItemSize GB, TotalDeletedItemSize GB)
    stats: Option<Vec<(&'static str, u64, u64)>>,
    /// FullAccess grants: (mailbox Name, trustee UPN).
    perms: Vec<(&'static str, String)>,
    /// Extra settings in xtenant.toml (e.g. `[waves]`).
    toml: Option<&'static str>,
    batch_size: Option<usize>,
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
        s.insert(
            "PersistedCapabilities",
            "BPOS_S_Enterprise;ExchangeT2TMbxMove".into(),
        );
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
        t.insert(
            "RecoverableItemsQuota",
            "30 GB (32,212,254,720 bytes)".into(),
        );
        t.insert("SKUAssigned", "False".into());
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
        let out = self.plan_in(&dir);
        let mut found: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for f in rows(&out.join("findings.csv")) {
            found
                .entry(f["Code"].clone())
                .or_default()
                .push(f["SourcePrimarySmtpAddress"].clone());
        }
        found
    }

    /// Plans the fixture in `dir`; returns the plan folder.
    fn plan_in(&self, dir: &Dir) -> std::path::PathBuf {
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
        if !self.others.is_empty() {
            a.target_other_recipients = vec![dir.write(
                "others.csv",
                csv(&xtenant::sample::OTHER_HEADER, &self.others),
            )];
        }
        if !self.members.is_empty() {
            let body: Vec<String> = self
                .members
                .iter()
                .map(|(g, m)| format!("{g},{m}"))
                .collect();
            a.target_group_members = Some(dir.write(
                "members.csv",
                format!("Group,Member\r\n{}\r\n", body.join("\r\n")),
            ));
        }
        if !self.references.is_empty() {
            a.target_references = Some(dir.write(
                "references.csv",
                format!(
                    "Identity,Name,RecipientTypeDetails,IsDirSynced,Property,Value\r\n{}\r\n",
                    self.references.join("\r\n")
                ),
            ));
        }
        if let Some(scope) = &self.scope {
            let body = if self.nested.is_empty() {
                format!("Name\r\n{}\r\n", scope.join("\r\n"))
            } else {
                let rows = scope.iter().map(|m| format!("{m},UserMailbox")).chain(
                    self.nested
                        .iter()
                        .map(|g| format!("{g},MailUniversalDistributionGroup")),
                );
                format!(
                    "Name,RecipientTypeDetails\r\n{}\r\n",
                    rows.collect::<Vec<_>>().join("\r\n")
                )
            };
            a.scope_members = Some(dir.write("scope.csv", body));
        }
        for (flag, body) in &self.setup {
            let path = Some(dir.write(&format!("{flag}.csv"), body.as_str()));
            match *flag {
                "source-org-relationships" => a.source_org_relationships = path,
                "target-org-relationships" => a.target_org_relationships = path,
                "migration-endpoints" => a.migration_endpoints = path,
                "migration-config" => a.migration_config = path,
                "scope-group" => a.scope_group = path,
                "source-accepted-domains" => a.source_accepted_domains = path,
                "migration-app" => a.migration_app = path,
                "source-service-principals" => a.source_service_principals = path,
                "source-soft-deleted" => a.source_soft_deleted = path,
                "target-soft-deleted" => a.target_soft_deleted = path,
                other => panic!("no setup flag {other}"),
            }
        }
        if let Some((source, target)) = self.tenants {
            a.source_tenant_id = Some(source.into());
            a.target_tenant_id = Some(target.into());
        }
        if !self.perms.is_empty() {
            let body: Vec<String> = self
                .perms
                .iter()
                .map(|(m, t)| format!("{m},{t},FullAccess,False,False"))
                .collect();
            a.mailbox_permissions = Some(dir.write(
                "perms.csv",
                format!(
                    "Identity,User,AccessRights,IsInherited,Deny\r\n{}\r\n",
                    body.join("\r\n")
                ),
            ));
        }
        if let Some(toml) = self.toml {
            a.config = Some(dir.write("xtenant.toml", toml));
        }
        a.batch_size = self.batch_size;
        if let Some(stats) = &self.stats {
            let gb = |n: u64| format!("\"{n} GB ({} bytes)\"", n << 30);
            let body: Vec<String> = stats
                .iter()
                .map(|(alias, size, deleted)| {
                    let g = &self.sources.iter().find(|r| r["Alias"] == *alias).unwrap()["ExchangeGuid"];
                    format!("{g},{},{}", gb(*size), gb(*deleted))
                })
                .collect();
            a.source_statistics = Some(dir.write(
                "stats.csv",
                format!(
                    "MailboxGuid,TotalItemSize,TotalDeletedItemSize\r\n{}\r\n",
                    body.join("\r\n")
                ),
            ));
        }
        if let Some(mapping) = &self.mapping {
            let body: Vec<String> = mapping.iter().map(|(s, t)| format!("{s},{t}")).collect();
            a.mapping = Some(dir.write(
                "mapping.csv",
                format!("SourceIdentity,TargetIdentity\r\n{}\r\n", body.join("\r\n")),
            ));
        }
        plan(&a);
        dir.join("out")
    }
}

fn aux_archives(n: usize) -> String {
    let mut l = vec![format!(
        "1;{};Primary;eurprd04.prod.outlook.com;{}",
        guid(900),
        guid(901)
    )];
    l.extend((0..n).map(|i| {
        format!(
            "1;{};AuxArchive;eurprd04.prod.outlook.com;{}",
            guid(910 + i as u32),
            guid(901)
        )
    }));
    l.join(";")
}

fn add_proxy(row: &mut Row, proxy: &str) {
    let list = row.get_mut("EmailAddresses").unwrap();
    list.push(';');
    list.push_str(proxy);
}

/// A target recipient of `kind` (`MailContact`, `MailUniversalDistributionGroup`, ...) with
/// these values; EmailAddresses holds its primary.
fn other(kind: &str, primary: &str, values: &[(&'static str, &str)]) -> Row {
    let mut r = Row::from([
        ("RecipientTypeDetails", kind.to_string()),
        ("PrimarySmtpAddress", primary.to_string()),
        ("EmailAddresses", format!("SMTP:{primary}")),
        ("IsDirSynced", "False".to_string()),
    ]);
    for (k, v) in values {
        r.insert(k, v.to_string());
    }
    r
}

const SOURCE_TENANT: &str = "11111111-2222-4333-8444-555555555555";
const TARGET_TENANT: &str = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
const APP: &str = "0e3b6b6c-2b6a-4d0a-9f7e-4c1d2a3b4c5d";

impl Fixture {
    /// The two tenants set up as Microsoft's article says, every setup export given.
    fn with_setup(aliases: &[&str]) -> Fixture {
        let mut f = Fixture::with(aliases);
        f.tenants = Some((SOURCE_TENANT, TARGET_TENANT));
        f.scope = Some(aliases.iter().map(|a| a.to_string()).collect());
        let rel = "Identity,DomainNames,Enabled,MailboxMoveEnabled,MailboxMoveCapability,OAuthApplicationId,MailboxMovePublishedScopes";
        f.setup = vec![
            (
                "target-org-relationships",
                // Both directions, and a relationship with another partner.
                format!("{rel}\r\nFrom Contoso,{SOURCE_TENANT};contoso.onmicrosoft.com,True,True,\"Inbound, RemoteOutbound\",,\r\nFabrikam,fabrikam.com,True,False,None,,\r\n"),
            ),
            (
                "source-org-relationships",
                format!("{rel}\r\nTo Northwind,{TARGET_TENANT},True,True,RemoteOutbound,{APP},T2T-Migration-Scope\r\n"),
            ),
            (
                "migration-endpoints",
                format!("Identity,EndpointType,RemoteServer,RemoteTenant,ApplicationId,MaxConcurrentMigrations\r\nOld IMAP,IMAP,imap.contoso.com,,,20\r\nContoso,ExchangeRemoteMove,outlook.office.com,contoso.onmicrosoft.com,{APP},20\r\n"),
            ),
            ("migration-config", "MaxNumberOfBatches,MaxConcurrentMigrations\r\n100,300\r\n".into()),
            (
                "scope-group",
                "Name,RecipientTypeDetails,PrimarySmtpAddress\r\nT2T-Migration-Scope,MailUniversalSecurityGroup,t2t@contoso.com\r\n".into(),
            ),
            (
                "source-accepted-domains",
                "DomainName,DomainType,Default\r\ncontoso.com,Authoritative,True\r\ncontoso.onmicrosoft.com,Authoritative,False\r\n".into(),
            ),
            (
                "migration-app",
                format!("AppId,DisplayName,SignInAudience,RedirectUris,Permissions,SecretEnds\r\n{APP},Migration,AzureADMultipleOrgs,https://office.com,00000002-0000-0ff1-ce00-000000000000:Mailbox.Migration,2026-01-01;2099-01-01\r\n"),
            ),
            (
                "source-service-principals",
                format!("AppId,AppOwnerOrganizationId,DisplayName,Granted\r\n{APP},{TARGET_TENANT},Migration,Mailbox.Migration\r\n"),
            ),
            // None in the source: PowerShell writes an empty file.
            ("source-soft-deleted", String::new()),
            (
                "target-soft-deleted",
                format!("Name,RecipientTypeDetails,ExchangeGuid,PrimarySmtpAddress,UserPrincipalName,EmailAddresses\r\nold,UserMailbox,{},old@northwindtraders.com,old@northwindtraders.com,SMTP:old@northwindtraders.com\r\n", guid(77)),
            ),
        ];
        f
    }

    /// The setup export `flag`, to break one thing in it.
    fn setup_file(&mut self, flag: &str) -> &mut String {
        &mut self.setup.iter_mut().find(|(f, _)| *f == flag).unwrap().1
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
        // calm's addresses are all in domains the target does not accept.
        let calm = f.source("calm");
        calm.insert("PrimarySmtpAddress", "calm@contoso.net".into());
        calm.insert(
            "EmailAddresses",
            "SMTP:calm@contoso.net;smtp:calm@contoso.onmicrosoft.com".into(),
        );
        (f, vec!["", FIRE])
    }),
    ("XT002", || {
        // Not one target matches: an export of the wrong tenant, or cut short.
        let mut f = Fixture::with(&["fire", "calm"]);
        for t in &mut f.targets {
            let alias = t["Alias"].clone();
            t.insert("ExchangeGuid", guid(500 + alias.len() as u32));
            t.insert("ExternalEmailAddress", format!("SMTP:{alias}@fabrikam.com"));
            t.insert(
                "EmailAddresses",
                format!("SMTP:{alias}x@northwindtraders.com"),
            );
            t.insert("Alias", format!("{alias}x"));
            t.insert(
                "PrimarySmtpAddress",
                format!("{alias}x@northwindtraders.com"),
            );
            t.insert(
                "UserPrincipalName",
                format!("{alias}x@northwindtraders.com"),
            );
        }
        (f, vec![""])
    }),
    ("XT003", || {
        // Outbound only: the target cannot pull.
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let rels = f.setup_file("target-org-relationships");
        *rels = rels.replace("\"Inbound, RemoteOutbound\"", "RemoteOutbound");
        (f, vec![""])
    }),
    ("XT004", || {
        // The scope names another group than the scope group.
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let rels = f.setup_file("source-org-relationships");
        *rels = rels.replace("T2T-Migration-Scope", "Sales Team");
        (f, vec![""])
    }),
    ("XT005", || {
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let group = f.setup_file("scope-group");
        *group = group.replace(
            "MailUniversalSecurityGroup",
            "MailUniversalDistributionGroup",
        );
        (f, vec![""])
    }),
    ("XT006", || {
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        f.nested = vec!["Sales Team"];
        (f, vec![""])
    }),
    ("XT007", || {
        // Another cloud's host: the commercial cloud's endpoint is wrong.
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let endpoints = f.setup_file("migration-endpoints");
        *endpoints = endpoints.replace("outlook.office.com", "outlook.office365.us");
        (f, vec![""])
    }),
    ("XT008", || {
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let app = f.setup_file("migration-app");
        *app = app.replace("AzureADMultipleOrgs", "AzureADMyOrg");
        (f, vec![""])
    }),
    ("XT009", || {
        // A service principal for the app, but of an app another tenant owns.
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let sps = f.setup_file("source-service-principals");
        *sps = sps.replace(TARGET_TENANT, SOURCE_TENANT);
        (f, vec![""])
    }),
    ("XT010", || {
        let mut f = Fixture::with_setup(&["fire", "calm", "calm2"]);
        *f.setup_file("migration-config") = "MaxNumberOfBatches\r\n2\r\n".into();
        f.batch_size = Some(1);
        (f, vec![""])
    }),
    ("XT011", || {
        // fire and fire2 share a mailbox (FullAccess both ways): a cluster of 2 in waves of 1.
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        f.perms = vec![
            ("fire", "fire2@contoso.com".into()),
            ("fire2", "fire@contoso.com".into()),
        ];
        f.toml = Some("[waves]\nusers-per-wave = 1\n");
        (f, vec![""])
    }),
    ("XT012", || {
        // Eight waves a month apart: 7 months from the first to the last.
        let f = Fixture {
            toml: Some("[waves]\ncount = 8\ncadence-days = 30\nfirst-cutover = \"2027-01-09\"\n"),
            ..Fixture::with(&["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"])
        };
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
    ("XT107", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        // No accepted domains: no domain to name fire's new MailUser, and none to move
        // fire2's primary address (its ExternalEmailAddress) to. calm's target is fine as is.
        f.accepted.clear();
        f.drop_target("fire");
        f.target("fire2")
            .insert("PrimarySmtpAddress", "fire2@contoso.onmicrosoft.com".into());
        (f, vec![FIRE, "fire2@contoso.com"])
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
    ("XT207", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        add_proxy(f.source("fire"), "X400:c=US;a= ;p=Org;o=Exchange;s=Fire;");
        add_proxy(f.source("calm"), "X400:c=US;a= ;p=Org;o=Exchange;s=Calm;");
        add_proxy(f.target("calm"), "x400:c=US;a= ;p=Org;o=Exchange;s=Calm;");
        (f, vec![FIRE])
    }),
    ("XT208", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("PrimarySmtpAddress", "fire@northwindtraders.net".into());
        f.target("calm")
            .insert("PrimarySmtpAddress", "calm@NorthwindTraders.com".into());
        (f, vec![FIRE])
    }),
    ("XT209", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("PrimarySmtpAddress", "fire@contoso.onmicrosoft.com".into());
        (f, vec![FIRE])
    }),
    ("XT210", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("ExternalEmailAddress", "SMTP:fire@fabrikam.com".into());
        // Any source address will do, in any case.
        f.target("calm")
            .insert("ExternalEmailAddress", "smtp:CALM@contoso.com".into());
        (f, vec![FIRE])
    }),
    ("XT211", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        add_proxy(f.target("fire"), "smtp:fire@contoso.com");
        add_proxy(f.target("calm"), "SIP:calm@contoso.com");
        (f, vec![FIRE])
    }),
    ("XT212", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire").insert(
            "EmailAddresses",
            format!("SMTP:fire@northwindtraders.com;x500:{}", dn("fire")),
        );
        let calm = format!(
            "SMTP:calm@northwindtraders.com;smtp:calm@NorthwindTraders.onmicrosoft.com;x500:{}",
            dn("calm")
        );
        f.target("calm").insert("EmailAddresses", calm);
        (f, vec![FIRE])
    }),
    ("XT213", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("UserPrincipalName", "fire@contoso.com".into());
        (f, vec![FIRE])
    }),
    ("XT214", || {
        let mut f = Fixture::with(&["fire", "dup", "dup2", "calm"]);
        for a in ["fire", "dup", "dup2", "calm"] {
            f.drop_target(a);
        }
        // The target's own fire@northwindtraders.com is somebody else.
        f.targets.push(Row::from([
            ("Alias", "fireother".to_string()),
            ("PrimarySmtpAddress", "fire@northwindtraders.com".into()),
            ("EmailAddresses", "SMTP:fire@northwindtraders.com".into()),
            ("ExchangeGuid", guid(98)),
            ("RecipientTypeDetails", "UserMailbox".into()),
        ]));
        // Two sources whose new address would be the same.
        f.source("dup2")
            .insert("PrimarySmtpAddress", "dup@contoso.net".into());
        f.source("dup2")
            .insert("EmailAddresses", "SMTP:dup@contoso.net".into());
        // A group holds the address a new MailUser would get, and a contact the delivery
        // proxy stamping would add to an existing one.
        f.add("grp");
        f.drop_target("grp");
        f.add("dlv");
        f.target("dlv").insert(
            "EmailAddresses",
            format!("SMTP:dlv@northwindtraders.com;x500:{}", dn("dlv")),
        );
        f.others.push(other(
            "MailUniversalDistributionGroup",
            "grp@northwindtraders.com",
            &[("Name", "Sales")],
        ));
        f.others.push(other(
            "MailContact",
            "dlv.contact@fabrikam.com",
            &[(
                "EmailAddresses",
                "SMTP:dlv.contact@fabrikam.com;smtp:dlv@northwindtraders.onmicrosoft.com",
            )],
        ));
        // calm's own address in a contact's ExternalEmailAddress is not a proxy.
        f.others.push(other(
            "MailContact",
            "calm.c@fabrikam.com",
            &[("ExternalEmailAddress", "SMTP:calm@northwindtraders.com")],
        ));
        (
            f,
            vec![
                FIRE,
                "dup@contoso.com",
                "dup@contoso.net",
                "grp@contoso.com",
                "dlv@contoso.com",
            ],
        )
    }),
    ("XT215", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire").insert("ArchiveGuid", guid(60));
        f.source("calm").insert("ArchiveGuid", guid(61));
        f.target("calm").insert("ArchiveGuid", guid(61));
        (f, vec![FIRE])
    }),
    ("XT216", || {
        let mut f = Fixture::with(&["fire", "fire2", "fire3", "calm", "calm2"]);
        // A dir-synced GAL-sync contact holds x500:<fire's LegacyExchangeDN>, which fire's
        // target lacks: Exchange Online cannot remove it, so it blocks (a cloud one would be
        // converted: XT220).
        f.target("fire").insert(
            "EmailAddresses",
            "SMTP:fire@northwindtraders.com;smtp:fire@northwindtraders.onmicrosoft.com".into(),
        );
        f.others.push(other(
            "MailContact",
            "fire@contoso.com",
            &[
                (
                    "EmailAddresses",
                    &format!("SMTP:fire@contoso.com;X500:{}", dn("fire")),
                ),
                ("IsDirSynced", "True"),
            ],
        ));
        // A group's LegacyExchangeDN is one of fire2's X500 proxies.
        let old = "/o=Contoso/ou=First Administrative Group/cn=Recipients/cn=fire2";
        add_proxy(f.source("fire2"), &format!("X500:{old}"));
        f.others.push(other(
            "MailUniversalDistributionGroup",
            "sales@northwindtraders.com",
            &[("LegacyExchangeDN", old)],
        ));
        // fire3 gets a new MailUser, and another MailUser of the target holds one of its X500
        // proxies (its LegacyExchangeDN would have matched that MailUser instead).
        f.drop_target("fire3");
        let old3 = "/o=Contoso/ou=First Administrative Group/cn=Recipients/cn=fire3";
        add_proxy(f.source("fire3"), &format!("X500:{old3}"));
        f.targets.push(Row::from([
            ("Alias", "stale".to_string()),
            ("PrimarySmtpAddress", "stale@northwindtraders.com".into()),
            (
                "EmailAddresses",
                format!(
                    "SMTP:stale@northwindtraders.com;x500:{}",
                    old3.to_uppercase()
                ),
            ),
            ("RecipientTypeDetails", "MailUser".into()),
        ]));
        // calm's target has its x500 already: stamping adds nothing (the contact's copy is
        // the contact's concern). calm2's contact holds only its SMTP address.
        f.others.push(other(
            "MailContact",
            "calm.c@fabrikam.com",
            &[("LegacyExchangeDN", &dn("calm"))],
        ));
        f.others
            .push(other("MailContact", "calm2@contoso.com", &[]));
        (f, vec![FIRE, "fire2@contoso.com", "fire3@contoso.com"])
    }),
    ("XT217", || {
        let mut f = Fixture::with(&["fire", "fire2", "fire3", "calm", "calm2"]);
        for a in ["fire", "fire2", "fire3", "calm2"] {
            f.drop_target(a);
        }
        // A contact for somebody else has the Name New-MailUser would give fire, in another
        // case.
        f.others.push(other(
            "MailContact",
            "fire@fabrikam.com",
            &[("Name", "FIRE")],
        ));
        // fire2 and fire3 would both be created with one Name.
        f.source("fire2").insert("Name", "Sam Lee".into());
        f.source("fire3").insert("Name", "Sam Lee".into());
        // calm is not created (its target exists), so its Name is not given again.
        f.others.push(other(
            "MailContact",
            "calm.c@fabrikam.com",
            &[("Name", "calm")],
        ));
        (f, vec![FIRE, "fire2@contoso.com", "fire3@contoso.com"])
    }),
    ("XT218", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.drop_target("fire");
        f.drop_target("calm");
        f.others.push(other(
            "MailContact",
            "f.contact@fabrikam.com",
            &[("Alias", "Fire"), ("Name", "Fire (Contoso)")],
        ));
        (f, vec![FIRE])
    }),
    ("XT219", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        let x400 = |who: &str| format!("c=US;a= ;p=Contoso;o=Exchange;s={who};g=Sam;");
        add_proxy(f.source("fire"), &format!("X400:{}", x400("Lee")));
        add_proxy(f.source("calm"), &format!("X400:{}", x400("Calm")));
        // Another Sam Lee of the target holds fire's X400; nobody holds calm's (XT207's).
        f.others.push(other(
            "MailContact",
            "sam.lee@fabrikam.com",
            &[(
                "EmailAddresses",
                &format!("SMTP:sam.lee@fabrikam.com;X400:{}", x400("LEE")),
            )],
        ));
        (f, vec![FIRE])
    }),
    ("XT220", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm", "calm2", "calm3"]);
        // fire's target lacks its x500, which its GAL-sync contact holds.
        f.target("fire").insert(
            "EmailAddresses",
            "SMTP:fire@northwindtraders.com;smtp:fire@northwindtraders.onmicrosoft.com".into(),
        );
        f.others.push(other(
            "MailContact",
            "fire.contact@northwindtraders.com",
            &[
                ("ExternalEmailAddress", "SMTP:fire@contoso.com"),
                (
                    "LegacyExchangeDN",
                    "/o=ExchangeLabs/cn=Recipients/cn=contact-fire",
                ),
                (
                    "EmailAddresses",
                    &format!("SMTP:fire.contact@northwindtraders.com;X500:{}", dn("fire")),
                ),
            ],
        ));
        // fire2 gets a new MailUser with the Name its contact has.
        f.drop_target("fire2");
        f.others.push(other(
            "MailContact",
            "fire2@contoso.com",
            &[("Name", "fire2")],
        ));
        // calm's contact holds nothing stamping adds (XT221); calm2's is dir-synced (XT222);
        // calm3's is claimed by calm3 and fire (it stands for neither, and holds nothing).
        f.others.push(other("MailContact", "calm@contoso.com", &[]));
        f.others.push(other(
            "MailContact",
            "calm2@contoso.com",
            &[("IsDirSynced", "True")],
        ));
        f.others.push(other(
            "MailContact",
            "calm3@contoso.com",
            &[(
                "EmailAddresses",
                "SMTP:calm3@contoso.com;smtp:fire@contoso.com",
            )],
        ));
        (f, vec![FIRE, "fire2@contoso.com"])
    }),
    ("XT221", || {
        let mut f = Fixture::with(&["fire", "calm", "calm2"]);
        f.others.push(other("MailContact", "fire@contoso.com", &[]));
        // A dir-synced contact is XT222's; a group with calm2's address stands for nobody.
        f.others.push(other(
            "MailContact",
            "calm@contoso.com",
            &[("IsDirSynced", "True")],
        ));
        f.others.push(other(
            "MailUniversalDistributionGroup",
            "calm2-team@northwindtraders.com",
            &[(
                "EmailAddresses",
                "SMTP:calm2-team@northwindtraders.com;smtp:calm2@contoso.com",
            )],
        ));
        (f, vec![FIRE])
    }),
    ("XT222", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.others.push(other(
            "MailContact",
            "fire.c@fabrikam.com",
            &[
                ("ExternalEmailAddress", "SMTP:fire@contoso.com"),
                ("IsDirSynced", "True"),
            ],
        ));
        f.others.push(other(
            "MailContact",
            "calm@contoso.com",
            &[("IsDirSynced", "False")],
        ));
        (f, vec![FIRE])
    }),
    ("XT223", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.others.push(other(
            "GuestMailUser",
            "fire_contoso.com#EXT#@northwindtraders.onmicrosoft.com",
            &[("ExternalEmailAddress", "SMTP:fire@contoso.com")],
        ));
        // A contact is not a guest.
        f.others.push(other("MailContact", "calm@contoso.com", &[]));
        (f, vec![FIRE])
    }),
    ("XT301", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.target("fire")
            .insert("PreviousRecipientTypeDetails", "UserMailbox".into());
        f.target("calm")
            .insert("PreviousRecipientTypeDetails", "None".into());
        (f, vec![FIRE])
    }),
    ("XT302", || {
        let mut f = Fixture::with(&["fire", "fire2", "calm"]);
        f.target("fire")
            .insert("PersistedCapabilities", "BPOS_S_Enterprise".into());
        f.target("fire").insert("ExchangeGuid", String::new());
        f.target("fire2").insert(
            "PersistedCapabilities",
            "BPOS_S_Standard;ExchangeT2TMbxMove".into(),
        );
        f.target("fire2").insert("ExchangeGuid", guid(97));
        // Only the migration add-on: SKUAssigned is True, but no mailbox plan is assigned.
        let calm = f.target("calm");
        calm.insert("SKUAssigned", "True".into());
        calm.insert("PersistedCapabilities", "ExchangeT2TMbxMove".into());
        calm.insert("ExchangeGuid", String::new());
        (f, vec![FIRE, "fire2@contoso.com"])
    }),
    ("XT303", || {
        let mut f = Fixture::with(&["fire", "calm", "shared"]);
        for a in ["fire", "calm", "shared"] {
            f.source(a)
                .insert("PersistedCapabilities", "BPOS_S_Enterprise".into());
        }
        f.target("calm")
            .insert("PersistedCapabilities", "ExchangeT2TMbxMove".into());
        f.source("shared")
            .insert("RecipientTypeDetails", "SharedMailbox".into());
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
    ("XT402", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire")
            .insert("MailboxLocations", aux_archives(13));
        f.source("calm").insert("MailboxLocations", aux_archives(0));
        (f, vec![FIRE])
    }),
    ("XT403", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire").insert("MailboxLocations", aux_archives(3));
        f.source("fire")
            .insert("AutoExpandingArchiveEnabled", "True".into());
        f.source("calm").insert("MailboxLocations", aux_archives(0));
        (f, vec![FIRE])
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
    ("XT406", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.stats = Some(vec![("fire", 60, 1), ("calm", 50, 1)]);
        (f, vec![FIRE])
    }),
    ("XT407", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.stats = Some(vec![("fire", 40, 31), ("calm", 40, 30)]);
        (f, vec![FIRE])
    }),
    ("XT408", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire")
            .insert("MailboxMoveRemoteHostName", "hybrid.contoso.com".into());
        (f, vec![FIRE])
    }),
    ("XT409", || {
        // A soft-deleted mailbox in the target holds fire's ExchangeGuid (an earlier attempt).
        let mut f = Fixture::with_setup(&["fire", "calm"]);
        let fire_guid = f.source("fire")["ExchangeGuid"].clone();
        let soft = f.setup_file("target-soft-deleted");
        *soft = soft.replace(&guid(77), &fire_guid);
        (f, vec![FIRE])
    }),
    ("XT501", || {
        let mut f = Fixture::with(&["fire", "fire2", "fire3", "calm"]);
        // A chain fire <- fire2 <- fire3 is one cluster of 3; batches of 2 must cut it once.
        f.perms = vec![
            ("fire", "fire2@contoso.com".into()),
            ("fire2", "fire3@contoso.com".into()),
        ];
        f.batch_size = Some(2);
        (f, vec!["fire2@contoso.com"])
    }),
    ("XT502", || {
        let mut f = Fixture::with(&["fire", "calm"]);
        f.source("fire")
            .insert("GrantSendOnBehalfTo", "calm".into());
        (f, vec![FIRE])
    }),
    ("XT503", || {
        let mut f = Fixture::with(&["fire", "fire2", "held", "calm"]);
        f.source("held")
            .insert("LitigationHoldEnabled", "True".into());
        f.source("fire")
            .insert("GrantSendOnBehalfTo", "held".into());
        f.perms = vec![
            ("fire2", "ghost@contoso.com".into()),
            ("calm", "fire@contoso.com".into()),
        ];
        (f, vec![FIRE, "fire2@contoso.com"])
    }),
    ("XT504", || {
        let mut f = Fixture::with(&["hub", "a", "b", "c", "calm"]);
        f.perms = ["a", "b", "c"]
            .iter()
            .map(|t| ("hub", format!("{t}@contoso.com")))
            .collect();
        f.perms.push(("calm", "a@contoso.com".into()));
        f.toml = Some("[waves]\nhub-degree = 2\n");
        (f, vec!["hub@contoso.com"])
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
fn a_pair_of_tenants_set_up_as_microsoft_says_passes_every_setup_check() {
    let f = Fixture::with_setup(&["ann", "bob", "carl"]);
    assert_eq!(f.run(), BTreeMap::new());
}

#[test]
fn setup_checks_that_need_the_plan_or_the_source_domains_fire_once_at_org_level() {
    // The secret ends before the last cut-over; a domain both tenants accept (no mailbox uses
    // it); a scope entry shown as a canonical path still names the group.
    let mut f = Fixture::with_setup(&["fire", "calm"]);
    f.toml = Some("[waves]\nfirst-cutover = \"2027-03-06\"\ncount = 2\n");
    let app = f.setup_file("migration-app");
    *app = app.replace("2026-01-01;2099-01-01", "2027-03-10");
    let domains = f.setup_file("source-accepted-domains");
    domains.push_str("northwindtraders.onmicrosoft.com,Authoritative,False\r\n");
    let rels = f.setup_file("source-org-relationships");
    *rels = rels.replace(
        "T2T-Migration-Scope",
        "EURPR04A001.prod.outlook.com/Microsoft Exchange Hosted Organizations/contoso.onmicrosoft.com/T2T-Migration-Scope",
    );
    let dir = Dir::new("setup-after-plan");
    let out = f.plan_in(&dir);
    let found: Vec<(String, String)> = rows(&out.join("findings.csv"))
        .into_iter()
        .map(|r| (r["Code"].clone(), r["Message"].clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "XT001".to_string(),
                "northwindtraders.onmicrosoft.com is an accepted domain of both tenants".to_string()
            ),
            (
                "XT008".to_string(),
                "the migration app \"Migration\" (0e3b6b6c-2b6a-4d0a-9f7e-4c1d2a3b4c5d)'s last client secret ends on 2027-03-10, on or before the last cut-over (2027-03-13): batches still syncing then stop".to_string()
            ),
        ]
    );
}

#[test]
fn a_shared_domain_counts_each_mailbox_once_per_domain() {
    // Two accepted domains in use; ann holds two addresses in contoso.com (one in upper
    // case), counted once; calm uses neither.
    let mut f = Fixture::with(&["ann", "bob", "carl", "dave", "calm"]);
    f.accepted.push("contoso.com".into());
    f.accepted.push("contoso.onmicrosoft.com".into());
    f.source("ann").insert(
        "EmailAddresses",
        "SMTP:ann@contoso.com;smtp:ANN2@CONTOSO.COM;smtp:ann@contoso.onmicrosoft.com".into(),
    );
    let calm = f.source("calm");
    calm.insert("PrimarySmtpAddress", "calm@contoso.net".into());
    calm.insert("EmailAddresses", "SMTP:calm@contoso.net".into());
    let dir = Dir::new("shared-domain-count");
    let out = f.plan_in(&dir);
    let org: Vec<String> = rows(&out.join("findings.csv"))
        .into_iter()
        .filter(|r| r["Code"] == "XT001" && r["SourcePrimarySmtpAddress"].is_empty())
        .map(|r| r["Message"].clone())
        .collect();
    assert_eq!(
        org,
        [
            "contoso.com is accepted in the target and used by 4 source mailbox(es)",
            "contoso.onmicrosoft.com is accepted in the target and used by 4 source mailbox(es)",
        ]
    );
}

#[test]
fn a_clean_pair_of_tenants_has_no_finding() {
    let f = Fixture::with(&["ann", "bob", "carl"]);
    assert_eq!(f.run(), BTreeMap::new());
}

#[test]
fn a_broken_link_is_one_finding_whatever_it_grants() {
    // XT501's fixture cuts fire2 <- fire3; fire3 also sends on fire2's behalf. One link, one
    // XT501 naming both permissions (and XT502 for the send-on-behalf restamp).
    let case = CASES.iter().find(|(code, _)| *code == "XT501").unwrap().1;
    let (mut f, expected) = case();
    f.source("fire2")
        .insert("GrantSendOnBehalfTo", "fire3".into());
    let got = f.run();
    assert_eq!(got["XT501"], expected);
    assert_eq!(got["XT502"], ["fire2@contoso.com"]);
}

#[test]
fn converted_contacts_are_listed_and_hand_their_dn_and_addresses_to_the_mailuser() {
    let case = CASES.iter().find(|(code, _)| *code == "XT220").unwrap().1;
    let (mut f, _) = case();
    // fire's contact is in two groups (once in another case); calm2's is dir-synced, and
    // nobody's contact is in the third.
    f.members = vec![
        (
            "sales@northwindtraders.com",
            "fire.contact@northwindtraders.com",
        ),
        (
            "all@northwindtraders.com",
            "FIRE.CONTACT@northwindtraders.com",
        ),
        (
            "all@northwindtraders.com",
            "fire.contact@northwindtraders.com",
        ),
        ("all@northwindtraders.com", "calm2@contoso.com"),
        ("board@northwindtraders.com", "someone@fabrikam.com"),
    ];
    let dir = Dir::new("contacts");
    let out = f.plan_in(&dir);
    let mut contacts: Vec<(String, String, String, String)> =
        rows(&out.join("stamping/contacts.csv"))
            .into_iter()
            .map(|r| {
                (
                    r["Identity"].clone(),
                    r["Action"].clone(),
                    r["MailUserIdentity"].clone(),
                    r["SourcePrimarySmtpAddress"].clone(),
                )
            })
            .collect();
    contacts.sort();
    let row = |id: &str, action: &str, mailuser: &str, source: &str| {
        (
            id.to_string(),
            action.to_string(),
            mailuser.to_string(),
            source.to_string(),
        )
    };
    // calm3's contact is claimed by two mailboxes: it stands for neither and stays.
    assert_eq!(
        contacts,
        [
            row(
                "calm2@contoso.com",
                "RemoveOnPremises",
                "calm2@northwindtraders.com",
                "calm2@contoso.com"
            ),
            row(
                "calm@contoso.com",
                "Remove",
                "calm@northwindtraders.com",
                "calm@contoso.com"
            ),
            row(
                "fire.contact@northwindtraders.com",
                "Remove",
                "fire@northwindtraders.com",
                FIRE
            ),
            row(
                "fire2@contoso.com",
                "Remove",
                "fire2@northwindtraders.com",
                "fire2@contoso.com"
            ),
        ]
    );
    let x500: Vec<(String, String)> = rows(&out.join("stamping/x500.csv"))
        .into_iter()
        .filter(|r| r["Identity"] == "fire@northwindtraders.com")
        .map(|r| (r["Identity"].clone(), r["Proxy"].clone()))
        .collect();
    assert_eq!(
        x500,
        [
            (
                "fire@northwindtraders.com".to_string(),
                format!("x500:{}", dn("fire"))
            ),
            (
                "fire@northwindtraders.com".to_string(),
                "x500:/o=ExchangeLabs/cn=Recipients/cn=contact-fire".to_string()
            ),
        ],
        "the source's x500 once (the contact's copy of it is not repeated), then the contact's DN"
    );
    let fire = rows(&out.join("stamping/mailusers.csv"))
        .into_iter()
        .find(|r| r["SourcePrimarySmtpAddress"] == FIRE)
        .unwrap();
    assert_eq!(
        fire["EmailAddressesToAdd"], "smtp:fire.contact@northwindtraders.com",
        "the contact's address in an accepted domain stays reachable"
    );
    let groups: Vec<(String, String, String)> = rows(&out.join("stamping/group-members.csv"))
        .into_iter()
        .map(|r| {
            (
                r["Group"].clone(),
                r["Member"].clone(),
                r["RemovedContact"].clone(),
            )
        })
        .collect();
    let contact = "fire.contact@northwindtraders.com".to_string();
    let mailuser = "fire@northwindtraders.com".to_string();
    assert_eq!(
        groups,
        [
            (
                "all@northwindtraders.com".to_string(),
                mailuser.clone(),
                contact.clone()
            ),
            ("sales@northwindtraders.com".to_string(), mailuser, contact),
        ]
    );
}

#[test]
fn where_a_converted_contact_was_named_its_mailuser_is_put_back_with_the_cmdlet_that_can() {
    let case = CASES.iter().find(|(code, _)| *code == "XT220").unwrap().1;
    let (mut f, _) = case();
    let fire_dn = "/o=ExchangeLabs/cn=Recipients/cn=contact-fire";
    f.references = vec![
        // By address, any case, under both names of the accepted-senders list: one row.
        "g1,Sales,MailUniversalDistributionGroup,False,AcceptMessagesOnlyFromSendersOrMembers,fire.contact@northwindtraders.com",
        "g1,Sales,MailUniversalDistributionGroup,False,AcceptMessagesOnlyFrom,FIRE.CONTACT@northwindtraders.com",
        // A Microsoft 365 group's moderators: rewritten whole.
        "g2,Project,GroupMailbox,False,ModeratedBy,fire.contact@northwindtraders.com",
        // By LegacyExchangeDN: a mailbox forwarding to the contact.
        "m1,Ann,UserMailbox,False,ForwardingAddress,/o=ExchangeLabs/cn=Recipients/cn=contact-fire",
        // By Name: a mail user's forwarding, which no Set- cmdlet changes.
        "m2,Bob,MailUser,False,ForwardingAddress,fire2",
        // A group synchronised from on-premises AD.
        "g3,Board,MailUniversalSecurityGroup,True,RejectMessagesFrom,calm@contoso.com",
        // A removed contact as holder: gone with its restrictions.
        "c1,calm@contoso.com,MailContact,False,AcceptMessagesOnlyFrom,fire.contact@northwindtraders.com",
        // calm2's contact is dir-synced (removed on-premises), calm3's stays, fabrikam's is no
        // contact of ours: none of these is put back.
        "g4,All,MailUniversalDistributionGroup,False,AcceptMessagesOnlyFrom,calm2@contoso.com",
        "g4,All,MailUniversalDistributionGroup,False,AcceptMessagesOnlyFrom,calm3@contoso.com",
        "g4,All,MailUniversalDistributionGroup,False,ModeratedBy,someone@fabrikam.com",
    ];
    assert!(f.references[3].ends_with(fire_dn));
    let dir = Dir::new("references");
    let out = f.plan_in(&dir);
    let got: Vec<String> = rows(&out.join("stamping/references.csv"))
        .into_iter()
        .map(|r| {
            [
                "Identity",
                "Cmdlet",
                "Parameter",
                "Edit",
                "Property",
                "MailUser",
                "RemovedContact",
            ]
            .iter()
            .map(|c| r[*c].as_str())
            .collect::<Vec<_>>()
            .join(" ")
        })
        .collect();
    let fire = "fire@northwindtraders.com fire.contact@northwindtraders.com";
    let calm = "calm@northwindtraders.com calm@contoso.com";
    assert_eq!(
        got,
        [
            format!("g3 Set-DistributionGroup RejectMessagesFrom OnPremises RejectMessagesFrom {calm}"),
            "m2 Set-MailUser ForwardingAddress ByHand ForwardingAddress fire2@northwindtraders.com fire2@contoso.com".to_string(),
            format!("g1 Set-DistributionGroup AcceptMessagesOnlyFrom Add AcceptMessagesOnlyFrom {fire}"),
            format!("g2 Set-UnifiedGroup ModeratedBy Rewrite ModeratedBy {fire}"),
            format!("m1 Set-Mailbox ForwardingAddress Replace ForwardingAddress {fire}"),
        ],
        "in contacts.csv's order, then by holder"
    );
}

#[test]
fn a_guest_in_the_target_export_is_never_the_match() {
    // Get-MailUser lists guests: one for fire points at fire's address and holds its x500.
    let mut f = Fixture::with(&["fire", "calm"]);
    f.drop_target("fire");
    f.targets.push(Row::from([
        ("Alias", "fire_contoso.com#EXT#".to_string()),
        (
            "PrimarySmtpAddress",
            "fire_contoso.com#EXT#@northwindtraders.onmicrosoft.com".into(),
        ),
        (
            "EmailAddresses",
            "SMTP:fire_contoso.com#EXT#@northwindtraders.onmicrosoft.com".into(),
        ),
        ("ExternalEmailAddress", "SMTP:fire@contoso.com".into()),
        ("RecipientTypeDetails", "GuestMailUser".into()),
    ]));
    let found = f.run();
    assert_eq!(
        found.get("XT101").map(Vec::as_slice),
        Some(&[FIRE.to_string()][..])
    );
    assert_eq!(
        found.get("XT104"),
        None,
        "the guest is not taken for fire's target"
    );
    assert_eq!(
        found.get("XT223").map(Vec::as_slice),
        Some(&[FIRE.to_string()][..]),
        "it is reported as a guest that stands for fire"
    );
}
