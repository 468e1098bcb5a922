//! Authentication, before any handler runs: every GraphQuery call gets a [`Principal`] in
//! its request extensions (the anonymous one while graphrpc runs open). Health and
//! reflection need none: probes and grpcurl's schema lookups carry no credentials.

use std::task::{Context, Poll};

use tower::{Layer, Service};

use crate::auth::Principal;

#[derive(Debug, Clone, Default)]
pub struct AuthLayer;

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth { inner }
    }
}

#[derive(Debug, Clone)]
pub struct Auth<S> {
    inner: S,
}

impl<S, ReqBody> Service<http::Request<ReqBody>> for Auth<S>
where
    S: Service<http::Request<ReqBody>>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        request.extensions_mut().insert(Principal::anonymous());
        self.inner.call(request)
    }
}
