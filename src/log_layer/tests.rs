//! The human layer: a call's prefix written from its tag (`call_scope`, no span) against the
//! prefix the RPC span gave, byte for byte after the timestamp, for the lines a call logs:
//! with fields of every kind, inside a span of its own, from work spawned to outlive the
//! handler; and lines outside any call as tracing-subscriber's own format writes them.

use std::sync::Arc;

use tracing::Instrument as _;
use tracing_subscriber::{filter::filter_fn, layer::SubscriberExt as _, Layer as _};

use super::*;
use crate::{
    call_scope::{inherit, scoped, CallTag},
    log_fields::{tests::Captured, PlainFields},
};

const METHOD: &str = "/graphrpc.v1.GraphQueryService/Run";
const REQUEST_ID: &str = "0123abc";

/// What a call logs. Awaited once inside the call; the spawned part runs on the same
/// current-thread runtime.
async fn logged_during_a_call() {
    tracing::warn!(
        attempt = 2_u32,
        pause_ms = 40_u64,
        ok = true,
        n = -3_i64,
        error = "transient \u{1b}[31m",
        "transient failure: retrying"
    );
    tracing::info!(r#type = "raw", big = 7_u128, "message with {} args", 2);
    tracing::debug!(bytes = tracing::field::debug(b"\x00ab"), "bytes");
    {
        let inner = tracing::info_span!("inner", x = 1, name = "a b");
        let _entered = inner.enter();
        tracing::error!("inside a span of its own");
    }
    let spawned = tokio::spawn(inherit(async {
        tokio::task::yield_now().await;
        tracing::info!(rows = 3_u64, "from the stream's task");
    }));
    let _ = spawned.await;
}

fn logged_outside() {
    tracing::info!(address = "127.0.0.1:1", "graphrpc serving");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
}

/// The lines as the RPC span prefixed them (the plain human layer before `call_scope`).
fn with_the_span() -> Vec<String> {
    let out = Captured::default();
    let layer = tracing_subscriber::fmt::layer()
        .with_target(false)
        .with_ansi(false)
        .with_writer(out.clone())
        .fmt_fields(PlainFields)
        .with_timer(UtcMicros);
    let subscriber = tracing_subscriber::registry()
        .with(layer.with_filter(tracing_subscriber::filter::LevelFilter::TRACE));
    tracing::subscriber::with_default(subscriber, || {
        logged_outside();
        let span = tracing::info_span!("rpc", method = %METHOD, request_id = %REQUEST_ID);
        runtime().block_on(logged_during_a_call().instrument(span));
        logged_outside();
    });
    lines(&out)
}

/// The lines as graphrpc's human layer writes them inside a call's scope.
fn with_the_tag() -> Vec<String> {
    let out = Captured::default();
    let (layer, spans) = fmt_layer(LogFormat::Human, false, out.clone());
    let subscriber = tracing_subscriber::registry()
        .with(layer.with_filter(filter_fn(move |meta| !meta.is_span() || spans(meta))));
    tracing::subscriber::with_default(subscriber, || {
        logged_outside();
        let tag = Arc::new(CallTag {
            method: METHOD,
            request_id: REQUEST_ID.to_owned(),
        });
        runtime().block_on(scoped(Some(tag), logged_during_a_call()));
        logged_outside();
    });
    lines(&out)
}

/// The lines, timestamps cut off (the two runs read the clock at different instants).
fn lines(out: &Captured) -> Vec<String> {
    let bytes = out.0.lock().map(|b| b.clone()).unwrap_or_default();
    String::from_utf8_lossy(&bytes)
        .split_inclusive('\n')
        .map(|line| line.get(27..).unwrap_or(line).to_owned())
        .collect()
}

#[test]
fn a_calls_lines_carry_the_prefix_the_span_gave_them() {
    let (tagged, spanned) = (with_the_tag(), with_the_span());
    assert_eq!(tagged.len(), 7, "{tagged:#?}");
    assert_eq!(tagged, spanned);
    assert!(
        tagged[1..6].iter().all(|line| line
            .contains(" rpc{method=/graphrpc.v1.GraphQueryService/Run request_id=0123abc}:")),
        "{tagged:#?}"
    );
    assert!(!tagged[0].contains("rpc{") && !tagged[6].contains("rpc{"));
}
