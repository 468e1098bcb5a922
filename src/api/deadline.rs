//! A call's deadline as one timer polled beside each driver future in turn. `timeout_at`
//! around every await builds a timer of its own each time (a runtime handle, a timer entry)
//! and moves the driver's future into its wrapper; on the unary path that was a measurable
//! share of a call's instructions (bench/results/issue19.md).

use std::{
    future::{poll_fn, Future},
    pin::Pin,
    task::Poll,
};

use tokio::time::Sleep;

/// `future`'s output, or None once `deadline` has passed first. The future is polled before
/// the timer, like `timeout_at`: a result that is ready wins over an elapsed deadline.
pub fn before<'a, F: Future>(
    mut deadline: Pin<&'a mut Sleep>,
    mut future: Pin<&'a mut F>,
) -> impl Future<Output = Option<F::Output>> + 'a {
    poll_fn(move |cx| {
        if let Poll::Ready(output) = future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        deadline.as_mut().poll(cx).map(|()| None)
    })
}

#[cfg(test)]
mod tests {
    use std::{pin::pin, time::Duration};

    use tokio::time::{sleep, sleep_until, Instant};

    use super::*;

    #[tokio::test]
    async fn a_ready_future_wins_over_a_passed_deadline() {
        let mut deadline = pin!(sleep_until(Instant::now()));
        sleep(Duration::from_millis(5)).await;
        let ready = pin!(async { 7 });
        assert_eq!(before(deadline.as_mut(), ready).await, Some(7));
    }

    #[tokio::test]
    async fn the_deadline_ends_a_waiting_future_and_serves_the_next_one() {
        let mut deadline = pin!(sleep_until(Instant::now() + Duration::from_millis(200)));
        let quick = pin!(async {
            sleep(Duration::from_millis(10)).await;
            1
        });
        assert_eq!(before(deadline.as_mut(), quick).await, Some(1));
        // Generous bound: the machine is shared and loaded.
        let slow = pin!(sleep(Duration::from_secs(30)));
        let started = Instant::now();
        assert_eq!(before(deadline.as_mut(), slow).await, None);
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
