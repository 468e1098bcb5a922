//! graphrpc over `neo4j://` (the driver's routing), and the caller's identity in the
//! database (Bolt `imp_user`), seen on the wire.
//!
//! No ArcadeDB Raft cluster can be installed here (the HA module is in no registry the
//! project reaches; see docs/routing.md), so the cluster is three standalone ArcadeDB
//! servers started by `deploy/local/graphdb.sh`, each behind a Bolt proxy that counts what
//! it is sent, and a routing front (another proxy) that answers ROUTE with a table the test
//! controls: it "elects" a new writer when the old one is SIGKILLed. Each test prints the
//! figures it measured (`figure: …`).

#[allow(dead_code)]
#[path = "../support/bolt_proxy.rs"]
mod bolt_proxy;
#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/packstream.rs"]
mod packstream;

mod cluster;
mod impersonation;

/// Prints one measured figure in a form easy to find in the test output.
pub fn figure(test: &str, what: std::fmt::Arguments<'_>) {
    println!("figure: {test}: {what}");
}
