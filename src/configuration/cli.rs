//! The command line: subcommands, and every flag of `serve` with its environment variable.

use super::*;

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

pub(super) fn parse_duration(text: &str) -> Result<Duration, String> {
    humantime::parse_duration(text).map_err(|e| format!("{e} (write e.g. 500ms, 30s, 5m)"))
}
