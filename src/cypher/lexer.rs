//! Cypher text to tokens. Comments and whitespace are dropped; string literals,
//! backtick-quoted names and parameters become single tokens, so nothing inside them can
//! be mistaken for a keyword.

use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An unquoted name or keyword, as written.
    Word(String),
    /// A name in backticks (never a keyword).
    Quoted(String),
    /// A string literal.
    Str,
    /// A number literal.
    Number,
    /// `$name` or `$0`.
    Param,
    /// Punctuation and operators: `(`, `->`, `..`, `::`, ...
    Punct(&'static str),
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    /// Byte offset in the statement, for error messages.
    pub at: usize,
}

const MULTI: [&str; 11] = [
    "->", "<-", "..", "::", "=~", "<>", "!=", "<=", ">=", "+=", "||",
];
const SINGLE: &str = "()[]{},.:;|=<>+-*/%^!&?";

fn single(c: char) -> Option<&'static str> {
    SINGLE.find(c).map(|i| &SINGLE[i..i + c.len_utf8()])
}

pub fn tokenize(text: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    let at = |i: usize| chars.get(i).map_or(text.len(), |(offset, _)| *offset);
    let peek = |i: usize| chars.get(i).map(|(_, c)| *c);
    while let Some(c) = peek(i) {
        let start = at(i);
        if c.is_whitespace() {
            i += 1;
        } else if c == '/' && peek(i + 1) == Some('/') {
            while peek(i).is_some_and(|c| c != '\n' && c != '\r') {
                i += 1;
            }
        } else if c == '/' && peek(i + 1) == Some('*') {
            i += 2;
            loop {
                match peek(i) {
                    None => return Err(ParseError::new(start, "a /* comment is not closed")),
                    Some('*') if peek(i + 1) == Some('/') => {
                        i += 2;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
        } else if c == '\'' || c == '"' {
            let (end, escaped_quote) = string_end(&chars, i, c)
                .ok_or_else(|| ParseError::new(start, "a string literal is not closed"))?;
            // A backslash before the quote character means different things to different
            // Cypher parsers (escape or not), which could hide a clause from this one: such
            // text is refused; pass the value as a parameter instead.
            if escaped_quote {
                return Err(ParseError::new(
                    start,
                    "a string literal contains a backslash-escaped quote; pass the value as a parameter",
                ));
            }
            i = end;
            tokens.push(Token {
                tok: Tok::Str,
                at: start,
            });
        } else if c == '`' {
            let (name, end) = quoted(&chars, i + 1)
                .ok_or_else(|| ParseError::new(start, "a `quoted name` is not closed"))?;
            i = end;
            tokens.push(Token {
                tok: Tok::Quoted(name),
                at: start,
            });
        } else if c == '$' {
            i += 1;
            if peek(i) == Some('`') {
                let (_, end) = quoted(&chars, i + 1)
                    .ok_or_else(|| ParseError::new(start, "a `quoted name` is not closed"))?;
                i = end;
            } else {
                let from = i;
                while peek(i).is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    i += 1;
                }
                if i == from {
                    return Err(ParseError::new(
                        start,
                        "`$` must be followed by a parameter name",
                    ));
                }
            }
            tokens.push(Token {
                tok: Tok::Param,
                at: start,
            });
        } else if c.is_ascii_digit() {
            i += 1;
            while let Some(c) = peek(i) {
                let fraction = c == '.' && peek(i + 1).is_some_and(|d| d.is_ascii_digit());
                let exponent_sign = (c == '+' || c == '-')
                    && matches!(peek(i - 1), Some('e' | 'E'))
                    && !text[start..at(i)].starts_with("0x");
                if c.is_alphanumeric() || c == '_' || fraction || exponent_sign {
                    i += 1;
                } else {
                    break;
                }
            }
            tokens.push(Token {
                tok: Tok::Number,
                at: start,
            });
        } else if c.is_alphabetic() || c == '_' {
            let from = i;
            while peek(i).is_some_and(|c| c.is_alphanumeric() || c == '_') {
                i += 1;
            }
            let word: String = chars[from..i].iter().map(|(_, c)| *c).collect();
            tokens.push(Token {
                tok: Tok::Word(word),
                at: start,
            });
        } else {
            let two: String = chars[i..chars.len().min(i + 2)]
                .iter()
                .map(|(_, c)| *c)
                .collect();
            let op = if let Some(op) = MULTI.iter().find(|op| **op == two) {
                i += 2;
                *op
            } else if let Some(op) = single(c) {
                i += 1;
                op
            } else {
                return Err(ParseError::new(
                    start,
                    format!("unexpected character `{}`", c.escape_default()),
                ));
            };
            tokens.push(Token {
                tok: Tok::Punct(op),
                at: start,
            });
        }
    }
    Ok(tokens)
}

/// The index just past the closing quote of a string opened at `open`, and whether a
/// backslash escaped that quote character inside it.
fn string_end(chars: &[(usize, char)], open: usize, quote: char) -> Option<(usize, bool)> {
    let mut i = open + 1;
    let mut escaped_quote = false;
    loop {
        match chars.get(i)?.1 {
            '\\' => {
                escaped_quote |= chars.get(i + 1)?.1 == quote;
                i += 2;
            }
            c if c == quote => return Some((i + 1, escaped_quote)),
            _ => i += 1,
        }
    }
}

/// A backtick-quoted name starting after its opening backtick; a doubled backtick is one.
fn quoted(chars: &[(usize, char)], mut i: usize) -> Option<(String, usize)> {
    let mut name = String::new();
    loop {
        match chars.get(i)?.1 {
            '`' if chars.get(i + 1).map(|(_, c)| *c) == Some('`') => {
                name.push('`');
                i += 2;
            }
            '`' => return Some((name, i + 1)),
            c => {
                name.push(c);
                i += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<Tok> {
        tokenize(text)
            .expect("lexes")
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn strings_comments_and_quoted_names_hide_their_content() {
        assert_eq!(
            kinds("RETURN 'CREATE (n)' // DELETE n\n, `SET x` /* MERGE */ , $create"),
            vec![
                Tok::Word("RETURN".into()),
                Tok::Str,
                Tok::Punct(","),
                Tok::Quoted("SET x".into()),
                Tok::Punct(","),
                Tok::Param,
            ]
        );
        assert_eq!(
            kinds("[*1..3]")[3..],
            [Tok::Punct(".."), Tok::Number, Tok::Punct("]")]
        );
        assert_eq!(
            kinds("1.5e-3 + 0x1F"),
            vec![Tok::Number, Tok::Punct("+"), Tok::Number]
        );
        assert_eq!(kinds("'it''s'").len(), 2, "two adjacent literals");
    }

    #[test]
    fn unclosed_and_ambiguous_text_is_refused() {
        for text in [
            "RETURN 'a",
            "RETURN `a",
            "/* x",
            "RETURN 'a\\' CREATE (n) //'",
            "RETURN \"a\\\" CREATE (n) //\"",
            "RETURN $",
            "RETURN \u{0}",
            "RETURN #",
        ] {
            assert!(tokenize(text).is_err(), "{text}");
        }
        assert!(
            tokenize("RETURN 'a\\\\' ").is_ok(),
            "an escaped backslash is fine"
        );
        assert!(tokenize("RETURN 'it\\'s' ").is_err());
    }
}
