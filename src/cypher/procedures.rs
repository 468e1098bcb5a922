//! The procedure allow-lists: which procedures a reader (and a writer) may CALL.
//! Deny by default: a procedure on no list needs the admin role.
//!
//! An entry is a procedure name (`db.labels`) or a namespace ending in `.*` (`db.schema.*`,
//! every procedure under `db.schema.`). Names compare without regard to case.
//! Operators extend the lists with `GRAPHRPC_READ_PROCEDURES` and
//! `GRAPHRPC_WRITE_PROCEDURES` (comma-separated entries); see docs/security.md.

/// Schema introspection and read-only index queries: what a reader may call by default.
pub const DEFAULT_READ: &[&str] = &[
    "db.labels",
    "db.relationshipTypes",
    "db.propertyKeys",
    "db.schema.*",
    "dbms.components",
    "db.info",
    "db.ping",
    "db.indexes",
    "db.constraints",
    "db.index.fulltext.queryNodes",
    "db.index.fulltext.queryRelationships",
    "db.index.vector.queryNodes",
    "db.index.vector.queryRelationships",
];

/// The procedures each role may call besides its role's statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedurePolicy {
    read: Vec<String>,
    write: Vec<String>,
}

impl Default for ProcedurePolicy {
    fn default() -> Self {
        ProcedurePolicy {
            read: DEFAULT_READ
                .iter()
                .map(|e| e.to_ascii_lowercase())
                .collect(),
            write: Vec::new(),
        }
    }
}

impl ProcedurePolicy {
    /// The defaults extended by the operator's entries; an error names the bad entry.
    pub fn new(extra_read: &[String], extra_write: &[String]) -> Result<Self, String> {
        let mut policy = ProcedurePolicy::default();
        for (list, extra) in [
            (&mut policy.read, extra_read),
            (&mut policy.write, extra_write),
        ] {
            for entry in extra {
                let entry = entry.trim();
                check_entry(entry)?;
                list.push(entry.to_ascii_lowercase());
            }
        }
        Ok(policy)
    }

    /// Whether a reader may call `name`.
    pub fn allows_read(&self, name: &str) -> bool {
        matches_any(&self.read, name)
    }

    /// Whether a writer may call `name` (read-only procedures included).
    pub fn allows_write(&self, name: &str) -> bool {
        self.allows_read(name) || matches_any(&self.write, name)
    }
}

fn matches_any(list: &[String], name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    list.iter().any(|entry| match entry.strip_suffix(".*") {
        Some(namespace) => name
            .strip_prefix(namespace)
            .is_some_and(|rest| rest.starts_with('.') && rest.len() > 1),
        None => *entry == name,
    })
}

fn check_entry(entry: &str) -> Result<(), String> {
    let name = entry.strip_suffix(".*").unwrap_or(entry);
    let valid = !name.is_empty()
        && name.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if valid {
        Ok(())
    } else {
        Err(format!(
            "procedure allow-list entry `{entry}` must be a name like db.labels or a namespace like apoc.meta.*"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_namespaces_match_without_regard_to_case() {
        let policy = ProcedurePolicy::new(&["apoc.meta.*".into()], &["apoc.create.node".into()])
            .expect("valid");
        assert!(policy.allows_read("db.labels"));
        assert!(policy.allows_read("DB.LABELS"));
        assert!(policy.allows_read("db.schema.visualization"));
        assert!(!policy.allows_read("db.schema"));
        assert!(!policy.allows_read("db.labelsX"));
        assert!(policy.allows_read("apoc.meta.stats"));
        assert!(!policy.allows_read("apoc.create.node"));
        assert!(policy.allows_write("apoc.create.node"));
        assert!(!policy.allows_write("apoc.merge.node"));
        assert!(!policy.allows_read("dbms.security.createUser"));
    }

    #[test]
    fn bad_entries_are_named() {
        for bad in ["", "*", "apoc..x", "apoc.*.x", "a b"] {
            let err = ProcedurePolicy::new(&[bad.into()], &[]).expect_err(bad);
            assert!(err.contains(&format!("`{bad}`")), "{err}");
        }
    }
}
