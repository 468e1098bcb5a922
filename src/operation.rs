//! The operation name of a statement, for span names and `db.operation.name`: always one of
//! a fixed set, never text taken from the statement, so that neither a comment nor a typo
//! nor a value written into the Cypher reaches a span name, and span names stay as few as
//! the kinds of statement. When the Cypher parser (reader classification) lands, this is
//! the one function to point at it.

/// Clause keywords a statement may start with, as reported. Anything else is [`OTHER`].
const KEYWORDS: &[&str] = &[
    "MATCH", "OPTIONAL", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE", "DELETE", "DETACH", "SET",
    "REMOVE", "CALL", "FOREACH", "LOAD", "USE", "SHOW", "DROP", "ALTER", "EXPLAIN", "PROFILE",
    "START", "STOP", "GRANT", "DENY", "REVOKE", "FINISH", "FILTER", "LET",
];

/// The operation name of a statement that starts with no known clause keyword.
pub const OTHER: &str = "QUERY";

/// The statement's first clause keyword (after whitespace and comments), upper-case, if it
/// is one of [`KEYWORDS`]; else [`OTHER`].
pub fn operation_name(cypher: &str) -> &'static str {
    let word: String = skip_comments(cypher)
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .take(16)
        .collect();
    KEYWORDS
        .iter()
        .find(|k| k.eq_ignore_ascii_case(&word))
        .copied()
        .unwrap_or(OTHER)
}

/// The text after leading whitespace, `// …` line comments and `/* … */` block comments.
fn skip_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("//") {
            text = rest.split_once('\n').map_or("", |(_, after)| after);
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.split_once("*/").map_or("", |(_, after)| after);
        } else {
            return text;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_clause_keyword_names_the_operation() {
        assert_eq!(operation_name("MATCH (n) RETURN n"), "MATCH");
        assert_eq!(operation_name("  match (n) return n"), "MATCH");
        assert_eq!(
            operation_name("\n/* a comment */ // another\n return 1"),
            "RETURN"
        );
        assert_eq!(operation_name("OPTIONAL MATCH (n) RETURN n"), "OPTIONAL");
    }

    #[test]
    fn statement_text_never_becomes_the_operation() {
        for cypher in [
            "/*leak-1234*/ RETURN 1",
            "leak-1234 RETURN 1",
            "RETURNleak 1",
            "/* never closed leak",
            "",
            "'leak' RETURN 1",
            "ÄÖÜ",
            "MATCHES(n)",
        ] {
            let name = operation_name(cypher);
            assert!(
                name == OTHER || name == "RETURN",
                "{cypher:?} gave {name:?}"
            );
            assert!(!name.to_lowercase().contains("leak"));
        }
        assert_eq!(operation_name("/*leak-1234*/ RETURN 1"), "RETURN");
        assert_eq!(operation_name("RETURNleak 1"), OTHER);
    }
}
