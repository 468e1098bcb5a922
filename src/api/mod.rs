//! gRPC API handlers, one module per RPC family. Transport concerns (logging, limits)
//! live in `transport`; conversions in `conversions`.

pub mod query_api;

pub use query_api::QueryApi;
