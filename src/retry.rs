//! graphrpc's retry policy: which failures are transient, and when to try again.
//!
//! The driver's own retries are off (see `database`): only here is it known whether the
//! caller's deadline leaves room for another attempt, and whether the work may be repeated.

use std::{future::Future, time::Duration};

use neo4rs::Neo4jErrorKind;
use tokio::time::Instant;
use tonic::Status;

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 disables retries.
    pub max_attempts: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The pause after `attempts` failed attempts: doubling from the initial backoff,
    /// capped, half of it random so that replicas do not retry in lockstep.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        let pause = self
            .initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff);
        pause / 2 + pause.mul_f64(fastrand::f64() / 2.0)
    }

    /// The pause before another attempt, if one is allowed and fits before the deadline.
    pub fn next_pause(&self, attempts: u32, deadline: Instant) -> Option<Duration> {
        if attempts >= self.max_attempts {
            return None;
        }
        let pause = self.backoff(attempts);
        (Instant::now() + pause < deadline).then_some(pause)
    }
}

/// Whether a failure means the work was not done and may succeed if tried again: the
/// database's transient errors, a cluster member that stopped being the leader, and a
/// connection that could not be made or was lost. Whether the work may actually be
/// repeated (a write that may have been applied) is the caller's half of the decision.
pub fn is_transient(error: &neo4rs::Error) -> bool {
    use neo4rs::Error as E;
    match error {
        E::Neo4j(e) => {
            e.kind() == Neo4jErrorKind::Transient
                || e.code() == "Neo.ClientError.Cluster.NotALeader"
                || e.code() == "Neo.ClientError.General.ForbiddenOnReadOnlyDatabase"
        }
        // A connection that could not be set up in time never carried the statement.
        E::IOError { .. }
        | E::ConnectionError
        | E::ConnectionTimedOut
        | E::ConnectionClosed(_)
        | E::ServerUnavailableError(_)
        | E::RoutingTableError(_)
        | E::RoutingTableRefreshFailed(_) => true,
        _ => false,
    }
}

/// Whether the database reported the failure itself: then the statement or commit was
/// refused and nothing was applied, unlike a connection lost mid-request.
pub fn reported_by_database(error: &neo4rs::Error) -> bool {
    matches!(error, neo4rs::Error::Neo4j(_))
}

/// One failed attempt, and whether it may be retried.
#[derive(Debug)]
pub struct Failed {
    pub status: Status,
    pub retryable: bool,
}

impl Failed {
    pub fn fatal(status: Status) -> Self {
        Failed {
            status,
            retryable: false,
        }
    }
}

/// Runs `attempt` until it succeeds, fails for good, or the policy or deadline allow no
/// further attempt. Returns the outcome and the number of attempts made.
pub async fn with_retries<T, Fut>(
    policy: &RetryPolicy,
    deadline: Instant,
    mut attempt: impl FnMut() -> Fut,
) -> (Result<T, Status>, u32)
where
    Fut: Future<Output = Result<T, Failed>>,
{
    let mut attempts = 0;
    loop {
        attempts += 1;
        match attempt().await {
            Ok(value) => return (Ok(value), attempts),
            Err(failed) => {
                let pause = if failed.retryable {
                    policy.next_pause(attempts, deadline)
                } else {
                    None
                };
                let Some(pause) = pause else {
                    let status = if attempts > 1 {
                        Status::with_details_and_metadata(
                            failed.status.code(),
                            format!("{} (after {attempts} attempts)", failed.status.message()),
                            failed.status.details().to_vec().into(),
                            failed.status.metadata().clone(),
                        )
                    } else {
                        failed.status
                    };
                    return (Err(status), attempts);
                };
                crate::observability::retried();
                tracing::info!(
                    attempt = attempts,
                    pause_ms = pause.as_millis() as u64,
                    error = failed.status.message(),
                    "transient failure: retrying"
                );
                tokio::time::sleep(pause).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
        }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let p = policy();
        for _ in 0..100 {
            let first = p.backoff(1);
            assert!(
                first >= Duration::from_millis(50) && first <= Duration::from_millis(100),
                "{first:?}"
            );
            let second = p.backoff(2);
            assert!(
                second >= Duration::from_millis(100) && second <= Duration::from_millis(200),
                "{second:?}"
            );
            let capped = p.backoff(10);
            assert!(
                capped >= Duration::from_millis(150) && capped <= Duration::from_millis(300),
                "{capped:?}"
            );
        }
    }

    #[tokio::test]
    async fn attempts_stop_at_the_limit_and_at_the_deadline() {
        let p = policy();
        assert!(p
            .next_pause(4, Instant::now() + Duration::from_secs(60))
            .is_none());
        assert!(p
            .next_pause(1, Instant::now() + Duration::from_millis(10))
            .is_none());
        assert!(p
            .next_pause(1, Instant::now() + Duration::from_secs(60))
            .is_some());
    }

    #[tokio::test]
    async fn retries_only_what_is_retryable() {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut calls = 0;
        let (result, attempts) = with_retries(&policy(), deadline, || {
            calls += 1;
            let n = calls;
            async move {
                if n < 3 {
                    Err(Failed {
                        status: Status::unavailable("down"),
                        retryable: true,
                    })
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!((result.expect("third time lucky"), attempts), (3, 3));

        let (result, attempts) = with_retries(&policy(), deadline, || async {
            Err::<(), _>(Failed::fatal(Status::invalid_argument("bad")))
        })
        .await;
        assert_eq!(attempts, 1);
        assert_eq!(result.expect_err("fatal").message(), "bad");

        let (result, attempts) = with_retries(&policy(), deadline, || async {
            Err::<(), _>(Failed {
                status: Status::unavailable("down"),
                retryable: true,
            })
        })
        .await;
        assert_eq!(attempts, 4);
        assert!(result
            .expect_err("gave up")
            .message()
            .ends_with("(after 4 attempts)"));
    }

    #[test]
    fn transient_errors_are_recognised() {
        let io = neo4rs::Error::IOError {
            detail: std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        };
        assert!(is_transient(&io));
        assert!(!reported_by_database(&io));
        assert!(!is_transient(&neo4rs::Error::AuthenticationError(
            "no".into()
        )));
    }
}
