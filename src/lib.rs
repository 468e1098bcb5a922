//! graphrpc: Cypher over gRPC through one pooled Neo4j driver.
//!
//! A newcomer's map, one concern per file:
//! - `configuration`: typed settings, parsed and validated once at start-up.
//! - `telemetry`: the tracing subscriber; `log_writer`: its buffered stdout.
//! - `startup`: builds the application (driver, services, listener) and runs it until shutdown.
//! - `database`: the one pooled driver and the statements it runs; `credentials`: its
//!   password file, re-read while it runs; `operation`: a statement's
//!   bounded operation name for traces.
//! - `conversions`: every proto <-> domain conversion (values, requests, summaries).
//! - `errors`: the table from database and service errors to gRPC statuses.
//! - `api`: one module per RPC family; `health`: the gRPC health service's database probe.
//! - `auth`: principals and roles; what each caller may do.
//! - `catalog`: the named-query catalog file, checked when loaded.
//! - `cypher`: the statement classifier (what a statement does, before the database sees it).
//! - `transport`: tower layers around every call (call logging).

pub mod admin;
pub mod api;
pub mod auth;
pub mod call_line;
pub mod call_scope;
pub mod catalog;
pub mod configuration;
pub mod conversions;
pub mod credentials;
pub mod cypher;
pub mod database;
pub mod errors;
pub mod health;
pub mod log_fields;
pub mod log_layer;
pub mod log_time;
pub mod log_writer;
pub mod observability;
pub mod operation;
pub mod pem;
pub mod proto;
pub mod query_cli;
pub mod reload;
pub mod retry;
pub mod startup;
pub mod telemetry;
pub mod transport;
