//! From database and service errors to gRPC statuses, in one table.
//!
//! Every status says what to fix. Database failures carry a `google.rpc.ErrorInfo` detail
//! (domain `graphrpc.dev/neo4j`) whose metadata holds the Neo4j status code under
//! `neo4j_code`, so clients can branch on it. Nothing internal (credentials, stack traces,
//! driver internals) is put in a message.

use std::{collections::HashMap, time::Duration};

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::observability;

/// ErrorInfo domain of errors reported by the database.
pub const NEO4J_DOMAIN: &str = "graphrpc.dev/neo4j";
/// ErrorInfo metadata key of NAMED_QUERY_NOT_FOUND: the name asked for.
pub const NAME_KEY: &str = "name";
/// ErrorInfo domain of errors raised by graphrpc itself.
pub const SERVICE_DOMAIN: &str = "graphrpc.dev";

/// Neo4j status codes, or prefixes of them, and the gRPC code each maps to. The first
/// matching row wins, so specific codes come before their family's prefix.
pub const NEO4J_CODE_TABLE: &[(&str, Code)] = &[
    ("Neo.ClientError.Database.DatabaseNotFound", Code::NotFound),
    (
        "Neo.ClientError.Schema.ConstraintValidationFailed",
        Code::FailedPrecondition,
    ),
    (
        "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        Code::AlreadyExists,
    ),
    ("Neo.ClientError.Schema.", Code::FailedPrecondition),
    ("Neo.ClientError.Statement.", Code::InvalidArgument),
    ("Neo.ClientError.Request.", Code::InvalidArgument),
    (
        "Neo.ClientError.Security.Unauthorized",
        Code::Unauthenticated,
    ),
    (
        "Neo.ClientError.Security.AuthenticationRateLimit",
        Code::Unauthenticated,
    ),
    (
        "Neo.ClientError.Security.CredentialsExpired",
        Code::Unauthenticated,
    ),
    (
        "Neo.ClientError.Security.TokenExpired",
        Code::Unauthenticated,
    ),
    ("Neo.ClientError.Security.", Code::PermissionDenied),
    (
        "Neo.ClientError.Transaction.TransactionTimedOut",
        Code::DeadlineExceeded,
    ),
    ("Neo.ClientError.Transaction.Terminated", Code::Aborted),
    (
        "Neo.ClientError.Transaction.LockClientStopped",
        Code::Aborted,
    ),
    ("Neo.ClientError.Transaction.", Code::FailedPrecondition),
    ("Neo.ClientError.Cluster.", Code::Unavailable),
    (
        "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
        Code::FailedPrecondition,
    ),
    ("Neo.ClientError.", Code::InvalidArgument),
    ("Neo.TransientError.", Code::Unavailable),
    ("Neo.DatabaseError.", Code::Internal),
];

/// The gRPC code for a Neo4j status code.
pub fn code_for_neo4j(neo4j_code: &str) -> Code {
    NEO4J_CODE_TABLE
        .iter()
        .find(|(prefix, _)| neo4j_code.starts_with(prefix))
        .map_or(Code::Unknown, |&(_, code)| code)
}

/// The status for an error from the driver or the database.
pub fn from_database(error: &neo4rs::Error) -> Status {
    use neo4rs::Error as E;
    observability::database_error(match error {
        E::Neo4j(e) => e.code(),
        E::AuthenticationError(_) => "login",
        E::IOError { .. } | E::ConnectionError | E::ConnectionTimedOut | E::ConnectionClosed(_) => {
            "connection"
        }
        _ => "driver",
    });
    match error {
        E::Neo4j(e) => {
            let code = code_for_neo4j(e.code());
            let reason = match e.code().split('.').nth(1) {
                Some("ClientError") => "NEO4J_CLIENT_ERROR",
                Some("TransientError") => "NEO4J_TRANSIENT_ERROR",
                Some("DatabaseError") => "NEO4J_DATABASE_ERROR",
                _ => "NEO4J_ERROR",
            };
            let hint = match code {
                Code::Unavailable => " (transient: retry later)",
                Code::Unauthenticated | Code::PermissionDenied => {
                    " (raised by the database, for graphrpc's database user or the one it asked to run the statement as)"
                }
                _ => "",
            };
            with_info(
                code,
                format!("{}: {}{hint}", e.code(), e.message()),
                reason,
                NEO4J_DOMAIN,
                [("neo4j_code", e.code().to_owned())],
            )
        }
        E::IOError { .. }
        | E::ConnectionError
        | E::ConnectionTimedOut
        | E::ConnectionClosed(_)
        | E::IncompleteBoltExchange
        | E::ServerUnavailableError(_)
        | E::RoutingTableError(_)
        | E::RoutingTableRefreshFailed(_)
        | E::ProtocolMismatch(_)
        | E::UnsupportedVersion(..)
        | E::RequestIgnoredError => with_info(
            Code::Unavailable,
            format!("the database is unreachable: {error}; retry later"),
            "DATABASE_UNAVAILABLE",
            SERVICE_DOMAIN,
            [],
        ),
        E::AuthenticationError(_) => with_info(
            Code::Unavailable,
            "the database refused graphrpc's login; its operator must fix NEO4J_USERNAME / NEO4J_PASSWORD",
            "DATABASE_LOGIN_REFUSED",
            SERVICE_DOMAIN,
            [],
        ),
        E::StringTooLong | E::MapTooBig | E::BytesTooBig | E::ListTooLong | E::WriteError(_) => {
            with_info(
                Code::InvalidArgument,
                format!("a parameter cannot be encoded for the database: {error}"),
                "PARAMETER_NOT_ENCODABLE",
                SERVICE_DOMAIN,
                [],
            )
        }
        other => {
            tracing::error!(error = %other, "unexpected driver error");
            with_info(
                Code::Internal,
                "graphrpc could not read the database's answer; see graphrpc's log",
                "DRIVER_ERROR",
                SERVICE_DOMAIN,
                [],
            )
        }
    }
}

/// A request field graphrpc refuses; the message names the field and what to do.
pub fn invalid_argument(field: &str, description: impl Into<String>) -> Status {
    let description = description.into();
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

/// A unary result that has more rows than the caller allowed.
pub fn row_limit_exceeded(limit: u32) -> Status {
    with_info(
        Code::ResourceExhausted,
        format!(
            "the result has more than {limit} rows, the row limit of this Run call; \
             use RunStream for large results, or raise max_rows up to the server's maximum"
        ),
        "ROW_LIMIT_EXCEEDED",
        SERVICE_DOMAIN,
        [("max_rows", limit.to_string())],
    )
}

/// A statement that outlived the smaller of its timeout and the call's deadline.
pub fn deadline_exceeded(limit: Duration) -> Status {
    with_info(
        Code::DeadlineExceeded,
        format!(
            "the statement did not finish within {} (the smaller of the request's timeout and \
             the gRPC deadline); it was stopped",
            humantime::format_duration(limit)
        ),
        "STATEMENT_TIMEOUT",
        SERVICE_DOMAIN,
        [],
    )
}

/// A message out of order on a Transaction stream.
pub fn out_of_order(message: impl Into<String>) -> Status {
    with_info(
        Code::FailedPrecondition,
        message,
        "TRANSACTION_PROTOCOL",
        SERVICE_DOMAIN,
        [],
    )
}

/// A transaction rolled back because its client sent nothing for too long.
pub fn transaction_idle(idle: Duration) -> Status {
    with_info(
        Code::Aborted,
        format!(
            "no message from the client for {}; the transaction was rolled back",
            humantime::format_duration(idle)
        ),
        "TRANSACTION_IDLE",
        SERVICE_DOMAIN,
        [],
    )
}

/// Places a failure at one statement of a transaction or batch: the message starts with
/// `what` (e.g. "statement 3") and the ErrorInfo metadata gains `statement_index`.
pub fn in_statement(status: Status, index: usize, what: &str) -> Status {
    let mut details = status.get_error_details();
    let info = details.error_info().cloned();
    let (reason, domain, mut metadata) = match info {
        Some(info) => (info.reason, info.domain, info.metadata),
        None => (
            "STATEMENT_FAILED".to_owned(),
            SERVICE_DOMAIN.to_owned(),
            HashMap::new(),
        ),
    };
    metadata.insert("statement_index".to_owned(), index.to_string());
    details.set_error_info(reason, domain, metadata);
    Status::with_error_details(
        status.code(),
        format!(
            "{what} failed, the transaction was rolled back: {}",
            status.message()
        ),
        details,
    )
}

/// The ErrorInfo reasons of the calls graphrpc refuses on its own account before they run
/// (ErrorReason in proto/graphrpc/v1/errors.proto says when each is sent); kept here so that
/// tests/contract.rs sees every reason the server sends in this one file.
pub mod reason {
    pub const NAMED_QUERY_NOT_FOUND: &str = "NAMED_QUERY_NOT_FOUND";
    pub const READER_WRITE: &str = "READER_WRITE";
    pub const STATEMENT_FORBIDDEN: &str = "STATEMENT_FORBIDDEN";
    pub const RAW_CYPHER_FORBIDDEN: &str = "RAW_CYPHER_FORBIDDEN";
    pub const CREDENTIALS_MISSING: &str = "CREDENTIALS_MISSING";
    pub const CREDENTIALS_INVALID: &str = "CREDENTIALS_INVALID";
    pub const CATALOG_NOT_CONFIGURED: &str = "CATALOG_NOT_CONFIGURED";
    pub const CALL_LIMIT_REACHED: &str = "CALL_LIMIT_REACHED";
    pub const RATE_LIMITED: &str = "RATE_LIMITED";
    pub const REQUEST_TOO_LARGE: &str = "REQUEST_TOO_LARGE";
    pub const STREAM_AHEAD_LIMIT: &str = "STREAM_AHEAD_LIMIT";
    pub const SHUTTING_DOWN: &str = "SHUTTING_DOWN";
}

/// A call graphrpc refuses on its own account: an ErrorInfo of domain `graphrpc.dev` whose
/// reason is one of the ErrorReason values of proto/graphrpc/v1/errors.proto, so clients
/// branch on the reason rather than on the words of the message.
pub fn refused<const N: usize>(
    code: Code,
    message: impl Into<String>,
    reason: &str,
    metadata: [(&str, String); N],
) -> Status {
    with_info(code, message, reason, SERVICE_DOMAIN, metadata)
}

/// PERMISSION_DENIED for a principal: `reason` and the principal's name and role as metadata.
pub fn denied(reason: &str, message: String, principal: &str, role: &str) -> Status {
    refused(
        Code::PermissionDenied,
        message,
        reason,
        [
            ("principal", principal.to_owned()),
            ("role", role.to_owned()),
        ],
    )
}

fn with_info<const N: usize>(
    code: Code,
    message: impl Into<String>,
    reason: &str,
    domain: &str,
    metadata: [(&str, String); N],
) -> Status {
    let metadata: HashMap<String, String> = metadata
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    Status::with_error_details(
        code,
        message,
        ErrorDetails::with_error_info(reason, domain, metadata),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_maps_each_class() {
        let cases = [
            (
                "Neo.ClientError.Statement.SyntaxError",
                Code::InvalidArgument,
            ),
            (
                "Neo.ClientError.Statement.SemanticError",
                Code::InvalidArgument,
            ),
            (
                "Neo.ClientError.Statement.ParameterMissing",
                Code::InvalidArgument,
            ),
            ("Neo.ClientError.Statement.TypeError", Code::InvalidArgument),
            (
                "Neo.ClientError.Schema.ConstraintValidationFailed",
                Code::FailedPrecondition,
            ),
            (
                "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
                Code::AlreadyExists,
            ),
            ("Neo.ClientError.Database.DatabaseNotFound", Code::NotFound),
            (
                "Neo.ClientError.Security.Unauthorized",
                Code::Unauthenticated,
            ),
            ("Neo.ClientError.Security.Forbidden", Code::PermissionDenied),
            (
                "Neo.ClientError.Security.AuthorizationExpired",
                Code::PermissionDenied,
            ),
            (
                "Neo.ClientError.Transaction.TransactionTimedOut",
                Code::DeadlineExceeded,
            ),
            (
                "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
                Code::DeadlineExceeded,
            ),
            ("Neo.ClientError.Transaction.Terminated", Code::Aborted),
            ("Neo.ClientError.Cluster.NotALeader", Code::Unavailable),
            (
                "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase",
                Code::FailedPrecondition,
            ),
            (
                "Neo.TransientError.Transaction.DeadlockDetected",
                Code::Unavailable,
            ),
            (
                "Neo.TransientError.General.DatabaseUnavailable",
                Code::Unavailable,
            ),
            ("Neo.DatabaseError.General.UnknownError", Code::Internal),
            ("Something.Else", Code::Unknown),
        ];
        for (neo4j, grpc) in cases {
            assert_eq!(code_for_neo4j(neo4j), grpc, "{neo4j}");
        }
    }

    #[test]
    fn specific_rows_precede_their_prefix() {
        for (i, (code, _)) in NEO4J_CODE_TABLE.iter().enumerate() {
            for (earlier, _) in &NEO4J_CODE_TABLE[..i] {
                assert!(
                    !code.starts_with(earlier),
                    "{code} is shadowed by {earlier}"
                );
            }
        }
    }

    #[test]
    fn connection_failures_are_unavailable() {
        let io = neo4rs::Error::IOError {
            detail: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        let status = from_database(&io);
        assert_eq!(status.code(), Code::Unavailable);
        assert!(
            status.message().contains("unreachable"),
            "{}",
            status.message()
        );
        assert_eq!(
            from_database(&neo4rs::Error::ConnectionTimedOut).code(),
            Code::Unavailable
        );
    }

    #[test]
    fn a_refused_login_does_not_echo_the_server() {
        let status = from_database(&neo4rs::Error::AuthenticationError(
            "password=hunter2".into(),
        ));
        assert_eq!(status.code(), Code::Unavailable);
        assert!(!status.message().contains("hunter2"));
    }

    #[test]
    fn service_errors_carry_error_info() {
        let status = row_limit_exceeded(10);
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert!(status.message().contains("RunStream"));
        let info = status.get_details_error_info().expect("error info");
        assert_eq!(info.reason, "ROW_LIMIT_EXCEEDED");
        assert_eq!(info.metadata["max_rows"], "10");

        let status = in_statement(
            from_database(&neo4rs::Error::ConnectionError),
            2,
            "statements[2]",
        );
        assert_eq!(status.code(), Code::Unavailable);
        assert!(
            status.message().starts_with("statements[2] failed"),
            "{}",
            status.message()
        );
        let info = status.get_details_error_info().expect("error info");
        assert_eq!(info.metadata["statement_index"], "2");
        assert_eq!(info.reason, "DATABASE_UNAVAILABLE");

        let status = invalid_argument("batch_size", "must be at most 10");
        assert_eq!(status.code(), Code::InvalidArgument);
        let bad = status.get_details_bad_request().expect("bad request");
        assert_eq!(bad.field_violations[0].field, "batch_size");
    }
}
