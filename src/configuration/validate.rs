//! From flags to [`Settings`]: every check, each naming the setting to fix.

use super::*;

pub(super) fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        setting,
        reason: reason.into(),
    }
}

pub(super) const URI_SCHEMES: &[&str] = &[
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
                procedures,
                classify_statements: true,
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
pub(super) fn server_of(uri: &str) -> (String, u16) {
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

pub(super) fn positive(setting: &'static str, value: u64) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(invalid(setting, "must be at least 1"));
    }
    Ok(())
}

pub(super) fn nonzero_duration(setting: &'static str, value: Duration) -> Result<(), ConfigError> {
    if value.is_zero() {
        return Err(invalid(setting, "must be longer than zero"));
    }
    Ok(())
}

pub(super) fn not_above<T: PartialOrd + fmt::Debug>(
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
