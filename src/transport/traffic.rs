//! Traffic control, before any handler runs:
//! - a global limit on concurrent calls (streams count until they end) that sheds load:
//!   past it a call fails at once with RESOURCE_EXHAUSTED and a `grpc-retry-pushback-ms`
//!   hint instead of queueing until everything times out;
//! - a default deadline for calls that set none, and a maximum for those that do, written
//!   into the `grpc-timeout` header that every handler honours.
//!
//! Health checks and reflection are never shed: probes must see the truth under load.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use http::{HeaderValue, Response};
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower::{Layer, Service};

pub use crate::configuration::TrafficSettings;
use crate::{conversions::request::grpc_timeout_value, observability};

/// The call's deadline as graphrpc bounded it, parsed once here from `grpc-timeout` and left
/// in the request's extensions for the gate and the handlers (the header stays, rewritten
/// to the same value, for tonic and for what reads metadata).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallDeadline(pub Duration);

#[derive(Debug, Clone)]
pub struct TrafficLayer {
    settings: TrafficSettings,
    permits: Arc<Semaphore>,
    /// `grpc-timeout` values of the default and the maximum deadline, encoded once.
    default_header: HeaderValue,
    max_header: HeaderValue,
}

impl TrafficLayer {
    pub fn new(settings: TrafficSettings) -> Self {
        TrafficLayer {
            permits: Arc::new(Semaphore::new(settings.max_concurrent_calls)),
            default_header: timeout_header(settings.default_deadline),
            max_header: timeout_header(settings.max_deadline),
            settings,
        }
    }
}

/// A deadline as a `grpc-timeout` value: milliseconds, at most 8 digits as the gRPC spec
/// allows (about 27 hours).
fn timeout_header(deadline: Duration) -> HeaderValue {
    let millis = deadline.as_millis().min(99_999_999);
    HeaderValue::from_str(&format!("{millis}m")).unwrap_or(HeaderValue::from_static("99999999m"))
}

impl<S> Layer<S> for TrafficLayer {
    type Service = Traffic<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Traffic {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Traffic<S> {
    inner: S,
    layer: TrafficLayer,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Traffic<S>
where
    S: Service<http::Request<ReqBody>, Response = Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Default,
{
    type Response = Response<LimitedBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        let settings = self.layer.settings;
        let exempt = request.uri().path().starts_with("/grpc.");
        let permit = if exempt {
            None
        } else {
            match self.layer.permits.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    observability::load_shed(request.uri().path());
                    return Box::pin(async move { Ok(shed(settings)) });
                }
            }
        };
        if !exempt {
            let deadline = bound_deadline(request.headers_mut(), &self.layer);
            request.extensions_mut().insert(CallDeadline(deadline));
        }
        let response = self.inner.call(request);
        Box::pin(async move {
            let mut response = response.await?;
            name_the_size_limit(response.headers_mut(), settings.max_request_bytes);
            Ok(response.map(|inner| LimitedBody {
                inner,
                _permit: permit,
            }))
        })
    }
}

/// RESOURCE_EXHAUSTED with the retry hint, before any handler runs.
fn shed<B: Default>(settings: TrafficSettings) -> Response<LimitedBody<B>> {
    let status = crate::errors::refused(
        tonic::Code::ResourceExhausted,
        "graphrpc is at its concurrent call limit; retry after the pushback",
        crate::errors::reason::CALL_LIMIT_REACHED,
        [],
    );
    super::refusal(status, Some(settings.retry_pushback)).map(|inner| LimitedBody {
        inner,
        _permit: None,
    })
}

/// tonic refuses an oversized request message with OUT_OF_RANGE and a message that names
/// no setting; the caller gets RESOURCE_EXHAUSTED (as other gRPC servers answer) naming
/// GRAPHRPC_MAX_REQUEST_BYTES instead. Only trailers-only answers carry it in headers: a
/// unary request refused before its handler ran. Streams report it from the handler.
fn name_the_size_limit(headers: &mut http::HeaderMap, limit: usize) {
    let oversized = headers.get(super::GRPC_STATUS).is_some_and(|v| v == "11")
        && headers
            .get(super::GRPC_MESSAGE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|m| m.contains("decoded%20message%20length%20too%20large"));
    if !oversized {
        return;
    }
    // The status's own encoding of grpc-status and grpc-message replaces tonic's.
    let _ = too_large_status(limit).add_header(headers);
}

/// RESOURCE_EXHAUSTED for a request over GRAPHRPC_MAX_REQUEST_BYTES.
pub fn too_large_status(limit: usize) -> tonic::Status {
    crate::errors::refused(
        tonic::Code::ResourceExhausted,
        too_large(limit),
        crate::errors::reason::REQUEST_TOO_LARGE,
        [],
    )
}

/// The message for a request over GRAPHRPC_MAX_REQUEST_BYTES.
pub fn too_large(limit: usize) -> String {
    format!(
        "the request message is larger than GRAPHRPC_MAX_REQUEST_BYTES ({limit} bytes); send fewer or smaller parameters, or raise the limit"
    )
}

/// Gives a call without a deadline the default one and caps the others; returns the
/// deadline the call now has.
fn bound_deadline(headers: &mut http::HeaderMap, layer: &TrafficLayer) -> Duration {
    let settings = &layer.settings;
    let requested = headers
        .get(super::GRPC_TIMEOUT)
        .and_then(|v| v.to_str().ok())
        .and_then(|text| grpc_timeout_value(text).ok());
    let (deadline, header) = match requested {
        None => (settings.default_deadline, &layer.default_header),
        Some(d) if d > settings.max_deadline => (settings.max_deadline, &layer.max_header),
        Some(d) => return d,
    };
    headers.insert(super::GRPC_TIMEOUT, header.clone());
    // What the header now says (whole milliseconds), as a later parse of it would read.
    Duration::from_millis(deadline.as_millis().min(99_999_999) as u64)
}

pin_project! {
    /// The response body, holding the call's concurrency permit until the response ends.
    pub struct LimitedBody<B> {
        #[pin]
        inner: B,
        _permit: Option<OwnedSemaphorePermit>,
    }
}

impl<B: Body> Body for LimitedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        self.project().inner.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn settings() -> TrafficSettings {
        TrafficSettings {
            max_concurrent_calls: 1,
            retry_pushback: Duration::from_millis(250),
            default_deadline: Duration::from_secs(30),
            max_deadline: Duration::from_secs(60),
            max_request_bytes: 1024,
        }
    }

    #[test]
    fn deadlines_get_a_default_and_a_cap() {
        let layer = TrafficLayer::new(settings());
        let mut headers = http::HeaderMap::new();
        assert_eq!(
            bound_deadline(&mut headers, &layer),
            Duration::from_secs(30)
        );
        assert_eq!(headers["grpc-timeout"], "30000m");
        headers.insert("grpc-timeout", HeaderValue::from_static("2H"));
        assert_eq!(
            bound_deadline(&mut headers, &layer),
            Duration::from_secs(60)
        );
        assert_eq!(headers["grpc-timeout"], "60000m");
        headers.insert("grpc-timeout", HeaderValue::from_static("5S"));
        assert_eq!(bound_deadline(&mut headers, &layer), Duration::from_secs(5));
        assert_eq!(headers["grpc-timeout"], "5S");
    }

    #[test]
    fn an_oversized_request_names_the_setting() {
        let mut headers = http::HeaderMap::new();
        headers.insert("grpc-status", HeaderValue::from_static("11"));
        headers.insert(
            "grpc-message",
            HeaderValue::from_static("Error,%20decoded%20message%20length%20too%20large:%20found%202000%20bytes,%20the%20limit%20is:%201024%20bytes"),
        );
        name_the_size_limit(&mut headers, 1024);
        assert_eq!(headers["grpc-status"], "8");
        // As a client decodes it.
        let status = tonic::Status::from_header_map(&headers).expect("a status");
        let message = status.message();
        assert!(
            message.contains("GRAPHRPC_MAX_REQUEST_BYTES (1024 bytes)"),
            "{message}"
        );

        let mut other = http::HeaderMap::new();
        other.insert("grpc-status", HeaderValue::from_static("11"));
        name_the_size_limit(&mut other, 1024);
        assert_eq!(other["grpc-status"], "11");
    }

    #[test]
    fn a_shed_call_is_resource_exhausted_with_a_pushback() {
        let response: Response<LimitedBody<String>> = shed(settings());
        assert_eq!(response.headers()["grpc-status"], "8");
        assert_eq!(response.headers()["grpc-retry-pushback-ms"], "250");
    }
}
