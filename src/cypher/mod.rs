//! What a Cypher statement does, decided before the database sees it.
//!
//! [`classify`] parses a statement into its clauses (see `parser`: a real parser of the
//! clause structure, not a keyword search; comments, string literals, backtick-quoted
//! names and map keys cannot fool it) and reports a [`Classification`]: the statement's
//! [`Kind`], the clauses and procedures it uses, whether it reads files (LOAD CSV) or
//! commits on its own (`IN TRANSACTIONS`), the databases it names with USE, and its
//! operation name. What each role may run is decided from that in `auth::statements`,
//! with the procedure allow-list of [`procedures`]. Text the parser cannot place is a
//! [`ParseError`], and refused: deny by default.
//!
//! **Operation name** (stable; telemetry uses it for span names): the first clause
//! keyword(s) of the statement, upper case, from a fixed set, so it is bounded:
//! `MATCH`, `OPTIONAL MATCH`, `WITH`, `RETURN`, `UNWIND`, `CALL` (procedures and
//! subqueries alike, e.g. `CALL db.labels()` → `CALL`), `OPTIONAL CALL`, `LOAD CSV`,
//! `CREATE`, `MERGE`, `SET`, `REMOVE`, `DELETE`, `DETACH DELETE`, `NODETACH DELETE`,
//! `INSERT`, `FOREACH`, `FINISH`, `CREATE INDEX`, `CREATE CONSTRAINT`, `DROP INDEX`,
//! `DROP CONSTRAINT`, `SHOW INDEXES`, `SHOW CONSTRAINTS`, or the first keyword of another
//! command (`CREATE`, `DROP`, `SHOW`, `ALTER`, `GRANT`, ...). EXPLAIN/PROFILE prefixes and
//! a leading `USE` are skipped.

pub mod cache;
mod lexer;
mod parser;
pub mod procedures;

use std::fmt;

/// What a statement may do, from least to most privileged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Only read clauses.
    #[default]
    Read,
    /// At least one clause that writes data (CREATE, MERGE, SET, ..., IN TRANSACTIONS).
    Write,
    /// An index or constraint command.
    Schema,
    /// A command that administers the DBMS (databases, users, roles, privileges, ...).
    Admin,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Write => "write",
            Kind::Schema => "schema",
            Kind::Admin => "admin",
        }
    }
}

/// What [`classify`] found in a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classification {
    pub kind: Kind,
    /// Every clause seen, subqueries included, in order of first appearance.
    pub clauses: Vec<&'static str>,
    /// The procedures called, as written (`db.labels`).
    pub procedures: Vec<String>,
    /// The graphs named by USE clauses.
    pub uses: Vec<String>,
    /// LOAD CSV reads files and URLs from the database host.
    pub load_csv: bool,
    /// `CALL { } IN TRANSACTIONS` commits on its own, whatever the outer transaction does.
    pub in_transactions: bool,
    /// The first clause keyword(s): see the module documentation.
    pub operation: &'static str,
}

impl Classification {
    /// The first clause of `kind` seen (the one to name in a refusal).
    pub fn first_clause_of(&self, kind: Kind) -> Option<&'static str> {
        self.clauses
            .iter()
            .copied()
            .find(|clause| clause_kind(clause) >= kind)
    }
}

/// The kind a clause name stands for.
fn clause_kind(clause: &str) -> Kind {
    match clause {
        "MATCH" | "OPTIONAL MATCH" | "WITH" | "RETURN" | "UNWIND" | "CALL" | "OPTIONAL CALL"
        | "LOAD CSV" | "UNION" | "USE" | "FINISH" => Kind::Read,
        "CREATE" | "MERGE" | "SET" | "REMOVE" | "DELETE" | "DETACH DELETE" | "NODETACH DELETE"
        | "INSERT" | "FOREACH" | "IN TRANSACTIONS" => Kind::Write,
        "CREATE INDEX" | "CREATE CONSTRAINT" | "DROP INDEX" | "DROP CONSTRAINT"
        | "SHOW INDEXES" | "SHOW CONSTRAINTS" => Kind::Schema,
        _ => Kind::Admin,
    }
}

/// Why a statement could not be classified; it is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset in the statement.
    pub at: usize,
    pub message: String,
}

impl ParseError {
    fn new(at: usize, message: impl Into<String>) -> Self {
        ParseError {
            at,
            message: message.into(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.at)
    }
}

impl std::error::Error for ParseError {}

/// Parses `text` and reports what it does.
pub fn classify(text: &str) -> Result<Classification, ParseError> {
    let tokens = lexer::tokenize(text)?;
    let mut parser = parser::Parser::new(&tokens, text.len());
    parser.statement()?;
    let seen = parser.seen;
    let operation = seen
        .clauses
        .iter()
        .copied()
        .find(|clause| *clause != "USE")
        .unwrap_or("USE");
    Ok(Classification {
        kind: seen.kind,
        clauses: seen.clauses,
        procedures: seen.procedures,
        uses: seen.uses,
        load_csv: seen.load_csv,
        in_transactions: seen.in_transactions,
        operation,
    })
}

#[cfg(test)]
mod tests;
