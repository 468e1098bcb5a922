//! The database probe behind the standard gRPC health service: SERVING only while the
//! database answers, NOT_SERVING as soon as it does not, and back when it returns.

use std::time::Duration;

use tokio::sync::watch;
use tonic_health::{server::HealthReporter, ServingStatus};

use crate::database::GraphDb;

/// The services whose health follows the database: "" (the whole server) and GraphQuery.
pub const SERVICES: [&str; 2] = ["", "graphrpc.v1.GraphQuery"];

/// How long one probe may take before the database counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

pub async fn set_all(reporter: &HealthReporter, status: ServingStatus) {
    for service in SERVICES {
        reporter.set_service_status(service, status).await;
    }
}

/// Probes the database every `interval` until `stop` turns true.
pub async fn watch_database(
    db: GraphDb,
    reporter: HealthReporter,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut last: Option<bool> = None;
    loop {
        let up = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await,
            Ok(Ok(()))
        );
        // The probe may have raced with shutdown, which already reported NOT_SERVING.
        if *stop.borrow() {
            return;
        }
        if last != Some(up) {
            if up {
                tracing::info!("database answers: SERVING");
                set_all(&reporter, ServingStatus::Serving).await;
            } else {
                tracing::warn!("database does not answer: NOT_SERVING");
                set_all(&reporter, ServingStatus::NotServing).await;
            }
            last = Some(up);
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
    }
}
