//! # graphrpc-client
//!
//! The Rust client of graphrpc: Cypher over gRPC with native values.
//!
//! ```no_run
//! # async fn demo() -> graphrpc_client::Result<()> {
//! use graphrpc_client::{Client, Query};
//! let client = Client::builder("http://127.0.0.1:50051").token("secret").connect().await?;
//! let movies = client
//!     .run(Query::new("MATCH (m:Movie) WHERE m.released > $year RETURN m.title AS title").param("year", 2015))
//!     .await?;
//! for record in &movies.records {
//!     println!("{}", record.get::<String>("title")?);
//! }
//! # Ok(()) }
//! ```
//!
//! See docs/clients/rust.md in the repository for the whole surface.

mod client;
pub mod convert;
mod error;
mod query;
mod record;
mod stream;
mod transaction;
mod value;

/// The generated protobuf types and stubs of graphrpc.v1.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod proto {
    tonic::include_proto!("graphrpc.v1");
}

pub use client::{Client, ClientBuilder};
pub use convert::FromValue;
pub use error::{Error, Result, ServerError};
pub use query::{NamedQuery, Query};
pub use record::{Record, RecordSet};
pub use stream::RecordStream;
pub use tonic::Code;
pub use transaction::Transaction;
pub use value::{Duration, Node, Path, Point, Relationship, Time, Value, ZonedDateTime};

/// docs/clients/rust.md, whose examples run as this crate's doctests.
#[cfg(doctest)]
#[doc = include_str!("../../../docs/clients/rust.md")]
pub struct UserGuide;
