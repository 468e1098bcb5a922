//! The one pooled Neo4j driver, and the statements it runs.
//!
//! [`GraphDb`] is created once at start-up and shared (it is cheap to clone: clones share
//! the same pool) by every call and every stream. No call ever opens its own connection.

use std::time::{Duration, Instant};

use tracing::{field::Empty, Span};

use neo4rs::{
    summary::ResultSummary, BeginOptions, BoltMap, BoltString, BoltType, ConfigBuilder,
    DetachedRowStream, Graph, Operation, PoolStatus, Query, RowStream, SessionConfig, Txn,
};
use tracing::Instrument as _;

use crate::{configuration::DatabaseSettings, observability, operation::operation_name};

/// How long an abandoned result may take to be drained and reset before its connection is
/// closed instead of pooled.
const CANCEL_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessMode {
    Read,
    Write,
}

/// A statement ready to run: converted and checked at the edge (see `conversions`).
#[derive(Debug, Clone)]
pub struct Statement {
    pub cypher: String,
    pub params: BoltMap,
    /// None: graphrpc's configured database, else the server's default.
    pub database: Option<String>,
    pub access_mode: AccessMode,
    pub bookmarks: Vec<String>,
    /// Sent to the server as the transaction timeout, so that the database itself stops a
    /// statement that outlives its caller's patience.
    pub timeout: Duration,
    /// Transaction metadata (the calling principal): the database's query log shows it.
    pub metadata: Vec<(String, String)>,
    /// Run in an explicit transaction that is always rolled back, never committed: a
    /// reader's statement, on a database that may ignore the READ access mode.
    pub roll_back: bool,
    /// Run as this database user (Bolt `imp_user`); None: as graphrpc's own login.
    pub database_user: Option<String>,
}

impl Statement {
    /// A statement with no metadata yet, run the usual way (see [`Statement::roll_back`]).
    pub fn new(
        cypher: String,
        params: BoltMap,
        database: Option<String>,
        access_mode: AccessMode,
        bookmarks: Vec<String>,
        timeout: Duration,
    ) -> Statement {
        Statement {
            cypher,
            params,
            database,
            access_mode,
            bookmarks,
            timeout,
            metadata: Vec::new(),
            roll_back: false,
            database_user: None,
        }
    }
}

/// Whether a statement's summary reports any change to the graph or schema.
pub fn changed_graph(summary: &ResultSummary) -> bool {
    *summary.stats() != neo4rs::summary::Counters::default()
}

/// How to open an explicit transaction.
#[derive(Debug, Clone)]
pub struct TxOptions {
    /// None: graphrpc's configured database, else the server's default.
    pub database: Option<String>,
    pub access_mode: AccessMode,
    pub bookmarks: Vec<String>,
    /// Sent in BEGIN: the database ends the transaction after this long.
    pub timeout: Duration,
    pub metadata: Vec<(String, String)>,
    /// Run as this database user (Bolt `imp_user` in BEGIN); None: as graphrpc's login.
    pub database_user: Option<String>,
}

impl AccessMode {
    fn operation(self) -> Operation {
        match self {
            AccessMode::Read => Operation::Read,
            AccessMode::Write => Operation::Write,
        }
    }
}

#[derive(Clone)]
pub struct GraphDb {
    graph: Graph,
    /// Keeps the NEO4J_PASSWORD_FILE watcher running as long as the driver lives.
    #[allow(dead_code)]
    password_watch: Option<crate::credentials::PasswordWatch>,
    default_database: Option<String>,
    spans: SpanSettings,
}

/// What database spans say about the server, and whether they carry the Cypher text.
#[derive(Clone)]
struct SpanSettings {
    server_address: String,
    server_port: u16,
    statement_text: bool,
}

impl SpanSettings {
    /// A client span for one statement, following the OpenTelemetry database conventions
    /// (semantic conventions 1.26+: `db.system.name`, integer `server.port`). Parameters are
    /// never recorded, and the statement's text only when asked (`db.query.text`): the span
    /// name and `db.operation.name` come from [`operation_name`] (the parser's fixed clause
    /// names), worked out only for a span that something records.
    fn statement(&self, parent: Option<&Span>, cypher: &str, database: Option<&str>) -> Span {
        // No parent given: the current span (the RPC's).
        let parent = parent.cloned().unwrap_or_else(Span::current);
        let span = tracing::info_span!(
            parent: &parent,
            "db.statement",
            otel.name = Empty,
            otel.kind = "client",
            otel.status_code = Empty,
            db.system.name = "neo4j",
            db.namespace = Empty,
            db.operation.name = Empty,
            db.query.text = Empty,
            db.response.status_code = Empty,
            server.address = %self.server_address,
            server.port = i64::from(self.server_port),
            error.type = Empty,
        );
        // The name is built only for a span that something records (none on the hot path
        // when logging is at warn and no trace exporter is configured).
        if span.is_disabled() {
            return span;
        }
        let operation = operation_name(cypher);
        span.record("db.operation.name", operation);
        let namespace = database.unwrap_or("");
        if namespace.is_empty() {
            span.record("otel.name", operation);
        } else {
            span.record("otel.name", format!("{operation} {namespace}").as_str());
            span.record("db.namespace", namespace);
        }
        if self.statement_text {
            span.record("db.query.text", cypher);
        }
        span
    }

    fn transaction(&self, database: Option<&str>) -> Span {
        let namespace = database.unwrap_or("");
        tracing::info_span!(
            "db.transaction",
            otel.name = %format!("TRANSACTION {namespace}").trim_end(),
            otel.kind = "client",
            otel.status_code = Empty,
            db.system.name = "neo4j",
            db.namespace = %namespace,
            db.response.status_code = Empty,
            server.address = %self.server_address,
            server.port = i64::from(self.server_port),
            error.type = Empty,
        )
    }
}

/// Marks a span failed, per the database conventions: `error.type` is the Neo4j status code
/// when the database answered (also `db.response.status_code`), else the driver's error kind.
fn record_error(span: &Span, error: &neo4rs::Error) {
    span.record("otel.status_code", "ERROR");
    match error {
        neo4rs::Error::Neo4j(e) => {
            span.record("db.response.status_code", e.code());
            span.record("error.type", e.code());
        }
        neo4rs::Error::AuthenticationError(_) => {
            span.record("error.type", "login");
        }
        neo4rs::Error::IOError { .. }
        | neo4rs::Error::ConnectionError
        | neo4rs::Error::ConnectionTimedOut
        | neo4rs::Error::ConnectionClosed(_) => {
            span.record("error.type", "connection");
        }
        _ => {
            span.record("error.type", "driver");
        }
    };
}

/// A refusal by the database of a statement run as a principal's database user says so:
/// Neo4j answers Security.Forbidden both when graphrpc's login may not impersonate that
/// user and when the user lacks a privilege the statement needs.
fn as_database_user(error: neo4rs::Error, database_user: Option<&str>) -> neo4rs::Error {
    match (&error, database_user) {
        (neo4rs::Error::Neo4j(e), Some(user)) if e.code().starts_with("Neo.ClientError.Security.Forbidden") => {
            neo4rs::Error::Neo4j(neo4rs::Neo4jError::new(
                e.code().to_owned(),
                format!(
                    "{}; the database refused the statement sent to run as database user `{user}` (the \
                     principal's database_user): graphrpc's database login needs the IMPERSONATE \
                     ({user}) privilege, and `{user}` the privileges this statement needs",
                    e.message()
                ),
            ))
        }
        _ => error,
    }
}

impl GraphDb {
    /// Creates the driver and its pool. No connection is opened until the first statement,
    /// so graphrpc starts even while the database is still down.
    pub fn connect(settings: &DatabaseSettings) -> anyhow::Result<Self> {
        let mut config = ConfigBuilder::default()
            .uri(&settings.uri)
            .user(&settings.username)
            .password(&settings.password)
            .max_connections(settings.pool_size)
            .fetch_size(settings.fetch_size)
            .connection_timeout(settings.connect_timeout)
            .recv_timeout(settings.response_timeout)
            .bolt_version(settings.bolt.version)
            .notification_filter(settings.bolt.notifications.clone())
            // graphrpc retries by its own policy (see `retry`), which knows the deadline
            // and whether a write may run twice.
            .retries(false);
        if let Some(db) = &settings.database {
            config = config.db(db.as_str());
        }
        if let Some(ca_file) = &settings.tls_ca_file {
            // The driver reads this file itself (neo4rs calls it a "client certificate") but
            // skips what it cannot parse, so a wrong file would only show as refused handshakes:
            // check it here, by the setting's name.
            crate::pem::load_roots("NEO4J_TLS_CA_FILE", ca_file)?;
            config = config.with_client_certificate(ca_file);
        }
        let graph = Graph::connect(config.build()?)?;
        let password_watch = match &settings.password_file {
            Some(path) => Some(crate::credentials::watch_password_file(
                graph.clone(),
                settings.username.clone(),
                path.clone(),
                settings.reload_interval,
            )?),
            None => None,
        };
        Ok(GraphDb {
            graph,
            password_watch,
            default_database: settings.database.clone(),
            spans: SpanSettings {
                server_address: settings.server_address.clone(),
                server_port: settings.server_port,
                statement_text: settings.trace_statement_text,
            },
        })
    }

    /// Runs the statement in an auto-commit transaction and returns its result as a stream
    /// that pulls the configured fetch size of records per round trip.
    pub async fn execute(&self, statement: Statement) -> Result<ResultStream, neo4rs::Error> {
        self.execute_recorded(statement, true).await
    }

    /// [`GraphDb::execute`]; `recorded` false leaves the statement out of traces and of the
    /// statement metrics (the health probe, which has metrics of its own).
    async fn execute_recorded(
        &self,
        statement: Statement,
        recorded: bool,
    ) -> Result<ResultStream, neo4rs::Error> {
        if statement.roll_back {
            return self.execute_rolled_back(statement).await;
        }
        let database = statement.database.or_else(|| self.default_database.clone());
        let mut session_config = SessionConfig::builder().with_bookmarks(statement.bookmarks);
        if let Some(db) = &database {
            session_config = session_config.with_db(db.as_str().into());
        }
        if let Some(user) = &statement.database_user {
            session_config = session_config.with_imp_user(user.as_str().into());
        }
        let database_user = statement.database_user;
        let timeout_ms = i64::try_from(statement.timeout.as_millis()).unwrap_or(i64::MAX);
        let span = if recorded {
            self.spans
                .statement(None, &statement.cypher, database.as_deref())
        } else {
            Span::none()
        };
        let mut query = Query::new(statement.cypher)
            .with_params(statement.params)
            .extra("tx_timeout", timeout_ms);
        if !statement.metadata.is_empty() {
            let metadata: BoltMap = statement
                .metadata
                .into_iter()
                .map(|(k, v)| (BoltString::from(k), BoltType::from(v)))
                .collect();
            query = query.extra("tx_metadata", BoltType::Map(metadata));
        }

        let mut session = self.graph.with_session(Some(session_config.build()));
        let started = Instant::now();
        // Without a span to enter (no trace exporter), the driver's future is awaited as it
        // is: wrapping it would move its few KB once more per call, for nothing.
        let opened = match (statement.access_mode, span.is_disabled()) {
            (AccessMode::Read, true) => session.execute_read(query).await,
            (AccessMode::Write, true) => session.execute_write(query).await,
            (AccessMode::Read, false) => session.execute_read(query).instrument(span.clone()).await,
            (AccessMode::Write, false) => {
                session.execute_write(query).instrument(span.clone()).await
            }
        };
        let inner = opened
            .inspect_err(|e| {
                record_error(&span, e);
                // A statement that failed to start is timed too.
                if recorded {
                    observability::statement_finished(started.elapsed());
                }
            })
            .map_err(|e| as_database_user(e, database_user.as_deref()))?;
        let keys = inner.keys().map(str::to_owned).collect();
        Ok(ResultStream {
            inner: Some(Source::AutoCommit(inner)),
            keys,
            database,
            span,
            started,
            recorded,
        })
    }

    /// The statement in a transaction of its own, rolled back when the result finishes.
    async fn execute_rolled_back(
        &self,
        statement: Statement,
    ) -> Result<ResultStream, neo4rs::Error> {
        let mut txn = self
            .begin(TxOptions {
                database: statement.database,
                access_mode: statement.access_mode,
                bookmarks: statement.bookmarks,
                timeout: statement.timeout,
                metadata: statement.metadata,
                database_user: statement.database_user,
            })
            .await?;
        let started = Instant::now();
        let keys = txn.run(statement.cypher, statement.params).await?;
        Ok(ResultStream {
            keys,
            database: txn.database.clone(),
            // The transaction carries the statement's span.
            span: Span::none(),
            started,
            // The transaction records the statement.
            recorded: false,
            inner: Some(Source::RolledBack(Box::new(txn))),
        })
    }

    /// Opens an explicit transaction on a pooled connection (waiting for one if the pool is
    /// busy; callers bound the wait with their deadline).
    pub async fn begin(&self, options: TxOptions) -> Result<Transaction, neo4rs::Error> {
        let database = options.database.or_else(|| self.default_database.clone());
        let span = self.spans.transaction(database.as_deref());
        let txn = self
            .graph
            .begin_transaction(
                database.as_deref().map(Into::into),
                options.access_mode.operation(),
                &options.bookmarks,
                None,
                BeginOptions {
                    timeout: Some(options.timeout),
                    metadata: options.metadata,
                    imp_user: options.database_user.as_deref().map(Into::into),
                },
            )
            .instrument(span.clone())
            .await
            .inspect_err(|e| record_error(&span, e))
            .map_err(|e| as_database_user(e, options.database_user.as_deref()))?;
        observability::transaction_opened();
        Ok(Transaction {
            txn: Some(txn),
            current: None,
            database,
            spans: self.spans.clone(),
            span,
        })
    }

    /// Runs `RETURN 1`: succeeds only if a pooled connection can reach the database. Not a
    /// statement of any caller's: no span, no statement metrics (see `health`).
    pub async fn ping(&self) -> Result<(), neo4rs::Error> {
        let statement = Statement::new(
            "RETURN 1".to_owned(),
            BoltMap::default(),
            None,
            AccessMode::Read,
            Vec::new(),
            Duration::from_secs(10),
        );
        let mut result = self.execute_recorded(statement, false).await?;
        while result.next_record().await?.is_some() {}
        result.finish().await.map(drop)
    }

    /// The pool's state; None for a routed (`neo4j://`) driver, which pools per member.
    pub fn pool_status(&self) -> Option<PoolStatus> {
        self.graph.pool_status()
    }

    /// The Bolt version the most recently opened connection negotiated; None before the
    /// first connection.
    pub fn bolt_version(&self) -> Option<neo4rs::Version> {
        self.graph.bolt_version()
    }
}

/// An open result holding one pooled connection until it is finished, cancelled or dropped.
/// Dropping it unfinished (a unary call whose client went away, say) cancels it in the
/// background, so no abandoned statement keeps running on a pooled connection.
pub struct ResultStream {
    inner: Option<Source>,
    keys: Vec<String>,
    database: Option<String>,
    /// The statement's span: it ends, and the duration is recorded, when this is dropped.
    span: Span,
    started: Instant,
    /// Whether dropping this records the statement's duration (not for the health probe,
    /// nor when the transaction it runs in records it).
    recorded: bool,
}

/// Handed each record of a streamed result: its RECORD message's PackStream bytes, as the
/// driver received them (`conversions::record` converts them straight into protobuf).
pub type EachRecord<'a> = dyn FnMut(&[u8]) -> Result<(), neo4rs::Error> + Send + 'a;

/// The records of a statement being streamed, undecoded.
pub trait RawRecords: Send {
    /// Up to `max` records already received, handed to `each` without waiting: 0 when the
    /// next record, or the end, must be awaited with [`RawRecords::next_into`].
    fn take_received(
        &mut self,
        max: usize,
        each: &mut EachRecord<'_>,
    ) -> Result<usize, neo4rs::Error>;

    /// Waits for the next record and hands it to `each`; false at the end of the result.
    fn next_into<'a>(
        &'a mut self,
        each: &'a mut EachRecord<'_>,
    ) -> futures::future::BoxFuture<'a, Result<bool, neo4rs::Error>>;
}

// Auto-commit is the hot path: it stays unboxed, the rarer rolled-back form is boxed.
#[allow(clippy::large_enum_variant)]
enum Source {
    AutoCommit(DetachedRowStream),
    RolledBack(Box<Transaction>),
}

impl ResultStream {
    /// Column names, in the order of the RETURN clause.
    pub fn keys(&self) -> &[String] {
        &self.keys
    }

    /// The next record's values in column order; None at the end of the result.
    pub async fn next_record(&mut self) -> Result<Option<Vec<BoltType>>, neo4rs::Error> {
        match self.inner.as_mut().ok_or(neo4rs::Error::NoMoreRows)? {
            Source::AutoCommit(inner) => match inner.next_record().await {
                Ok(record) => Ok(record.map(|record| record.value)),
                Err(e) => {
                    record_error(&self.span, &e);
                    Err(e)
                }
            },
            Source::RolledBack(txn) => txn.next_record().await,
        }
    }

    /// Column names, moved out (for a response that carries them); [`ResultStream::keys`] is
    /// empty afterwards.
    pub fn take_keys(&mut self) -> Vec<String> {
        std::mem::take(&mut self.keys)
    }

    /// The next record if the driver has already received it, without waiting (None: the
    /// next record, or the end, must be awaited with [`ResultStream::next_record`]). Callers
    /// drain these first and pay for their deadline and cancellation checks only when the
    /// driver has to wait for the server, not once per row.
    pub fn next_buffered(&mut self) -> Option<Vec<BoltType>> {
        match self.inner.as_mut()? {
            Source::AutoCommit(inner) => inner.next_buffered().map(|record| record.value),
            Source::RolledBack(txn) => txn.next_buffered(),
        }
    }

    /// Completes the result and returns the server's summary. The database is filled in
    /// from the request when the server does not report it.
    pub async fn finish(mut self) -> Result<ResultSummary, neo4rs::Error> {
        let mut summary = match self.inner.take().ok_or(neo4rs::Error::NoMoreRows)? {
            Source::AutoCommit(inner) => inner
                .finish()
                .await
                .inspect_err(|e| record_error(&self.span, e))?,
            Source::RolledBack(mut txn) => {
                let summary = txn.finish_statement().await?;
                txn.rollback().await?;
                summary
            }
        };
        if summary.db.is_none() {
            summary.db = self.database.take();
        }
        Ok(summary)
    }

    /// Abandons the result: the server stops the query (Neo4j rolls an unfinished
    /// auto-commit transaction back) and the connection returns to the pool, or is closed
    /// if it cannot be reset promptly.
    pub async fn cancel(mut self) {
        match self.inner.take() {
            Some(Source::AutoCommit(inner)) => cancel(inner).await,
            Some(Source::RolledBack(txn)) => txn.cancel().await,
            None => {}
        }
    }
}

impl RawRecords for ResultStream {
    fn take_received(
        &mut self,
        max: usize,
        each: &mut EachRecord<'_>,
    ) -> Result<usize, neo4rs::Error> {
        match self.inner.as_mut().ok_or(neo4rs::Error::NoMoreRows)? {
            Source::AutoCommit(inner) => inner
                .raw_buffered(max, each)
                .inspect_err(|e| record_error(&self.span, e)),
            Source::RolledBack(txn) => txn.take_received(max, each),
        }
    }

    fn next_into<'a>(
        &'a mut self,
        each: &'a mut EachRecord<'_>,
    ) -> futures::future::BoxFuture<'a, Result<bool, neo4rs::Error>> {
        Box::pin(async move {
            match self.inner.as_mut().ok_or(neo4rs::Error::NoMoreRows)? {
                Source::AutoCommit(inner) => inner
                    .next_raw(each)
                    .await
                    .inspect_err(|e| record_error(&self.span, e)),
                Source::RolledBack(txn) => txn.next_into(each).await,
            }
        })
    }
}

impl Drop for ResultStream {
    fn drop(&mut self) {
        match self.inner.take() {
            Some(Source::AutoCommit(inner)) => {
                if self.recorded {
                    observability::statement_finished(self.started.elapsed());
                }
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(cancel(inner));
                }
            }
            // Its own drop rolls the transaction back and records the statement.
            Some(Source::RolledBack(_)) => {}
            None if self.recorded => observability::statement_finished(self.started.elapsed()),
            None => {}
        }
    }
}

async fn cancel(inner: DetachedRowStream) {
    if let Err(e) = inner.cancel(CANCEL_TIMEOUT).await {
        tracing::debug!(error = %e, "closed a connection that could not be reset");
    }
}

/// An explicit transaction holding one pooled connection. Statements run one at a time:
/// [`Transaction::run`], then [`Transaction::next_record`] until None, then
/// [`Transaction::finish_statement`]. Dropped without commit or rollback, it is rolled back
/// in the background, so no transaction outlives its owner.
pub struct Transaction {
    txn: Option<Txn>,
    /// The statement whose records are being read, its span and when it started.
    current: Option<(RowStream, Span, Instant)>,
    database: Option<String>,
    spans: SpanSettings,
    /// The transaction's span, parent of its statements' spans.
    span: Span,
}

impl Transaction {
    /// The database the transaction runs in, when known.
    pub fn database(&self) -> Option<&str> {
        self.database.as_deref()
    }

    fn txn(&mut self) -> Result<&mut Txn, neo4rs::Error> {
        self.txn.as_mut().ok_or(neo4rs::Error::NoMoreRows)
    }

    /// Starts a statement and returns its column names. The previous statement must have
    /// been finished.
    pub async fn run(
        &mut self,
        cypher: String,
        params: BoltMap,
    ) -> Result<Vec<String>, neo4rs::Error> {
        if self.current.is_some() {
            return Err(neo4rs::Error::UnexpectedMessage(
                "the previous statement is still open".into(),
            ));
        }
        let span = self
            .spans
            .statement(Some(&self.span), &cypher, self.database.as_deref());
        let started = Instant::now();
        let stream = self
            .txn()?
            .execute(Query::new(cypher).with_params(params))
            .instrument(span.clone())
            .await
            .inspect_err(|e| {
                record_error(&span, e);
                observability::statement_finished(started.elapsed());
            })?;
        let keys = stream.keys().map(str::to_owned).collect();
        self.current = Some((stream, span, started));
        Ok(keys)
    }

    /// The current statement's next record, in column order; None at its end.
    pub async fn next_record(&mut self) -> Result<Option<Vec<BoltType>>, neo4rs::Error> {
        let (Some((stream, span, _)), Some(txn)) = (self.current.as_mut(), self.txn.as_mut())
        else {
            return Ok(None);
        };
        match stream.next_record(txn).await {
            Ok(record) => Ok(record.map(|record| record.value)),
            Err(e) => {
                record_error(span, &e);
                Err(e)
            }
        }
    }

    /// The current statement's next record if it has already been received (see
    /// [`ResultStream::next_buffered`]).
    pub fn next_buffered(&mut self) -> Option<Vec<BoltType>> {
        let (stream, _, _) = self.current.as_mut()?;
        stream.next_buffered().map(|record| record.value)
    }

    /// Completes the current statement and returns its summary.
    pub async fn finish_statement(&mut self) -> Result<ResultSummary, neo4rs::Error> {
        let (stream, span, started) = self.current.take().ok_or(neo4rs::Error::NoMoreRows)?;
        let txn = self.txn.as_mut().ok_or(neo4rs::Error::NoMoreRows)?;
        let finished = stream.finish(txn).await;
        observability::statement_finished(started.elapsed());
        let mut summary = finished.inspect_err(|e| record_error(&span, e))?;
        if summary.db.is_none() {
            summary.db.clone_from(&self.database);
        }
        Ok(summary)
    }

    /// Commits; returns the bookmark when the server gives one.
    pub async fn commit(mut self) -> Result<Option<String>, neo4rs::Error> {
        let txn = self.txn.take().ok_or(neo4rs::Error::NoMoreRows)?;
        txn.commit()
            .instrument(self.span.clone())
            .await
            .inspect_err(|e| record_error(&self.span, e))
    }

    pub async fn rollback(mut self) -> Result<(), neo4rs::Error> {
        let txn = self.txn.take().ok_or(neo4rs::Error::NoMoreRows)?;
        if self.current.take().is_some() {
            // Rows of an unfinished statement may still be in flight: reset instead.
            return txn.cancel(CANCEL_TIMEOUT).await;
        }
        txn.rollback().await
    }

    /// Abandons the transaction: it is rolled back and the connection returns to the
    /// pool, or is closed if it cannot be reset promptly.
    pub async fn cancel(mut self) {
        if let Some(txn) = self.txn.take() {
            cancel_txn(txn).await;
        }
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        observability::transaction_closed();
        if let Some(txn) = self.txn.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(cancel_txn(txn));
            }
        }
    }
}

impl RawRecords for Transaction {
    fn take_received(
        &mut self,
        max: usize,
        each: &mut EachRecord<'_>,
    ) -> Result<usize, neo4rs::Error> {
        let (Some((stream, span, _)), Some(txn)) = (self.current.as_mut(), self.txn.as_mut())
        else {
            return Ok(0);
        };
        stream
            .raw_buffered(txn, max, each)
            .inspect_err(|e| record_error(span, e))
    }

    fn next_into<'a>(
        &'a mut self,
        each: &'a mut EachRecord<'_>,
    ) -> futures::future::BoxFuture<'a, Result<bool, neo4rs::Error>> {
        Box::pin(async move {
            let (Some((stream, span, _)), Some(txn)) = (self.current.as_mut(), self.txn.as_mut())
            else {
                return Ok(false);
            };
            stream
                .next_raw(txn, each)
                .await
                .inspect_err(|e| record_error(span, e))
        })
    }
}

async fn cancel_txn(txn: Txn) {
    if let Err(e) = txn.cancel(CANCEL_TIMEOUT).await {
        tracing::debug!(error = %e, "closed a transaction's connection that could not be reset");
    }
}
