//! gRPC API handlers, one module per RPC family: `query_api` (Run, RunStream),
//! `transaction_api` (Transaction, RunBatch) and `named_api` (RunNamed, RunNamedStream,
//! ListNamedQueries). Transport concerns (logging) live in
//! `transport`; conversions in `conversions`.

mod deadline;
mod inbound;
mod named_api;
pub mod query_api;
mod streaming;
pub mod transaction_api;

use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};

use crate::{
    auth::statements::StatementPolicy,
    catalog::Catalog,
    configuration::QueryLimits,
    database::GraphDb,
    proto::v1::{
        // Aliased: the struct below already has the service's name.
        graph_query_service_server::GraphQueryService as GraphQuery,
        ListNamedQueriesRequest,
        ListNamedQueriesResponse,
        RunBatchRequest,
        RunBatchResponse,
        RunNamedRequest,
        RunNamedResponse,
        RunNamedStreamRequest,
        RunRequest,
        RunResponse,
        RunStreamRequest,
        TransactionRequest,
    },
    reload::Current,
    retry::RetryPolicy,
};

/// What every handler shares: the one pooled driver and the configured bounds.
pub struct ApiState {
    pub db: GraphDb,
    pub limits: QueryLimits,
    pub retry: RetryPolicy,
    /// The named-query catalog in force, when GRAPHRPC_CATALOG_FILE is set.
    pub catalog: Option<Current<Catalog>>,
    /// What each principal may run, checked before a statement reaches the database.
    pub statements: StatementPolicy,
}

/// `graphrpc.v1.GraphQueryService`. tonic wants one trait impl per service; it only routes each
/// RPC to its family's module.
pub struct GraphQueryService {
    state: Arc<ApiState>,
}

impl GraphQueryService {
    pub fn new(state: ApiState) -> Self {
        GraphQueryService {
            state: Arc::new(state),
        }
    }
}

#[tonic::async_trait]
impl GraphQuery for GraphQueryService {
    async fn run(&self, request: Request<RunRequest>) -> Result<Response<RunResponse>, Status> {
        query_api::run(&self.state, request).await
    }

    type RunStreamStream = query_api::RunStreamStream;

    async fn run_stream(
        &self,
        request: Request<RunStreamRequest>,
    ) -> Result<Response<Self::RunStreamStream>, Status> {
        query_api::run_stream(&self.state, request).await
    }

    type TransactionStream = transaction_api::TransactionStream;

    async fn transaction(
        &self,
        request: Request<Streaming<TransactionRequest>>,
    ) -> Result<Response<Self::TransactionStream>, Status> {
        transaction_api::transaction(self.state.clone(), request).await
    }

    async fn run_batch(
        &self,
        request: Request<RunBatchRequest>,
    ) -> Result<Response<RunBatchResponse>, Status> {
        transaction_api::run_batch(&self.state, request).await
    }

    async fn run_named(
        &self,
        request: Request<RunNamedRequest>,
    ) -> Result<Response<RunNamedResponse>, Status> {
        named_api::run_named(&self.state, request).await
    }

    type RunNamedStreamStream = named_api::RunNamedStreamStream;

    async fn run_named_stream(
        &self,
        request: Request<RunNamedStreamRequest>,
    ) -> Result<Response<Self::RunNamedStreamStream>, Status> {
        named_api::run_named_stream(&self.state, request).await
    }

    async fn list_named_queries(
        &self,
        request: Request<ListNamedQueriesRequest>,
    ) -> Result<Response<ListNamedQueriesResponse>, Status> {
        named_api::list_named_queries(&self.state, request).await
    }
}
