//! Typed configuration: command-line flags and environment variables are parsed once, at
//! start-up, into [`Settings`]; a bad value stops start-up with a message naming it.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use clap::{Parser, Subcommand, ValueEnum};

use crate::{
    auth::statements::StatementPolicy, cypher::procedures::ProcedurePolicy, retry::RetryPolicy,
    transport::TrafficSettings,
};

#[derive(Debug, Parser)]
#[command(
    name = "graphrpc",
    version,
    about = "Cypher over gRPC through one pooled Neo4j driver"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the gRPC API.
    Serve(Box<ServeArgs>),
    /// Run Cypher or a named query against a graphrpc server and print the records
    /// (token from GRAPHRPC_TOKEN; exit status: the gRPC code).
    Query(Box<crate::query_cli::QueryArgs>),
}

/// Flags of `graphrpc serve`; each can also be set by the environment variable shown.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address the gRPC listener binds.
    #[arg(long, env = "GRAPHRPC_LISTEN", default_value = "127.0.0.1:50051")]
    pub listen: SocketAddr,

    /// Address of the admin HTTP listener: /metrics, /livez, /readyz.
    #[arg(long, env = "GRAPHRPC_ADMIN_LISTEN", default_value = "127.0.0.1:9464")]
    pub admin_listen: SocketAddr,

    /// Database URI: bolt://, bolt+s://, bolt+ssc://, neo4j://, neo4j+s:// or neo4j+ssc://.
    /// neo4j:// routes reads to a cluster's readers.
    #[arg(long, env = "NEO4J_URI", default_value = "bolt://127.0.0.1:7687")]
    pub neo4j_uri: String,

    #[arg(long, env = "NEO4J_USERNAME", default_value = "neo4j")]
    pub neo4j_username: String,

    /// The database password. Prefer --neo4j-password-file in production.
    #[arg(
        long,
        env = "NEO4J_PASSWORD",
        hide_env_values = true,
        conflicts_with = "neo4j_password_file"
    )]
    pub neo4j_password: Option<String>,

    /// A file holding the database password (a trailing newline is ignored).
    #[arg(long, env = "NEO4J_PASSWORD_FILE")]
    pub neo4j_password_file: Option<PathBuf>,

    /// Database used when a request names none; empty means the server's default.
    #[arg(long, env = "NEO4J_DATABASE", default_value = "")]
    pub neo4j_database: String,

    /// Bolt protocol version: `auto` negotiates the newest the database speaks (5.4 down to
    /// 4.0); `4.4`, `5.0`, `5.1`, `5.2`, `5.3` or `5.4` offers only that one.
    #[arg(long, env = "GRAPHRPC_BOLT_VERSION", default_value = "auto")]
    pub bolt_version: String,

    /// The least severe notification the database sends (Bolt 5.2+): OFF, WARNING or
    /// INFORMATION; `default` leaves the database's own setting.
    #[arg(
        long,
        env = "GRAPHRPC_NOTIFICATIONS_MIN_SEVERITY",
        default_value = "default"
    )]
    pub notifications_min_severity: String,

    /// Notification categories the database should not send (Bolt 5.2+), comma-separated,
    /// e.g. HINT,DEPRECATION; empty: the database's default.
    #[arg(
        long,
        env = "GRAPHRPC_NOTIFICATIONS_DISABLED_CATEGORIES",
        default_value = ""
    )]
    pub notifications_disabled_categories: String,

    /// Most Bolt connections the driver's pool opens (per cluster member with neo4j://).
    #[arg(long, env = "GRAPHRPC_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,

    /// Records the driver pulls from the database per round trip.
    #[arg(long, env = "GRAPHRPC_FETCH_SIZE", default_value_t = 1000)]
    pub fetch_size: usize,

    /// Time allowed to open a Bolt connection (TCP, TLS and login).
    #[arg(long, env = "GRAPHRPC_CONNECT_TIMEOUT", default_value = "5s", value_parser = parse_duration)]
    pub connect_timeout: Duration,

    /// Statement timeout for requests that set none (their gRPC deadline still applies).
    #[arg(long, env = "GRAPHRPC_DEFAULT_TIMEOUT", default_value = "60s", value_parser = parse_duration)]
    pub default_timeout: Duration,

    /// Longest statement timeout a request may ask for.
    #[arg(long, env = "GRAPHRPC_MAX_TIMEOUT", default_value = "10m", value_parser = parse_duration)]
    pub max_timeout: Duration,

    /// Row limit of a unary Run when the request sets none.
    #[arg(long, env = "GRAPHRPC_DEFAULT_MAX_ROWS", default_value_t = 10_000)]
    pub default_max_rows: u32,

    /// Largest row limit a unary Run may ask for.
    #[arg(long, env = "GRAPHRPC_MAX_ROWS", default_value_t = 100_000)]
    pub max_rows: u32,

    /// Rows per RunStream batch when the request sets none.
    #[arg(long, env = "GRAPHRPC_DEFAULT_BATCH_SIZE", default_value_t = 500)]
    pub default_batch_size: u32,

    /// Largest RunStream batch a request may ask for.
    #[arg(long, env = "GRAPHRPC_MAX_BATCH_SIZE", default_value_t = 10_000)]
    pub max_batch_size: u32,

    /// Longest Cypher statement accepted, in bytes.
    #[arg(long, env = "GRAPHRPC_MAX_CYPHER_BYTES", default_value_t = 65_536)]
    pub max_cypher_bytes: usize,

    /// Most parameters one statement may carry.
    #[arg(long, env = "GRAPHRPC_MAX_PARAMS", default_value_t = 1_000)]
    pub max_params: usize,

    /// Deepest nesting of lists and maps in a parameter (protobuf itself stops at 100).
    #[arg(long, env = "GRAPHRPC_MAX_PARAM_DEPTH", default_value_t = 32)]
    pub max_param_depth: usize,

    /// Largest single string or byte array in a parameter, in bytes.
    #[arg(long, env = "GRAPHRPC_MAX_VALUE_BYTES", default_value_t = 1_048_576)]
    pub max_value_bytes: usize,

    /// Largest request message accepted, in bytes (larger ones fail with RESOURCE_EXHAUSTED).
    #[arg(long, env = "GRAPHRPC_MAX_REQUEST_BYTES", default_value_t = 4_194_304)]
    pub max_request_bytes: usize,

    /// A Transaction stream with no message from its client for this long is rolled back.
    #[arg(long, env = "GRAPHRPC_TX_IDLE_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub tx_idle_timeout: Duration,

    /// Attempts in all for work that may be retried after a transient failure (READ
    /// statements, batches, idempotent writes); 1 turns retries off.
    #[arg(long, env = "GRAPHRPC_RETRY_MAX_ATTEMPTS", default_value_t = 3)]
    pub retry_max_attempts: u32,

    /// Pause before the first retry; each further pause doubles, up to the maximum.
    #[arg(long, env = "GRAPHRPC_RETRY_INITIAL_BACKOFF", default_value = "100ms", value_parser = parse_duration)]
    pub retry_initial_backoff: Duration,

    /// Longest pause between retries.
    #[arg(long, env = "GRAPHRPC_RETRY_MAX_BACKOFF", default_value = "2s", value_parser = parse_duration)]
    pub retry_max_backoff: Duration,

    /// Calls (streams included) served at once; past it calls fail fast with
    /// RESOURCE_EXHAUSTED and a retry pushback, rather than queue.
    #[arg(long, env = "GRAPHRPC_MAX_CONCURRENT_CALLS", default_value_t = 512)]
    pub max_concurrent_calls: usize,

    /// The wait a call refused for load is told to observe before retrying
    /// (grpc-retry-pushback-ms).
    #[arg(long, env = "GRAPHRPC_RETRY_PUSHBACK", default_value = "250ms", value_parser = parse_duration)]
    pub retry_pushback: Duration,

    /// The deadline of a call that sets none.
    #[arg(long, env = "GRAPHRPC_DEFAULT_CALL_DEADLINE", default_value = "5m", value_parser = parse_duration)]
    pub default_call_deadline: Duration,

    /// The longest deadline a call may have; longer ones are cut to it.
    #[arg(long, env = "GRAPHRPC_MAX_CALL_DEADLINE", default_value = "1h", value_parser = parse_duration)]
    pub max_call_deadline: Duration,

    /// HTTP/2 ping interval on idle client connections (keeps long-lived connections
    /// through proxies and finds dead peers).
    #[arg(long, env = "GRAPHRPC_HTTP2_KEEPALIVE_INTERVAL", default_value = "30s", value_parser = parse_duration)]
    pub http2_keepalive_interval: Duration,

    /// How long a ping may go unanswered before the connection is closed.
    #[arg(long, env = "GRAPHRPC_HTTP2_KEEPALIVE_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    pub http2_keepalive_timeout: Duration,

    /// Concurrent streams (calls) one client connection may open.
    #[arg(
        long,
        env = "GRAPHRPC_HTTP2_MAX_CONCURRENT_STREAMS",
        default_value_t = 256
    )]
    pub http2_max_concurrent_streams: u32,

    /// TCP keepalive on client connections.
    #[arg(long, env = "GRAPHRPC_TCP_KEEPALIVE", default_value = "60s", value_parser = parse_duration)]
    pub tcp_keepalive: Duration,

    /// Put the Cypher text of each statement in its trace span (db.query.text). Parameters
    /// are never traced.
    #[arg(long, env = "GRAPHRPC_TRACE_STATEMENT_TEXT", default_value_t = false, action = clap::ArgAction::Set)]
    pub trace_statement_text: bool,

    /// How often the health service probes the database.
    #[arg(long, env = "GRAPHRPC_HEALTH_INTERVAL", default_value = "2s", value_parser = parse_duration)]
    pub health_interval: Duration,

    /// Threads that run calls; 0: one per CPU the process may use (a container's CPU limit
    /// counts; with no limit, every core of the node). Fewer threads than cores cost less CPU
    /// per call when the cores are shared with other busy processes (README, Performance).
    #[arg(long, env = "GRAPHRPC_WORKER_THREADS", default_value_t = 0)]
    pub worker_threads: usize,

    /// On SIGTERM or SIGINT, how long in-flight calls may take to finish.
    #[arg(long, env = "GRAPHRPC_SHUTDOWN_GRACE", default_value = "20s", value_parser = parse_duration)]
    pub shutdown_grace: Duration,

    /// TLS on the gRPC listener: the certificate chain (PEM). Set together with
    /// GRAPHRPC_TLS_KEY_FILE; both files are re-read when they change.
    #[arg(long, env = "GRAPHRPC_TLS_CERT_FILE", requires = "tls_key_file")]
    pub tls_cert_file: Option<PathBuf>,

    /// The listener certificate's private key (PEM).
    #[arg(long, env = "GRAPHRPC_TLS_KEY_FILE", requires = "tls_cert_file")]
    pub tls_key_file: Option<PathBuf>,

    /// Mutual TLS: CA certificates (PEM) that sign client certificates. Needs listener TLS.
    #[arg(long, env = "GRAPHRPC_TLS_CLIENT_CA_FILE")]
    pub tls_client_ca_file: Option<PathBuf>,

    /// With a client CA: whether every client must present a certificate (`required`) or
    /// may authenticate with a bearer token instead (`optional`).
    #[arg(long, env = "GRAPHRPC_TLS_CLIENT_AUTH", value_enum, default_value_t = ClientAuth::Required)]
    pub tls_client_auth: ClientAuth,

    /// CA certificates (PEM) trusted for bolt+s:// and neo4j+s:// instead of the system roots.
    #[arg(long, env = "NEO4J_TLS_CA_FILE")]
    pub neo4j_tls_ca_file: Option<PathBuf>,

    /// The named-query catalog (YAML). Reloaded when it changes and on SIGHUP.
    #[arg(long, env = "GRAPHRPC_CATALOG_FILE")]
    pub catalog_file: Option<PathBuf>,

    /// Who may call (YAML): bearer-token hashes and client-certificate subjects, each with a
    /// principal and a role. Without it graphrpc runs open. Reloaded like the catalog.
    #[arg(long, env = "GRAPHRPC_ACCESS_FILE")]
    pub access_file: Option<PathBuf>,

    /// Run open (no access file) on a listen address other than loopback. Without it
    /// graphrpc refuses to start so: anyone who reaches the port could run any Cypher.
    #[arg(long, env = "GRAPHRPC_ALLOW_OPEN", default_value_t = false, action = clap::ArgAction::Set)]
    pub allow_open: bool,

    /// Procedures a reader may CALL besides the schema-introspection defaults
    /// (comma-separated names or `namespace.*`).
    #[arg(long, env = "GRAPHRPC_READ_PROCEDURES", value_delimiter = ',')]
    pub read_procedures: Vec<String>,

    /// Procedures a writer may CALL besides the read ones (names or `namespace.*`).
    #[arg(long, env = "GRAPHRPC_WRITE_PROCEDURES", value_delimiter = ',')]
    pub write_procedures: Vec<String>,

    /// How often the catalog, access and TLS files are checked for changes.
    #[arg(long, env = "GRAPHRPC_RELOAD_INTERVAL", default_value = "5s", value_parser = parse_duration)]
    pub reload_interval: Duration,

    /// Calls per second each principal may make (a token bucket); 0 turns the limit off.
    #[arg(long, env = "GRAPHRPC_RATE_LIMIT", default_value_t = 0)]
    pub rate_limit: u32,

    /// Calls a principal may make at once above its rate; 0 means one second's worth.
    #[arg(long, env = "GRAPHRPC_RATE_BURST", default_value_t = 0)]
    pub rate_burst: u32,

    /// Log format: human-readable lines or one JSON object per line.
    #[arg(long, env = "GRAPHRPC_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    /// Log filter in tracing's EnvFilter syntax, e.g. "info" or "graphrpc=debug,info".
    #[arg(long, env = "GRAPHRPC_LOG", default_value = "info")]
    pub log: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClientAuth {
    Optional,
    Required,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (write e.g. 500ms, 30s, 5m)"))
}

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
    /// Bolt settings: the version pin (None: negotiate) and the notification filters.
    pub bolt: BoltSettings,
    /// Re-read every `reload_interval`; a changed password logs the pool in again.
    pub password_file: Option<PathBuf>,
    pub reload_interval: Duration,
}

#[derive(Debug, Clone, Default)]
pub struct BoltSettings {
    pub version: Option<neo4rs::Version>,
    pub notifications: neo4rs::NotificationFilter,
}

/// The notification categories of Bolt 5.2's filter (Neo4j 5.7+).
const NOTIFICATION_CATEGORIES: [&str; 9] = [
    "HINT",
    "UNRECOGNIZED",
    "UNSUPPORTED",
    "PERFORMANCE",
    "DEPRECATION",
    "SECURITY",
    "TOPOLOGY",
    "GENERIC",
    "SCHEMA",
];

fn bolt_settings(
    version: &str,
    min_severity: &str,
    disabled: &str,
) -> Result<BoltSettings, ConfigError> {
    let version = match version.trim() {
        "auto" => None,
        name => Some(neo4rs::Version::from_name(name).ok_or_else(|| {
            invalid(
                "GRAPHRPC_BOLT_VERSION",
                format!("`{name}` is not one of auto, 4.4, 5.0, 5.1, 5.2, 5.3, 5.4"),
            )
        })?),
    };
    let minimum_severity = match min_severity.trim().to_ascii_uppercase().as_str() {
        "DEFAULT" => None,
        level @ ("OFF" | "WARNING" | "INFORMATION") => Some(level.to_owned()),
        other => {
            return Err(invalid(
                "GRAPHRPC_NOTIFICATIONS_MIN_SEVERITY",
                format!("`{other}` is not one of default, OFF, WARNING, INFORMATION"),
            ))
        }
    };
    let mut categories = Vec::new();
    for category in disabled.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let upper = category.to_ascii_uppercase();
        if !NOTIFICATION_CATEGORIES.contains(&upper.as_str()) {
            return Err(invalid(
                "GRAPHRPC_NOTIFICATIONS_DISABLED_CATEGORIES",
                format!(
                    "`{category}` is not one of {}",
                    NOTIFICATION_CATEGORIES.join(", ")
                ),
            ));
        }
        categories.push(upper);
    }
    Ok(BoltSettings {
        version,
        notifications: neo4rs::NotificationFilter {
            minimum_severity,
            disabled_categories: (!categories.is_empty()).then_some(categories),
        },
    })
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
            .field("bolt", &self.bolt)
            .field("password_file", &self.password_file)
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

/// Who may call and what: the access and catalog files and the per-principal rate.
#[derive(Debug, Clone)]
pub struct SecuritySettings {
    pub catalog_file: Option<PathBuf>,
    pub access_file: Option<PathBuf>,
    /// What each role may run (the classifier and the procedure allow-lists).
    pub statements: StatementPolicy,
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

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        reason: reason.into(),
    }
}

const URI_SCHEMES: &[&str] = &[
    "bolt",
    "bolt+s",
    "bolt+ssc",
    "neo4j",
    "neo4j+s",
    "neo4j+ssc",
];

impl ServeArgs {
    /// Parses and validates the flags into [`Settings`]; reads the password file.
    pub fn into_settings(self) -> Result<Settings, ConfigError> {
        let scheme = self
            .neo4j_uri
            .split_once("://")
            .map(|(scheme, _)| scheme)
            .ok_or_else(|| {
                invalid(
                    "NEO4J_URI",
                    format!(
                        "`{}` has no scheme; write e.g. bolt://host:7687",
                        self.neo4j_uri
                    ),
                )
            })?;
        if !URI_SCHEMES.contains(&scheme) {
            return Err(invalid(
                "NEO4J_URI",
                format!("scheme `{scheme}` is not one of {}", URI_SCHEMES.join(", ")),
            ));
        }

        let password = match (self.neo4j_password, &self.neo4j_password_file) {
            (Some(password), None) => password,
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    invalid(
                        "NEO4J_PASSWORD_FILE",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                text.trim_end_matches(['\r', '\n']).to_owned()
            }
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "NEO4J_PASSWORD",
                    "set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE, not both",
                ))
            }
            (None, None) => {
                return Err(invalid(
                    "NEO4J_PASSWORD",
                    "no database password: set NEO4J_PASSWORD or NEO4J_PASSWORD_FILE",
                ))
            }
        };

        let bolt = bolt_settings(
            &self.bolt_version,
            &self.notifications_min_severity,
            &self.notifications_disabled_categories,
        )?;
        positive("GRAPHRPC_POOL_SIZE", self.pool_size as u64)?;
        positive("GRAPHRPC_FETCH_SIZE", self.fetch_size as u64)?;
        positive("GRAPHRPC_MAX_ROWS", self.max_rows.into())?;
        positive("GRAPHRPC_DEFAULT_MAX_ROWS", self.default_max_rows.into())?;
        positive("GRAPHRPC_MAX_BATCH_SIZE", self.max_batch_size.into())?;
        positive(
            "GRAPHRPC_DEFAULT_BATCH_SIZE",
            self.default_batch_size.into(),
        )?;
        nonzero_duration("GRAPHRPC_CONNECT_TIMEOUT", self.connect_timeout)?;
        nonzero_duration("GRAPHRPC_DEFAULT_TIMEOUT", self.default_timeout)?;
        nonzero_duration("GRAPHRPC_MAX_TIMEOUT", self.max_timeout)?;
        nonzero_duration("GRAPHRPC_HEALTH_INTERVAL", self.health_interval)?;
        nonzero_duration("GRAPHRPC_TX_IDLE_TIMEOUT", self.tx_idle_timeout)?;
        positive("GRAPHRPC_MAX_CYPHER_BYTES", self.max_cypher_bytes as u64)?;
        positive("GRAPHRPC_MAX_PARAM_DEPTH", self.max_param_depth as u64)?;
        positive("GRAPHRPC_MAX_VALUE_BYTES", self.max_value_bytes as u64)?;
        positive("GRAPHRPC_MAX_REQUEST_BYTES", self.max_request_bytes as u64)?;
        not_above(
            "GRAPHRPC_MAX_PARAM_DEPTH",
            self.max_param_depth,
            "protobuf's nesting limit",
            100,
        )?;
        positive(
            "GRAPHRPC_RETRY_MAX_ATTEMPTS",
            self.retry_max_attempts.into(),
        )?;
        not_above(
            "GRAPHRPC_RETRY_INITIAL_BACKOFF",
            self.retry_initial_backoff,
            "GRAPHRPC_RETRY_MAX_BACKOFF",
            self.retry_max_backoff,
        )?;
        not_above(
            "GRAPHRPC_DEFAULT_MAX_ROWS",
            self.default_max_rows,
            "GRAPHRPC_MAX_ROWS",
            self.max_rows,
        )?;
        not_above(
            "GRAPHRPC_DEFAULT_BATCH_SIZE",
            self.default_batch_size,
            "GRAPHRPC_MAX_BATCH_SIZE",
            self.max_batch_size,
        )?;
        not_above(
            "GRAPHRPC_DEFAULT_TIMEOUT",
            self.default_timeout,
            "GRAPHRPC_MAX_TIMEOUT",
            self.max_timeout,
        )?;
        positive(
            "GRAPHRPC_MAX_CONCURRENT_CALLS",
            self.max_concurrent_calls as u64,
        )?;
        positive(
            "GRAPHRPC_HTTP2_MAX_CONCURRENT_STREAMS",
            self.http2_max_concurrent_streams.into(),
        )?;
        nonzero_duration("GRAPHRPC_DEFAULT_CALL_DEADLINE", self.default_call_deadline)?;
        nonzero_duration(
            "GRAPHRPC_HTTP2_KEEPALIVE_INTERVAL",
            self.http2_keepalive_interval,
        )?;
        nonzero_duration(
            "GRAPHRPC_HTTP2_KEEPALIVE_TIMEOUT",
            self.http2_keepalive_timeout,
        )?;
        not_above(
            "GRAPHRPC_DEFAULT_CALL_DEADLINE",
            self.default_call_deadline,
            "GRAPHRPC_MAX_CALL_DEADLINE",
            self.max_call_deadline,
        )?;
        nonzero_duration("GRAPHRPC_RELOAD_INTERVAL", self.reload_interval)?;
        if self.access_file.is_none() && !self.listen.ip().is_loopback() && !self.allow_open {
            return Err(invalid(
                "GRAPHRPC_ACCESS_FILE",
                format!(
                    "not set, and {} is not a loopback address: anyone who reaches it could run any Cypher; \
                     set GRAPHRPC_ACCESS_FILE, listen on 127.0.0.1, or set GRAPHRPC_ALLOW_OPEN=true to run open anyway",
                    self.listen
                ),
            ));
        }
        let procedures = ProcedurePolicy::new(&self.read_procedures, &self.write_procedures)
            .map_err(|reason| {
                invalid(
                    "GRAPHRPC_READ_PROCEDURES / GRAPHRPC_WRITE_PROCEDURES",
                    reason,
                )
            })?;
        let tls = match (self.tls_cert_file, self.tls_key_file) {
            (Some(cert_file), Some(key_file)) => Some(ListenerTls {
                cert_file,
                key_file,
                client_ca_file: self.tls_client_ca_file,
                client_auth: self.tls_client_auth,
                reload_interval: self.reload_interval,
            }),
            (None, None) => {
                if self.tls_client_ca_file.is_some() {
                    return Err(invalid(
                        "GRAPHRPC_TLS_CLIENT_CA_FILE",
                        "client certificates need TLS on the listener: set GRAPHRPC_TLS_CERT_FILE and GRAPHRPC_TLS_KEY_FILE",
                    ));
                }
                None
            }
            (Some(_), None) | (None, Some(_)) => {
                return Err(invalid(
                    "GRAPHRPC_TLS_CERT_FILE",
                    "set GRAPHRPC_TLS_CERT_FILE and GRAPHRPC_TLS_KEY_FILE together",
                ))
            }
        };
        if self.neo4j_tls_ca_file.is_some() && !scheme.ends_with("+s") {
            return Err(invalid(
                "NEO4J_TLS_CA_FILE",
                format!(
                    "a CA file needs a TLS scheme (bolt+s:// or neo4j+s://), not `{scheme}://`"
                ),
            ));
        }
        let rate_limit = RateLimit {
            per_second: self.rate_limit,
            burst: if self.rate_burst == 0 {
                self.rate_limit
            } else {
                self.rate_burst
            },
        };
        let (server_address, server_port) = server_of(&self.neo4j_uri);
        tracing_subscriber::EnvFilter::try_new(&self.log)
            .map_err(|e| invalid("GRAPHRPC_LOG", e.to_string()))?;

        let database = Some(self.neo4j_database.trim().to_owned()).filter(|db| !db.is_empty());
        Ok(Settings {
            listen: self.listen,
            admin_listen: self.admin_listen,
            traffic: TrafficSettings {
                max_concurrent_calls: self.max_concurrent_calls,
                retry_pushback: self.retry_pushback,
                default_deadline: self.default_call_deadline,
                max_deadline: self.max_call_deadline,
                max_request_bytes: self.max_request_bytes,
            },
            http2: Http2Settings {
                keepalive_interval: self.http2_keepalive_interval,
                keepalive_timeout: self.http2_keepalive_timeout,
                max_concurrent_streams: self.http2_max_concurrent_streams,
                tcp_keepalive: self.tcp_keepalive,
            },
            database: DatabaseSettings {
                uri: self.neo4j_uri,
                username: self.neo4j_username,
                password,
                database,
                pool_size: self.pool_size,
                fetch_size: self.fetch_size,
                connect_timeout: self.connect_timeout,
                tls_ca_file: self.neo4j_tls_ca_file,
                // A statement may run for max_timeout before its first response arrives.
                response_timeout: self.max_timeout + Duration::from_secs(5),
                trace_statement_text: self.trace_statement_text,
                server_address,
                server_port,
                bolt,
                password_file: self.neo4j_password_file.clone(),
                reload_interval: self.reload_interval,
            },
            limits: QueryLimits {
                default_timeout: self.default_timeout,
                max_timeout: self.max_timeout,
                default_max_rows: self.default_max_rows,
                max_rows: self.max_rows,
                default_batch_size: self.default_batch_size,
                max_batch_size: self.max_batch_size,
                tx_idle_timeout: self.tx_idle_timeout,
                max_cypher_bytes: self.max_cypher_bytes,
                max_params: self.max_params,
                max_param_depth: self.max_param_depth,
                max_value_bytes: self.max_value_bytes,
                max_request_bytes: self.max_request_bytes,
            },
            retry: RetryPolicy {
                max_attempts: self.retry_max_attempts,
                initial_backoff: self.retry_initial_backoff,
                max_backoff: self.retry_max_backoff,
            },
            tls,
            security: SecuritySettings {
                catalog_file: self.catalog_file,
                access_file: self.access_file,
                statements: StatementPolicy::new(procedures, true),
                reload_interval: self.reload_interval,
                rate_limit,
            },
            health_interval: self.health_interval,
            worker_threads: std::num::NonZeroUsize::new(self.worker_threads),
            shutdown_grace: self.shutdown_grace,
            log_format: self.log_format,
            log_filter: self.log,
        })
    }
}

/// Host and port of a Bolt URI (7687 when none is given), for span attributes.
fn server_of(uri: &str) -> (String, u16) {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or(rest);
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    match host_port.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || host.starts_with('[') => {
            (host.to_owned(), port.parse().unwrap_or(7687))
        }
        _ => (host_port.to_owned(), 7687),
    }
}

fn positive(setting: &'static str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(invalid(setting, "must be at least 1"));
    }
    Ok(())
}

fn nonzero_duration(setting: &'static str, value: Duration) -> Result<(), ConfigError> {
    if value.is_zero() {
        return Err(invalid(setting, "must be longer than zero"));
    }
    Ok(())
}

fn not_above<T: PartialOrd + fmt::Debug>(
    setting: &'static str,
    value: T,
    max_setting: &'static str,
    max: T,
) -> Result<(), ConfigError> {
    if value > max {
        return Err(invalid(
            setting,
            format!("{value:?} is above {max_setting} ({max:?})"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Settings, String> {
        let mut argv = vec!["graphrpc", "serve"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
        let Command::Serve(args) = cli.command else {
            return Err("not `graphrpc serve`".into());
        };
        args.into_settings().map_err(|e| e.to_string())
    }

    #[test]
    fn defaults_with_a_password_are_valid() {
        let settings = parse(&["--neo4j-password", "pw"]).expect("valid");
        assert_eq!(settings.listen.to_string(), "127.0.0.1:50051");
        assert_eq!(settings.database.pool_size, 16);
        assert_eq!(settings.database.database, None);
        assert_eq!(settings.limits.default_max_rows, 10_000);
        assert!(settings.database.response_timeout > settings.limits.max_timeout);
    }

    #[test]
    fn open_mode_on_a_non_loopback_address_needs_an_explicit_setting() {
        let pw = ["--neo4j-password", "pw"];
        for listen in ["0.0.0.0:50051", "[::]:50051", "10.1.2.3:50051"] {
            let err = parse(&[&pw[..], &["--listen", listen]].concat()).unwrap_err();
            assert!(
                err.contains("GRAPHRPC_ACCESS_FILE") && err.contains("GRAPHRPC_ALLOW_OPEN"),
                "{err}"
            );
            parse(&[&pw[..], &["--listen", listen, "--allow-open", "true"]].concat())
                .expect("open by choice");
            parse(&[&pw[..], &["--listen", listen, "--access-file", "/a.yaml"]].concat())
                .expect("an access file");
        }
        parse(&[&pw[..], &["--listen", "[::1]:50051"]].concat()).expect("loopback stays open");
        let err = parse(&[&pw[..], &["--read-procedures", "apoc..x"]].concat()).unwrap_err();
        assert!(
            err.contains("GRAPHRPC_READ_PROCEDURES") && err.contains("`apoc..x`"),
            "{err}"
        );
    }

    #[test]
    fn every_documented_uri_scheme_is_accepted() {
        for scheme in URI_SCHEMES {
            let uri = format!("{scheme}://db.example:7687");
            parse(&["--neo4j-password", "pw", "--neo4j-uri", &uri]).expect(&uri);
        }
    }

    #[test]
    fn a_wrong_scheme_names_the_setting() {
        let err = parse(&["--neo4j-password", "pw", "--neo4j-uri", "http://x:7474"]).unwrap_err();
        assert!(err.contains("NEO4J_URI") && err.contains("`http`"), "{err}");
        let err = parse(&["--neo4j-password", "pw", "--neo4j-uri", "localhost:7687"]).unwrap_err();
        assert!(
            err.contains("NEO4J_URI") && err.contains("no scheme"),
            "{err}"
        );
    }

    #[test]
    fn bolt_version_and_notification_filters_are_parsed() {
        let pw = ["--neo4j-password", "pw"];
        let settings = parse(&pw).expect("valid");
        assert_eq!(settings.database.bolt.version, None, "auto by default");
        assert_eq!(
            settings.database.bolt.notifications,
            neo4rs::NotificationFilter::default()
        );
        let settings = parse(&[
            pw[0],
            pw[1],
            "--bolt-version",
            "4.4",
            "--notifications-min-severity",
            "warning",
            "--notifications-disabled-categories",
            "hint, DEPRECATION",
        ])
        .expect("valid");
        assert_eq!(settings.database.bolt.version, Some(neo4rs::Version::V4_4));
        let filter = &settings.database.bolt.notifications;
        assert_eq!(filter.minimum_severity.as_deref(), Some("WARNING"));
        assert_eq!(
            filter.disabled_categories.as_deref(),
            Some(&["HINT".to_owned(), "DEPRECATION".to_owned()][..])
        );
        for (flag, value, setting) in [
            ("--bolt-version", "5.6", "GRAPHRPC_BOLT_VERSION"),
            ("--bolt-version", "4.3", "GRAPHRPC_BOLT_VERSION"),
            (
                "--notifications-min-severity",
                "LOUD",
                "GRAPHRPC_NOTIFICATIONS_MIN_SEVERITY",
            ),
            (
                "--notifications-disabled-categories",
                "HINT,GOSSIP",
                "GRAPHRPC_NOTIFICATIONS_DISABLED_CATEGORIES",
            ),
        ] {
            let err = parse(&[pw[0], pw[1], flag, value]).unwrap_err();
            assert!(err.to_string().contains(setting), "{err}");
        }
    }

    #[test]
    fn a_password_is_required_and_read_from_a_file() {
        let err = parse(&[]).unwrap_err();
        assert!(err.contains("NEO4J_PASSWORD"), "{err}");

        let file = tempfile::NamedTempFile::new().expect("temp file");
        std::fs::write(file.path(), "s3cret\n").expect("write");
        let path = file.path().to_str().expect("utf-8 path");
        let settings = parse(&["--neo4j-password-file", path]).expect("valid");
        assert_eq!(settings.database.password, "s3cret");

        let err = parse(&["--neo4j-password-file", "/nonexistent/pw"]).unwrap_err();
        assert!(
            err.contains("NEO4J_PASSWORD_FILE") && err.contains("/nonexistent/pw"),
            "{err}"
        );

        let err = parse(&["--neo4j-password", "a", "--neo4j-password-file", path]).unwrap_err();
        assert!(err.contains("cannot be used with"), "{err}");
    }

    #[test]
    fn the_password_is_never_in_debug_output() {
        let settings = parse(&["--neo4j-password", "hunter2-secret"]).expect("valid");
        assert!(!format!("{settings:?}").contains("hunter2-secret"));
    }

    #[test]
    fn bounds_are_checked() {
        let err = parse(&["--neo4j-password", "pw", "--pool-size", "0"]).unwrap_err();
        assert!(err.contains("GRAPHRPC_POOL_SIZE"), "{err}");
        let err = parse(&[
            "--neo4j-password",
            "pw",
            "--default-max-rows",
            "20",
            "--max-rows",
            "10",
        ])
        .unwrap_err();
        assert!(
            err.contains("GRAPHRPC_DEFAULT_MAX_ROWS") && err.contains("GRAPHRPC_MAX_ROWS"),
            "{err}"
        );
        let err = parse(&[
            "--neo4j-password",
            "pw",
            "--default-timeout",
            "2m",
            "--max-timeout",
            "1m",
        ])
        .unwrap_err();
        assert!(err.contains("GRAPHRPC_DEFAULT_TIMEOUT"), "{err}");
        let err = parse(&["--neo4j-password", "pw", "--connect-timeout", "soon"]).unwrap_err();
        assert!(err.contains("--connect-timeout"), "{err}");
        let err = parse(&["--neo4j-password", "pw", "--listen", "nowhere"]).unwrap_err();
        assert!(err.contains("--listen"), "{err}");
        let err = parse(&["--neo4j-password", "pw", "--retry-max-attempts", "0"]).unwrap_err();
        assert!(err.contains("GRAPHRPC_RETRY_MAX_ATTEMPTS"), "{err}");
        let err = parse(&[
            "--neo4j-password",
            "pw",
            "--retry-initial-backoff",
            "5s",
            "--retry-max-backoff",
            "1s",
        ])
        .unwrap_err();
        assert!(err.contains("GRAPHRPC_RETRY_INITIAL_BACKOFF"), "{err}");
        let err = parse(&["--neo4j-password", "pw", "--log", "graphrpc=loud"]).unwrap_err();
        assert!(err.contains("GRAPHRPC_LOG"), "{err}");
    }

    #[test]
    fn the_database_server_is_known_for_traces() {
        assert_eq!(
            server_of("bolt://db.internal:7688"),
            ("db.internal".to_owned(), 7688)
        );
        assert_eq!(
            server_of("neo4j+s://u:p@cluster.example/x"),
            ("cluster.example".to_owned(), 7687)
        );
        assert_eq!(server_of("bolt://[::1]:7000"), ("[::1]".to_owned(), 7000));
    }

    #[test]
    fn an_empty_database_means_the_server_default() {
        let settings = parse(&["--neo4j-password", "pw", "--neo4j-database", " "]).expect("valid");
        assert_eq!(settings.database.database, None);
        let settings =
            parse(&["--neo4j-password", "pw", "--neo4j-database", "graph"]).expect("valid");
        assert_eq!(settings.database.database.as_deref(), Some("graph"));
    }

    #[test]
    fn security_settings_are_checked_together() {
        let pw = ["--neo4j-password", "pw"];
        let with = |extra: &[&str]| {
            let mut args = pw.to_vec();
            args.extend_from_slice(extra);
            parse(&args)
        };
        let err = with(&["--tls-client-ca-file", "/ca.pem"]).unwrap_err();
        assert!(err.contains("GRAPHRPC_TLS_CLIENT_CA_FILE"), "{err}");
        // clap refuses half a pair before graphrpc sees it.
        assert!(with(&["--tls-cert-file", "/c.pem"]).is_err());
        let err = with(&["--neo4j-tls-ca-file", "/ca.pem"]).unwrap_err();
        assert!(
            err.contains("NEO4J_TLS_CA_FILE") && err.contains("bolt+s"),
            "{err}"
        );
        let ok = with(&[
            "--neo4j-uri",
            "neo4j+s://db:7687",
            "--neo4j-tls-ca-file",
            "/ca.pem",
            "--tls-cert-file",
            "/c.pem",
            "--tls-key-file",
            "/k.pem",
            "--rate-limit",
            "5",
        ])
        .expect("valid");
        let tls = ok.tls.expect("listener TLS");
        assert_eq!(tls.client_auth, ClientAuth::Required);
        assert_eq!(
            ok.security.rate_limit,
            RateLimit {
                per_second: 5,
                burst: 5
            },
            "the burst defaults to one second's worth"
        );
        let err = with(&["--reload-interval", "0s"]).unwrap_err();
        assert!(err.contains("GRAPHRPC_RELOAD_INTERVAL"), "{err}");
    }
}
