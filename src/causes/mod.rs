//! The move-failure catalogue: why a migration user failed, from the error text Exchange
//! reports, with the readiness check that predicts it where one exists (for `xtenant track`).
//! One cause per file, registered in `ALL`; an error no cause names is `UNCLASSIFIED`, never a
//! guess.

mod mf101_missing_exchange_guid;
mod mf102_not_accepted_domain;
mod mf103_delivery_proxy_missing;
mod mf104_not_in_scope;
mod mf105_already_a_mailbox;
mod mf106_recipient_not_found;
mod mf107_duplicate_in_other_batch;
mod mf108_license_missing;
mod mf109_inbound_not_authorized;
mod mf110_source_not_authorized;
mod mf111_aux_archive;
mod mf112_demoted_archive;
mod mf113_already_being_moved;
mod mf114_bad_items;
mod mf115_transient;
mod mf116_not_in_expected_db;

/// A cause of a failed move.
#[derive(Debug)]
pub struct Cause {
    /// Stable code, never reused: `MF101`.
    pub code: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    /// Texts that, found in the error (any case), name this cause.
    pub patterns: &'static [&'static str],
    /// The readiness check that finds the condition before the move, when one does.
    pub predicted_by: Option<&'static str>,
    /// Fixed by removing the user from its batch and submitting it again; else by resuming
    /// the batch (Start-MigrationBatch) once the condition is gone.
    pub resubmit: bool,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
}

/// Every cause, in code order. The first whose pattern the error holds is its cause.
pub static ALL: &[&Cause] = &[
    &mf101_missing_exchange_guid::CAUSE,
    &mf102_not_accepted_domain::CAUSE,
    &mf103_delivery_proxy_missing::CAUSE,
    &mf104_not_in_scope::CAUSE,
    &mf105_already_a_mailbox::CAUSE,
    &mf106_recipient_not_found::CAUSE,
    &mf107_duplicate_in_other_batch::CAUSE,
    &mf108_license_missing::CAUSE,
    &mf109_inbound_not_authorized::CAUSE,
    &mf110_source_not_authorized::CAUSE,
    &mf111_aux_archive::CAUSE,
    &mf112_demoted_archive::CAUSE,
    &mf113_already_being_moved::CAUSE,
    &mf114_bad_items::CAUSE,
    &mf115_transient::CAUSE,
    &mf116_not_in_expected_db::CAUSE,
];

/// An error text no cause names: kept as written for a person to read.
pub static UNCLASSIFIED: Cause = Cause {
    code: "MF100",
    name: "unclassified",
    summary: "an error xtenant's catalogue does not name",
    patterns: &[],
    predicted_by: None,
    resubmit: false,
    what: "The error text matches no cause of the catalogue: it is reported as Exchange wrote it.",
    why: "A guess would send the admin to the wrong fix.",
    fix: "Read the error (Get-MigrationUserStatistics -IncludeReport for the whole report) and search Microsoft's documentation for its exception name.",
};

/// The cause of a failure whose error text is `error`; `None` for no error at all.
pub fn classify(error: &str) -> Option<&'static Cause> {
    let error = error.trim();
    if error.is_empty() {
        return None;
    }
    let lower = error.to_lowercase();
    Some(
        ALL.iter()
            .copied()
            .find(|c| c.patterns.iter().any(|p| lower.contains(&p.to_lowercase())))
            .unwrap_or(&UNCLASSIFIED),
    )
}

/// A cause by code or name, case-insensitively.
pub fn find(code_or_name: &str) -> Option<&'static Cause> {
    ALL.iter()
        .copied()
        .chain(std::iter::once(&UNCLASSIFIED))
        .find(|c| {
            c.code.eq_ignore_ascii_case(code_or_name) || c.name.eq_ignore_ascii_case(code_or_name)
        })
}

/// The list for `xtenant rules`, after the readiness checks: one line per cause.
pub fn list() -> String {
    let mut out = String::from(
        "\nMove-failure causes (xtenant track reads them from the migration users' errors):\n",
    );
    for c in ALL.iter().copied().chain(std::iter::once(&UNCLASSIFIED)) {
        let predicted = c
            .predicted_by
            .map(|r| format!(" (predicted by {r})"))
            .unwrap_or_default();
        out.push_str(&format!(
            "{}  {:<32} {}{predicted}\n",
            c.code, c.name, c.summary
        ));
    }
    out
}

/// One cause explained in full, for `xtenant rules MF101`.
pub fn explain(c: &Cause) -> String {
    let predicted = c
        .predicted_by
        .map(|r| format!("\n\nPredicted by\n  {r}: `xtenant rules {r}`; planning again on fresh exports finds it before the move"))
        .unwrap_or_default();
    format!(
        "{} {} (move failure)\n{}\n\nWhat it is\n  {}\n\nWhy it happens\n  {}\n\nHow to fix\n  {}{predicted}\n",
        c.code, c.name, c.summary, c.what, c.why, c.fix
    )
}

/// The causes' part of docs/rules.md.
pub fn markdown() -> String {
    let mut out = String::from(
        "\n# Move-failure causes\n\n`xtenant track` names why a migration user failed from the error Exchange reports. The first cause whose text the error holds is its cause; an error no cause names is MF100, kept as written. **Predicted by** is the readiness check that finds the condition before the move.\n\n| code | name | predicted by | summary |\n|---|---|---|---|\n",
    );
    for c in ALL.iter().copied().chain(std::iter::once(&UNCLASSIFIED)) {
        out.push_str(&format!(
            "| [{0}](#{1}) | `{2}` | {3} | {4} |\n",
            c.code,
            c.code.to_lowercase(),
            c.name,
            c.predicted_by
                .map(|r| format!("[{r}](#{})", r.to_lowercase()))
                .unwrap_or_default(),
            c.summary
        ));
    }
    for c in ALL.iter().copied().chain(std::iter::once(&UNCLASSIFIED)) {
        let texts = c
            .patterns
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "\n## {}\n\n`{}`{}\n\n**What it is.** {}\n\n**Why it happens.** {}\n\n**How to fix.** {}\n",
            c.code,
            c.name,
            if texts.is_empty() { String::new() } else { format!(", named by {texts}") },
            c.what,
            c.why,
            c.fix
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_named_by_its_cause_and_an_unknown_one_is_never_guessed() {
        let cases = [
            (
                "Error: MissingExchangeGuidException: the target user has no ExchangeGuid",
                "MF101",
            ),
            (
                "MigrationPermanentException: The target mailbox doesn't have an SMTP proxy matching 'northwindtraders.onmicrosoft.com'",
                "MF103",
            ),
            (
                "MigrationPermanentException: Target user 'ann' already has a primary mailbox.",
                "MF105",
            ),
            (
                "MigrationPermanentException: Your organization does not authorize 'pull' or Inbound moves from the remote organization",
                "MF109",
            ),
            ("Something nobody has seen", "MF100"),
        ];
        for (error, code) in cases {
            assert_eq!(classify(error).map(|c| c.code), Some(code), "{error}");
        }
        assert!(classify("  ").is_none());
        assert_eq!(
            classify("missingexchangeguidexception")
                .unwrap()
                .predicted_by,
            Some("XT201")
        );
    }

    #[test]
    fn codes_are_unique_and_every_predicting_rule_exists() {
        let mut codes: Vec<&str> = ALL.iter().map(|c| c.code).collect();
        codes.push(UNCLASSIFIED.code);
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
        for c in ALL {
            assert!(!c.patterns.is_empty(), "{}", c.code);
            if let Some(rule) = c.predicted_by {
                assert!(
                    crate::rules::by_code(rule).is_some(),
                    "{} names {rule}",
                    c.code
                );
            }
        }
    }
}
