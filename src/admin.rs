//! The admin HTTP listener, on its own port away from gRPC: `/metrics` (Prometheus text),
//! `/livez` (the process answers) and `/readyz` (it can serve: the database answers and it
//! is not shutting down), for environments without gRPC probes.

use axum::{extract::State, http::StatusCode, routing::get, Router};
use tokio::net::TcpListener;

use crate::{database::GraphDb, health::Health, observability, telemetry};

#[derive(Clone)]
struct AdminState {
    db: GraphDb,
    health: Health,
}

pub fn router(db: GraphDb, health: Health) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .route("/livez", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .with_state(AdminState { db, health })
}

/// Serves until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

async fn metrics(
    State(state): State<AdminState>,
) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    observability::record_pool(state.db.pool_status());
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        telemetry::metrics().render(),
    )
}

async fn readyz(State(state): State<AdminState>) -> (StatusCode, &'static str) {
    if state.health.is_ready() {
        (StatusCode::OK, "ready\n")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "not ready: the database does not answer, or graphrpc is shutting down\n",
        )
    }
}
