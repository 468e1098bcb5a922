//! The operation name of a statement, for span names and `db.operation.name`: taken from the
//! parsed statement (`cypher::classify`, the reader classifier's parser), so it is always one
//! of that parser's fixed clause names, never text from the statement: neither a comment nor a
//! typo nor a value written into the Cypher reaches a span name, and span names stay as few as
//! the kinds of statement. Text the parser cannot place is [`OTHER`].

/// The operation name of a statement the parser cannot place.
pub const OTHER: &str = "QUERY";

/// The statement's operation name as the parser reports it (e.g. `MATCH`, `OPTIONAL MATCH`,
/// `CREATE INDEX`), else [`OTHER`]. It classifies the statement (through the cache the
/// statement check filled for the same text): call it only for a span that is recorded.
pub fn operation_name(cypher: &str) -> &'static str {
    crate::cypher::cache::classify_cached(cypher).map_or(OTHER, |c| c.operation)
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
        assert_eq!(
            operation_name("OPTIONAL MATCH (n) RETURN n"),
            "OPTIONAL MATCH"
        );
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
