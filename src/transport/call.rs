//! Everything that happens once per call, around every call: a request id (the caller's
//! `x-request-id`, or a new one, echoed back), an RPC span that joins the caller's trace
//! (W3C `traceparent`), one log line with method, status code, duration, request id and
//! trace id, and the call metrics.
//!
//! The status of a gRPC call is known only when its response ends (in the trailers, or in
//! the headers of a trailers-only response), so the call is finished by its response body
//! once it ends, or is dropped: a body dropped before its trailers means the client
//! cancelled or went away. Request and response contents, parameters included, are never
//! logged.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Instant,
};

use http::{HeaderMap, HeaderName, HeaderValue};
use http_body::{Body, Frame, SizeHint};
use opentelemetry::trace::TraceContextExt as _;
use pin_project_lite::pin_project;
use tonic::Code;
use tower::{Layer, Service};
use tracing::{field::Empty, Instrument, Level, Span};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

use crate::{
    call_line,
    call_scope::{self, CallTag},
    observability,
};

use super::auth::CallerName;

pub const REQUEST_ID: &str = "x-request-id";
const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static(REQUEST_ID);
const TRACEPARENT: HeaderName = HeaderName::from_static("traceparent");

#[derive(Debug, Clone, Copy, Default)]
pub struct CallLayer;

impl<S> Layer<S> for CallLayer {
    type Service = Call<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Call { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Call<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Call<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = http::Response<CallBody<ResBody>>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let record = CallRecord::start(request.headers(), request.uri().path());
        let span = record.span.clone();
        // With the direct line, the call's lines are named by the call's tag, not a span.
        let tag = (record.direct == Some(true)).then(|| record.tag.clone());
        let response = call_scope::scoped(tag, self.inner.call(request).instrument(span));
        Box::pin(async move {
            let mut response = response.await?;
            if let Ok(mut value) = HeaderValue::from_str(&record.tag.request_id) {
                // A new value on every call: HPACK's table would only churn with it.
                value.set_sensitive(true);
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            let header_status = status_of(response.headers());
            let mut record = record;
            if let Some(CallerName(name)) = response.extensions().get::<CallerName>() {
                if record.direct.is_none() {
                    record.span.record("enduser.id", &**name);
                }
                record.principal = Some(name.clone());
            }
            Ok(response.map(|inner| CallBody {
                inner,
                call: Some(record),
                header_status,
            }))
        })
    }
}

struct CallRecord {
    /// The method's label and the request id.
    tag: Arc<CallTag>,
    /// Response bytes so far, recorded once when the call ends.
    bytes: u64,
    started: Instant,
    trace_id: String,
    /// Who called, once authenticated.
    principal: Option<Arc<str>>,
    /// None: the full span, and the line through tracing. Some(true): no span, the line
    /// written directly (`call_line`), the call's other lines named by its tag
    /// (`call_scope`); Some(false): a span encloses the call's, so the call gets a span with
    /// the tag's fields and its line goes through tracing, which prints the enclosing spans.
    direct: Option<bool>,
    span: Span,
}

impl CallRecord {
    fn start(headers: &HeaderMap, method: &str) -> CallRecord {
        let request_id = headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && v.len() <= 128)
            .map_or_else(new_request_id, str::to_owned);
        // The direct call line (no trace exporter) needs only the span's prefix for the lines
        // logged during the call; the full span is for traces.
        let direct = call_line::format().map(|format| {
            format == call_line::Format::Json
                || tracing::dispatcher::get_default(|d| d.current_span().id().is_none())
        });
        let tag = Arc::new(CallTag {
            method: observability::method_label(method),
            request_id,
        });
        let span = if direct == Some(true) {
            Span::none()
        } else if direct == Some(false) {
            call_line::span(tag.method, &tag.request_id)
        } else {
            let (service, rpc) = method
                .trim_start_matches('/')
                .split_once('/')
                .unwrap_or(("", method));
            tracing::info_span!(
                "rpc",
                otel.name = %method.trim_start_matches('/'),
                otel.kind = "server",
                otel.status_code = Empty,
                rpc.system = "grpc",
                rpc.service = %service,
                rpc.method = %rpc,
                rpc.grpc.status_code = Empty,
                request_id = %tag.request_id,
                enduser.id = Empty,
            )
        };
        // Without a `traceparent` the W3C propagator finds no parent: it is not asked (a
        // global lock and a context built for nothing on most calls).
        let traced = headers.contains_key(TRACEPARENT);
        let parent = if traced {
            opentelemetry::global::get_text_map_propagator(|propagator| {
                propagator.extract(&HeaderExtractor(headers))
            })
        } else {
            opentelemetry::Context::new()
        };
        // The caller's trace id even when graphrpc exports no spans itself.
        let mut trace_id = parent.span().span_context().trace_id();
        if !span.is_none() {
            if traced {
                let _ = span.set_parent(parent);
            }
            let own = span.context().span().span_context().trace_id();
            if own != opentelemetry::TraceId::INVALID {
                trace_id = own;
            }
        }
        observability::call_started();
        CallRecord {
            tag,
            bytes: 0,
            started: Instant::now(),
            trace_id: if trace_id == opentelemetry::TraceId::INVALID {
                String::new()
            } else {
                trace_id.to_string()
            },
            principal: None,
            direct,
            span,
        }
    }

    fn finish(self, code: Code) {
        let duration = self.started.elapsed();
        let name = observability::code_name(code);
        if self.direct.is_none() {
            self.span.record("rpc.grpc.status_code", code as i64);
            if server_fault(code) {
                self.span.record("otel.status_code", "ERROR");
            }
        }
        let (method, request_id, trace_id) =
            (self.tag.method, &self.tag.request_id, &self.trace_id);
        let principal = self.principal.as_deref().unwrap_or("");
        // Probes and reflection are frequent and uninteresting.
        let probe = method.starts_with("/grpc.");
        let line = call_line::Fields {
            level: if probe { Level::DEBUG } else { Level::INFO },
            method,
            code: name,
            // Microsecond precision is plenty for a log line.
            duration_us: u64::try_from(duration.as_micros()).unwrap_or(u64::MAX),
            request_id,
            trace_id,
            principal,
        };
        if !(self.direct == Some(true) && call_line::write(&line)) {
            call_line::through_tracing(&self.span, &line);
        }
        observability::call_finished(method, code, duration, self.bytes);
        observability::call_ended();
    }
}

/// Whether a code marks the server span failed, per the OpenTelemetry gRPC conventions: on
/// the server side only codes that say the server failed; codes a caller caused (a bad
/// argument, a missing permission, a cancellation) leave the span's status unset.
fn server_fault(code: Code) -> bool {
    matches!(
        code,
        Code::Unknown
            | Code::DeadlineExceeded
            | Code::Unimplemented
            | Code::Internal
            | Code::Unavailable
            | Code::DataLoss
    )
}

/// Reads W3C trace context from the request's headers (gRPC metadata).
struct HeaderExtractor<'a>(&'a HeaderMap);

impl opentelemetry::propagation::Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|v| v.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|k| k.as_str()).collect()
    }
}

/// 128 random bits in hex: unique enough to find one call in the logs.
fn new_request_id() -> String {
    hex128(fastrand::u128(..))
}

/// `value` as 32 lower-case hex digits, as `format!("{value:032x}")` writes it, without the
/// formatting machinery.
fn hex128(value: u128) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut hex = [0u8; 32];
    for (i, digit) in hex.iter_mut().enumerate() {
        *digit = DIGITS[((value >> ((31 - i) * 4)) & 0xf) as usize];
    }
    // Only ASCII hex digits were written.
    String::from_utf8(hex.to_vec()).unwrap_or_default()
}

pin_project! {
    /// The response body, which finishes the call when it ends.
    pub struct CallBody<B> {
        #[pin]
        inner: B,
        call: Option<CallRecord>,
        header_status: Option<Code>,
    }

    impl<B> PinnedDrop for CallBody<B> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let Some(call) = this.call.take() {
                call.finish(this.header_status.unwrap_or(Code::Cancelled));
            }
        }
    }
}

impl<B: Body> Body for CallBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        let this = self.project();
        let polled = this.inner.poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                if let (Some(call), Some(data)) = (this.call.as_mut(), frame.data_ref()) {
                    call.bytes += bytes::Buf::remaining(data) as u64;
                }
                if let Some(trailers) = frame.trailers_ref() {
                    if let Some(call) = this.call.take() {
                        call.finish(status_of(trailers).unwrap_or(Code::Unknown));
                    }
                }
            }
            Poll::Ready(Some(Err(_))) => {
                if let Some(call) = this.call.take() {
                    call.finish(Code::Internal);
                }
            }
            Poll::Ready(None) => {
                if let Some(call) = this.call.take() {
                    call.finish(this.header_status.unwrap_or(Code::Unknown));
                }
            }
            Poll::Pending => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn status_of(headers: &HeaderMap) -> Option<Code> {
    let value = headers
        .get(super::GRPC_STATUS)?
        .to_str()
        .ok()?
        .parse::<i32>()
        .ok()?;
    Some(Code::from_i32(value))
}

#[cfg(test)]
mod span_status_tests {
    use super::*;

    #[test]
    fn request_ids_are_what_format_writes() {
        for value in [
            0,
            1,
            0xf,
            u128::MAX,
            u128::MAX / 3,
            0x0123_4567_89ab_cdef << 40,
        ] {
            assert_eq!(hex128(value), format!("{value:032x}"));
        }
        for _ in 0..1000 {
            let value = fastrand::u128(..);
            assert_eq!(hex128(value), format!("{value:032x}"));
        }
    }

    #[test]
    fn only_server_faults_fail_the_server_span() {
        for code in [
            Code::Ok,
            Code::Cancelled,
            Code::InvalidArgument,
            Code::NotFound,
            Code::AlreadyExists,
            Code::PermissionDenied,
            Code::ResourceExhausted,
            Code::FailedPrecondition,
            Code::Aborted,
            Code::OutOfRange,
            Code::Unauthenticated,
        ] {
            assert!(!server_fault(code), "{code:?}");
        }
        for code in [
            Code::Unknown,
            Code::DeadlineExceeded,
            Code::Unimplemented,
            Code::Internal,
            Code::Unavailable,
            Code::DataLoss,
        ] {
            assert!(server_fault(code), "{code:?}");
        }
    }
}
