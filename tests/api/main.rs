//! Integration tests: the real application against the real database, through real clients.

mod auth;
mod bolt;
#[path = "../support/certs.rs"]
mod certs;
mod errors;
mod health;
mod helpers;
mod named;
mod pool;
mod retries;
mod run;
mod run_stream;
mod tls;
mod transactions;
mod values;
