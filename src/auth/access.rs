//! The access file (`GRAPHRPC_ACCESS_FILE`): who may call. Bearer tokens are listed by
//! their SHA-256 hash, never in plain text; client-certificate subjects map to principals
//! like tokens do.
//!
//! ```yaml
//! tokens:
//!   - principal: reports
//!     sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8
//!     role: reader          # reader | writer | admin
//!     raw_cypher: false     # false (default): named queries only
//!     load_csv: false       # true: may run LOAD CSV (reads the database host's files)
//!     database_user: alice  # optional: statements run as this database user (Bolt
//!                           # imp_user); graphrpc's login needs IMPERSONATE on it
//! certificates:
//!   - subject: "CN=billing,O=Acme"
//!     principal: billing
//!     role: writer
//!     raw_cypher: true
//! ```

use std::{collections::HashSet, path::Path, sync::Arc};

use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::{Principal, Role};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AccessFile {
    #[serde(default)]
    tokens: Vec<TokenEntry>,
    #[serde(default)]
    certificates: Vec<CertificateEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenEntry {
    principal: String,
    sha256: String,
    role: Role,
    #[serde(default)]
    raw_cypher: bool,
    #[serde(default)]
    load_csv: bool,
    #[serde(default)]
    database_user: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CertificateEntry {
    subject: String,
    principal: String,
    role: Role,
    #[serde(default)]
    raw_cypher: bool,
    #[serde(default)]
    load_csv: bool,
    #[serde(default)]
    database_user: Option<String>,
}

/// The access file, checked and ready for lookups.
#[derive(Debug)]
pub struct AccessTable {
    tokens: Vec<([u8; 32], Principal)>,
    subjects: Vec<(String, Principal)>,
}

impl AccessTable {
    /// Parses and checks an access file; the error names the file, the entry and the reason.
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<AccessTable, String> {
        let file = path.display();
        let parsed: AccessFile =
            serde_saphyr::from_slice(bytes).map_err(|e| format!("access file {file}: {e}"))?;
        if parsed.tokens.is_empty() && parsed.certificates.is_empty() {
            return Err(format!(
                "access file {file}: lists no tokens and no certificates, so nobody could call; \
                 unset GRAPHRPC_ACCESS_FILE to run open"
            ));
        }
        let mut hashes = HashSet::new();
        let mut tokens = Vec::with_capacity(parsed.tokens.len());
        for (index, entry) in parsed.tokens.into_iter().enumerate() {
            let at = |reason: String| format!("access file {file}: tokens[{index}]: {reason}");
            check_principal(&entry.principal).map_err(at)?;
            check_database_user(entry.database_user.as_deref()).map_err(at)?;
            let hash = decode_hash(&entry.sha256).map_err(at)?;
            if !hashes.insert(hash) {
                return Err(at("the same sha256 is listed twice".to_owned()));
            }
            tokens.push((
                hash,
                principal(
                    entry.principal,
                    entry.role,
                    entry.raw_cypher,
                    entry.load_csv,
                    entry.database_user,
                ),
            ));
        }
        let mut seen = HashSet::new();
        let mut subjects = Vec::with_capacity(parsed.certificates.len());
        for (index, entry) in parsed.certificates.into_iter().enumerate() {
            let at =
                |reason: String| format!("access file {file}: certificates[{index}]: {reason}");
            check_principal(&entry.principal).map_err(at)?;
            check_database_user(entry.database_user.as_deref()).map_err(at)?;
            let subject = normalize_subject(&entry.subject).ok_or_else(|| {
                at(format!(
                    "subject `{}` is not like CN=name,O=org",
                    entry.subject
                ))
            })?;
            if !seen.insert(subject.clone()) {
                return Err(at(format!("subject `{subject}` is listed twice")));
            }
            subjects.push((
                subject,
                principal(
                    entry.principal,
                    entry.role,
                    entry.raw_cypher,
                    entry.load_csv,
                    entry.database_user,
                ),
            ));
        }
        Ok(AccessTable { tokens, subjects })
    }

    /// The principal of a bearer token. Every listed hash is compared, in constant time,
    /// so the time taken says nothing about how close a guess came.
    pub fn by_token(&self, token: &str) -> Option<&Principal> {
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let mut found = None;
        for (listed, principal) in &self.tokens {
            if bool::from(listed.ct_eq(&hash)) {
                found = Some(principal);
            }
        }
        found
    }

    /// The principal of a verified client certificate's subject.
    pub fn by_subject(&self, subject: &str) -> Option<&Principal> {
        let subject = normalize_subject(subject)?;
        self.subjects
            .iter()
            .find(|(listed, _)| *listed == subject)
            .map(|(_, principal)| principal)
    }

    pub fn len(&self) -> usize {
        self.tokens.len() + self.subjects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn principal(
    name: String,
    role: Role,
    raw_cypher: bool,
    load_csv: bool,
    database_user: Option<String>,
) -> Principal {
    Principal {
        name: Arc::from(name),
        role,
        raw_cypher,
        load_csv,
        database_user: database_user.map(Arc::from),
    }
}

/// A database user name goes into every BEGIN and RUN of its principal and into error
/// messages: Neo4j's user names are plain, so anything else is a typo caught at load.
fn check_database_user(name: Option<&str>) -> Result<(), String> {
    let Some(name) = name else { return Ok(()) };
    let valid = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "database_user `{name}` must be 1 to 128 characters of letters, digits and - _ . @"
        ))
    }
}

/// Principal names go into logs and transaction metadata: keep them plain.
fn check_principal(name: &str) -> Result<(), String> {
    let valid = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.@:".contains(c));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "principal `{name}` must be 1 to 128 characters of letters, digits and - _ . @ :"
        ))
    }
}

fn decode_hash(text: &str) -> Result<[u8; 32], String> {
    let mut hash = [0u8; 32];
    if text.len() != 64 || hex::decode_to_slice(text, &mut hash).is_err() {
        return Err(format!(
            "sha256 must be 64 hexadecimal characters (printf %s \"$TOKEN\" | sha256sum), got {} characters",
            text.len()
        ));
    }
    Ok(hash)
}

/// "cn=billing, o=Acme" and "CN=billing,O=Acme" are the same subject: attribute names in
/// upper case, no space around the separators, values as written.
pub fn normalize_subject(subject: &str) -> Option<String> {
    let mut parts = Vec::new();
    for part in subject.split(',') {
        let (name, value) = part.split_once('=')?;
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || value.is_empty() {
            return None;
        }
        parts.push(format!("{}={value}", name.to_ascii_uppercase()));
    }
    Some(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    // sha256("password") and sha256("hunter2")
    const PASSWORD: &str = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";
    const HUNTER2: &str = "f52fbd32b2b3b86ff88ef6c490628285f482af15ddcb29541f94bcf526a3f6c7";

    fn parse(yaml: &str) -> Result<AccessTable, String> {
        AccessTable::parse(Path::new("access.yaml"), yaml.as_bytes())
    }

    #[test]
    fn tokens_and_subjects_map_to_principals() {
        let table = parse(&format!(
            "tokens:\n  - principal: reports\n    sha256: {PASSWORD}\n    role: reader\n  \
             - principal: ops\n    sha256: {}\n    role: admin\n    raw_cypher: true\n    load_csv: true\n    database_user: ops_db\n\
             certificates:\n  - subject: 'cn=billing, O=Acme'\n    principal: billing\n    role: writer\n",
            HUNTER2.to_uppercase()
        ))
        .expect("valid");
        let reports = table.by_token("password").expect("known token");
        assert_eq!(
            (&*reports.name, reports.role, reports.raw_cypher),
            ("reports", Role::Reader, false)
        );
        let ops = table.by_token("hunter2").expect("known");
        assert_eq!((ops.role, ops.load_csv), (Role::Admin, true));
        assert_eq!(ops.database_user.as_deref(), Some("ops_db"));
        assert_eq!(
            reports.database_user, None,
            "no database_user: graphrpc's own login"
        );
        assert!(!reports.load_csv, "LOAD CSV is off unless granted");
        assert!(table.by_token("Password").is_none());
        assert!(table.by_token("").is_none());
        let billing = table
            .by_subject("CN=billing,O=Acme")
            .expect("known subject");
        assert_eq!(billing.role, Role::Writer);
        assert!(table.by_subject("CN=billing,O=Other").is_none());
    }

    #[test]
    fn bad_entries_name_the_file_the_entry_and_the_reason() {
        let cases = [
            ("tokens: []\n", "lists no tokens"),
            (
                "tokens:\n  - principal: a\n    sha256: abc\n    role: reader\n",
                "tokens[0]: sha256 must be 64 hexadecimal",
            ),
            (
                &format!("tokens:\n  - principal: a\n    sha256: {PASSWORD}\n    role: root\n"),
                "root",
            ),
            (
                &format!("tokens:\n  - principal: 'a b'\n    sha256: {PASSWORD}\n    role: reader\n"),
                "tokens[0]: principal `a b`",
            ),
            (
                &format!(
                    "tokens:\n  - principal: a\n    sha256: {PASSWORD}\n    role: reader\n  \
                     - principal: b\n    sha256: {PASSWORD}\n    role: writer\n"
                ),
                "tokens[1]: the same sha256",
            ),
            (
                &format!("tokens:\n  - principal: a\n    sha256: {PASSWORD}\n    role: reader\n    rwa_cypher: true\n"),
                "rwa_cypher",
            ),
            (
                "certificates:\n  - subject: billing\n    principal: b\n    role: reader\n",
                "certificates[0]: subject `billing`",
            ),
            (
                &format!("tokens:\n  - principal: a\n    sha256: {PASSWORD}\n    role: reader\n    database_user: 'al ice'\n"),
                "tokens[0]: database_user `al ice`",
            ),
        ];
        for (yaml, expected) in cases {
            let err = parse(yaml).expect_err(yaml);
            assert!(err.contains("access.yaml"), "{err}");
            assert!(err.contains(expected), "expected `{expected}` in: {err}");
        }
    }

    #[test]
    fn subjects_are_compared_in_one_form() {
        assert_eq!(
            normalize_subject(" cn = a ,o=B").as_deref(),
            Some("CN=a,O=B")
        );
        assert_eq!(normalize_subject("CN=a,"), None);
    }
}
