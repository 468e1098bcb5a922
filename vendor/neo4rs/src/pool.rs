use std::time::Duration;

use crate::auth::ConnectionTLSConfig;
use crate::{
    Version,
    config::Config,
    connection::{Connection, ConnectionInfo},
    errors::{Error, Result},
};
use backon::ExponentialBuilder;
use deadpool::managed::{Manager, Metrics, Object, Pool, RecycleResult};
use log::{info, trace, warn};
use std::sync::{Arc, Mutex};

pub type ConnectionPool = Pool<ConnectionManager>;
pub type ManagedConnection = Object<ConnectionManager>;

pub struct ConnectionManager {
    info: ConnectionInfo,
    backoff: ExponentialBuilder,
    /// graphrpc patch: where each new connection records the Bolt version it negotiated.
    negotiated: Arc<Mutex<Option<Version>>>,
}

impl ConnectionManager {
    pub fn new(
        uri: &str,
        user: &str,
        password: &str,
        tls_config: &ConnectionTLSConfig,
        connection_timeout: Duration,
        tcp_keepalive: Option<Duration>,
    ) -> Result<Self> {
        let info = ConnectionInfo::new(
            uri,
            user,
            password,
            tls_config,
            connection_timeout,
            tcp_keepalive,
        )?;
        let backoff = backoff();
        Ok(ConnectionManager {
            info,
            backoff,
            negotiated: Arc::default(),
        })
    }

    pub fn backoff(&self) -> ExponentialBuilder {
        self.backoff
    }
}

/// graphrpc patch: the driver's retry schedule under `config`: none when retries are off.
pub(crate) fn backoff_for(config: &Config) -> ExponentialBuilder {
    if config.retries {
        backoff()
    } else {
        ExponentialBuilder::new().with_max_times(0)
    }
}

pub(crate) fn backoff() -> ExponentialBuilder {
    ExponentialBuilder::new()
        .with_jitter()
        .with_factor(2.0)
        .without_max_times()
        .with_min_delay(Duration::from_millis(1))
        .with_max_delay(Duration::from_secs(10))
        .with_total_delay(Some(Duration::from_secs(60)))
}

impl Manager for ConnectionManager {
    type Type = Connection;
    type Error = Error;

    async fn create(&self) -> Result<Self::Type, Self::Error> {
        trace!("creating new connection");
        // graphrpc patch: the whole setup (TCP connect, TLS, Bolt handshake, HELLO/LOGON) is
        // bounded by the connect timeout. Upstream bounded only the TCP connect, so a port
        // that accepts and stays silent (a restarting server does for seconds) held the
        // caller for the response timeout instead.
        let connection = tokio::time::timeout(
            self.info.prepare.connection_timeout,
            Connection::new(&self.info),
        )
        .await
        .map_err(|_| Error::ConnectionTimedOut)??;
        *self.negotiated.lock().unwrap_or_else(|e| e.into_inner()) = Some(connection.version());
        Ok(connection)
    }

    async fn recycle(&self, obj: &mut Self::Type, _: &Metrics) -> RecycleResult<Self::Error> {
        trace!("recycling connection");
        // graphrpc patch: a connection that logged in with replaced credentials logs in again
        // (Bolt 5.1+: LOGOFF/LOGON on the same socket) or, older, is dropped and reopened.
        if !obj.logged_in_with(&self.info.init.credentials) {
            return self.reauthenticate(obj).await;
        }
        // graphrpc patch: a connection whose last exchange left the server READY needs no
        // RESET; checking that its socket is still open costs no round trip.
        if obj.is_known_ready() {
            return obj
                .check_idle()
                .map_err(deadpool::managed::RecycleError::Backend);
        }
        // A stream dropped before it was consumed leaves its pipelined PULL in flight.
        // Its responses are drained here, so the connection can be reset and reused.
        // A connection with an interrupted read fails the drain and is discarded.
        let health_check = async {
            obj.drain_pending_responses().await?;
            obj.reset().await
        };
        match tokio::time::timeout(Duration::from_secs(5), health_check).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(deadpool::managed::RecycleError::Backend(e)),
            Err(_) => Err(deadpool::managed::RecycleError::message(
                "Connection health check timed out",
            )),
        }
    }
}

impl ConnectionManager {
    /// graphrpc patch: see `recycle`. Any failure drops the connection; the pool then opens
    /// a new one, which logs in with the new credentials or reports why it cannot.
    async fn reauthenticate(&self, obj: &mut Connection) -> RecycleResult<Error> {
        #[cfg(feature = "unstable-bolt-protocol-impl-v2")]
        if obj.version() >= Version::V5_1 {
            let relogin = async {
                if !obj.is_known_ready() {
                    obj.drain_pending_responses().await?;
                    obj.reset().await?;
                }
                obj.reauthenticate(&self.info.init.credentials).await
            };
            return match tokio::time::timeout(Duration::from_secs(5), relogin).await {
                Ok(Ok(())) => {
                    info!("re-authenticated a pooled connection with the new credentials");
                    Ok(())
                }
                Ok(Err(e)) => {
                    warn!("re-authenticating a pooled connection failed: {e}");
                    Err(deadpool::managed::RecycleError::Backend(e))
                }
                Err(_) => Err(deadpool::managed::RecycleError::message(
                    "re-authentication timed out",
                )),
            };
        }
        Err(deadpool::managed::RecycleError::message(format!(
            "credentials changed; Bolt {} cannot re-authenticate, the connection is replaced",
            obj.version()
        )))
    }
}

pub fn create_pool(config: &Config) -> Result<ConnectionPool> {
    let mgr = ConnectionManager::new(
        &config.uri,
        &config.user,
        &config.password,
        &config.tls_config,
        config.connection_timeout,
        config.tcp_keepalive,
    )?;
    // Log the parsed host and port, not the URI: a URI can carry credentials.
    info!(
        "creating connection pool for node {}:{} with max size {}",
        mgr.info.prepare.host, mgr.info.prepare.port, config.max_connections
    );
    let mut mgr = mgr;
    mgr.info.prepare.recv_timeout = config.recv_timeout;
    mgr.info.prepare.bolt_version = config.bolt.version;
    mgr.info.init.notifications = config.bolt.notifications.clone();
    if let Some(credentials) = &config.bolt.credentials {
        mgr.info.init.credentials = credentials.clone();
    }
    mgr.negotiated = config.bolt.negotiated.clone();
    mgr.backoff = backoff_for(config);
    let mut builder = ConnectionPool::builder(mgr).max_size(config.max_connections);

    // Wire idle_timeout as the recycle timeout — connections idle longer than this
    // will fail the recycle check, causing deadpool to discard and recreate them.
    if let Some(idle_timeout) = config.idle_timeout {
        builder = builder
            .recycle_timeout(Some(idle_timeout))
            .runtime(deadpool::Runtime::Tokio1);
    }

    // Wire max_lifetime as the wait timeout — puts an upper bound on how long
    // a caller will wait for a connection from the pool.
    if let Some(max_lifetime) = config.max_lifetime {
        builder = builder
            .wait_timeout(Some(max_lifetime))
            .runtime(deadpool::Runtime::Tokio1);
    }

    Ok(builder.build().expect("Pool build failed"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ConfigBuilder;
    use std::time::Duration;

    #[test]
    fn should_create_pool_with_default_config() {
        let config = ConfigBuilder::default()
            .uri("bolt://127.0.0.1:7687")
            .user("neo4j")
            .password("test")
            .build()
            .unwrap();
        let pool = create_pool(&config);
        assert!(pool.is_ok());
    }

    #[test]
    fn should_create_pool_with_idle_and_max_lifetime() {
        let config = ConfigBuilder::default()
            .uri("bolt://127.0.0.1:7687")
            .user("neo4j")
            .password("test")
            .idle_timeout(Some(Duration::from_secs(300)))
            .max_lifetime(Some(Duration::from_secs(3600)))
            .build()
            .unwrap();
        let pool = create_pool(&config);
        assert!(pool.is_ok());
    }
}
