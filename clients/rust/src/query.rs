//! What to run: a Cypher statement or a named query, with its parameters and options.

use std::{collections::HashMap, time::Duration};

use crate::{proto as pb, value::Value};

/// A Cypher statement with parameters: `Query::new("MATCH (m:Movie {title: $t}) RETURN m").param("t", "x")`.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub(crate) cypher: String,
    pub(crate) params: HashMap<String, Value>,
    pub(crate) read: bool,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_rows: u32,
    pub(crate) batch_size: u32,
    pub(crate) idempotent: bool,
}

impl Query {
    pub fn new(cypher: impl Into<String>) -> Query {
        Query {
            cypher: cypher.into(),
            ..Query::default()
        }
    }

    /// Binds `$name` to a value (any type with `Into<Value>`).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> Query {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Runs as a READ statement (routed to readers; the only mode of the reader role).
    pub fn read(mut self) -> Query {
        self.read = true;
        self
    }

    /// The statement's time limit (the call's deadline applies too).
    pub fn timeout(mut self, timeout: Duration) -> Query {
        self.timeout = Some(timeout);
        self
    }

    /// `run` only: the most rows the result may hold (0: the server's default).
    pub fn max_rows(mut self, rows: u32) -> Query {
        self.max_rows = rows;
        self
    }

    /// `run_stream` only: rows per message from the server (0: the server's default).
    pub fn batch_size(mut self, rows: u32) -> Query {
        self.batch_size = rows;
        self
    }

    /// Declares a write safe to run twice, so the server may retry it.
    pub fn idempotent(mut self) -> Query {
        self.idempotent = true;
        self
    }

    pub(crate) fn proto_params(&self) -> HashMap<String, pb::Value> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into_proto()))
            .collect()
    }

    pub(crate) fn access_mode(&self) -> i32 {
        if self.read {
            pb::AccessMode::Read as i32
        } else {
            pb::AccessMode::Unspecified as i32
        }
    }
}

/// A borrowed query runs as a copy, so a managed transaction's closure can reuse one
/// (`client.execute_write(|tx| async move { tx.run(q).await })` with `q: &Query`).
impl From<&Query> for Query {
    fn from(query: &Query) -> Query {
        query.clone()
    }
}

impl From<&str> for Query {
    fn from(cypher: &str) -> Query {
        Query::new(cypher)
    }
}

impl From<String> for Query {
    fn from(cypher: String) -> Query {
        Query::new(cypher)
    }
}

/// A named query of the server's catalog: `NamedQuery::new("movies.by_title").param("title", "x")`.
#[derive(Debug, Clone, Default)]
pub struct NamedQuery {
    pub(crate) name: String,
    pub(crate) params: HashMap<String, Value>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_rows: u32,
    pub(crate) batch_size: u32,
}

impl NamedQuery {
    pub fn new(name: impl Into<String>) -> NamedQuery {
        NamedQuery {
            name: name.into(),
            ..NamedQuery::default()
        }
    }

    /// Binds a declared parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> NamedQuery {
        self.params.insert(name.into(), value.into());
        self
    }

    /// Shortens the catalog's time limit.
    pub fn timeout(mut self, timeout: Duration) -> NamedQuery {
        self.timeout = Some(timeout);
        self
    }

    /// `run_named` only: lowers the catalog's row limit.
    pub fn max_rows(mut self, rows: u32) -> NamedQuery {
        self.max_rows = rows;
        self
    }

    /// `run_named_stream` only: rows per message.
    pub fn batch_size(mut self, rows: u32) -> NamedQuery {
        self.batch_size = rows;
        self
    }

    pub(crate) fn proto_params(&self) -> HashMap<String, pb::Value> {
        self.params
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().into_proto()))
            .collect()
    }
}

impl From<&str> for NamedQuery {
    fn from(name: &str) -> NamedQuery {
        NamedQuery::new(name)
    }
}

pub(crate) fn proto_duration(d: Option<Duration>) -> Option<prost_types::Duration> {
    d.and_then(|d| prost_types::Duration::try_from(d).ok())
}
