use std::process::ExitCode;

use clap::Parser;
use graphrpc::{
    configuration::{Cli, Command},
    startup::{shutdown_signal, Application},
    telemetry,
};

fn main() -> ExitCode {
    let Cli { command } = Cli::parse();
    let Command::Serve(args) = command;
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
