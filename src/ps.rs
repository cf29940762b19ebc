//! PowerShell text: the one escaping function every generated command and script goes through.

/// Quotes a value as a PowerShell single-quoted string literal, where nothing is expanded.
/// PowerShell treats the typographic quotes U+2018-U+201B as single quotes too, so an
/// apostrophe typed by Word in a display name would end the string: every one is doubled.
pub fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn nothing_escapes_a_single_quoted_string() {
        assert_eq!(quote("O'Brien"), "'O''Brien'");
        assert_eq!(quote("O\u{2019}Brien"), "'O\u{2019}\u{2019}Brien'");
        assert_eq!(
            quote("$(Remove-Item C:\\) `n \"x\""),
            "'$(Remove-Item C:\\) `n \"x\"'"
        );
        assert_eq!(quote(""), "''");
    }
}
