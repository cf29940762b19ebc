//! The catalogue guards itself: unique codes, complete docs, docs/rules.md up to date, and the
//! README's export recipe identical to the one the error messages show.

use std::path::Path;

use xtenant::input::InputKind;
use xtenant::rules::ALL;

fn repo(p: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(p)).unwrap()
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes: Vec<&str> = ALL.iter().map(|r| r.meta().code).collect();
    let mut names: Vec<&str> = ALL.iter().map(|r| r.meta().name).collect();
    assert!(
        codes.windows(2).all(|w| w[0] < w[1]),
        "ALL is in code order: {codes:?}"
    );
    codes.dedup();
    names.sort();
    names.dedup();
    assert_eq!(codes.len(), ALL.len());
    assert_eq!(names.len(), ALL.len());
    for r in ALL {
        let m = r.meta();
        assert!(
            m.code.len() == 5
                && m.code.starts_with("XT")
                && m.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "{}",
            m.code
        );
        assert!(
            m.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}",
            m.name
        );
        for text in [m.summary, m.what, m.why, m.fix] {
            assert!(
                !text.trim().is_empty(),
                "{} has an empty doc section",
                m.code
            );
        }
    }
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    assert!(
        repo("docs/rules.md") == xtenant::rules::markdown(),
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn readme_shows_every_export_recipe_exactly() {
    // The tenants' setup exports are in docs/setup.md, with the checks they enable.
    let readme = repo("README.md").replace("\r\n", "\n");
    let setup = repo("docs/setup.md").replace("\r\n", "\n");
    for kind in InputKind::ALL {
        let (doc, name) = if kind.is_setup() {
            (&setup, "docs/setup.md")
        } else {
            (&readme, "README")
        };
        assert!(
            doc.contains(kind.recipe()),
            "{name} lacks the recipe for {} exactly as in src/input/mod.rs",
            kind.key()
        );
    }
}
