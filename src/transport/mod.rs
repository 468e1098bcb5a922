//! Tower layers wrapped around every call, kept out of the API handlers:
//! `call` (request id, RPC span, log line, call metrics) outside, `traffic` (concurrency
//! limit with load shedding, deadline defaults) inside. `tls` is the listener's TLS, under them all.

pub mod auth;
pub mod call;
pub mod codec;
pub mod gate;
pub mod refused;
pub mod tls;
pub mod traffic;

use std::time::Duration;

use http::{HeaderName, HeaderValue};

/// Header names the layers read or write on every call, made once: a `&str` key is parsed
/// (and checked) into a name again at each lookup.
pub(crate) const GRPC_TIMEOUT: HeaderName = HeaderName::from_static("grpc-timeout");
pub(crate) const GRPC_STATUS: HeaderName = HeaderName::from_static("grpc-status");
pub(crate) const GRPC_MESSAGE: HeaderName = HeaderName::from_static("grpc-message");

pub use auth::AuthLayer;
pub use call::CallLayer;
pub use gate::{Draining, GateLayer};
pub use traffic::{TrafficLayer, TrafficSettings};

/// A trailers-only gRPC answer carrying `status`, for a call refused before any handler
/// ran; with a `grpc-retry-pushback-ms` hint when the caller should come back later.
pub(crate) fn refusal<B: Default>(
    status: tonic::Status,
    pushback: Option<Duration>,
) -> http::Response<B> {
    let mut response = status.into_http();
    if let Some(wait) = pushback {
        let ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
        response
            .headers_mut()
            .insert("grpc-retry-pushback-ms", HeaderValue::from(ms));
    }
    response
}
