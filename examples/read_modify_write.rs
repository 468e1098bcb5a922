//! Read-modify-write in one graphrpc Transaction stream: move an amount between two
//! accounts only if the source can cover it. The transaction lives as long as the stream;
//! if this program dies half-way, graphrpc rolls it back.
//!
//!     cargo run --example read_modify_write -- http://127.0.0.1:50051 25
//!
//! (start a server first with `make run`).

use graphrpc::proto::v1::{
    self as pb, graph_query_service_client::GraphQueryServiceClient,
    transaction_request::Message as In, transaction_response::Message as Out, TransactionRequest,
};
use tokio::sync::mpsc;
use tokio_stream::{wrappers::ReceiverStream, StreamExt};
use tonic::Streaming;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> Result<(), Error> {
    let mut args = std::env::args().skip(1);
    let address = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:50051".into());
    let amount: i64 = args.next().map_or(Ok(25), |a| a.parse())?;
    let mut client = GraphQueryServiceClient::connect(address).await?;

    // Set the accounts up (idempotently) with a plain Run.
    client
        .run(pb::RunRequest {
            cypher: "MERGE (a:Account {name: 'alice'}) ON CREATE SET a.balance = 100 \
                     MERGE (b:Account {name: 'bob'}) ON CREATE SET b.balance = 0"
                .into(),
            ..Default::default()
        })
        .await?;

    let (requests, receiver) = mpsc::channel(4);
    let mut responses = client
        .transaction(ReceiverStream::new(receiver))
        .await?
        .into_inner();
    let send = |message: In| {
        let requests = requests.clone();
        async move {
            requests
                .send(TransactionRequest {
                    message: Some(message),
                })
                .await
        }
    };

    send(In::Begin(pb::Begin::default())).await?;
    expect_begun(&mut responses).await?;

    // Read...
    send(statement(
        "MATCH (a:Account {name: 'alice'}) RETURN a.balance AS balance",
        None,
    ))
    .await?;
    let balance = match first_value(&mut responses).await? {
        Some(pb::value::Kind::Integer(balance)) => balance,
        other => return Err(format!("unexpected balance {other:?}").into()),
    };

    // ...decide, then write or roll back.
    if balance < amount {
        send(In::Rollback(pb::Rollback {})).await?;
        println!("alice has {balance}, less than {amount}: rolled back");
    } else {
        send(statement(
            "MATCH (a:Account {name: 'alice'}), (b:Account {name: 'bob'}) \
             SET a.balance = a.balance - $amount, b.balance = b.balance + $amount \
             RETURN a.balance AS alice",
            Some(amount),
        ))
        .await?;
        first_value(&mut responses).await?;
        send(In::Commit(pb::Commit {})).await?;
        println!("moved {amount} from alice ({balance}) to bob: committed");
    }
    // Closing our side ends the call once graphrpc has answered the commit or rollback.
    drop(requests);
    while let Some(message) = responses.next().await {
        message?;
    }
    Ok(())
}

fn statement(cypher: &str, amount: Option<i64>) -> In {
    In::Statement(pb::TransactionStatement {
        cypher: cypher.into(),
        params: amount
            .map(|a| {
                (
                    "amount".to_owned(),
                    pb::Value {
                        kind: Some(pb::value::Kind::Integer(a)),
                    },
                )
            })
            .into_iter()
            .collect(),
        ..Default::default()
    })
}

async fn expect_begun(responses: &mut Streaming<pb::TransactionResponse>) -> Result<(), Error> {
    match responses.next().await.transpose()?.and_then(|r| r.message) {
        Some(Out::Begun(_)) => Ok(()),
        other => Err(format!("expected Begun, got {other:?}").into()),
    }
}

/// Reads one statement's answer (header, rows, summary) and returns its first value.
async fn first_value(
    responses: &mut Streaming<pb::TransactionResponse>,
) -> Result<Option<pb::value::Kind>, Error> {
    let mut first = None;
    while let Some(response) = responses.next().await.transpose()? {
        match response.message {
            Some(Out::Header(_)) => {}
            Some(Out::Rows(batch)) => {
                if first.is_none() {
                    first = batch
                        .rows
                        .into_iter()
                        .next()
                        .and_then(|r| r.values.into_iter().next());
                }
            }
            Some(Out::Summary(_)) => return Ok(first.and_then(|v| v.kind)),
            other => return Err(format!("unexpected {other:?}").into()),
        }
    }
    Err("the stream ended mid-statement".into())
}
