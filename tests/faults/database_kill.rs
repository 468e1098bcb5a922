//! The database SIGKILLed under 32 concurrent callers and started again (a database of
//! this test's own, never the shared one): no call outlives its deadline by more than
//! 250 ms, calls succeed within a second of the database answering Bolt again, and no
//! pooled connection is left checked out.

use std::{
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use nix::{sys::signal, unistd::Pid};

use crate::{figure, helpers::*};

// Two worker threads, as the real server has: on one thread the 32 callers and the app
// in the same runtime delay each other's timers, and the lateness measured is the test's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_sigkilled_under_load_and_restarted_costs_no_late_call() {
    let own = OwnGraphDb::start();
    let app = spawn_with_settings(settings(&own.target(), &["--connect-timeout", "1s"])).await;
    assert_eq!(app.value("RETURN 1", vec![]).await, int(1));

    let deadline = Duration::from_secs(1);
    let stop = Arc::new(AtomicBool::new(false));
    // (when the call started, how long it took, whether it succeeded)
    let calls: Arc<Mutex<Vec<(Instant, Duration, bool)>>> = Arc::default();
    let callers: Vec<_> = (0..32)
        .map(|_| {
            let (client, stop, calls) = (app.client.clone(), stop.clone(), calls.clone());
            tokio::spawn(async move {
                let mut client = client;
                while !stop.load(Ordering::Relaxed) {
                    let mut call = tonic::Request::new(request("RETURN 1", vec![]));
                    call.set_timeout(deadline);
                    let started = Instant::now();
                    let ok = client.run(call).await.is_ok();
                    let took = started.elapsed();
                    calls.lock().expect("lock").push((started, took, ok));
                    if !ok {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                    }
                }
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(1)).await;

    let pid: i32 = std::fs::read_to_string(own.home.path().join("server.pid"))
        .expect("the database's pid file")
        .trim()
        .parse()
        .expect("a pid");
    signal::kill(Pid::from_raw(pid), signal::Signal::SIGKILL).expect("SIGKILL the database");
    let killed = Instant::now();
    tokio::time::sleep(Duration::from_secs(2)).await;

    // Started again in the background; the moment Bolt answers is watched from here.
    let restart = {
        let home = own.home.path().to_owned();
        let (bolt, http, password) = (own.bolt_port, own.http_port, own.password.clone());
        tokio::task::spawn_blocking(move || {
            let script = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("deploy/local/graphdb.sh");
            std::process::Command::new("bash")
                .arg(script)
                .arg("start")
                .env("GRAPHDB_HOME", home)
                .env("GRAPHDB_BOLT_PORT", bolt.to_string())
                .env("GRAPHDB_HTTP_PORT", http.to_string())
                .env("GRAPHDB_PASSWORD", password)
                .env("GRAPHDB_NAME", "graph")
                .status()
                .expect("run graphdb.sh")
        })
    };
    let answers_again = loop {
        if own.target().answers_a_query().await {
            break Instant::now();
        }
        assert!(
            killed.elapsed() < Duration::from_secs(90),
            "the database never came back"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(
        restart.await.expect("restart").success(),
        "graphdb.sh start failed"
    );
    // Calls go on a while after the return, then stop.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    for caller in callers {
        caller.await.expect("caller");
    }

    let calls = calls.lock().expect("lock").clone();
    let late = calls
        .iter()
        .filter(|(_, took, _)| *took > deadline + Duration::from_millis(250))
        .count();
    let longest = calls
        .iter()
        .map(|(_, took, _)| *took)
        .max()
        .unwrap_or_default();
    let first_success = calls
        .iter()
        .filter(|(started, took, ok)| *ok && *started + *took >= answers_again)
        .map(|(started, took, _)| *started + *took)
        .min()
        .expect("a call succeeded after the database returned");
    let recovery = first_success.saturating_duration_since(answers_again);
    let failed = calls.iter().filter(|(_, _, ok)| !ok).count();
    app.wait_pool_idle().await;
    figure(
        "database SIGKILL",
        format_args!(
            "{} calls by 32 callers, {failed} failed; {late} past their deadline + 250 ms (longest {longest:?}, deadline {deadline:?}); first success {recovery:?} after the database answered a query again ({:?} after the kill); pool in use at the end: {}",
            calls.len(),
            answers_again - killed,
            app.in_use()
        ),
    );
    assert_eq!(late, 0, "calls past their deadline + 250 ms");
    assert!(
        recovery <= Duration::from_secs(1),
        "first success {recovery:?} after the return"
    );
    assert_eq!(app.in_use(), 0);
}
