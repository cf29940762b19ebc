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
        repo("docs/rules.md") == xtenant::rules::markdown() + &xtenant::causes::markdown(),
        "docs/rules.md is stale: run `cargo run -- rules --markdown > docs/rules.md`"
    );
}

#[test]
fn the_docs_show_every_export_recipe_exactly() {
    // The tenants' setup exports are in docs/setup.md, with the checks they enable.
    let exports = repo("docs/exports.md").replace("\r\n", "\n");
    let setup = repo("docs/setup.md").replace("\r\n", "\n");
    for kind in InputKind::ALL {
        let (doc, name) = if kind.is_setup() {
            (&setup, "docs/setup.md")
        } else {
            (&exports, "docs/exports.md")
        };
        assert!(
            doc.contains(kind.recipe()),
            "{name} lacks the recipe for {} exactly as in src/input/mod.rs",
            kind.key()
        );
    }
}

/// GitHub's anchor for a heading: lower-cased, punctuation but `-` and `_` dropped, spaces to
/// `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[test]
fn every_relative_link_in_the_readme_and_docs_resolves_in_a_clone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pages = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            pages.push(p);
        }
    }
    let anchors = |file: &Path| -> Vec<String> {
        std::fs::read_to_string(file)
            .unwrap()
            .lines()
            .filter_map(|l| l.strip_prefix('#'))
            .map(|l| slug(l.trim_start_matches('#')))
            .collect()
    };
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("](") {
            rest = &rest[at + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (path, anchor) = target.split_once('#').unwrap_or((target, ""));
            let file = if path.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(path)
            };
            // A clone has no ../shared: every link stays inside the repository.
            let inside = file
                .canonicalize()
                .is_ok_and(|f| f.starts_with(root.canonicalize().unwrap()));
            if !file.exists() || !inside {
                broken.push(format!(
                    "{}: {target} (no such file in the repository)",
                    page.display()
                ));
            } else if !anchor.is_empty() && !anchors(&file).contains(&anchor.to_string()) {
                broken.push(format!("{}: {target} (no such heading)", page.display()));
            }
        }
    }
    assert!(checked > 20, "{checked} links");
    assert!(broken.is_empty(), "{broken:#?}");
}
