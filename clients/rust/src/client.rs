//! The client: one HTTP/2 channel to graphrpc, a bearer token, a default deadline and the
//! session's bookmarks. Cheap to clone; clones share the channel and the bookmarks.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use tonic::{
    metadata::MetadataValue,
    transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity},
    Request,
};

use crate::{
    error::{Error, Result},
    proto::{self as pb, graph_query_service_client::GraphQueryServiceClient},
    query::{proto_duration, NamedQuery, Query},
    record::RecordSet,
    stream::RecordStream,
};

/// How to reach graphrpc: `ClientBuilder::new("http://127.0.0.1:50051").token(t).connect()`.
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    endpoint: String,
    token: Option<String>,
    ca_pem: Option<Vec<u8>>,
    identity: Option<(Vec<u8>, Vec<u8>)>,
    domain: Option<String>,
    deadline: Duration,
    connect_timeout: Duration,
}

impl ClientBuilder {
    /// `endpoint`: `http://host:port`, or `https://host:port` for TLS.
    pub fn new(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder {
            endpoint: endpoint.into(),
            token: None,
            ca_pem: None,
            identity: None,
            domain: None,
            deadline: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }

    /// The bearer token sent with every call.
    pub fn token(mut self, token: impl Into<String>) -> ClientBuilder {
        self.token = Some(token.into());
        self
    }

    /// TLS: the CA certificate (PEM) that signed the server's certificate.
    pub fn ca_certificate(mut self, pem: impl Into<Vec<u8>>) -> ClientBuilder {
        self.ca_pem = Some(pem.into());
        self
    }

    /// mTLS: the client's certificate chain and private key (PEM).
    pub fn identity(
        mut self,
        cert_pem: impl Into<Vec<u8>>,
        key_pem: impl Into<Vec<u8>>,
    ) -> ClientBuilder {
        self.identity = Some((cert_pem.into(), key_pem.into()));
        self
    }

    /// TLS: the name to verify the server's certificate against, when not the endpoint's host.
    pub fn domain_name(mut self, name: impl Into<String>) -> ClientBuilder {
        self.domain = Some(name.into());
        self
    }

    /// The deadline of each call (and of each managed transaction, retries included).
    pub fn default_deadline(mut self, deadline: Duration) -> ClientBuilder {
        self.deadline = deadline;
        self
    }

    /// Connects (the channel reconnects by itself later if the connection drops).
    pub async fn connect(self) -> Result<Client> {
        let mut endpoint = Endpoint::from_shared(self.endpoint.clone())
            .map_err(|e| Error::Config(format!("endpoint `{}`: {e}", self.endpoint)))?
            .connect_timeout(self.connect_timeout);
        if self.ca_pem.is_some() || self.identity.is_some() || self.endpoint.starts_with("https") {
            let mut tls = ClientTlsConfig::new().with_enabled_roots();
            if let Some(pem) = self.ca_pem {
                tls = tls.ca_certificate(Certificate::from_pem(pem));
            }
            if let Some((cert, key)) = self.identity {
                tls = tls.identity(Identity::from_pem(cert, key));
            }
            if let Some(domain) = self.domain {
                tls = tls.domain_name(domain);
            }
            endpoint = endpoint.tls_config(tls)?;
        }
        let channel = endpoint.connect().await?;
        let token = match self.token {
            Some(t) => Some(
                format!("Bearer {t}")
                    .parse::<MetadataValue<_>>()
                    .map_err(|_| Error::Config("the token is not valid header text".into()))?,
            ),
            None => None,
        };
        Ok(Client {
            inner: GraphQueryServiceClient::new(channel)
                .max_decoding_message_size(64 * 1024 * 1024),
            token,
            deadline: self.deadline,
            database: None,
            bookmarks: Arc::default(),
        })
    }
}

/// A connection to graphrpc; see the crate documentation.
#[derive(Debug, Clone)]
pub struct Client {
    pub(crate) inner: GraphQueryServiceClient<Channel>,
    token: Option<MetadataValue<tonic::metadata::Ascii>>,
    pub(crate) deadline: Duration,
    pub(crate) database: Option<String>,
    bookmarks: Arc<Mutex<Vec<String>>>,
}

impl Client {
    /// `Client::connect("http://127.0.0.1:50051")`, no token; see [`ClientBuilder`].
    pub async fn connect(endpoint: impl Into<String>) -> Result<Client> {
        ClientBuilder::new(endpoint).connect().await
    }

    /// Connects as the environment says: `GRAPHRPC_ENDPOINT` (default
    /// `http://127.0.0.1:50051`) with the bearer token `GRAPHRPC_TOKEN` when it is set, the
    /// same variables `graphrpc query` reads.
    pub async fn from_env() -> Result<Client> {
        let endpoint = std::env::var("GRAPHRPC_ENDPOINT")
            .unwrap_or_else(|_| "http://127.0.0.1:50051".to_owned());
        let mut builder = ClientBuilder::new(endpoint);
        if let Some(token) = std::env::var("GRAPHRPC_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
        {
            builder = builder.token(token);
        }
        builder.connect().await
    }

    /// A builder with every option.
    pub fn builder(endpoint: impl Into<String>) -> ClientBuilder {
        ClientBuilder::new(endpoint)
    }

    /// A handle on the same connection with a session of its own: its calls chain their
    /// own bookmarks (each call sees the writes of the session's earlier calls).
    pub fn session(&self) -> Client {
        Client {
            bookmarks: Arc::default(),
            ..self.clone()
        }
    }

    /// A handle that works in `database` instead of the server's configured one.
    pub fn with_database(&self, database: impl Into<String>) -> Client {
        Client {
            database: Some(database.into()),
            ..self.clone()
        }
    }

    /// A handle whose calls have this deadline.
    pub fn with_deadline(&self, deadline: Duration) -> Client {
        Client {
            deadline,
            ..self.clone()
        }
    }

    pub(crate) fn request<T>(&self, message: T, deadline: Duration) -> Request<T> {
        let mut request = Request::new(message);
        request.set_timeout(deadline);
        if let Some(token) = &self.token {
            request
                .metadata_mut()
                .insert("authorization", token.clone());
        }
        request
    }

    pub(crate) fn bookmarks(&self) -> Vec<String> {
        self.bookmarks.lock().map(|b| b.clone()).unwrap_or_default()
    }

    /// Chains the session: later calls wait for this bookmark's writes.
    pub(crate) fn saw_bookmark(&self, bookmark: &str) {
        if bookmark.is_empty() {
            return;
        }
        if let Ok(mut b) = self.bookmarks.lock() {
            *b = vec![bookmark.to_owned()];
        }
    }

    fn database(&self) -> String {
        self.database.clone().unwrap_or_default()
    }

    /// Runs one statement in an auto-commit transaction; all rows at once.
    pub async fn run(&self, query: impl Into<Query>) -> Result<RecordSet> {
        let q = query.into();
        let message = pb::RunRequest {
            cypher: q.cypher.clone(),
            params: q.proto_params(),
            database: self.database(),
            access_mode: q.access_mode(),
            timeout: proto_duration(q.timeout),
            bookmarks: self.bookmarks(),
            max_rows: q.max_rows,
            idempotent: q.idempotent,
            ..Default::default()
        };
        let response = self
            .inner
            .clone()
            .run(self.request(message, self.deadline))
            .await?
            .into_inner();
        self.finish(response.keys, response.rows, response.summary)
    }

    fn finish(
        &self,
        keys: Vec<String>,
        rows: Vec<pb::Row>,
        summary: Option<pb::Summary>,
    ) -> Result<RecordSet> {
        if let Some(s) = &summary {
            self.saw_bookmark(&s.bookmark);
        }
        RecordSet::from_parts(keys, rows, summary)
    }

    /// Runs one statement and streams its records; memory stays bounded by one batch
    /// (and HTTP/2 flow control), however large the result.
    pub async fn run_stream(&self, query: impl Into<Query>) -> Result<RecordStream> {
        let q = query.into();
        let message = pb::RunStreamRequest {
            cypher: q.cypher.clone(),
            params: q.proto_params(),
            database: self.database(),
            access_mode: q.access_mode(),
            timeout: proto_duration(q.timeout),
            bookmarks: self.bookmarks(),
            batch_size: q.batch_size,
            idempotent: q.idempotent,
            ..Default::default()
        };
        let stream = self
            .inner
            .clone()
            .run_stream(self.request(message, self.deadline))
            .await?
            .into_inner();
        RecordStream::open(self.clone(), crate::stream::Source::Run(stream)).await
    }

    /// Runs a named query of the server's catalog; all rows at once.
    pub async fn run_named(&self, query: impl Into<NamedQuery>) -> Result<RecordSet> {
        let q = query.into();
        let message = pb::RunNamedRequest {
            name: q.name.clone(),
            params: q.proto_params(),
            database: self.database(),
            timeout: proto_duration(q.timeout),
            bookmarks: self.bookmarks(),
            max_rows: q.max_rows,
            ..Default::default()
        };
        let response = self
            .inner
            .clone()
            .run_named(self.request(message, self.deadline))
            .await?
            .into_inner();
        self.finish(response.keys, response.rows, response.summary)
    }

    /// Runs a named query and streams its records.
    pub async fn run_named_stream(&self, query: impl Into<NamedQuery>) -> Result<RecordStream> {
        let q = query.into();
        let message = pb::RunNamedStreamRequest {
            name: q.name.clone(),
            params: q.proto_params(),
            database: self.database(),
            timeout: proto_duration(q.timeout),
            bookmarks: self.bookmarks(),
            batch_size: q.batch_size,
            ..Default::default()
        };
        let stream = self
            .inner
            .clone()
            .run_named_stream(self.request(message, self.deadline))
            .await?
            .into_inner();
        RecordStream::open(self.clone(), crate::stream::Source::Named(stream)).await
    }

    /// Runs the statements in order in one transaction: all or none. A failure names the
    /// failing statement: [`Error::statement_index`].
    pub async fn batch<Q: Into<Query>>(
        &self,
        queries: impl IntoIterator<Item = Q>,
    ) -> Result<Vec<RecordSet>> {
        let queries: Vec<Query> = queries.into_iter().map(Into::into).collect();
        let read = queries.iter().all(|q| q.read);
        let message = pb::RunBatchRequest {
            statements: queries
                .iter()
                .map(|q| pb::BatchStatement {
                    cypher: q.cypher.clone(),
                    params: q.proto_params(),
                    json_params: None,
                })
                .collect(),
            database: self.database(),
            access_mode: if read {
                pb::AccessMode::Read as i32
            } else {
                pb::AccessMode::Unspecified as i32
            },
            bookmarks: self.bookmarks(),
            idempotent: queries.iter().all(|q| q.idempotent),
            ..Default::default()
        };
        let response = self
            .inner
            .clone()
            .run_batch(self.request(message, self.deadline))
            .await?
            .into_inner();
        self.saw_bookmark(&response.bookmark);
        response
            .results
            .into_iter()
            .map(|r| RecordSet::from_parts(r.keys, r.rows, r.summary))
            .collect()
    }

    /// The named queries of the server's catalog.
    pub async fn list_named_queries(&self) -> Result<Vec<pb::NamedQuery>> {
        Ok(self
            .inner
            .clone()
            .list_named_queries(self.request(pb::ListNamedQueriesRequest {}, self.deadline))
            .await?
            .into_inner()
            .queries)
    }
}
