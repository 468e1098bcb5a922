//! Tower layers wrapped around every call, kept out of the API handlers:
//! `call` (request id, RPC span, log line, call metrics) outside, `traffic` (concurrency
//! limit with load shedding, deadline defaults) inside. `tls` is the listener's TLS, under them all.

pub mod auth;
pub mod call;
pub mod codec;
pub mod tls;
pub mod traffic;

pub use auth::AuthLayer;
pub use call::CallLayer;
pub use traffic::{TrafficLayer, TrafficSettings};
