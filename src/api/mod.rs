//! gRPC API handlers, one module per RPC family: `query_api` (Run, RunStream) and
//! `transaction_api` (Transaction, RunBatch). Transport concerns (logging) live in
//! `transport`; conversions in `conversions`.

pub mod query_api;
mod streaming;
pub mod transaction_api;

use std::sync::Arc;

use tonic::{Request, Response, Status, Streaming};

use crate::{
    configuration::QueryLimits,
    database::GraphDb,
    proto::v1::{
        graph_query_server::GraphQuery, RunBatchRequest, RunBatchResponse, RunRequest, RunResponse,
        TransactionRequest,
    },
    retry::RetryPolicy,
};

/// What every handler shares: the one pooled driver and the configured bounds.
pub struct ApiState {
    pub db: GraphDb,
    pub limits: QueryLimits,
    pub retry: RetryPolicy,
}

/// `graphrpc.v1.GraphQuery`. tonic wants one trait impl per service; it only routes each
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
        request: Request<RunRequest>,
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
}
