//! The gate every call passes before any handler: what the gRPC contract says a server
//! must refuse, refused here, where graphrpc (not the transport library) is in control.
//! - While draining (after SIGTERM) new calls get UNAVAILABLE at once, so that clients go
//!   to another replica; health checks still pass, and answer NOT_SERVING.
//! - A request whose content-type is not `application/grpc…` gets HTTP 415, as the gRPC
//!   protocol document asks (a JSON request is not run as gRPC).
//! - A deadline already spent (`grpc-timeout: 0n`) gets DEADLINE_EXCEEDED without running.
//! - An `authorization` header longer than any token gets UNAUTHENTICATED (the HTTP/2
//!   header-list limits themselves are set in `startup`).
//! - A unary-request method called with no request message, or with more than one, gets
//!   UNIMPLEMENTED (gRPC's code for cardinality violations); tonic itself would answer
//!   INTERNAL, or run the first message and ignore the rest.

use std::{
    future::Future,
    pin::Pin,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    task::{Context, Poll},
    time::Duration,
};

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use pin_project_lite::pin_project;
use tonic::Status;
use tower::{Layer, Service};

use super::traffic::CallDeadline;
use crate::conversions::request::grpc_timeout_value;

/// Methods whose request is a stream (service, method): any number of messages is fine.
const STREAMING_REQUESTS: [(&str, &str); 3] = [
    (GRAPH_QUERY, "Transaction"),
    (
        "grpc.reflection.v1.ServerReflection",
        "ServerReflectionInfo",
    ),
    (
        "grpc.reflection.v1alpha.ServerReflection",
        "ServerReflectionInfo",
    ),
];

const GRAPH_QUERY: &str = crate::proto::v1::graph_query_service_server::SERVICE_NAME;

/// Whether the method at `path` (`/service/method`) takes a stream of request messages.
fn streams_requests(path: &str) -> bool {
    path.strip_prefix('/')
        .and_then(|path| path.split_once('/'))
        .is_some_and(|call| STREAMING_REQUESTS.contains(&call))
}

/// Requests refused before gRPC handling, by reason (content-type here; h2's stream resets
/// of malformed requests in `refused`).
pub const REFUSED: &str = "graphrpc_requests_refused_total";

/// Longest `authorization` header looked at; a longer one is refused as no token at all.
pub const MAX_AUTHORIZATION_BYTES: usize = 16 * 1024;

/// Set once, on SIGTERM or SIGINT: from then on new calls are refused.
#[derive(Debug, Clone, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn start(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Debug, Clone, Default)]
pub struct GateLayer {
    draining: Draining,
}

impl GateLayer {
    pub fn new(draining: Draining) -> Self {
        GateLayer { draining }
    }
}

impl<S> Layer<S> for GateLayer {
    type Service = Gate<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Gate {
            inner,
            draining: self.draining.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Gate<S> {
    inner: S,
    draining: Draining,
}

impl<S, ResBody> Service<http::Request<tonic::body::Body>> for Gate<S>
where
    S: Service<http::Request<tonic::body::Body>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Default + Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<tonic::body::Body>) -> Self::Future {
        if let Some(refused) = self.refusal(&request) {
            return Box::pin(async move { Ok(refused) });
        }
        let path = request.uri().path();
        let request = if streams_requests(path) {
            request
        } else {
            request.map(|body| tonic::body::Body::new(OneMessage::new(body)))
        };
        Box::pin(self.inner.call(request))
    }
}

impl<S> Gate<S> {
    fn refusal<B: Default>(
        &self,
        request: &http::Request<tonic::body::Body>,
    ) -> Option<http::Response<B>> {
        let headers = request.headers();
        let grpc = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/grpc"));
        if !grpc {
            metrics::counter!(REFUSED, "reason" => "content-type").increment(1);
            let mut response = super::refusal::<B>(
                Status::invalid_argument(
                    "graphrpc speaks gRPC only: content-type must be application/grpc",
                ),
                None,
            );
            *response.status_mut() = http::StatusCode::UNSUPPORTED_MEDIA_TYPE;
            return Some(response);
        }
        if let Some(token) = headers.get(http::header::AUTHORIZATION) {
            if token.len() > MAX_AUTHORIZATION_BYTES {
                return Some(super::refusal(
                    crate::errors::refused(
                        tonic::Code::Unauthenticated,
                        format!(
                            "the authorization header is {} bytes; no token is longer than {} KiB",
                            token.len(),
                            MAX_AUTHORIZATION_BYTES >> 10
                        ),
                        crate::errors::reason::CREDENTIALS_INVALID,
                        [],
                    ),
                    None,
                ));
            }
        }
        if self.draining.is_on() && !request.uri().path().starts_with("/grpc.health.") {
            return Some(super::refusal(
                crate::errors::refused(
                    tonic::Code::Unavailable,
                    "graphrpc is shutting down; retry on another replica",
                    crate::errors::reason::SHUTTING_DOWN,
                    [],
                ),
                None,
            ));
        }
        // Parsed once, by the traffic layer; parsed here only for calls it leaves alone.
        let spent = match request.extensions().get::<CallDeadline>() {
            Some(CallDeadline(deadline)) => deadline.is_zero(),
            None => headers
                .get(super::GRPC_TIMEOUT)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| grpc_timeout_value(v).ok())
                .is_some_and(|t| t == Duration::ZERO),
        };
        if spent {
            return Some(super::refusal(
                Status::deadline_exceeded(
                    "the call's deadline (grpc-timeout 0) was spent before it arrived",
                ),
                None,
            ));
        }
        None
    }
}

pin_project! {
    /// A unary request's body, checked to carry exactly one gRPC message: a second message
    /// or none at all turns into an UNIMPLEMENTED error that tonic reports as the call's
    /// status before the handler runs.
    struct OneMessage {
        #[pin]
        inner: tonic::body::Body,
        // The 5-byte message prefix being read, and how much of it has arrived.
        prefix: [u8; 5],
        prefix_len: usize,
        // Bytes of the current message still to come.
        remaining: u64,
        messages: u32,
    }
}

impl OneMessage {
    fn new(inner: tonic::body::Body) -> Self {
        OneMessage {
            inner,
            prefix: [0; 5],
            prefix_len: 0,
            remaining: 0,
            messages: 0,
        }
    }
}

/// Counts the messages that start in `data`; fails at the second.
fn count(
    data: &[u8],
    prefix: &mut [u8; 5],
    prefix_len: &mut usize,
    remaining: &mut u64,
    messages: &mut u32,
) -> Result<(), Status> {
    let mut at = 0;
    while at < data.len() {
        if *remaining > 0 {
            let take = (*remaining).min((data.len() - at) as u64);
            *remaining -= take;
            at += take as usize;
            continue;
        }
        if *prefix_len == 0 {
            // A message starts: its first byte is enough to know there is a second.
            *messages += 1;
            if *messages > 1 {
                return Err(Status::unimplemented(
                    "more than one request message for a method that takes one",
                ));
            }
        }
        prefix[*prefix_len] = data[at];
        *prefix_len += 1;
        at += 1;
        if *prefix_len == prefix.len() {
            *prefix_len = 0;
            *remaining = u64::from(u32::from_be_bytes([
                prefix[1], prefix[2], prefix[3], prefix[4],
            ]));
        }
    }
    Ok(())
}

impl Body for OneMessage {
    type Data = Bytes;
    type Error = Status;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Status>>> {
        let this = self.project();
        match this.inner.poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    count(
                        data,
                        this.prefix,
                        this.prefix_len,
                        this.remaining,
                        this.messages,
                    )?;
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(None) if *this.messages == 0 => {
                // Counted once: the error ends the body.
                *this.messages = 1;
                Poll::Ready(Some(Err(Status::unimplemented(
                    "no request message for a method that takes one",
                ))))
            }
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        // Never claimed early: an empty body must still be polled, to be refused.
        self.messages > 0 && self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    fn messages(chunks: &[&[u8]]) -> Result<u32, tonic::Status> {
        let (mut prefix, mut prefix_len, mut remaining, mut messages) = ([0; 5], 0, 0, 0);
        for chunk in chunks {
            count(
                chunk,
                &mut prefix,
                &mut prefix_len,
                &mut remaining,
                &mut messages,
            )?;
        }
        Ok(messages)
    }

    #[test]
    fn only_the_transaction_and_reflection_streams_take_many_messages() {
        use super::streams_requests;
        assert!(streams_requests(
            "/graphrpc.v1.GraphQueryService/Transaction"
        ));
        assert!(streams_requests(
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"
        ));
        assert!(!streams_requests("/graphrpc.v1.GraphQueryService/Run"));
        assert!(!streams_requests("/grpc.health.v1.Health/Watch"));
        assert!(!streams_requests("Transaction"));
    }

    #[test]
    fn one_message_in_any_chunking_passes_and_a_second_is_refused() {
        let one: &[u8] = &[0, 0, 0, 0, 3, 1, 2, 3];
        assert_eq!(messages(&[one]).unwrap(), 1);
        assert_eq!(messages(&[&one[..2], &one[2..6], &one[6..]]).unwrap(), 1);
        assert_eq!(
            messages(&[&[0, 0, 0, 0, 0]]).unwrap(),
            1,
            "an empty message counts"
        );
        let two: Vec<u8> = [one, one].concat();
        let refused = messages(&[&two]).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::Unimplemented);
        assert!(
            messages(&[one, &[0]]).is_err(),
            "the second's first byte is enough"
        );
    }
}
