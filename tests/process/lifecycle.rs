//! Signals and reloads: SIGTERM/SIGINT drain, SIGHUP re-reads the catalog, the access file and the certificate; a bad setting stops start-up.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_sigint_drain_and_exit_zero() {
    for sig in [signal::Signal::SIGTERM, signal::Signal::SIGINT] {
        // A grace far above the statement's few seconds: on a loaded machine (load 20+ on two
        // cores) the statement alone took over 10 s and the drain rightly cut it off.
        let mut server = Server::start(&["--shutdown-grace", "60s"]);
        let mut client = server.client().await;
        client.run(request("RETURN 1")).await.expect("serving");
        let in_flight = tokio::spawn({
            let mut client = client.clone();
            async move {
                client
                    .run(request("UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c"))
                    .await
            }
        });
        // Signalled once the call is in (not after a fixed pause): from the signal on, calls
        // that have not arrived are refused, and a loaded machine may be slow to send it.
        let admin = server.admin.clone();
        let arrived = tokio::task::spawn_blocking(move || {
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(10) {
                let (_, metrics) = admin_get(&admin, "/metrics");
                if sample(&metrics, "graphrpc_rpc_in_flight").unwrap_or(0.0) >= 1.0 {
                    return true;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            false
        });
        assert!(arrived.await.expect("poller"), "the call never arrived");
        server.signal(sig);
        let signalled = std::time::Instant::now();
        let finished = in_flight.await.expect("task").unwrap_or_else(|e| {
            panic!(
                "the in-flight call failed {:?} after the signal: {e:?}",
                signalled.elapsed()
            )
        });
        assert_eq!(finished.into_inner().rows.len(), 1);
        let status = server.wait_exit(Duration::from_secs(15));
        assert_eq!(status.code(), Some(0), "{sig:?}: {status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_catalog_and_a_bad_catalog_stops_start_up() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("catalog.yaml");
    let catalog = |name: &str| {
        format!(
            "queries:\n  - name: {name}\n    description: d\n    mode: read\n    cypher: RETURN $n AS n\n    parameters:\n      - {{name: n, type: integer, default: 7}}\n"
        )
    };
    let call = |name: &str| pb::RunNamedRequest {
        name: name.to_owned(),
        ..Default::default()
    };
    std::fs::write(&path, catalog("first")).expect("write");
    let path_arg = path.to_str().expect("utf-8");
    // Polling is an hour away: only SIGHUP reloads within this test.
    let server = Server::start(&["--catalog-file", path_arg, "--reload-interval", "1h"]);
    let mut client = server.client().await;
    let rows = client
        .run_named(call("first"))
        .await
        .expect("served")
        .into_inner()
        .rows;
    assert_eq!(rows[0].values[0].kind, Some(pb::value::Kind::Integer(7)));

    std::fs::write(&path, catalog("second")).expect("write");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let status = client
        .run_named(call("second"))
        .await
        .expect_err("not reloaded yet");
    assert_eq!(status.code(), tonic::Code::NotFound);

    server.signal(signal::Signal::SIGHUP);
    let started = Instant::now();
    loop {
        match client.run_named(call("second")).await {
            Ok(_) => break,
            Err(status) => {
                assert_eq!(status.code(), tonic::Code::NotFound, "{status:?}");
                assert!(
                    started.elapsed() < Duration::from_secs(5),
                    "SIGHUP did not reload the catalog"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
    // A bad version on SIGHUP is refused: the process goes on serving the one in force.
    std::fs::write(&path, "queries: [").expect("write");
    server.signal(signal::Signal::SIGHUP);
    tokio::time::sleep(Duration::from_millis(300)).await;
    client
        .run_named(call("second"))
        .await
        .expect("the previous version stays");

    // At start-up the same file stops graphrpc, naming it.
    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        // A port nothing listens on: start-up must fail before any login is tried.
        .args([
            "serve",
            "--neo4j-uri",
            "bolt://127.0.0.1:9",
            "--neo4j-password",
            "x",
        ])
        .args(["--catalog-file", path_arg])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("catalog {path_arg}: line ")),
        "{stderr}"
    );
}

#[test]
fn a_bad_setting_stops_start_up_naming_it() {
    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .args(["serve", "--neo4j-password", "x", "--pool-size", "0"])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("GRAPHRPC_POOL_SIZE"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .args([
            "serve",
            "--neo4j-password",
            "x",
            "--neo4j-uri",
            "mysql://db:3306",
        ])
        .output()
        .expect("run graphrpc");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("NEO4J_URI"), "{stderr}");
}

/// A request with a bearer token, as any gRPC client sends it.
fn with_token(message: pb::RunRequest, token: &str) -> tonic::Request<pb::RunRequest> {
    let mut request = tonic::Request::new(message);
    let value = format!("Bearer {token}").parse().expect("ascii token");
    request.metadata_mut().insert("authorization", value);
    request
}

fn token_entry(principal: &str, token: &str) -> String {
    use sha2::Digest as _;
    format!(
        "  - principal: {principal}\n    sha256: {}\n    role: writer\n    raw_cypher: true\n",
        hex::encode(sha2::Sha256::digest(token.as_bytes()))
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_reloads_the_access_file_and_no_secret_reaches_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let access = dir.path().join("access.yaml");
    let (first, second) = ("first-token-c0ffee-4411", "second-token-beef-9902");
    let near_miss = "first-token-c0ffee-4412";
    std::fs::write(&access, format!("tokens:\n{}", token_entry("etl", first))).expect("write");
    let log = tempfile::NamedTempFile::new().expect("log file");
    // Debug level everywhere: the HTTP/2 and driver crates' own logging included.
    let mut server = Server::start_logging_to(
        &[
            "--log-format",
            "json",
            "--log",
            "debug",
            "--access-file",
            access.to_str().expect("utf-8"),
            // Only SIGHUP reloads within this test.
            "--reload-interval",
            "1h",
        ],
        Stdio::from(log.reopen().expect("log handle")),
    );
    let mut client = server.client().await;
    client
        .run(with_token(request("RETURN 1"), first))
        .await
        .expect("a known token");
    for token in [near_miss, second] {
        let status = client
            .run(with_token(request("RETURN 1"), token))
            .await
            .expect_err("unknown token");
        assert_eq!(status.code(), tonic::Code::Unauthenticated);
    }

    std::fs::write(
        &access,
        format!(
            "tokens:\n{}{}",
            token_entry("etl", first),
            token_entry("loader", second)
        ),
    )
    .expect("write");
    server.signal(signal::Signal::SIGHUP);
    let deadline = Instant::now() + Duration::from_secs(10);
    while client
        .run(with_token(request("RETURN 1"), second))
        .await
        .is_err()
    {
        assert!(
            Instant::now() < deadline,
            "SIGHUP did not reload the access file"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));

    let text = std::fs::read_to_string(log.path()).expect("read log");
    let password = std::env::var("GRAPHRPC_TEST_NEO4J_PASSWORD").expect("password");
    for secret in [first, second, near_miss, password.as_str()] {
        assert!(!text.contains(secret), "`{secret}` reached the log");
    }
    assert!(
        text.lines().count() > 10,
        "debug logging produced little: {text}"
    );
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("every line is JSON"))
        .collect();
    assert!(
        lines.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("reloaded access file"))),
        "the reload is logged"
    );
    let principals: Vec<&str> = lines
        .iter()
        .filter(|l| l["message"] == "call")
        .map(|l| l["principal"].as_str().unwrap_or("?"))
        .collect();
    assert_eq!(principals.first(), Some(&"etl"), "{principals:?}");
    assert_eq!(
        principals.get(1),
        Some(&""),
        "an unauthenticated call names nobody"
    );
    assert_eq!(principals.last(), Some(&"loader"), "{principals:?}");
}

/// A TLS connection to the real binary trusting only `ca`; the call's outcome as text.
async fn tls_return_1(addr: &str, ca: &certs::Ca) -> Result<(), String> {
    let tls = tonic::transport::ClientTlsConfig::new()
        .ca_certificate(tonic::transport::Certificate::from_pem(ca.pem()))
        .domain_name("localhost");
    let channel = Channel::from_shared(format!("https://{addr}"))
        .expect("uri")
        .tls_config(tls)
        .expect("tls")
        .connect_timeout(Duration::from_secs(5))
        .connect()
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    GraphQueryServiceClient::new(channel)
        .run(request("RETURN 1"))
        .await
        .map(drop)
        .map_err(|e| format!("call: {e:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_serves_tls_and_sighup_swaps_its_certificate() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert_file, key_file) = (dir.path().join("tls.crt"), dir.path().join("tls.key"));
    let install = |ca: &certs::Ca| {
        let leaf = ca.server("graphrpc");
        std::fs::write(&cert_file, &leaf.cert).expect("write cert");
        std::fs::write(&key_file, &leaf.key).expect("write key");
    };
    let (old_ca, new_ca) = (certs::Ca::new("old CA"), certs::Ca::new("new CA"));
    install(&old_ca);
    let mut server = Server::start(&[
        "--tls-cert-file",
        cert_file.to_str().expect("utf-8"),
        "--tls-key-file",
        key_file.to_str().expect("utf-8"),
        // Only SIGHUP reloads within this test.
        "--reload-interval",
        "1h",
    ]);
    let started = Instant::now();
    while let Err(e) = tls_return_1(&server.addr, &old_ca).await {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never served TLS: {e}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Plaintext h2c to a TLS port fails.
    let plain = Channel::from_shared(format!("http://{}", server.addr))
        .expect("uri")
        .connect()
        .await;
    if let Ok(channel) = plain {
        GraphQueryServiceClient::new(channel)
            .run(request("RETURN 1"))
            .await
            .expect_err("plaintext to a TLS listener");
    }

    install(&new_ca);
    assert!(
        tls_return_1(&server.addr, &new_ca).await.is_err(),
        "the new certificate was served before any reload"
    );
    server.signal(signal::Signal::SIGHUP);
    let swapped = Instant::now();
    while let Err(e) = tls_return_1(&server.addr, &new_ca).await {
        assert!(
            swapped.elapsed() < Duration::from_secs(10),
            "SIGHUP did not reload: {e}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(tls_return_1(&server.addr, &old_ca).await.is_err());
    server.signal(signal::Signal::SIGTERM);
    assert_eq!(server.wait_exit(Duration::from_secs(15)).code(), Some(0));
}
