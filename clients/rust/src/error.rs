//! Typed errors: a failed call keeps its gRPC code, message and the ErrorInfo that
//! graphrpc attaches (reason, domain, metadata such as neo4j_code and statement_index),
//! plus the retry pushback the server asked for.

use std::{collections::HashMap, time::Duration};

use tonic::Code;
use tonic_types::StatusExt;

/// Everything that can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The server answered with a failure status.
    #[error("{0}")]
    Server(Box<ServerError>),
    /// The connection could not be made or broke.
    #[error("cannot reach graphrpc: {0}")]
    Transport(String),
    /// A setting given to the client is not usable (endpoint, token, certificate).
    #[error("invalid client setting: {0}")]
    Config(String),
    /// The server's answer did not have the shape the contract promises.
    #[error("unexpected answer from graphrpc: {0}")]
    Decode(String),
    /// A value does not convert to the Rust type asked for.
    #[error("conversion: {0}")]
    Conversion(String),
}

/// A failure status from graphrpc.
#[derive(Debug, Clone)]
pub struct ServerError {
    pub code: Code,
    pub message: String,
    /// google.rpc.ErrorInfo reason (graphrpc.v1.ErrorReason), when the status carries one.
    pub reason: Option<String>,
    /// ErrorInfo domain: "graphrpc.dev/neo4j" or "graphrpc.dev".
    pub domain: Option<String>,
    /// ErrorInfo metadata.
    pub metadata: HashMap<String, String>,
    /// google.rpc.BadRequest field violations: (field path, description).
    pub field_violations: Vec<(String, String)>,
    /// The grpc-retry-pushback-ms the server sent: wait at least this long before retrying.
    pub retry_pushback: Option<Duration>,
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)?;
        if let Some(reason) = &self.reason {
            write!(f, " [{reason}]")?;
        }
        Ok(())
    }
}

impl ServerError {
    /// The Neo4j status code of a database failure, e.g. "Neo.ClientError.Statement.SyntaxError".
    pub fn neo4j_code(&self) -> Option<&str> {
        self.metadata.get("neo4j_code").map(String::as_str)
    }

    /// In a batch or transaction: the 0-based index of the statement that failed.
    pub fn statement_index(&self) -> Option<usize> {
        self.metadata.get("statement_index")?.parse().ok()
    }
}

impl Error {
    /// The gRPC code: the server's, or the one the client stands for (UNAVAILABLE when the
    /// server cannot be reached, INTERNAL when its answer is malformed, INVALID_ARGUMENT for
    /// a bad setting or conversion).
    pub fn code(&self) -> Code {
        match self {
            Error::Server(e) => e.code,
            Error::Transport(_) => Code::Unavailable,
            Error::Decode(_) => Code::Internal,
            Error::Config(_) | Error::Conversion(_) => Code::InvalidArgument,
        }
    }

    /// The server's error, when the server answered.
    pub fn server(&self) -> Option<&ServerError> {
        match self {
            Error::Server(e) => Some(e),
            _ => None,
        }
    }

    /// The ErrorInfo reason, when there is one.
    pub fn reason(&self) -> Option<&str> {
        self.server()?.reason.as_deref()
    }

    /// See [`ServerError::neo4j_code`].
    pub fn neo4j_code(&self) -> Option<&str> {
        self.server()?.neo4j_code()
    }

    /// See [`ServerError::statement_index`].
    pub fn statement_index(&self) -> Option<usize> {
        self.server()?.statement_index()
    }

    /// Whether a unit of work that failed so may run again (graphrpc/v1/errors.proto):
    /// UNAVAILABLE and ABORTED, and RESOURCE_EXHAUSTED when the server sent a pushback.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Server(e) => match e.code {
                Code::Unavailable | Code::Aborted => true,
                Code::ResourceExhausted => e.retry_pushback.is_some(),
                _ => false,
            },
            _ => false,
        }
    }

    /// How long the server asked to wait before a retry.
    pub fn retry_pushback(&self) -> Option<Duration> {
        self.server()?.retry_pushback
    }
}

impl From<tonic::Status> for Error {
    fn from(status: tonic::Status) -> Error {
        // A call that never reached a server surfaces as UNAVAILABLE / UNKNOWN with a
        // transport source and no details; it is still a status, kept as one.
        let details = status.get_error_details();
        let (reason, domain, metadata) = match details.error_info() {
            Some(info) => (
                Some(info.reason.clone()),
                Some(info.domain.clone()),
                info.metadata.clone(),
            ),
            None => (None, None, HashMap::new()),
        };
        let field_violations = details
            .bad_request()
            .map(|b| {
                b.field_violations
                    .iter()
                    .map(|v| (v.field.clone(), v.description.clone()))
                    .collect()
            })
            .unwrap_or_default();
        // gRPC's retry design (A6): a negative or unreadable pushback means "do not retry".
        let retry_pushback = status
            .metadata()
            .get("grpc-retry-pushback-ms")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .map(Duration::from_millis);
        Error::Server(Box::new(ServerError {
            code: status.code(),
            message: status.message().to_owned(),
            reason,
            domain,
            metadata,
            field_violations,
            retry_pushback,
        }))
    }
}

impl From<tonic::transport::Error> for Error {
    fn from(e: tonic::transport::Error) -> Error {
        Error::Transport(format!("{e}: {}", source_chain(&e)))
    }
}

fn source_chain(e: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ")
}

/// A Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
