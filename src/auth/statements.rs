//! What each role may run, decided from the statement's classification (see `cypher`)
//! before the database sees it; and the second layer's report when a reader's statement
//! changed the graph anyway.
//!
//! - reader: read clauses only, procedures on the read allow-list, no USE;
//! - writer: also write clauses (and `IN TRANSACTIONS`) and the write allow-list;
//! - admin: also schema and administration commands, any procedure, USE;
//! - LOAD CSV, for every role, only with `load_csv: true` in the principal's access entry.
//!
//! Text the classifier cannot parse is refused for every role: deny by default.

use std::sync::Arc;

use tonic::Status;

use super::{Principal, Role};
use crate::{
    cypher::{cache::classify_cached, procedures::ProcedurePolicy, Classification, Kind},
    observability,
};

/// The statement rules in force: the procedure allow-lists, and whether the classifier
/// runs at all (always, except in a test that shows what the second layer alone lets
/// through; no setting turns it off).
#[derive(Debug, Clone)]
pub struct StatementPolicy {
    procedures: Arc<ProcedurePolicy>,
    enabled: bool,
}

impl StatementPolicy {
    pub fn new(procedures: ProcedurePolicy, enabled: bool) -> Self {
        StatementPolicy {
            procedures: Arc::new(procedures),
            enabled,
        }
    }

    /// Classifies `cypher` and checks that `principal` may run it; `what` names the
    /// statement in the refusal ("Run", "statements[2]").
    pub fn check(&self, principal: &Principal, cypher: &str, what: &str) -> Result<(), Status> {
        if !self.enabled {
            return Ok(());
        }
        // Every statement is classified; a text seen recently from the cache (see
        // `cypher::cache`: the answer for exactly this text).
        match classify_cached(cypher) {
            Ok(classification) => self.check_classified(principal, &classification, what),
            Err(error) => {
                observability::statement_refused("unparsable");
                Err(principal.denied(
                    crate::errors::reason::STATEMENT_FORBIDDEN,
                    format!(
                        "principal `{}`: {what} was refused because graphrpc cannot classify it: {error}; \
                         only statements it can parse reach the database",
                        principal.name
                    ),
                ))
            }
        }
    }

    /// Checks an already classified statement (a named query's, classified at load).
    pub fn check_classified(
        &self,
        principal: &Principal,
        c: &Classification,
        what: &str,
    ) -> Result<(), Status> {
        if !self.enabled {
            return Ok(());
        }
        refusal(principal, c, &self.procedures).map_or(Ok(()), |reason| {
            observability::statement_refused(c.kind.as_str());
            // A reader's plain write has its own reason; every other refusal (a command
            // above the role, LOAD CSV, a procedure off the allow-list) is STATEMENT_FORBIDDEN.
            let kind = if c.kind == Kind::Write && principal.role < Role::Writer {
                crate::errors::reason::READER_WRITE
            } else {
                crate::errors::reason::STATEMENT_FORBIDDEN
            };
            Err(principal.denied(
                kind,
                format!(
                    "principal `{}` (role {}): {what}: {reason}",
                    principal.name,
                    principal.role.as_str()
                ),
            ))
        })
    }
}

/// Why `principal` may not run the classified statement, or None when it may.
pub fn refusal(
    principal: &Principal,
    c: &Classification,
    procedures: &ProcedurePolicy,
) -> Option<String> {
    let role = principal.role;
    if c.kind >= Kind::Schema && role < Role::Admin {
        let clause = c.first_clause_of(Kind::Schema).unwrap_or("a command");
        return Some(format!(
            "{clause} is a {} command; it needs the admin role",
            c.kind.as_str()
        ));
    }
    if c.kind >= Kind::Write && role < Role::Writer {
        let clause = c.first_clause_of(Kind::Write).unwrap_or("a write");
        return Some(format!(
            "{clause} changes the graph; a reader runs read-only statements (MATCH, WITH, UNWIND, RETURN, ...)"
        ));
    }
    if c.load_csv && !principal.load_csv {
        return Some(
            "LOAD CSV reads files and URLs on the database host; it needs `load_csv: true` in this principal's access entry"
                .to_owned(),
        );
    }
    if let Some(graph) = c.uses.first() {
        if role < Role::Admin {
            return Some(format!(
                "USE {graph} needs the admin role; choose the database with the request's database field"
            ));
        }
    }
    for procedure in &c.procedures {
        let allowed = match role {
            Role::Reader => procedures.allows_read(procedure),
            Role::Writer => procedures.allows_write(procedure),
            Role::Admin => true,
        };
        if !allowed {
            let list = if role == Role::Reader {
                "GRAPHRPC_READ_PROCEDURES"
            } else {
                "GRAPHRPC_WRITE_PROCEDURES"
            };
            return Some(format!(
                "procedure {procedure} is not on the {} allow-list ({list}); other procedures need the admin role",
                role.as_str()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(role: Role, load_csv: bool) -> Principal {
        Principal {
            name: Arc::from("p"),
            role,
            raw_cypher: true,
            load_csv,
            database_user: None,
        }
    }

    fn verdict(role: Role, load_csv: bool, text: &str) -> Result<(), Status> {
        let policy = StatementPolicy::new(ProcedurePolicy::default(), true);
        policy.check(&principal(role, load_csv), text, "Run")
    }

    #[test]
    fn each_role_runs_its_own_statements_only() {
        use Role::*;
        let table: &[(&str, [bool; 3])] = &[
            ("MATCH (n) RETURN n", [true, true, true]),
            ("CALL db.labels()", [true, true, true]),
            ("CREATE (n)", [false, true, true]),
            (
                "UNWIND [1] AS x CALL { CREATE (n) } IN TRANSACTIONS",
                [false, true, true],
            ),
            ("CALL apoc.create.node(['X'], {})", [false, false, true]),
            ("DROP INDEX i", [false, false, true]),
            ("CREATE USER eve SET PASSWORD 'x'", [false, false, true]),
            ("USE other MATCH (n) RETURN n", [false, false, true]),
            (
                "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l",
                [false, false, false],
            ),
            ("MATCH (n) RETURN n NEXT", [false, false, false]),
        ];
        for (text, allowed) in table {
            for (role, allowed) in [Reader, Writer, Admin].into_iter().zip(allowed) {
                let result = verdict(role, false, text);
                assert_eq!(result.is_ok(), *allowed, "{role:?}: {text}: {result:?}");
                if let Err(status) = result {
                    assert_eq!(status.code(), tonic::Code::PermissionDenied);
                    assert!(status.message().contains("principal `p`"), "{status:?}");
                }
            }
        }
        let denied = verdict(Reader, false, "MATCH (n) DETACH DELETE n").unwrap_err();
        assert!(denied.message().contains("DETACH DELETE"), "{denied:?}");
        let denied = verdict(Writer, false, "DROP CONSTRAINT c").unwrap_err();
        assert!(denied.message().contains("DROP CONSTRAINT"), "{denied:?}");
        let denied = verdict(Reader, false, "CALL apoc.merge.node(['X'], {})").unwrap_err();
        assert!(denied.message().contains("apoc.merge.node"), "{denied:?}");
        assert!(verdict(Reader, true, "LOAD CSV FROM $url AS l RETURN l").is_ok());
    }

    #[test]
    fn a_disabled_policy_lets_everything_through() {
        let policy = StatementPolicy::new(ProcedurePolicy::default(), false);
        assert!(policy
            .check(&principal(Role::Reader, false), "DROP INDEX i", "Run")
            .is_ok());
    }
}
