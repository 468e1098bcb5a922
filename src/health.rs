//! The database probe behind the health endpoints: gRPC health (SERVING only while the
//! database answers, NOT_SERVING as soon as it does not, and back when it returns) and the
//! admin listener's `/readyz`, which always agree.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::watch;
use tonic_health::{server::HealthReporter, ServingStatus};

use crate::database::GraphDb;

/// The services whose health follows the database: "" (the whole server) and
/// GraphQueryService.
pub const SERVICES: [&str; 2] = ["", "graphrpc.v1.GraphQueryService"];

/// A health service name for liveness probes: SERVING whenever the process can answer,
/// whatever the database's state (a restart cannot fix a database).
pub const LIVENESS: &str = "liveness";

/// How long one probe may take before the database counts as down.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where graphrpc reports whether it can serve.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    ready: Arc<AtomicBool>,
}

impl Health {
    pub fn new(reporter: HealthReporter) -> Self {
        Health {
            reporter,
            ready: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Reports the process alive on the [`LIVENESS`] service; nothing turns it off.
    pub async fn alive(&self) {
        self.reporter
            .set_service_status(LIVENESS, ServingStatus::Serving)
            .await;
    }

    pub async fn set(&self, serving: bool) {
        self.ready.store(serving, Ordering::SeqCst);
        let status = if serving {
            ServingStatus::Serving
        } else {
            ServingStatus::NotServing
        };
        for service in SERVICES {
            self.reporter.set_service_status(service, status).await;
        }
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}

/// Probes the database every `interval` until `stop` turns true.
pub async fn watch_database(
    db: GraphDb,
    health: Health,
    interval: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let mut last: Option<bool> = None;
    loop {
        let started = std::time::Instant::now();
        let up = matches!(
            tokio::time::timeout(PROBE_TIMEOUT, db.ping()).await,
            Ok(Ok(()))
        );
        // Its own metrics: the probe is not a caller's statement, and every replica runs
        // one every interval.
        crate::observability::health_probed(up, started.elapsed());
        // The probe may have raced with shutdown, which already reported NOT_SERVING.
        if *stop.borrow() {
            return;
        }
        if last != Some(up) {
            if up {
                tracing::info!("database answers: SERVING");
            } else {
                tracing::warn!("database does not answer: NOT_SERVING");
            }
            health.set(up).await;
            last = Some(up);
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
    }
}
