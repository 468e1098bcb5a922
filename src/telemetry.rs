//! Logs, traces and metrics, each set up in one place.
//!
//! - Logs: a tracing subscriber, human-readable lines or one JSON object per line.
//! - Traces: OpenTelemetry spans exported with OTLP over gRPC, configured by the standard
//!   variables (`OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`,
//!   `OTEL_RESOURCE_ATTRIBUTES`, ...); nothing is exported when no endpoint is set. W3C trace
//!   context (`traceparent`, `tracestate`) is the propagation format.
//! - Metrics: a Prometheus recorder for the `metrics` facade, rendered by the admin listener.

use std::{io::IsTerminal as _, sync::OnceLock, time::Duration};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::{
    error::OTelSdkResult,
    propagation::TraceContextPropagator,
    trace::{SdkTracerProvider, SpanData, SpanExporter},
    Resource,
};
use tracing_subscriber::{
    filter::{filter_fn, FilterExt as _},
    layer::SubscriberExt,
    util::SubscriberInitExt,
    EnvFilter, Layer,
};

use crate::configuration::LogFormat;

/// Keeps the trace pipeline alive; [`Telemetry::shutdown`] flushes pending spans.
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Exports the spans still buffered and writes the buffered log lines. Call it before
    /// the runtime goes away.
    pub fn shutdown(self) {
        crate::log_writer::flush();
        if let Some(provider) = self.tracer_provider {
            if let Err(e) = provider.shutdown() {
                eprintln!("graphrpc: flushing traces failed: {e}");
            }
        }
    }
}

/// Installs the global subscriber (and the OTLP trace pipeline when configured). Must run
/// inside the Tokio runtime: the exporter sends on it. Does nothing if a subscriber is
/// already installed (tests start several servers in one process).
pub fn init(format: LogFormat, filter: &str) -> Telemetry {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let filter_text = filter;
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let tracer_provider = otlp_endpoint_configured().then(tracer_provider).flatten();
    let otel_layer = tracer_provider.as_ref().map(|provider| {
        tracing_opentelemetry::layer()
            .with_tracer(provider.tracer("graphrpc"))
            // Only graphrpc's own spans: the rpc and db spans, not every dependency's.
            .with_filter(tracing_subscriber::filter::filter_fn(|meta| {
                meta.is_span() && meta.target().starts_with("graphrpc")
            }))
    });
    // Lines go through a buffer written by a thread of its own (see `log_writer`); colours
    // only on a terminal (escape codes in a log file are noise, and cost formatting).
    let ansi = std::io::stdout().is_terminal();
    let (fmt_layer, spans) =
        crate::log_layer::fmt_layer(format, ansi, crate::log_writer::BufferedStdout);
    // (A hint, so that the pair keeps the level filter's: the spans test is level-neutral.)
    let spans_only = filter_fn(move |meta| !meta.is_span() || spans(meta))
        .with_max_level_hint(tracing::level_filters::LevelFilter::TRACE);
    let fmt_filter = filter.and(spans_only);
    // Every layer has a filter of its own. No unfiltered layer may join them (not even an
    // absent `Option` layer, which counts as one that wants everything): one would have
    // every span of every dependency (h2 opens dozens per call) built for nothing.
    let mut layers = vec![
        fmt_layer.with_filter(fmt_filter).boxed(),
        crate::transport::refused::layer().boxed(),
    ];
    if let Some(otel_layer) = otel_layer {
        layers.push(otel_layer.boxed());
    }
    let installed = tracing_subscriber::registry()
        .with(layers)
        .try_init()
        .is_ok();
    if let (true, Some(provider)) = (installed, &tracer_provider) {
        opentelemetry::global::set_tracer_provider(provider.clone());
        tracing::info!("exporting traces with OTLP");
    }
    // The call line bypasses tracing only where it prints the same bytes: no spans to
    // export, no colours, and a filter without span directives (`[...]`, which can let an
    // event through inside one span and not another).
    let direct = match format {
        LogFormat::Human if !ansi => Some(crate::call_line::Format::Human),
        LogFormat::Json => Some(crate::call_line::Format::Json),
        LogFormat::Human => None,
    };
    if let (true, None, Some(direct), false) = (
        installed,
        &tracer_provider,
        direct,
        filter_text.contains('['),
    ) {
        crate::call_line::install(direct);
    }
    Telemetry {
        tracer_provider: tracer_provider.filter(|_| installed),
    }
}

fn otlp_endpoint_configured() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let disabled = std::env::var("OTEL_SDK_DISABLED").is_ok_and(|v| v.eq_ignore_ascii_case("true"));
    !disabled && (set("OTEL_EXPORTER_OTLP_ENDPOINT") || set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
}

fn tracer_provider() -> Option<SdkTracerProvider> {
    let exporter = match opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .build()
    {
        Ok(exporter) => exporter,
        Err(e) => {
            eprintln!("graphrpc: OTLP trace export is configured but cannot start: {e}");
            return None;
        }
    };
    let runtime = tokio::runtime::Handle::try_current().ok()?;
    // The resource and the sampler come from the OTEL_* variables (the SDK's defaults).
    Some(
        SdkTracerProvider::builder()
            .with_batch_exporter(OnRuntime {
                inner: std::sync::Arc::new(exporter),
                runtime,
            })
            .with_resource(Resource::builder().build())
            .build(),
    )
}

/// The batch span processor exports from a thread of its own, but the tonic exporter needs
/// a Tokio reactor: each export runs as a task on graphrpc's runtime.
#[derive(Debug)]
struct OnRuntime<E> {
    inner: std::sync::Arc<E>,
    runtime: tokio::runtime::Handle,
}

impl<E: SpanExporter + 'static> SpanExporter for OnRuntime<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let inner = self.inner.clone();
        let spans = batch.len();
        let result = match self
            .runtime
            .spawn(async move { inner.export(batch).await })
            .await
        {
            Ok(result) => result,
            Err(e) => Err(opentelemetry_sdk::error::OTelSdkError::InternalFailure(
                e.to_string(),
            )),
        };
        if let Err(e) = &result {
            export_failed(spans, e);
        }
        result
    }

    fn set_resource(&mut self, resource: &Resource) {
        if let Some(inner) = std::sync::Arc::get_mut(&mut self.inner) {
            inner.set_resource(resource);
        }
    }
}

/// Seconds between two logged export failures: a collector that is down fails every batch.
const EXPORT_FAILURE_LOG_INTERVAL: u64 = 60;

/// Counts a failed export and logs it, at most once per [`EXPORT_FAILURE_LOG_INTERVAL`]
/// (the line says how many failed since the last one).
fn export_failed(spans: usize, error: &opentelemetry_sdk::error::OTelSdkError) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static FAILED_SINCE_LOG: AtomicU64 = AtomicU64::new(0);
    static LAST_LOG: OnceLock<std::sync::Mutex<Option<std::time::Instant>>> = OnceLock::new();
    crate::observability::export_failed();
    let failed = FAILED_SINCE_LOG.fetch_add(1, Ordering::Relaxed) + 1;
    let last = LAST_LOG.get_or_init(|| std::sync::Mutex::new(None));
    let Ok(mut last) = last.lock() else { return };
    let due = last.is_none_or(|at| at.elapsed().as_secs() >= EXPORT_FAILURE_LOG_INTERVAL);
    if due {
        *last = Some(std::time::Instant::now());
        FAILED_SINCE_LOG.store(0, Ordering::Relaxed);
        tracing::warn!(
            error = %error,
            spans,
            failed_batches = failed,
            "trace export failed: spans dropped (logged at most once a minute; see graphrpc_trace_export_failures_total)"
        );
    }
}

/// Upper bounds of the duration histograms, in seconds.
const SECONDS_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
    60.0,
];

/// The process's Prometheus recorder, installed on first use.
pub fn metrics() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        // Only an empty bucket list is refused, and ours is not empty.
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .upkeep_timeout(Duration::from_secs(5))
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics may be empty");
        }
        crate::observability::describe_metrics();
        handle
    })
}
