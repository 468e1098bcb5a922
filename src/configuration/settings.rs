//! The typed settings, validated, that the rest of graphrpc reads.

use super::*;

/// Everything graphrpc needs to run, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub admin_listen: SocketAddr,
    pub traffic: TrafficSettings,
    pub http2: Http2Settings,
    pub database: DatabaseSettings,
    pub limits: QueryLimits,
    pub retry: RetryPolicy,
    /// None: plaintext gRPC.
    pub tls: Option<ListenerTls>,
    pub security: SecuritySettings,
    pub health_interval: Duration,
    /// None: one per CPU (the runtime's default).
    pub worker_threads: Option<std::num::NonZeroUsize>,
    pub shutdown_grace: Duration,
    pub log_format: LogFormat,
    pub log_filter: String,
}

#[derive(Clone)]
pub struct DatabaseSettings {
    pub uri: String,
    pub username: String,
    pub password: String,
    /// None: the server's default database.
    pub database: Option<String>,
    pub pool_size: usize,
    pub fetch_size: usize,
    pub connect_timeout: Duration,
    /// CA certificates for bolt+s:// / neo4j+s://; None: the system roots.
    pub tls_ca_file: Option<PathBuf>,
    /// How long the driver waits for any one response; it must outlast the longest statement.
    pub response_timeout: Duration,
    /// Whether statement spans carry the Cypher text.
    pub trace_statement_text: bool,
    /// The database server, for the `server.address` / `server.port` span attributes.
    pub server_address: String,
    pub server_port: u16,
}

// The password never reaches a log line.
impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("uri", &self.uri)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .field("database", &self.database)
            .field("pool_size", &self.pool_size)
            .field("fetch_size", &self.fetch_size)
            .field("connect_timeout", &self.connect_timeout)
            .field("tls_ca_file", &self.tls_ca_file)
            .finish()
    }
}

/// TLS on the gRPC listener, optionally verifying client certificates.
#[derive(Debug, Clone)]
pub struct ListenerTls {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
    /// Some: mutual TLS against this CA.
    pub client_ca_file: Option<PathBuf>,
    pub client_auth: ClientAuth,
    pub reload_interval: Duration,
}

/// The gRPC listener's load and deadline bounds (the transport's traffic layer applies them).
#[derive(Debug, Clone, Copy)]
pub struct TrafficSettings {
    /// Calls (streams included) served at once; more are shed.
    pub max_concurrent_calls: usize,
    /// What a shed call is told to wait before retrying.
    pub retry_pushback: Duration,
    /// The deadline of a call that sets none.
    pub default_deadline: Duration,
    /// The longest deadline a call may have.
    pub max_deadline: Duration,
    /// GRAPHRPC_MAX_REQUEST_BYTES, named when tonic refuses a larger message.
    pub max_request_bytes: usize,
}

/// Who may call and what: the access and catalog files and the per-principal rate.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    pub catalog_file: Option<PathBuf>,
    pub access_file: Option<PathBuf>,
    /// The procedure allow-lists of each role (`auth::statements::StatementPolicy` is
    /// built from them at start-up).
    pub procedures: ProcedurePolicy,
    /// Whether statements are classified before the database sees them: always, except in a
    /// test that shows what the second layer alone lets through (no setting turns it off).
    pub classify_statements: bool,
    pub reload_interval: Duration,
    pub rate_limit: RateLimit,
}

/// Per-principal token bucket; `per_second == 0` means no limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

/// HTTP/2 and TCP settings of the gRPC listener, suited to long-lived internal clients.
#[derive(Debug, Clone, Copy)]
pub struct Http2Settings {
    pub keepalive_interval: Duration,
    pub keepalive_timeout: Duration,
    pub max_concurrent_streams: u32,
    pub tcp_keepalive: Duration,
}

/// Per-request bounds: the defaults a request gets when it sets nothing, and the maxima it
/// may ask for.
#[derive(Debug, Clone, Copy)]
pub struct QueryLimits {
    pub default_timeout: Duration,
    pub max_timeout: Duration,
    pub default_max_rows: u32,
    pub max_rows: u32,
    pub default_batch_size: u32,
    pub max_batch_size: u32,
    pub tx_idle_timeout: Duration,
    pub max_cypher_bytes: usize,
    pub max_params: usize,
    pub max_param_depth: usize,
    pub max_value_bytes: usize,
    pub max_request_bytes: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {setting}: {reason}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub reason: String,
}
