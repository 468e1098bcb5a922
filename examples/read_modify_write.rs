//! Read-modify-write in one transaction, with the Rust client library (graphrpc-client):
//! move an amount between two accounts only if the source can cover it. The transaction
//! lives as long as its stream; if this program dies half-way, graphrpc rolls it back.
//!
//!     cargo run --example read_modify_write -- http://127.0.0.1:50051 25
//!
//! (start a server first with `make run`; a token, if the server wants one, comes from
//! GRAPHRPC_TOKEN).

use graphrpc_client::{Client, Query};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let endpoint = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:50051".into());
    let amount: i64 = args.next().map_or(Ok(25), |a| a.parse())?;
    let mut builder = Client::builder(endpoint);
    if let Ok(token) = std::env::var("GRAPHRPC_TOKEN") {
        builder = builder.token(token);
    }
    let client = builder.connect().await?;

    // Set the accounts up (idempotently) with a plain run.
    client
        .run(
            "MERGE (a:Account {name: 'alice'}) ON CREATE SET a.balance = 100 \
             MERGE (b:Account {name: 'bob'}) ON CREATE SET b.balance = 0",
        )
        .await?;

    let tx = client.begin(false).await?;
    // Read...
    let balance: i64 = tx
        .run("MATCH (a:Account {name: 'alice'}) RETURN a.balance AS balance")
        .await?
        .single("balance")?;
    // ...decide, then write or roll back.
    if balance < amount {
        tx.rollback().await?;
        println!("alice has {balance}, less than {amount}: rolled back");
    } else {
        tx.run(
            Query::new(
                "MATCH (a:Account {name: 'alice'}), (b:Account {name: 'bob'}) \
                 SET a.balance = a.balance - $amount, b.balance = b.balance + $amount",
            )
            .param("amount", amount),
        )
        .await?;
        tx.commit().await?;
        println!("moved {amount} from alice ({balance}) to bob: committed");
    }
    Ok(())
}
