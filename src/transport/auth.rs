//! Authentication and the per-principal rate limit, before any handler runs.
//!
//! Every GraphQueryService call gets a [`Principal`] in its request extensions: from its bearer
//! token (`authorization: Bearer ...`), else from its verified client certificate, else
//! the call is refused with UNAUTHENTICATED. Without an access file graphrpc runs open and
//! every call is the anonymous principal's. Health and reflection need none: probes and
//! grpcurl's schema lookups carry no credentials, and they reveal no data.
//!
//! Tokens never reach a log line or an error message.

use std::{
    future::Future,
    num::NonZeroU32,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
    time::Duration,
};

use governor::{clock::Clock as _, DefaultKeyedRateLimiter, Quota, RateLimiter};
use http::HeaderValue;
use tonic::{Code, Status};
use tower::{Layer, Service};

use crate::{
    auth::{access::AccessTable, Principal},
    configuration::RateLimit,
    errors, observability,
    reload::Current,
};

use super::tls::client_subject;

/// The authenticated principal's name, left on the response for the call's log line.
#[derive(Debug, Clone)]
pub struct CallerName(pub Arc<str>);

#[derive(Clone)]
pub struct AuthLayer {
    /// None: open, every caller is `anonymous`.
    access: Option<Current<AccessTable>>,
    /// Built once: open mode hands out a clone per call.
    anonymous: Principal,
    limiter: Option<Arc<Limiter>>,
}

struct Limiter {
    buckets: DefaultKeyedRateLimiter<Arc<str>>,
    rate: RateLimit,
}

impl AuthLayer {
    pub fn new(access: Option<Current<AccessTable>>, rate: RateLimit) -> Self {
        let limiter = NonZeroU32::new(rate.per_second).map(|per_second| {
            let burst = NonZeroU32::new(rate.burst).unwrap_or(per_second);
            Arc::new(Limiter {
                buckets: RateLimiter::keyed(Quota::per_second(per_second).allow_burst(burst)),
                rate,
            })
        });
        AuthLayer {
            access,
            anonymous: Principal::anonymous(),
            limiter,
        }
    }

    /// Who is calling, or why the call is refused.
    fn authenticate(&self, request: &http::Request<impl Sized>) -> Result<Principal, Status> {
        let Some(access) = &self.access else {
            return Ok(self.anonymous.clone());
        };
        let access = access.load();
        if let Some(value) = request.headers().get(http::header::AUTHORIZATION) {
            let token = bearer_token(value).ok_or_else(|| {
                observability::call_denied("unauthenticated");
                invalid_credentials("the authorization metadata must be `Bearer <token>`")
            })?;
            return access.by_token(token).cloned().ok_or_else(|| {
                observability::call_denied("unauthenticated");
                invalid_credentials("the bearer token is not valid")
            });
        }
        if let Some(subject) = client_subject(request.extensions()) {
            return access.by_subject(&subject).cloned().ok_or_else(|| {
                observability::call_denied("unauthenticated");
                invalid_credentials(format!(
                    "the client certificate's subject `{subject}` is not in the access file"
                ))
            });
        }
        observability::call_denied("unauthenticated");
        Err(errors::refused(
            Code::Unauthenticated,
            "no credentials: send the metadata `authorization: Bearer <token>`",
            crate::errors::reason::CREDENTIALS_MISSING,
            [],
        ))
    }

    /// Spends one call from the principal's bucket.
    fn admit(&self, principal: &Principal) -> Result<(), Refusal> {
        let Some(limiter) = &self.limiter else {
            return Ok(());
        };
        limiter.buckets.check_key(&principal.name).map_err(|not_until| {
            observability::call_denied("rate_limited");
            let wait = not_until.wait_time_from(limiter.buckets.clock().now());
            Refusal {
                status: errors::refused(
                    Code::ResourceExhausted,
                    format!(
                        "principal `{}` is over its rate limit (GRAPHRPC_RATE_LIMIT={} calls/s, GRAPHRPC_RATE_BURST={}); retry after the pushback",
                        principal.name, limiter.rate.per_second, limiter.rate.burst
                    ),
                    crate::errors::reason::RATE_LIMITED,
                    [],
                ),
                pushback: Some(wait),
            }
        })
    }
}

/// UNAUTHENTICATED for credentials that were sent but are malformed or unknown.
fn invalid_credentials(message: impl Into<String>) -> Status {
    errors::refused(
        Code::Unauthenticated,
        message,
        crate::errors::reason::CREDENTIALS_INVALID,
        [],
    )
}

/// The token of an `authorization: Bearer <token>` value (the scheme in any case).
fn bearer_token(value: &HeaderValue) -> Option<&str> {
    let text = value.to_str().ok()?;
    let (scheme, token) = text.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

struct Refusal {
    status: Status,
    pushback: Option<Duration>,
}

impl From<Status> for Refusal {
    fn from(status: Status) -> Self {
        Refusal {
            status,
            pushback: None,
        }
    }
}

impl Refusal {
    fn into_response<B: Default>(self) -> http::Response<B> {
        super::refusal(self.status, self.pushback)
    }
}

impl<S> Layer<S> for AuthLayer {
    type Service = Auth<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Auth {
            inner,
            layer: self.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Auth<S> {
    inner: S,
    layer: AuthLayer,
}

impl<S, ReqBody, ResBody> Service<http::Request<ReqBody>> for Auth<S>
where
    S: Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
    ResBody: Default,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<ReqBody>) -> Self::Future {
        if request.uri().path().starts_with("/grpc.") {
            return Box::pin(self.inner.call(request));
        }
        let principal = match self.layer.authenticate(&request).map_err(Refusal::from) {
            Ok(principal) => principal,
            Err(refusal) => return Box::pin(async move { Ok(refusal.into_response()) }),
        };
        if let Err(refusal) = self.layer.admit(&principal) {
            return Box::pin(async move {
                let mut response = refusal.into_response();
                response.extensions_mut().insert(CallerName(principal.name));
                Ok(response)
            });
        }
        let name = CallerName(principal.name.clone());
        request.extensions_mut().insert(principal);
        let response = self.inner.call(request);
        Box::pin(async move {
            let mut response = response.await?;
            response.extensions_mut().insert(name);
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_value() {
        let token = |v: &'static str| bearer_token(&HeaderValue::from_static(v)).map(str::to_owned);
        assert_eq!(token("Bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("bearer  abc ").as_deref(), Some("abc"));
        assert_eq!(token("Basic abc"), None);
        assert_eq!(token("Bearer "), None);
        assert_eq!(token("abc"), None);
    }

    #[test]
    fn a_refusal_is_a_trailers_only_grpc_response() {
        let refusal = Refusal {
            status: Status::resource_exhausted("slow down"),
            pushback: Some(Duration::from_millis(250)),
        };
        let response: http::Response<String> = refusal.into_response();
        assert_eq!(response.headers()["grpc-status"], "8");
        assert_eq!(response.headers()["grpc-retry-pushback-ms"], "250");
    }
}
