//! Who is calling and what they may do. The transport layer authenticates each call
//! (bearer token or client certificate) and puts its [`Principal`] in the request's
//! extensions; handlers ask the principal before they touch the database.

pub mod access;
pub mod statements;

use std::sync::Arc;

use serde::Deserialize;
use tonic::{Request, Status};

use crate::{
    conversions::request::RunPlan,
    database::{AccessMode, TxOptions},
};

/// The transaction-metadata key that carries the principal's name.
pub const METADATA_KEY: &str = "graphrpc_principal";

/// What a principal may do. Ordered: each role includes the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Read-mode statements only; graphrpc checks that none of them writes.
    Reader,
    /// Reads and writes.
    Writer,
    /// Everything a writer may, plus administrative calls.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Writer => "writer",
            Role::Admin => "admin",
        }
    }
}

/// An authenticated caller (or the anonymous one when no access file is configured).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub name: Arc<str>,
    pub role: Role,
    /// Whether Run, RunStream, Transaction and RunBatch (arbitrary Cypher) are allowed, or
    /// only the named queries of the catalog.
    pub raw_cypher: bool,
    /// Whether LOAD CSV (files and URLs read by the database host) is allowed.
    pub load_csv: bool,
    /// The database user this principal's statements run as (Bolt `imp_user`), so that the
    /// database's own access control applies per caller on the one shared pool. None: as
    /// graphrpc's own database login.
    pub database_user: Option<Arc<str>>,
}

impl Principal {
    /// The caller of a service that runs open (no access file): may do everything but
    /// LOAD CSV, which only an access file can grant.
    pub fn anonymous() -> Self {
        Principal {
            name: Arc::from("anonymous"),
            role: Role::Admin,
            raw_cypher: true,
            load_csv: false,
            database_user: None,
        }
    }

    /// The principal the transport layer attached to this call. Its absence is a wiring
    /// error, refused rather than treated as anonymous.
    pub fn of<T>(request: &Request<T>) -> Result<Principal, Status> {
        request
            .extensions()
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| Status::unauthenticated("the call carries no authenticated principal"))
    }

    /// Raw Cypher RPCs (Run, RunStream, Transaction, RunBatch).
    pub fn check_raw_cypher(&self, rpc: &str) -> Result<(), Status> {
        if self.raw_cypher {
            return Ok(());
        }
        Err(self.denied(
            crate::errors::reason::RAW_CYPHER_FORBIDDEN,
            format!(
                "principal `{}` may call named queries only (RunNamed, RunNamedStream), not {rpc}",
                self.name
            ),
        ))
    }

    /// A statement or named query in `mode`: readers may only read.
    pub fn check_mode(&self, mode: AccessMode, what: &str) -> Result<(), Status> {
        if mode == AccessMode::Write && self.role < Role::Writer {
            return Err(self.denied(
                crate::errors::reason::READER_WRITE,
                format!(
                    "principal `{}` has role reader and may not run {what} in WRITE mode; use access_mode READ or a writer's token",
                    self.name
                ),
            ));
        }
        Ok(())
    }

    /// A reader's request that leaves the access mode unspecified means READ (for others
    /// it means WRITE, as in Neo4j's drivers); `mode` is the request's proto field.
    pub fn default_access_mode(&self, mode: &mut i32) {
        if self.must_not_write() && *mode == crate::proto::v1::AccessMode::Unspecified as i32 {
            *mode = crate::proto::v1::AccessMode::Read as i32;
        }
    }

    /// Whether graphrpc must prove each statement wrote nothing (the database may ignore
    /// the READ access mode, as ArcadeDB does).
    pub fn must_not_write(&self) -> bool {
        self.role < Role::Writer
    }

    /// The transaction metadata that names this principal to the database. graphrpc's
    /// key overrides a client-supplied one of the same name.
    pub fn metadata(&self) -> (String, String) {
        (METADATA_KEY.to_owned(), self.name.to_string())
    }

    /// Adds what the database must know of the caller to a checked plan: its name, and for
    /// a reader, that the statement runs in a transaction that is rolled back.
    pub fn bind(&self, mut plan: RunPlan) -> RunPlan {
        plan.statement.metadata.push(self.metadata());
        plan.statement.roll_back = self.must_not_write();
        plan.statement.database_user = self.database_user.as_deref().map(str::to_owned);
        plan
    }

    /// Sets the principal in a transaction's metadata, replacing a client's value for it,
    /// and the database user the transaction runs as.
    pub fn stamp(&self, options: &mut TxOptions) {
        options.metadata.retain(|(key, _)| key != METADATA_KEY);
        options.metadata.push(self.metadata());
        options.database_user = self.database_user.as_deref().map(str::to_owned);
    }

    /// The second layer fired: the classifier let a reader's statement through, yet the
    /// database reported changes. graphrpc rolls the transaction back, but a database that
    /// commits on its own (inner transactions, schema commands) may have kept them, so the
    /// caller is told exactly that, and it is logged and counted as a security event.
    pub fn wrote(&self) -> Status {
        tracing::warn!(
            security_event = "reader_write_detected",
            principal = %self.name,
            "a reader's statement passed the classifier but the database reported changes; \
             its transaction was rolled back, which undoes them only if the database did not commit them on its own"
        );
        crate::observability::reader_write_detected();
        self.denied(
            crate::errors::reason::READER_WRITE,
            format!(
                "principal `{}` has role reader, and the database reported changes for the statement; \
                 graphrpc rolled its transaction back, which undoes them only if the database did not \
                 commit them on its own; this was logged as a security event",
                self.name
            ),
        )
    }

    /// PERMISSION_DENIED for this principal, with the ErrorInfo `reason` (an ErrorReason of
    /// errors.proto) and the principal's name and role as metadata.
    pub fn denied(&self, reason: &str, message: String) -> Status {
        crate::errors::denied(reason, message, &self.name, self.role.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reader() -> Principal {
        Principal {
            name: Arc::from("reports"),
            role: Role::Reader,
            raw_cypher: false,
            load_csv: false,
            database_user: None,
        }
    }

    #[test]
    fn readers_may_not_write_and_named_only_tokens_may_not_run_cypher() {
        let p = reader();
        assert!(p.check_mode(AccessMode::Read, "Run").is_ok());
        let denied = p.check_mode(AccessMode::Write, "Run").unwrap_err();
        assert_eq!(denied.code(), tonic::Code::PermissionDenied);
        assert!(denied.message().contains("reports"));
        assert_eq!(
            p.check_raw_cypher("Run").unwrap_err().code(),
            tonic::Code::PermissionDenied
        );
        assert!(p.must_not_write());
        assert!(!Principal::anonymous().must_not_write());
        assert!(Principal::anonymous().check_raw_cypher("Run").is_ok());
    }

    #[test]
    fn a_call_without_a_principal_is_refused() {
        let status = Principal::of(&Request::new(())).unwrap_err();
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
    }
}
