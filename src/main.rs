use std::process::ExitCode;

use clap::Parser;
use graphrpc::{
    configuration::{Cli, Command},
    startup::{shutdown_signal, Application},
    telemetry,
};

// glibc's malloc fragments under graphrpc's mix of small per-row allocations across
// threads; mimalloc cut the CPU per streamed row and per call (README "Performance").
// Built without transparent huge pages (feature no_thp): with them a 1 KiB-row stream to a
// slow reader grew RSS by 54 MiB instead of 17 (tests/process/resources.rs bounds it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let args = match command {
        Command::Serve(args) => args,
        Command::Query(args) => return query(*args),
        Command::ConfigReference => {
            print!("{}", graphrpc::configuration::reference::markdown());
            return ExitCode::SUCCESS;
        }
    };
    let settings = match args.into_settings() {
        Ok(settings) => settings,
        Err(e) => {
            eprintln!("graphrpc: {e}");
            return ExitCode::from(2);
        }
    };
    let mut runtime = tokio::runtime::Builder::new_multi_thread();
    if let Some(threads) = settings.worker_threads {
        runtime.worker_threads(threads.get());
    }
    let runtime = match runtime.enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("graphrpc: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Inside the runtime: the trace exporter sends on it.
    let telemetry = {
        let _runtime = runtime.enter();
        telemetry::init(settings.log_format, &settings.log_filter)
    };
    let outcome = runtime.block_on(async {
        let app = Application::build(settings).await?;
        app.run_until_stopped(shutdown_signal()).await
    });
    // Flush pending spans while the runtime that sends them is still up.
    telemetry.shutdown();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "graphrpc failed");
            eprintln!("graphrpc: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `graphrpc query`: a client call, on a runtime of its own.
fn query(args: graphrpc::query_cli::QueryArgs) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => ExitCode::from(runtime.block_on(graphrpc::query_cli::run(args))),
        Err(e) => {
            eprintln!("graphrpc query: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}
