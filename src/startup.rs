//! Building the application (driver, services, listeners) and running it until shutdown.

use std::{future::Future, net::SocketAddr, pin::Pin};

use anyhow::Context;
use tokio::{net::TcpListener, sync::watch};
use tonic::transport::{server::TcpIncoming, Server};

use crate::{
    admin,
    api::{ApiState, GraphQueryService},
    auth::{access::AccessTable, statements::StatementPolicy},
    catalog::{self, Catalog},
    configuration::Settings,
    database::GraphDb,
    health::{self, Health},
    proto::{v1::graph_query_service_server::GraphQueryServiceServer, FILE_DESCRIPTOR_SET},
    reload::{self, Current},
    telemetry,
    transport::{tls::TlsListener, AuthLayer, CallLayer, Draining, GateLayer, TrafficLayer},
};

/// Largest header list (HPACK-decoded, as HTTP/2 counts it) a call may send. Set here, not
/// left to hyper's 16 KiB default, because h2 closes the whole connection (GOAWAY
/// ENHANCE_YOUR_CALM) for a list over four times the limit: at 16 KiB a single 64 KiB
/// `authorization` header took every call on its connection down. Up to this limit a call
/// reaches graphrpc, which refuses an oversized token by itself (transport::gate); between
/// it and four times it h2 refuses that one stream (HTTP 431, REFUSED_STREAM); beyond, h2
/// still closes the connection.
pub const MAX_HEADER_LIST_BYTES: u32 = 128 * 1024;

/// Request bytes one stream may have in flight before graphrpc has read them (HTTP/2's own
/// default window; hyper's is 1 MiB). Set with [`CONNECTION_WINDOW_BYTES`] so that flow
/// control, not h2's frame budget, stops a client pipelining small messages without reading
/// the answers. h2 charges each DATA frame under 256 bytes that it holds unread against a
/// budget of half the connection window and closes the whole connection (GOAWAY
/// ENHANCE_YOUR_CALM, "too_many_data_frames") when it runs out; it reads all the socket
/// holds before any handler runs. Under hyper's defaults (1 MiB windows, 512 KiB budget)
/// 2 200 pipelined statements did that. Now one stream can hold at most 64 KiB unread: at
/// one statement of 17 bytes a frame that is 3 855 frames, about 0.9 MiB of budget; at the
/// smallest gRPC message (5 bytes) about 3.1 MiB; both under the 8 MiB budget.
pub const STREAM_WINDOW_BYTES: u32 = 64 * 1024;

/// Request bytes a whole connection may have in flight unread. Its half is h2's frame
/// budget (8 MiB), so several streams can pipeline at once. It grants no extra memory at
/// the default stream limit: 256 streams × [`STREAM_WINDOW_BYTES`] is this much.
pub const CONNECTION_WINDOW_BYTES: u32 = 16 * 1024 * 1024;

pub struct Application {
    listener: TcpListener,
    admin_listener: TcpListener,
    local_addr: SocketAddr,
    admin_addr: SocketAddr,
    db: GraphDb,
    access: Option<Current<AccessTable>>,
    /// None: plaintext gRPC.
    tls: Option<TlsListener>,
    catalog: Option<Current<Catalog>>,
    settings: Settings,
}

impl Application {
    /// Creates the one pooled driver and binds both listeners (port 0 picks a free port).
    /// The database need not be up: the driver connects when it first needs to.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        // Before anything builds a rustls config (the driver does for bolt+s://).
        crate::transport::tls::install_crypto_provider();
        let db = GraphDb::connect(&settings.database).context("cannot create the Neo4j driver")?;
        // A bad catalog stops start-up with the file, the entry and the reason.
        let catalog = match &settings.security.catalog_file {
            Some(path) => Some(
                catalog::watch(
                    path.clone(),
                    settings.security.reload_interval,
                    settings.limits,
                )
                .map_err(anyhow::Error::msg)?,
            ),
            None => None,
        };
        let listener = TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let admin_listener = TcpListener::bind(settings.admin_listen)
            .await
            .with_context(|| format!("cannot listen on {} (admin)", settings.admin_listen))?;
        let access = match &settings.security.access_file {
            Some(path) => Some(
                reload::watch(
                    "access file",
                    path.clone(),
                    settings.security.reload_interval,
                    AccessTable::parse,
                )
                .map_err(|e| anyhow::anyhow!("GRAPHRPC_ACCESS_FILE: {e}"))?,
            ),
            None => {
                tracing::warn!(
                    "no GRAPHRPC_ACCESS_FILE: graphrpc runs open, and anyone who reaches its port may run any Cypher"
                );
                None
            }
        };
        let tls = match &settings.tls {
            Some(files) => Some(TlsListener::load(files).await?),
            None => None,
        };
        // The recorder is process-wide: installed by the first application built.
        telemetry::metrics();
        Ok(Application {
            local_addr: listener.local_addr()?,
            admin_addr: admin_listener.local_addr()?,
            listener,
            admin_listener,
            db,
            access,
            tls,
            catalog,
            settings,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The admin listener's address: /metrics, /livez, /readyz.
    pub fn admin_addr(&self) -> SocketAddr {
        self.admin_addr
    }

    /// The shared driver (tests read its pool).
    pub fn db(&self) -> &GraphDb {
        &self.db
    }

    /// Serves until `shutdown` completes, then drains: health turns NOT_SERVING, the
    /// listener closes and new calls are refused, in-flight calls get the grace period to
    /// finish, and the pool is closed.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()>) -> anyhow::Result<()> {
        let Application {
            listener,
            admin_listener,
            local_addr,
            admin_addr,
            db,
            access,
            tls,
            catalog,
            settings,
        } = self;

        let (reporter, health_service) = tonic_health::server::health_reporter();
        let health = Health::new(reporter);
        health.set(false).await;
        health.alive().await;
        let (stop_probe, probe_stopped) = watch::channel(false);
        let probe_db = health::probe_driver(&settings.database)
            .context("cannot create the health probe's driver")?;
        let probe = tokio::spawn(health::watch_database(
            probe_db,
            health.clone(),
            settings.health_interval,
            probe_stopped,
        ));

        let (stop_admin, admin_stopped) = watch::channel(false);
        let admin = tokio::spawn(admin::serve(
            admin_listener,
            admin::router(db.clone(), health.clone()),
            async move {
                let mut stopped = admin_stopped;
                let _ = stopped.wait_for(|stop| *stop).await;
            },
        ));

        // Reflection describes the public services only: GraphQueryService and Health,
        // plus google.rpc's error details so that grpcurl can print them.
        let reflection = || {
            tonic_reflection::server::Builder::configure()
                .include_reflection_service(false)
                .register_encoded_file_descriptor_set(FILE_DESCRIPTOR_SET)
                .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        };
        let reflection_v1 = reflection().build_v1()?;
        let reflection_v1alpha = reflection().build_v1alpha()?;

        let api = GraphQueryService::new(ApiState {
            db: db.clone(),
            limits: settings.limits,
            retry: settings.retry,
            catalog,
            statements: StatementPolicy::new(
                settings.security.procedures.clone(),
                settings.security.classify_statements,
            ),
        });
        let incoming = TcpIncoming::from(listener)
            .with_nodelay(Some(true))
            .with_keepalive(Some(settings.http2.tcp_keepalive));
        let draining = Draining::default();
        let (drain, drain_requested) = tokio::sync::oneshot::channel::<()>();
        let drained = async {
            let _ = drain_requested.await;
        };
        let router = Server::builder()
            .http2_keepalive_interval(Some(settings.http2.keepalive_interval))
            .http2_keepalive_timeout(Some(settings.http2.keepalive_timeout))
            .max_concurrent_streams(Some(settings.http2.max_concurrent_streams))
            .http2_max_header_list_size(MAX_HEADER_LIST_BYTES)
            .initial_stream_window_size(STREAM_WINDOW_BYTES)
            .initial_connection_window_size(CONNECTION_WINDOW_BYTES)
            // Off (hyper's default, said here): the estimator would grow the stream window
            // up to the connection's and undo the bound above.
            .http2_adaptive_window(Some(false))
            .layer(CallLayer)
            .layer(TrafficLayer::new(settings.traffic))
            .layer(GateLayer::new(draining.clone()))
            .layer(AuthLayer::new(access, settings.security.rate_limit))
            .add_service(health_service)
            .add_service(reflection_v1)
            .add_service(reflection_v1alpha)
            .add_service(
                GraphQueryServiceServer::new(api)
                    .max_decoding_message_size(settings.limits.max_request_bytes),
            );
        // One serve future per kind of connection (plaintext and TLS streams differ in type).
        let server: Pin<Box<dyn Future<Output = Result<(), tonic::transport::Error>> + Send>> =
            match tls {
                None => Box::pin(router.serve_with_incoming_shutdown(incoming, drained)),
                Some(tls) => {
                    Box::pin(router.serve_with_incoming_shutdown(tls.incoming(incoming), drained))
                }
            };
        let mut server = tokio::spawn(server);
        tracing::info!(
            address = %local_addr,
            admin = %admin_addr,
            tls = settings.tls.is_some(),
            database = %without_userinfo(&settings.database.uri),
            worker_threads = tokio::runtime::Handle::current().metrics().num_workers(),
            "graphrpc serving"
        );

        tokio::select! {
            result = &mut server => {
                // The server stopped on its own: an error, not a shutdown.
                let _ = stop_probe.send(true);
                let _ = stop_admin.send(true);
                return result.context("the server task failed")?.context("the server failed");
            }
            () = shutdown => {}
        }

        // At once, whatever the database is doing: new calls refused, health NOT_SERVING,
        // and no waiting for a probe in flight (it may be stalled on the database).
        let grace_over = tokio::time::Instant::now() + settings.shutdown_grace;
        draining.start();
        probe.abort();
        let _ = stop_probe.send(true);
        health.drain().await;
        tracing::info!(grace = ?settings.shutdown_grace, "shutting down: draining calls");
        // Connections stay open a moment before GOAWAY, so a call already on its way is
        // answered UNAVAILABLE by the gate (a status every client understands) instead of
        // racing the GOAWAY, which some clients (tonic) report as CANCELLED.
        let goaway_at = (tokio::time::Instant::now() + REFUSAL_WINDOW).min(grace_over);
        tokio::select! {
            result = &mut server => {
                return result.context("the server task failed")?.context("the server failed");
            }
            () = tokio::time::sleep_until(goaway_at) => {}
        }
        let _ = drain.send(());
        match tokio::time::timeout_at(grace_over, &mut server).await {
            Ok(result) => result
                .context("the server task failed")?
                .context("the server failed")?,
            Err(_) => {
                tracing::warn!("grace period over: cutting off the calls still running");
                server.abort();
            }
        }
        let _ = stop_admin.send(true);
        // The admin listener may wait on a scraper's open connection: not past the grace.
        if tokio::time::timeout_at(grace_over, admin).await.is_err() {
            tracing::warn!("grace period over: admin listener cut off");
        }
        // The last handle on the driver: dropping it closes the pooled connections.
        drop(db);
        tracing::info!("graphrpc stopped");
        Ok(())
    }
}

/// The URI for a log line: any `user:password@` part is cut out.
fn without_userinfo(uri: &str) -> String {
    let Some((scheme, rest)) = uri.split_once("://") else {
        return uri.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}{tail}")
}

/// After SIGTERM, how long connections stay open (new calls refused with UNAVAILABLE)
/// before GOAWAY tells clients to go elsewhere; counted inside the shutdown grace.
pub const REFUSAL_WINDOW: std::time::Duration = std::time::Duration::from_millis(250);

/// Completes on SIGTERM (Kubernetes stopping the pod) or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!("SIGINT received"),
        () = terminate => tracing::info!("SIGTERM received"),
    }
}

#[cfg(test)]
mod tests {
    use super::without_userinfo;

    #[test]
    fn credentials_in_a_uri_are_not_logged() {
        assert_eq!(
            without_userinfo("neo4j://me:secret@db:7687"),
            "neo4j://db:7687"
        );
        assert_eq!(without_userinfo("bolt://db:7687"), "bolt://db:7687");
        assert_eq!(
            without_userinfo("bolt://db:7687/x?u=a@b"),
            "bolt://db:7687/x?u=a@b"
        );
    }
}
