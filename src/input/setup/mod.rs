//! The exports of the two tenants' setup: organization relationships, migration endpoints and
//! settings, the scope group, the migration app and its consent, soft-deleted objects. Each is
//! optional and enables its checks; a value the checks cannot read stops the run.

pub mod app;
pub mod config;
pub mod endpoints;
pub mod principals;
pub mod relationships;
pub mod scope_group;
pub mod soft_deleted;

use uuid::Uuid;

use super::values::{parse_bool, parse_guid};
use super::{InputKind, Row};
use crate::date::Date;
use crate::error::{Error, Result};

/// An error naming the cell, what it should be, and the recipe.
fn invalid(row: &Row<'_>, kind: InputKind, col: usize, value: &str, expected: &str) -> Error {
    Error::InvalidValue {
        location: Box::new(row.location(col)),
        recipe: kind.recipe(),
        value: value.to_string(),
        problem: "cannot be read",
        expected: expected.to_string(),
    }
}

/// A True/False cell; empty is `None`.
fn flag(row: &Row<'_>, kind: InputKind, col: usize) -> Result<Option<bool>> {
    let Some(text) = row.text(col) else {
        return Ok(None);
    };
    parse_bool(text).map_err(|_| invalid(row, kind, col, text, "True or False"))
}

/// A GUID cell; empty (or the all-zero GUID) is `None`.
fn guid(row: &Row<'_>, kind: InputKind, col: usize) -> Result<Option<Uuid>> {
    let Some(text) = row.text(col) else {
        return Ok(None);
    };
    let g = parse_guid(text).map_err(|_| {
        invalid(
            row,
            kind,
            col,
            text,
            "a GUID, like 0e3b6b6c-2b6a-4d0a-9f7e-4c1d2a3b4c5d",
        )
    })?;
    Ok(g.filter(|g| !g.is_nil()))
}

/// A whole-number cell (`100`, `100 (Unlimited)` as Exchange prints some).
fn number(row: &Row<'_>, kind: InputKind, col: usize) -> Result<Option<u64>> {
    let Some(text) = row.text(col) else {
        return Ok(None);
    };
    let digits: String = text
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    if text.trim().eq_ignore_ascii_case("Unlimited") {
        return Ok(Some(u64::MAX));
    }
    digits
        .parse()
        .map(Some)
        .map_err(|_| invalid(row, kind, col, text, "a whole number"))
}

/// A date cell: ISO 8601 (`2027-06-30` or `2027-06-30T12:00:00Z`), as the recipes write it.
fn date(row: &Row<'_>, kind: InputKind, col: usize, text: &str) -> Result<Date> {
    text.get(..10).and_then(Date::parse).ok_or_else(|| {
        invalid(
            row,
            kind,
            col,
            text,
            "a date as YYYY-MM-DD (the recipe writes .ToString('yyyy-MM-dd'))",
        )
    })
}

/// Maps every row with `map`, stopping at the first row (in file order) it refuses.
fn collect<T>(rows: Vec<Result<T>>) -> Result<Vec<T>> {
    rows.into_iter().collect()
}
