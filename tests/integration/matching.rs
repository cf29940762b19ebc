//! Matching: each level of evidence, renamed targets, the mapping file, and the name match that
//! only ever lands on placeholders.

use crate::util::{Dir, args, plan, rows};

const SRC: &str = "PrimarySmtpAddress,EmailAddresses,ExchangeGuid,LegacyExchangeDN,Alias,UserPrincipalName\r\n\
    lara.newton@contoso.com,SMTP:lara.newton@contoso.com;smtp:LaraN@contoso.onmicrosoft.com,1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=f161af74128f460fba5c0c23984b3d6c-Lara,LaraN,LaraN@contoso.com\r\n";

/// Runs plan with one source mailbox (Lara) and the given target rows; returns MatchedBy,
/// TargetIdentity and Codes of Lara's row.
fn lara(targets: &str, mapping: Option<&str>, name_match: bool) -> (String, String, String) {
    let dir = Dir::new("matching");
    let s = dir.write("source.csv", SRC);
    let t = dir.write(
        "target.csv",
        format!("PrimarySmtpAddress,EmailAddresses,ExchangeGuid,ExternalEmailAddress,Alias,UserPrincipalName,RecipientTypeDetails\r\n{targets}"),
    );
    let mut a = args(&s, &t, &dir.join("out"));
    a.mapping = mapping.map(|m| {
        dir.write(
            "mapping.csv",
            format!("SourceIdentity,TargetIdentity\r\n{m}\r\n"),
        )
    });
    a.no_name_match = !name_match;
    plan(&a);
    let r = rows(&dir.join("out/readiness.csv")).remove(0);
    (
        r["MatchedBy"].clone(),
        r["TargetIdentity"].clone(),
        r["Codes"].clone(),
    )
}

#[test]
fn a_renamed_target_is_found_by_its_external_address() {
    let t = "lnewton@northwindtraders.com,SMTP:lnewton@northwindtraders.com,,SMTP:LaraN@contoso.onmicrosoft.com,lnewton,lnewton@northwindtraders.com,MailUser\r\n";
    let (by, target, _) = lara(t, None, true);
    assert_eq!(
        (by.as_str(), target.as_str()),
        ("ExternalEmailAddress", "lnewton@northwindtraders.com")
    );
}

#[test]
fn exchange_guid_beats_weaker_evidence() {
    let t = "a@northwindtraders.com,SMTP:a@northwindtraders.com,1EC059C7-8396-4D0B-AF4E-D6BD4C12A8D8,,a,a@northwindtraders.com,MailUser\r\n\
             b@northwindtraders.com,SMTP:b@northwindtraders.com,,SMTP:lara.newton@contoso.com,b,b@northwindtraders.com,MailUser\r\n";
    let (by, target, _) = lara(t, None, true);
    assert_eq!(
        (by.as_str(), target.as_str()),
        ("ExchangeGuid", "a@northwindtraders.com")
    );
}

#[test]
fn the_legacy_dn_x500_is_evidence() {
    let t = "x@northwindtraders.com,SMTP:x@northwindtraders.com;X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=f161af74128f460fba5c0c23984b3d6c-Lara,,,x,x@northwindtraders.com,MailUser\r\n";
    assert_eq!(lara(t, None, true).0, "LegacyExchangeDN");
}

#[test]
fn the_mapping_file_decides_over_everything() {
    let t = "a@northwindtraders.com,SMTP:a@northwindtraders.com,1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8,,a,a@northwindtraders.com,MailUser\r\n\
             lara.n@northwindtraders.com,SMTP:lara.n@northwindtraders.com,,,laran2,lara.n@northwindtraders.com,MailUser\r\n";
    let (by, target, codes) = lara(
        t,
        Some("LaraN@contoso.onmicrosoft.com,SMTP:Lara.N@NorthwindTraders.com"),
        true,
    );
    assert_eq!(
        (by.as_str(), target.as_str()),
        ("Mapping", "lara.n@northwindtraders.com")
    );
    assert!(codes.contains("XT201"), "{codes}");
}

#[test]
fn two_candidates_at_the_deciding_level_are_an_ambiguity_not_a_guess() {
    let t = "a@northwindtraders.com,SMTP:a@northwindtraders.com,,SMTP:lara.newton@contoso.com,a,a@northwindtraders.com,MailUser\r\n\
             b@northwindtraders.com,SMTP:b@northwindtraders.com,,SMTP:LaraN@contoso.onmicrosoft.com,b,b@northwindtraders.com,MailUser\r\n";
    let (by, target, codes) = lara(t, None, true);
    assert_eq!(
        (by.as_str(), target.as_str(), codes.as_str()),
        ("ExternalEmailAddress", "", "XT102")
    );
}

#[test]
fn names_match_only_placeholders_and_only_when_allowed() {
    // A placeholder: no ExchangeGuid, no ExternalEmailAddress.
    let placeholder = "laran@northwindtraders.com,SMTP:laran@northwindtraders.com,,,LaraN,laran@northwindtraders.com,MailUser\r\n";
    let (by, _, codes) = lara(placeholder, None, true);
    assert_eq!(by, "Name");
    assert!(codes.contains("XT106"), "{codes}");
    assert_eq!(lara(placeholder, None, false).0, "", "--no-name-match");
    // The target's own Lara, with a mailbox: the same alias, a different person.
    let person = "lara.newton@northwindtraders.com,SMTP:lara.newton@northwindtraders.com,9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2,,LaraN,lara.newton@northwindtraders.com,UserMailbox\r\n";
    let (by, target, codes) = lara(person, None, true);
    assert_eq!((by.as_str(), target.as_str()), ("", ""));
    assert!(
        codes.contains("XT101") && codes.contains("XT214"),
        "a collision, not a match: {codes}"
    );
}

#[test]
fn two_mapping_rows_for_one_mailbox_are_an_ambiguity() {
    let t = "a@northwindtraders.com,SMTP:a@northwindtraders.com,,,a,a@northwindtraders.com,MailUser\r\n\
             b@northwindtraders.com,SMTP:b@northwindtraders.com,,,b,b@northwindtraders.com,MailUser\r\n";
    let mapping = "lara.newton@contoso.com,a@northwindtraders.com\r\nLaraN@contoso.com,b@northwindtraders.com";
    let (by, target, codes) = lara(t, Some(mapping), true);
    assert_eq!(
        (by.as_str(), target.as_str(), codes.as_str()),
        ("Mapping", "", "XT102")
    );
}
