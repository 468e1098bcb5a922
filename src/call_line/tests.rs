//! The direct line against the tracing event it replaces, through the same log layer as
//! `telemetry::init` builds, byte for byte after the timestamp.

use tracing_subscriber::{filter::filter_fn, layer::SubscriberExt as _, Layer as _};

use super::*;
use crate::{configuration::LogFormat, log_fields::tests::Captured};

/// Fields with the awkward cases: quotes, backslashes, newlines, control and non-ASCII
/// characters in what callers choose (request id, principal), probes at DEBUG, long and
/// whole durations.
fn cases() -> Vec<Fields<'static>> {
    let call = Fields {
        level: Level::INFO,
        method: "/graphrpc.v1.GraphQueryService/Run",
        code: "OK",
        duration_us: 250,
        request_id: "0123abc",
        trace_id: "",
        principal: "",
    };
    vec![
        call,
        Fields {
            code: "INVALID_ARGUMENT",
            duration_us: 1_234_500,
            request_id: "id \"quoted\" \\ back {brace} =eq",
            trace_id: "4bf92f3577b34da6a3ce929d0e0e4736",
            principal: "a \"quoted\"\n name\t\u{1b}[31m é ✓",
            ..call
        },
        Fields {
            duration_us: 3_000,
            request_id: "it's ~ {a=b}",
            principal: "del\u{7f} e\u{301} \r",
            ..call
        },
        Fields {
            request_id: "back\\slash",
            principal: "tab\there",
            ..call
        },
        Fields {
            duration_us: 1,
            ..call
        },
        Fields {
            level: Level::DEBUG,
            method: "/grpc.health.v1.Health/Check",
            duration_us: 100_000_125,
            ..call
        },
    ]
}

/// Durations across the digit patterns (0, whole, one to three fraction digits, large) and
/// pseudo-random ones, each in a line of its own.
fn durations() -> Vec<Fields<'static>> {
    let mut us: Vec<u64> = vec![0, 1, 10, 100, 999, 1_000, 1_010, 1_100, 1_001, 123_456_789];
    us.extend([
        u64::MAX,
        999_999_999_999_999,
        1_000_000_000_000_000,
        4_503_599_627_370_497,
    ]);
    // Seeded: both sides of a comparison must see the same durations.
    let mut rng = fastrand::Rng::with_seed(19);
    us.extend((0..300).map(|_| rng.u64(..10_000_000_000)));
    let first = cases()[0];
    us.into_iter()
        .map(|duration_us| Fields {
            duration_us,
            ..first
        })
        .collect()
}

/// The lines the log layer of `format` writes for the call lines through tracing.
fn through_layer(format: LogFormat) -> Vec<String> {
    let out = Captured::default();
    let (layer, spans) = crate::log_layer::fmt_layer(format, false, out.clone());
    let subscriber = tracing_subscriber::registry()
        .with(layer.with_filter(filter_fn(move |meta| !meta.is_span() || spans(meta))));
    tracing::subscriber::with_default(subscriber, || {
        for f in cases().into_iter().chain(durations()) {
            let span = span(f.method, f.request_id);
            through_tracing(&span, &f);
        }
    });
    let bytes = out.0.lock().map(|b| b.clone()).unwrap_or_default();
    split(bytes)
}

fn direct(format: Format) -> Vec<String> {
    let mut bytes = Vec::new();
    for f in cases().into_iter().chain(durations()) {
        match format {
            Format::Human => human(&mut bytes, &f).expect("writes"),
            Format::Json => json(&mut bytes, &f).expect("writes"),
        }
    }
    split(bytes)
}

/// Lines, each with its 27-byte timestamp blanked (the two were read at different instants).
fn split(bytes: Vec<u8>) -> Vec<String> {
    let text = String::from_utf8(bytes).expect("UTF-8");
    text.split_inclusive('\n')
        .map(|line| {
            let at = if line.starts_with('{') { 14 } else { 0 };
            let mut line = line.to_owned();
            if line.len() >= at + 27 {
                line.replace_range(at..at + 27, &"T".repeat(27));
            }
            line
        })
        .collect()
}

#[test]
fn the_human_line_is_what_tracing_writes() {
    let (ours, theirs) = (direct(Format::Human), through_layer(LogFormat::Human));
    assert_eq!(ours.len(), cases().len() + durations().len(), "{ours:#?}");
    assert_eq!(ours, theirs);
}

#[test]
fn the_json_line_is_what_tracing_writes() {
    let (ours, theirs) = (direct(Format::Json), through_layer(LogFormat::Json));
    assert_eq!(ours.len(), cases().len() + durations().len(), "{ours:#?}");
    assert_eq!(ours, theirs);
    for line in &ours {
        let value: serde_json::Value = serde_json::from_str(line).expect("one JSON object");
        assert_eq!(value["target"], TARGET);
    }
}
