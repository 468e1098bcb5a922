//! The database probe behind the health endpoints: gRPC health (SERVING only while the
//! database answers, NOT_SERVING as soon as it does not, and back when it returns) and the
//! admin listener's `/readyz`, which always agree.
//!
//! Readiness answers "can this replica reach the database", never "is a pooled connection
//! free": the probe has a driver of its own, with one connection, outside the shared pool.
//! Had it borrowed from the pool, a pool held by open transactions would turn every replica
//! NOT_SERVING at the same moment and Kubernetes would empty the Service, an outage made by
//! the probe. Saturation is answered by load shedding (RESOURCE_EXHAUSTED with pushback) and
//! shown by the pool metrics. The other way the issue offered, evidence from recent
//! successful calls, was not taken: an idle replica has no such evidence and would need the
//! probe anyway, and a replica whose calls all fail for the caller's own reasons (bad
//! Cypher, deadlines) would look down. The cost is one more Bolt connection per replica.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use tokio::sync::{watch, Mutex};
use tonic_health::{server::HealthReporter, ServingStatus};

use crate::{configuration::DatabaseSettings, database::GraphDb};

/// The services whose health follows the database: "" (the whole server) and
/// GraphQueryService.
pub const SERVICES: [&str; 2] = ["", "graphrpc.v1.GraphQueryService"];

/// A health service name for liveness probes: SERVING whenever the process can answer,
/// whatever the database's state (a restart cannot fix a database).
pub const LIVENESS: &str = "liveness";

/// How long one probe may take before the database counts as down.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// The probe's own driver: the database settings with a pool of one connection, and no
/// response awaited longer than the probe may take (a stalled connection is dropped, not
/// kept for the next probe).
pub fn probe_driver(settings: &DatabaseSettings) -> anyhow::Result<GraphDb> {
    GraphDb::connect(&DatabaseSettings {
        pool_size: 1,
        response_timeout: PROBE_TIMEOUT,
        ..settings.clone()
    })
}

/// Where graphrpc reports whether it can serve.
#[derive(Clone)]
pub struct Health {
    reporter: HealthReporter,
    ready: Arc<AtomicBool>,
    /// Set on shutdown: nothing turns the status back to SERVING afterwards.
    draining: Arc<AtomicBool>,
    /// One status change at a time, so a probe finishing during shutdown cannot overwrite
    /// the NOT_SERVING that shutdown wrote.
    changing: Arc<Mutex<()>>,
}

impl Health {
    pub fn new(reporter: HealthReporter) -> Self {
        Health {
            reporter,
            ready: Arc::new(AtomicBool::new(false)),
            draining: Arc::new(AtomicBool::new(false)),
            changing: Arc::new(Mutex::new(())),
        }
    }

    /// Reports the process alive on the [`LIVENESS`] service; nothing turns it off.
    pub async fn alive(&self) {
        self.reporter
            .set_service_status(LIVENESS, ServingStatus::Serving)
            .await;
    }

    pub async fn set(&self, serving: bool) {
        let _one_at_a_time = self.changing.lock().await;
        let serving = serving && !self.draining.load(Ordering::SeqCst);
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

    /// NOT_SERVING for good: the process is shutting down.
    pub async fn drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
        self.set(false).await;
    }

    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }
}

/// Probes the database every `interval`, through the probe's own driver (see
/// [`probe_driver`]), until `stop` turns true.
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
