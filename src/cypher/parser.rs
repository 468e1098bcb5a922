//! Tokens to clauses: a recursive-descent parser of Cypher's clause structure.
//!
//! It reads each statement as a sequence of clauses (joined by UNION), and the
//! expressions inside them as balanced groups, descending into every subquery (`CALL { }`,
//! `EXISTS { }`, `COUNT { }`, `COLLECT { }`) and FOREACH body. It does not type-check
//! expressions, but it refuses what it cannot place: an unknown clause keyword, a clause
//! keyword inside an expression, two operands with nothing between them (where an
//! unknown clause would hide), unbalanced brackets, more than one statement.

use super::{
    lexer::{Tok, Token},
    Kind, ParseError,
};

/// Deeper nesting is refused rather than risking the stack.
const MAX_DEPTH: usize = 64;

/// What the parser saw; [`super::classify`] turns it into a `Classification`.
#[derive(Debug, Default)]
pub struct Seen {
    pub kind: Kind,
    pub clauses: Vec<&'static str>,
    pub procedures: Vec<String>,
    pub uses: Vec<String>,
    pub load_csv: bool,
    pub in_transactions: bool,
}

/// Words that start a clause where a clause may start.
const CLAUSE_STARTS: &[&str] = &[
    "MATCH",
    "OPTIONAL",
    "WITH",
    "RETURN",
    "UNWIND",
    "CALL",
    "CREATE",
    "MERGE",
    "SET",
    "DELETE",
    "DETACH",
    "NODETACH",
    "REMOVE",
    "FOREACH",
    "LOAD",
    "USE",
    "UNION",
    "FINISH",
    "INSERT",
    "DROP",
    "ALTER",
    "GRANT",
    "REVOKE",
    "DENY",
    "SHOW",
    "START",
    "STOP",
    "TERMINATE",
    "RENAME",
    "ENABLE",
    "DRYRUN",
    "DEALLOCATE",
    "REALLOCATE",
];

/// Words that may follow an operand inside a clause (operators, sub-clause keywords).
/// Any other word there is refused: it would be an unknown clause or a syntax error.
const KEYWORDS: &[&str] = &[
    "AS",
    "AND",
    "OR",
    "XOR",
    "NOT",
    "IN",
    "IS",
    "STARTS",
    "ENDS",
    "CONTAINS",
    "WHERE",
    "ORDER",
    "BY",
    "ASC",
    "DESC",
    "ASCENDING",
    "DESCENDING",
    "SKIP",
    "LIMIT",
    "OFFSET",
    "YIELD",
    "DISTINCT",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "NULL",
    "TRUE",
    "FALSE",
    "ALL",
    "ANY",
    "NONE",
    "SINGLE",
    "SHORTEST",
    "PATH",
    "PATHS",
    "GROUP",
    "GROUPS",
    "REPEATABLE",
    "DIFFERENT",
    "ELEMENT",
    "ELEMENTS",
    "RELATIONSHIP",
    "RELATIONSHIPS",
    "TYPED",
    "NORMALIZED",
    "NFC",
    "NFD",
    "NFKC",
    "NFKD",
    "OF",
    "ROWS",
    "ROW",
    "CONCURRENT",
    "TRANSACTIONS",
    "ON",
    "ERROR",
    "CONTINUE",
    "BREAK",
    "FAIL",
    "RETRY",
    "FOR",
    "SECONDS",
    "REPORT",
    "STATUS",
    "FROM",
    "FIELDTERMINATOR",
    "INF",
    "INFINITY",
    "NAN",
    // Reached only where it does not start a clause: `STARTS WITH`, `ENDS WITH`.
    "WITH",
];

/// Commands that change the schema (indexes, constraints) rather than administer the DBMS.
const SCHEMA_OBJECTS: &[&str] = &[
    "INDEX",
    "INDEXES",
    "CONSTRAINT",
    "CONSTRAINTS",
    "RANGE",
    "TEXT",
    "POINT",
    "LOOKUP",
    "FULLTEXT",
    "VECTOR",
    "BTREE",
];

fn upper(tok: &Tok) -> Option<String> {
    match tok {
        Tok::Word(w) => Some(w.to_ascii_uppercase()),
        _ => None,
    }
}

pub struct Parser<'t> {
    toks: &'t [Token],
    pos: usize,
    depth: usize,
    pub seen: Seen,
    /// Inside MERGE or the SET of its ON CREATE / ON MATCH actions.
    in_merge: bool,
    /// Length of the text, for errors at its end.
    end: usize,
}

/// Where an expression scan stops besides a clause start.
#[derive(Clone, Copy, PartialEq)]
enum Region {
    /// A clause body: stops at a clause keyword, a closing bracket or `;`.
    Clause(&'static str),
    /// Inside `(`, `[` or `{` (`map`: a map, where `:` separates a key from its value
    /// rather than introducing a label): stops at the closing bracket; clause keywords are
    /// refused.
    Group { map: bool },
    /// A FOREACH head: a group that also stops at `|`.
    ForeachHead,
}

impl<'t> Parser<'t> {
    pub fn new(toks: &'t [Token], end: usize) -> Self {
        Parser {
            toks,
            pos: 0,
            depth: 0,
            seen: Seen::default(),
            in_merge: false,
            end,
        }
    }

    fn peek(&self) -> Option<&'t Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn peek_at(&self, offset: usize) -> Option<&'t Tok> {
        self.toks.get(self.pos + offset).map(|t| &t.tok)
    }

    fn word(&self) -> Option<String> {
        self.peek().and_then(upper)
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Some(Tok::Punct(q)) if *q == p)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.at)
    }

    fn error(&self, message: impl Into<String>) -> ParseError {
        ParseError::new(self.at(), message)
    }

    fn expect_word(&mut self, word: &str) -> Result<(), ParseError> {
        if self.word().as_deref() == Some(word) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {word}")))
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<(), ParseError> {
        if self.is_punct(p) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected `{p}`")))
        }
    }

    fn note(&mut self, clause: &'static str, kind: Kind) {
        if !self.seen.clauses.contains(&clause) {
            self.seen.clauses.push(clause);
        }
        self.seen.kind = self.seen.kind.max(kind);
    }

    fn descend(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        Ok(())
    }

    /// The whole statement: optional EXPLAIN/PROFILE, one query, an optional `;`.
    pub fn statement(&mut self) -> Result<(), ParseError> {
        while matches!(self.word().as_deref(), Some("EXPLAIN" | "PROFILE")) {
            self.pos += 1;
        }
        if self.peek().is_none() {
            return Err(self.error("the statement is empty"));
        }
        self.query()?;
        if self.is_punct(";") {
            self.pos += 1;
        }
        match self.peek() {
            None => Ok(()),
            Some(_) if self.toks[self.pos - 1].tok == Tok::Punct(";") => {
                Err(self.error("one statement per request: text follows `;`"))
            }
            Some(_) => Err(self.error("unexpected text; a clause was expected")),
        }
    }

    /// Clauses, joined by UNION, up to the end of the enclosing region.
    fn query(&mut self) -> Result<(), ParseError> {
        self.descend()?;
        loop {
            self.clause()?;
            match self.peek() {
                None | Some(Tok::Punct(";" | "}" | ")")) => break,
                _ => {}
            }
            if self.word().as_deref() == Some("UNION") {
                self.pos += 1;
                self.note("UNION", Kind::Read);
                if matches!(self.word().as_deref(), Some("ALL" | "DISTINCT")) {
                    self.pos += 1;
                }
            }
        }
        self.depth -= 1;
        Ok(())
    }

    fn clause(&mut self) -> Result<(), ParseError> {
        let Some(word) = self.word() else {
            return Err(self.error("a clause was expected (MATCH, RETURN, ...)"));
        };
        self.pos += 1;
        self.in_merge = word == "MERGE" || (word == "SET" && self.in_merge);
        match word.as_str() {
            "MATCH" => self.body("MATCH", Kind::Read),
            "OPTIONAL" => match self.word().as_deref() {
                Some("MATCH") => {
                    self.pos += 1;
                    self.body("OPTIONAL MATCH", Kind::Read)
                }
                Some("CALL") => {
                    self.pos += 1;
                    self.call("OPTIONAL CALL")
                }
                _ => Err(self.error("expected MATCH or CALL after OPTIONAL")),
            },
            "WITH" => self.body("WITH", Kind::Read),
            "RETURN" => self.body("RETURN", Kind::Read),
            "UNWIND" => self.body("UNWIND", Kind::Read),
            "FINISH" => self.body("FINISH", Kind::Read),
            "CALL" => self.call("CALL"),
            "USE" => {
                let name = self.dotted_name();
                self.seen.uses.push(name);
                self.body("USE", Kind::Read)
            }
            "LOAD" => {
                self.expect_word("CSV")?;
                if self.word().as_deref() == Some("WITH") {
                    self.pos += 1;
                    self.expect_word("HEADERS")?;
                }
                self.seen.load_csv = true;
                self.body("LOAD CSV", Kind::Read)
            }
            "CREATE" => {
                let data = self.is_punct("(")
                    || (matches!(self.peek(), Some(Tok::Word(_) | Tok::Quoted(_)))
                        && matches!(self.peek_at(1), Some(Tok::Punct("="))));
                if data {
                    self.body("CREATE", Kind::Write)
                } else {
                    self.command("CREATE")
                }
            }
            "MERGE" => self.body("MERGE", Kind::Write),
            "SET" => self.body("SET", Kind::Write),
            "REMOVE" => self.body("REMOVE", Kind::Write),
            "DELETE" => self.body("DELETE", Kind::Write),
            "INSERT" => self.body("INSERT", Kind::Write),
            "DETACH" | "NODETACH" => {
                self.expect_word("DELETE")?;
                let clause = if word == "DETACH" {
                    "DETACH DELETE"
                } else {
                    "NODETACH DELETE"
                };
                self.body(clause, Kind::Write)
            }
            "FOREACH" => self.foreach(),
            "DROP" | "ALTER" | "GRANT" | "REVOKE" | "DENY" | "SHOW" | "START" | "STOP"
            | "TERMINATE" | "RENAME" | "ENABLE" | "DRYRUN" | "DEALLOCATE" | "REALLOCATE" => {
                self.command(command_keyword(&word))
            }
            _ => {
                self.pos -= 1;
                Err(self.error(format!("unknown clause `{}`", self.text_of(self.pos))))
            }
        }
    }

    fn text_of(&self, pos: usize) -> String {
        match self.toks.get(pos).map(|t| &t.tok) {
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::Quoted(q)) => format!("`{q}`"),
            Some(Tok::Punct(p)) => (*p).to_owned(),
            Some(Tok::Str) => "a string".to_owned(),
            Some(Tok::Number) => "a number".to_owned(),
            Some(Tok::Param) => "a parameter".to_owned(),
            None => "the end".to_owned(),
        }
    }

    /// `name` or `a.b.c` (words or quoted names), as written, joined by dots.
    fn dotted_name(&mut self) -> String {
        let mut parts = Vec::new();
        while let Some(Tok::Word(w) | Tok::Quoted(w)) = self.peek() {
            parts.push(w.clone());
            self.pos += 1;
            let more = self.is_punct(".")
                && matches!(self.peek_at(1), Some(Tok::Word(_) | Tok::Quoted(_)));
            if !more {
                break;
            }
            self.pos += 1;
        }
        parts.join(".")
    }

    /// A schema or administration command: the rest of the statement belongs to it.
    fn command(&mut self, first: &'static str) -> Result<(), ParseError> {
        let mut object = None;
        let mut kind = Kind::Admin;
        for tok in &self.toks[self.pos..self.toks.len().min(self.pos + 4)] {
            if let Some(w) = upper(&tok.tok) {
                if SCHEMA_OBJECTS.contains(&w.as_str()) {
                    kind = Kind::Schema;
                    object = Some(if w.starts_with("CONSTRAINT") {
                        "CONSTRAINT"
                    } else {
                        "INDEX"
                    });
                    break;
                }
            }
        }
        let clause = match (first, object) {
            ("CREATE", Some("INDEX")) => "CREATE INDEX",
            ("CREATE", Some(_)) => "CREATE CONSTRAINT",
            ("DROP", Some("INDEX")) => "DROP INDEX",
            ("DROP", Some(_)) => "DROP CONSTRAINT",
            ("SHOW", Some("INDEX")) => "SHOW INDEXES",
            ("SHOW", Some(_)) => "SHOW CONSTRAINTS",
            (first, _) => first,
        };
        self.note(clause, kind);
        // Nothing after a command can make it less privileged: skip to the end, balanced.
        let mut depth = 0usize;
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Punct("(" | "[" | "{") => depth += 1,
                Tok::Punct(")" | "]" | "}") if depth == 0 => break,
                Tok::Punct(")" | "]" | "}") => depth -= 1,
                Tok::Punct(";") if depth == 0 => break,
                _ => {}
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// CALL: a subquery `{ }` (optionally `(vars)` first and IN TRANSACTIONS after) or a
    /// procedure.
    fn call(&mut self, clause: &'static str) -> Result<(), ParseError> {
        if self.is_punct("(") {
            // `CALL (x, y) { ... }`: the variables the subquery imports.
            self.group()?;
            if !self.is_punct("{") {
                return Err(self.error("expected `{` after CALL (...)"));
            }
        }
        if self.is_punct("{") {
            self.note(clause, Kind::Read);
            self.subquery()?;
            if self.word().as_deref() == Some("IN") {
                self.seen.in_transactions = true;
                self.note("IN TRANSACTIONS", Kind::Write);
                self.pos += 1;
                return self.body("CALL", Kind::Read);
            }
            return self.scan(Region::Clause("CALL"), true);
        }
        if !matches!(self.peek(), Some(Tok::Word(_) | Tok::Quoted(_))) {
            return Err(self.error("expected a procedure name or `{` after CALL"));
        }
        self.note(clause, Kind::Read);
        let name = self.dotted_name();
        if !self.seen.procedures.contains(&name) {
            self.seen.procedures.push(name);
        }
        if self.is_punct("(") {
            self.group()?;
        }
        // What follows a procedure name or its arguments is YIELD, WHERE or a clause.
        self.scan(Region::Clause("CALL"), true)
    }

    /// FOREACH (x IN list | clauses)
    fn foreach(&mut self) -> Result<(), ParseError> {
        self.note("FOREACH", Kind::Write);
        self.expect_punct("(")?;
        self.descend()?;
        self.scan(Region::ForeachHead, false)?;
        self.expect_punct("|")?;
        self.query()?;
        self.expect_punct(")")?;
        self.depth -= 1;
        self.scan(Region::Clause("FOREACH"), true)
    }

    /// `{ ... }` holding a query, or (EXISTS/COUNT/COLLECT) just a pattern.
    fn subquery(&mut self) -> Result<(), ParseError> {
        self.expect_punct("{")?;
        self.descend()?;
        let starts_clause = self.word().is_some_and(|w| self.clause_starts_here(&w));
        if starts_clause {
            self.query()?;
        } else {
            self.scan(Region::Clause("MATCH"), false)?;
        }
        self.expect_punct("}")?;
        self.depth -= 1;
        Ok(())
    }

    /// `( ... )`, `[ ... ]` or `{ ... }`: an expression group.
    fn group(&mut self) -> Result<(), ParseError> {
        let close = match self.peek() {
            Some(Tok::Punct("(")) => ")",
            Some(Tok::Punct("[")) => "]",
            Some(Tok::Punct("{")) => "}",
            _ => return Err(self.error("expected a bracket")),
        };
        self.pos += 1;
        self.descend()?;
        self.scan(Region::Group { map: close == "}" }, false)?;
        self.expect_punct(close)?;
        self.depth -= 1;
        Ok(())
    }

    fn body(&mut self, clause: &'static str, kind: Kind) -> Result<(), ParseError> {
        self.note(clause, kind);
        self.scan(Region::Clause(clause), false)
    }

    /// Whether the word at the cursor starts a clause here.
    fn clause_starts_here(&self, word: &str) -> bool {
        if !CLAUSE_STARTS.contains(&word) {
            return false;
        }
        let before = self.pos.checked_sub(1).and_then(|p| self.toks.get(p));
        let after = self.peek_at(1);
        let property_or_label =
            matches!(before.map(|t| &t.tok), Some(Tok::Punct("." | ":" | "::")));
        // `create: 1` is a map key, `create.name` a variable's property: no clause
        // keyword is followed by `:` or `.`.
        let key = matches!(after, Some(Tok::Punct(":" | ".")));
        // `AS create`: after AS comes a variable's name.
        let alias = matches!(before.and_then(|t| upper(&t.tok)).as_deref(), Some("AS"));
        let starts_with = word == "WITH"
            && matches!(
                before.and_then(|t| upper(&t.tok)).as_deref(),
                Some("STARTS" | "ENDS")
            );
        !(property_or_label || key || alias || starts_with)
    }

    /// Walks an expression region, descending into groups and subqueries.
    /// `after_operand`: whether what came just before ends an operand (a name, literal,
    /// closed group); another operand may not follow it.
    fn scan(&mut self, region: Region, mut after_operand: bool) -> Result<(), ParseError> {
        while let Some(tok) = self.peek() {
            match tok {
                Tok::Punct(")" | "]" | "}") => return Ok(()),
                Tok::Punct(";") if matches!(region, Region::Clause(_)) => return Ok(()),
                Tok::Punct("|") if region == Region::ForeachHead => return Ok(()),
                Tok::Punct("(" | "[" | "{") => {
                    self.group()?;
                    after_operand = true;
                    continue;
                }
                Tok::Punct(p) => {
                    // `.name` after an operand is a property; the name is not an operand.
                    after_operand = false;
                    // A property, label or type name: never a clause. A label or type
                    // (`:` outside a map) is a name whatever follows it; after `.` or a
                    // map's `:`, a word before a bracket is a call or a subquery, scanned as
                    // a word.
                    let label = matches!(*p, ":" | "::") && region != Region::Group { map: true };
                    let name_follows =
                        matches!(self.peek_at(1), Some(Tok::Word(_) | Tok::Quoted(_)))
                            && (label || !matches!(self.peek_at(2), Some(Tok::Punct("(" | "{"))));
                    if matches!(*p, "." | ":" | "::") && name_follows {
                        if label && matches!(self.peek_at(2), Some(Tok::Punct("("))) {
                            self.pos += 2;
                            return Err(self.error("unexpected `(` after a label or type"));
                        }
                        self.pos += 2;
                        after_operand = true;
                        continue;
                    }
                }
                Tok::Word(w) => {
                    let word = w.to_ascii_uppercase();
                    if self.clause_starts_here(&word) {
                        match region {
                            Region::Clause(_) => return Ok(()),
                            _ => {
                                return Err(self.error(format!(
                                    "the clause keyword `{w}` cannot appear inside an expression"
                                )))
                            }
                        }
                    }
                    if CLAUSE_STARTS.contains(&word.as_str())
                        && word != "WITH"
                        && matches!(self.peek_at(1), Some(Tok::Punct("(" | "{")))
                    {
                        // A clause keyword used as a name, then a bracket: no name is
                        // followed by one, so it reads as a clause nobody can place.
                        return Err(self.error(format!("unexpected `{w}` before a bracket")));
                    }
                    if matches!(word.as_str(), "EXISTS" | "COUNT" | "COLLECT")
                        && matches!(self.peek_at(1), Some(Tok::Punct("{")))
                    {
                        if after_operand {
                            return Err(self.error(format!("unexpected `{w}`")));
                        }
                        self.pos += 1;
                        self.subquery()?;
                        after_operand = true;
                        continue;
                    }
                    if word == "ON" {
                        self.on_keyword(region)?;
                        after_operand = false;
                        continue;
                    }
                    let literal = matches!(
                        word.as_str(),
                        "NULL" | "TRUE" | "FALSE" | "INF" | "INFINITY" | "NAN"
                    );
                    let keyword = KEYWORDS.contains(&word.as_str()) && !literal;
                    if after_operand && !keyword {
                        return Err(self.error(format!("unexpected `{w}`")));
                    }
                    after_operand = !keyword;
                }
                // `(n:Label $props)`: a parameter may follow a label.
                Tok::Param => after_operand = true,
                Tok::Quoted(_) | Tok::Str | Tok::Number => {
                    if after_operand {
                        return Err(self.error(format!("unexpected {}", self.text_of(self.pos))));
                    }
                    after_operand = true;
                }
            }
            self.pos += 1;
        }
        Ok(())
    }

    /// `ON CREATE` / `ON MATCH` inside MERGE, `ON ERROR` after IN TRANSACTIONS; nowhere else.
    fn on_keyword(&mut self, region: Region) -> Result<(), ParseError> {
        let next = self.peek_at(1).and_then(upper);
        match (region, next.as_deref()) {
            (Region::Clause("MERGE" | "SET"), Some("CREATE" | "MATCH")) if self.in_merge => {
                self.pos += 2;
                if self.word().as_deref() != Some("SET") {
                    return Err(self.error("expected SET after ON CREATE / ON MATCH"));
                }
                Ok(())
            }
            (Region::Clause("CALL"), Some("ERROR")) if self.seen.in_transactions => {
                self.pos += 2;
                Ok(())
            }
            _ => Err(self.error("unexpected ON")),
        }
    }
}

fn command_keyword(word: &str) -> &'static str {
    match word {
        "DROP" => "DROP",
        "ALTER" => "ALTER",
        "GRANT" => "GRANT",
        "REVOKE" => "REVOKE",
        "DENY" => "DENY",
        "SHOW" => "SHOW",
        "START" => "START",
        "STOP" => "STOP",
        "TERMINATE" => "TERMINATE",
        "RENAME" => "RENAME",
        "ENABLE" => "ENABLE",
        "DRYRUN" => "DRYRUN",
        "DEALLOCATE" => "DEALLOCATE",
        _ => "REALLOCATE",
    }
}
