//! The fault-injection suite: graphrpc against the real database through a relay the tests
//! control (silent ports, stalled logins, stalls, cuts, a database that is down or
//! SIGKILLed), raw HTTP/2 floods, and SIGTERM on the real binary. Each test prints the
//! figure it measured (`figure: …`), for the closing notes of issue 15.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../support/raw_grpc.rs"]
mod raw_grpc;
#[allow(dead_code)]
#[path = "../support/relay.rs"]
mod relay;

mod connect;
mod contract;
mod database_kill;
mod drain;
mod flood;
mod readiness;

/// Prints one measured figure in a form easy to find in the test output.
pub fn figure(test: &str, what: std::fmt::Arguments<'_>) {
    println!("figure: {test}: {what}");
}
