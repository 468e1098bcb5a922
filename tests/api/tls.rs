//! TLS through real clients against the real database: the gRPC listener with tonic's and
//! rustls' own clients (server TLS, mutual TLS required and optional, certificate reload), and
//! bolt+s:// to the database through a TLS-terminating proxy in front of its Bolt port.
//! Certificates are made here with rcgen, one set per test.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

use graphrpc::{
    configuration::{ClientAuth, ListenerTls},
    proto::v1::{self as pb, graph_query_service_client::GraphQueryServiceClient},
    startup::Application,
    transport::tls::{certificate_subject, client_subject, install_crypto_provider, TlsListener},
};
use rcgen::DnType;
use rustls::pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer, ServerName};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::oneshot,
};
use tonic::transport::{
    server::TcpIncoming, Certificate, Channel, ClientTlsConfig, Identity, Server,
};
use tonic_health::pb::{
    health_check_response::ServingStatus, health_client::HealthClient, HealthCheckRequest,
};

use crate::{
    certs::{name_of, Ca, Leaf},
    helpers::{request, settings, spawn_with_settings, test_db, TestDb},
};

fn reports_client(ca: &Ca) -> Leaf {
    ca.client(name_of(&[
        (DnType::CommonName, "reports"),
        (DnType::OrganizationName, "Acme"),
    ]))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

/// The files of a TLS listener, in a temporary folder.
struct ListenerFiles {
    dir: tempfile::TempDir,
    server_ca: Ca,
    cert_file: PathBuf,
    key_file: PathBuf,
}

impl ListenerFiles {
    fn new() -> ListenerFiles {
        let dir = tempfile::tempdir().expect("temp dir");
        let server_ca = Ca::new("graphrpc test server CA");
        let leaf = server_ca.server("graphrpc-1");
        ListenerFiles {
            cert_file: write(dir.path(), "server.pem", &leaf.cert),
            key_file: write(dir.path(), "server.key", &leaf.key),
            dir,
            server_ca,
        }
    }

    fn flags(&self) -> Vec<String> {
        vec![
            "--tls-cert-file".into(),
            path_str(&self.cert_file).into(),
            "--tls-key-file".into(),
            path_str(&self.key_file).into(),
        ]
    }

    /// Flags for mutual TLS against `client_ca`.
    fn mtls_flags(&self, client_ca: &Ca, auth: &str) -> Vec<String> {
        let ca_file = write(self.dir.path(), "client-ca.pem", &client_ca.pem());
        let mut flags = self.flags();
        flags.extend([
            "--tls-client-ca-file".into(),
            path_str(&ca_file).into(),
            "--tls-client-auth".into(),
            auth.into(),
        ]);
        flags
    }
}

/// The real application with the given extra flags; dropped: aborted.
struct App {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl App {
    async fn spawn(extra: &[String]) -> App {
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let app = Application::build(settings(&test_db(), &extra))
            .await
            .expect("application builds");
        let addr = app.local_addr();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        App {
            addr,
            stop: Some(stop),
            server,
        }
    }

    async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.server)
            .await
            .expect("server task")
            .expect("clean shutdown");
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// tonic's client TLS: trusting `ca`, presenting `identity` if given.
fn client_tls(ca: &Ca, identity: Option<&Leaf>) -> ClientTlsConfig {
    let config = ClientTlsConfig::new()
        .ca_certificate(Certificate::from_pem(ca.pem()))
        .domain_name("localhost");
    match identity {
        Some(leaf) => config.identity(Identity::from_pem(&leaf.cert, &leaf.key)),
        None => config,
    }
}

/// Connects (over TLS when `tls` is given) and runs `RETURN 1`; any failure as text.
async fn return_1(addr: SocketAddr, tls: Option<ClientTlsConfig>) -> Result<(), String> {
    let scheme = if tls.is_some() { "https" } else { "http" };
    let mut endpoint = Channel::from_shared(format!("{scheme}://{addr}"))
        .expect("uri")
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(10));
    if let Some(tls) = tls {
        endpoint = endpoint.tls_config(tls).expect("client TLS config");
    }
    let channel = endpoint
        .connect()
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    let response = GraphQueryServiceClient::new(channel)
        .run(request("RETURN 1", vec![]))
        .await
        .map_err(|status| format!("call: {status:?}"))?
        .into_inner();
    let value = response.rows.first().and_then(|row| row.values.first());
    assert_eq!(
        value.and_then(|v| v.kind.clone()),
        Some(pb::value::Kind::Integer(1))
    );
    Ok(())
}

/// A rustls client handshake trusting only `ca` and offering h2; the subject of the
/// certificate the server presented.
async fn presented_subject(addr: SocketAddr, ca: &Ca) -> Result<String, String> {
    install_crypto_provider();
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.0.der().clone()).expect("root");
    let mut config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let tcp = TcpStream::connect(addr).await.expect("connect");
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(ServerName::try_from("localhost").expect("name"), tcp)
        .await
        .map_err(|e| e.to_string())?;
    let (_, session) = stream.get_ref();
    assert_eq!(session.alpn_protocol(), Some(&b"h2"[..]), "ALPN h2");
    let leaf = session
        .peer_certificates()
        .and_then(|certs| certs.first())
        .expect("a server certificate");
    Ok(certificate_subject(leaf.as_ref()).expect("parsable certificate"))
}

#[tokio::test]
async fn a_client_trusting_the_ca_runs_over_tls_and_others_are_refused() {
    let files = ListenerFiles::new();
    let app = App::spawn(&files.flags()).await;

    // A client that connects and never says hello must not hold up the others.
    let _silent = TcpStream::connect(app.addr).await.expect("connect");
    tokio::time::timeout(
        Duration::from_secs(3),
        return_1(app.addr, Some(client_tls(&files.server_ca, None))),
    )
    .await
    .expect("a silent client blocked the listener")
    .expect("RETURN 1 over TLS");

    let plaintext = return_1(app.addr, None).await;
    assert!(plaintext.is_err(), "a plaintext client got through");

    let stranger = Ca::new("some other CA");
    let error = return_1(app.addr, Some(client_tls(&stranger, None)))
        .await
        .expect_err("a client not trusting the server's CA got through");
    assert!(
        error.contains("connect") && error.contains("UnknownIssuer"),
        "{error}"
    );

    // The listener still serves after the refused handshakes.
    return_1(app.addr, Some(client_tls(&files.server_ca, None)))
        .await
        .expect("RETURN 1 over TLS, again");
    app.shutdown().await;
}

#[tokio::test]
async fn required_client_certificates_must_come_from_the_client_ca() {
    let files = ListenerFiles::new();
    let client_ca = Ca::new("graphrpc test client CA");
    let app = App::spawn(&files.mtls_flags(&client_ca, "required")).await;

    let without = return_1(app.addr, Some(client_tls(&files.server_ca, None))).await;
    let error = without.expect_err("a client without a certificate got through");
    assert!(error.contains("CertificateRequired"), "{error}");

    let other_ca = Ca::new("an unknown client CA");
    let foreign = return_1(
        app.addr,
        Some(client_tls(
            &files.server_ca,
            Some(&reports_client(&other_ca)),
        )),
    )
    .await;
    let error = foreign.expect_err("a certificate from another CA got through");
    assert!(error.contains("UnknownCA"), "{error}");

    return_1(
        app.addr,
        Some(client_tls(
            &files.server_ca,
            Some(&reports_client(&client_ca)),
        )),
    )
    .await
    .expect("RETURN 1 with a good client certificate");
    app.shutdown().await;
}

#[tokio::test]
async fn optional_client_certificates_let_clients_without_one_in() {
    let files = ListenerFiles::new();
    let client_ca = Ca::new("graphrpc test client CA");
    let app = App::spawn(&files.mtls_flags(&client_ca, "optional")).await;

    return_1(app.addr, Some(client_tls(&files.server_ca, None)))
        .await
        .expect("RETURN 1 without a client certificate");
    return_1(
        app.addr,
        Some(client_tls(
            &files.server_ca,
            Some(&reports_client(&client_ca)),
        )),
    )
    .await
    .expect("RETURN 1 with a good client certificate");
    // Optional does not mean unchecked: a certificate that is presented must verify.
    let other_ca = Ca::new("an unknown client CA");
    let foreign = return_1(
        app.addr,
        Some(client_tls(
            &files.server_ca,
            Some(&reports_client(&other_ca)),
        )),
    )
    .await;
    let error = foreign.expect_err("a certificate from another CA got through");
    assert!(error.contains("UnknownCA"), "{error}");
    app.shutdown().await;
}

/// The request extensions a tonic service sees behind graphrpc's TLS listener carry the
/// verified client certificate, and `client_subject` reads it from them. (A server of the
/// test's own, with the same `TlsListener` as graphrpc's, and a layer that records the
/// subject as the auth layer would.)
#[tokio::test]
async fn the_client_subject_reaches_the_request_extensions() {
    let files = ListenerFiles::new();
    let client_ca = Ca::new("graphrpc test client CA");
    let tls = TlsListener::load(&ListenerTls {
        cert_file: files.cert_file.clone(),
        key_file: files.key_file.clone(),
        client_ca_file: Some(write(files.dir.path(), "client-ca.pem", &client_ca.pem())),
        client_auth: ClientAuth::Optional,
        reload_interval: Duration::from_secs(60),
    })
    .await
    .expect("TLS loads");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let record = seen.clone();
    let (_, health) = tonic_health::server::health_reporter();
    let server = tokio::spawn(
        Server::builder()
            .layer(tower::util::MapRequestLayer::new(
                move |req: http::Request<tonic::body::Body>| {
                    record
                        .lock()
                        .expect("lock")
                        .push(client_subject(req.extensions()));
                    req
                },
            ))
            .add_service(health)
            .serve_with_incoming(tls.incoming(TcpIncoming::from(listener))),
    );

    let check = |identity: Option<Leaf>| {
        let tls = client_tls(&files.server_ca, identity.as_ref());
        async move {
            let channel = Channel::from_shared(format!("https://{addr}"))
                .expect("uri")
                .tls_config(tls)
                .expect("tls")
                .connect()
                .await
                .expect("connect");
            HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: String::new(),
                })
                .await
                .expect("health check");
        }
    };
    check(Some(reports_client(&client_ca))).await;
    check(None).await;
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![Some("CN=reports,O=Acme".to_owned()), None]
    );
    server.abort();
}

#[tokio::test]
async fn a_new_certificate_pair_is_served_after_the_reload_interval_and_a_broken_one_is_not() {
    let files = ListenerFiles::new();
    let mut flags = files.flags();
    flags.extend(["--reload-interval".into(), "200ms".into()]);
    let app = App::spawn(&flags).await;
    assert_eq!(
        presented_subject(app.addr, &files.server_ca)
            .await
            .as_deref(),
        Ok("CN=graphrpc-1")
    );

    // A new pair from another CA: once reloaded, only that CA's clients can connect.
    let new_ca = Ca::new("graphrpc test server CA 2");
    let new_leaf = new_ca.server("graphrpc-2");
    std::fs::write(&files.cert_file, &new_leaf.cert).expect("write cert");
    std::fs::write(&files.key_file, &new_leaf.key).expect("write key");
    let mut reloaded = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if presented_subject(app.addr, &new_ca).await.as_deref() == Ok("CN=graphrpc-2") {
            reloaded = true;
            break;
        }
    }
    assert!(reloaded, "the new certificate was not served within 5 s");
    assert!(
        presented_subject(app.addr, &files.server_ca).await.is_err(),
        "the old certificate is still served"
    );
    return_1(app.addr, Some(client_tls(&new_ca, None)))
        .await
        .expect("RETURN 1 with the new certificate");

    // A broken certificate file, then a pair whose key does not match: both refused.
    std::fs::write(&files.cert_file, "-----BEGIN CERTIFICATE-----\nbroken\n").expect("write");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        presented_subject(app.addr, &new_ca).await.as_deref(),
        Ok("CN=graphrpc-2")
    );
    let mismatched = new_ca.server("graphrpc-3");
    std::fs::write(&files.cert_file, &mismatched.cert).expect("write");
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_eq!(
        presented_subject(app.addr, &new_ca).await.as_deref(),
        Ok("CN=graphrpc-2")
    );
    // Its key arrives: the pair is whole again and is served.
    std::fs::write(&files.key_file, &mismatched.key).expect("write");
    let mut reloaded = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if presented_subject(app.addr, &new_ca).await.as_deref() == Ok("CN=graphrpc-3") {
            reloaded = true;
            break;
        }
    }
    assert!(reloaded, "the mended pair was not served within 5 s");
    app.shutdown().await;
}

#[tokio::test]
async fn unusable_tls_files_stop_start_up_naming_the_setting() {
    let files = ListenerFiles::new();
    let missing = files.dir.path().join("missing.pem");
    let mut flags = files.flags();
    flags[1] = path_str(&missing).into();
    let extra: Vec<&str> = flags.iter().map(String::as_str).collect();
    let error = match Application::build(settings(&test_db(), &extra)).await {
        Ok(_) => panic!("started with a missing certificate file"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        error.contains("GRAPHRPC_TLS_CERT_FILE") && error.contains("missing.pem"),
        "{error}"
    );

    let ca_file = write(files.dir.path(), "not-a-ca.pem", "not PEM");
    let db = TestDb {
        uri: "bolt+s://localhost:7687".into(),
        ..test_db()
    };
    let error =
        match Application::build(settings(&db, &["--neo4j-tls-ca-file", path_str(&ca_file)])).await
        {
            Ok(_) => panic!("started with an unusable database CA file"),
            Err(e) => format!("{e:#}"),
        };
    assert!(
        error.contains("NEO4J_TLS_CA_FILE") && error.contains("not-a-ca.pem"),
        "{error}"
    );
}

/// The test database's Bolt address, from its bolt:// URI.
fn bolt_addr(uri: &str) -> String {
    let rest = uri.split_once("://").map_or(uri, |(_, rest)| rest);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}

/// A TLS-terminating proxy in front of the test database's plaintext Bolt port, presenting
/// a certificate for localhost from `ca`. Returns its port; it runs until the test ends.
async fn bolt_tls_proxy(ca: &Ca) -> u16 {
    install_crypto_provider();
    let leaf = ca.server("bolt proxy");
    let config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from_pem_slice(leaf.cert.as_bytes()).expect("cert")],
            PrivateKeyDer::from_pem_slice(leaf.key.as_bytes()).expect("key"),
        )
        .expect("proxy TLS config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let target = bolt_addr(&test_db().uri);
    tokio::spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, target) = (acceptor.clone(), target.clone());
            tokio::spawn(async move {
                // A refused handshake (the no-CA case) just ends this connection.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut upstream = TcpStream::connect(&target).await.expect("the database");
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut upstream).await;
            });
        }
    });
    port
}

async fn health_status(channel: Channel) -> ServingStatus {
    let response = HealthClient::new(channel)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health check")
        .into_inner();
    ServingStatus::try_from(response.status).expect("a known status")
}

#[tokio::test]
async fn bolt_s_with_a_ca_file_reaches_the_database() {
    let ca = Ca::new("graphrpc test database CA");
    let port = bolt_tls_proxy(&ca).await;
    let dir = tempfile::tempdir().expect("dir");
    let ca_file = write(dir.path(), "db-ca.pem", &ca.pem());
    let db = TestDb {
        uri: format!("bolt+s://localhost:{port}"),
        ..test_db()
    };
    let app =
        spawn_with_settings(settings(&db, &["--neo4j-tls-ca-file", path_str(&ca_file)])).await;

    assert_eq!(
        app.value("RETURN 1", vec![]).await.kind,
        Some(pb::value::Kind::Integer(1))
    );
    let mut status = ServingStatus::Unknown;
    for _ in 0..50 {
        status = health_status(app.channel.clone()).await;
        if status == ServingStatus::Serving {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, ServingStatus::Serving);
    app.shutdown().await.expect("clean shutdown");
}

#[tokio::test]
async fn bolt_s_without_the_ca_file_is_unavailable_and_not_serving() {
    let ca = Ca::new("graphrpc test database CA");
    let port = bolt_tls_proxy(&ca).await;
    let db = TestDb {
        uri: format!("bolt+s://localhost:{port}"),
        ..test_db()
    };
    // The system roots do not know the test CA.
    let app = spawn_with_settings(settings(&db, &[])).await;

    let status = app
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("RETURN 1 through an untrusted certificate");
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    assert!(
        status.message().contains("the database is unreachable")
            && status.message().contains("UnknownIssuer"),
        "{status:?}"
    );
    // Several health probes (every 200 ms) have run by now; none may have passed.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_ne!(
        health_status(app.channel.clone()).await,
        ServingStatus::Serving
    );
    app.shutdown().await.expect("clean shutdown");
}

/// Mutual TLS as authentication: a verified client certificate's subject maps to a
/// principal through the access file, like a token does.
#[tokio::test]
async fn a_client_certificate_subject_is_a_principal_with_a_role() {
    use sha2::Digest as _;
    let files = ListenerFiles::new();
    let client_ca = Ca::new("graphrpc test client CA");
    let token = "mtls-test-token-51aa";
    let access = write(
        files.dir.path(),
        "access.yaml",
        &format!(
            "tokens:\n  - principal: etl\n    sha256: {}\n    role: writer\n    raw_cypher: true\n\
             certificates:\n  - subject: 'CN=reports, O=Acme'\n    principal: reports-cert\n    role: reader\n    raw_cypher: true\n",
            hex::encode(sha2::Sha256::digest(token.as_bytes()))
        ),
    );
    let mut flags = files.mtls_flags(&client_ca, "optional");
    flags.extend(["--access-file".into(), path_str(&access).into()]);
    let app = App::spawn(&flags).await;

    let connect = |identity: Option<Leaf>| {
        let tls = client_tls(&files.server_ca, identity.as_ref());
        let addr = app.addr;
        async move {
            let channel = Channel::from_shared(format!("https://{addr}"))
                .expect("uri")
                .tls_config(tls)
                .expect("tls")
                .connect()
                .await
                .expect("connect");
            GraphQueryServiceClient::new(channel)
        }
    };
    let mut reports = connect(Some(reports_client(&client_ca))).await;
    let answer = reports
        .run(request("RETURN 1 AS one", vec![]))
        .await
        .expect("the certificate's principal may read")
        .into_inner();
    assert_eq!(answer.rows.len(), 1);
    let denied = reports
        .run(request(
            "CREATE (n:MtlsReaderWrite) RETURN 1 AS one",
            vec![],
        ))
        .await
        .expect_err("a reader may not write");
    assert_eq!(denied.code(), tonic::Code::PermissionDenied, "{denied:?}");
    assert!(denied.message().contains("reports-cert"), "{denied:?}");

    let stranger = client_ca.client(name_of(&[
        (DnType::CommonName, "stranger"),
        (DnType::OrganizationName, "Acme"),
    ]));
    let refused = connect(Some(stranger))
        .await
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("a verified but unlisted subject");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
    assert!(
        refused.message().contains("CN=stranger,O=Acme"),
        "{refused:?}"
    );

    // Optional client certificates: a token still works, and nothing at all does not.
    let mut anonymous = connect(None).await;
    let mut with_token = tonic::Request::new(request("RETURN 1", vec![]));
    with_token.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ascii"),
    );
    anonymous
        .run(with_token)
        .await
        .expect("a token without a certificate");
    let refused = anonymous
        .run(request("RETURN 1", vec![]))
        .await
        .expect_err("no credentials");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    app.shutdown().await;
}
