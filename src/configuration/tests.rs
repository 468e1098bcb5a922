use super::*;

fn parse(args: &[&str]) -> Result<Settings, String> {
    let mut argv = vec!["graphrpc", "serve"];
    argv.extend_from_slice(args);
    let cli = Cli::try_parse_from(argv).map_err(|e| e.to_string())?;
    let Command::Serve(args) = cli.command else {
        return Err("not `graphrpc serve`".into());
    };
    args.into_settings().map_err(|e| e.to_string())
}

#[test]
fn defaults_with_a_password_are_valid() {
    let settings = parse(&["--neo4j-password", "pw"]).expect("valid");
    assert_eq!(settings.listen.to_string(), "127.0.0.1:50051");
    assert_eq!(settings.database.pool_size, 16);
    assert_eq!(settings.database.database, None);
    assert_eq!(settings.limits.default_max_rows, 10_000);
    assert!(settings.database.response_timeout > settings.limits.max_timeout);
}

#[test]
fn open_mode_on_a_non_loopback_address_needs_an_explicit_setting() {
    let pw = ["--neo4j-password", "pw"];
    for listen in ["0.0.0.0:50051", "[::]:50051", "10.1.2.3:50051"] {
        let err = parse(&[&pw[..], &["--listen", listen]].concat()).unwrap_err();
        assert!(
            err.contains("GRAPHRPC_ACCESS_FILE") && err.contains("GRAPHRPC_ALLOW_OPEN"),
            "{err}"
        );
        parse(&[&pw[..], &["--listen", listen, "--allow-open", "true"]].concat())
            .expect("open by choice");
        parse(&[&pw[..], &["--listen", listen, "--access-file", "/a.yaml"]].concat())
            .expect("an access file");
    }
    parse(&[&pw[..], &["--listen", "[::1]:50051"]].concat()).expect("loopback stays open");
    let err = parse(&[&pw[..], &["--read-procedures", "apoc..x"]].concat()).unwrap_err();
    assert!(
        err.contains("GRAPHRPC_READ_PROCEDURES") && err.contains("`apoc..x`"),
        "{err}"
    );
}

#[test]
fn every_documented_uri_scheme_is_accepted() {
    for scheme in URI_SCHEMES {
        let uri = format!("{scheme}://db.example:7687");
        parse(&["--neo4j-password", "pw", "--neo4j-uri", &uri]).expect(&uri);
    }
}

#[test]
fn a_wrong_scheme_names_the_setting() {
    let err = parse(&["--neo4j-password", "pw", "--neo4j-uri", "http://x:7474"]).unwrap_err();
    assert!(err.contains("NEO4J_URI") && err.contains("`http`"), "{err}");
    let err = parse(&["--neo4j-password", "pw", "--neo4j-uri", "localhost:7687"]).unwrap_err();
    assert!(
        err.contains("NEO4J_URI") && err.contains("no scheme"),
        "{err}"
    );
}

#[test]
fn a_password_is_required_and_read_from_a_file() {
    let err = parse(&[]).unwrap_err();
    assert!(err.contains("NEO4J_PASSWORD"), "{err}");

    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), "s3cret\n").expect("write");
    let path = file.path().to_str().expect("utf-8 path");
    let settings = parse(&["--neo4j-password-file", path]).expect("valid");
    assert_eq!(settings.database.password, "s3cret");

    let err = parse(&["--neo4j-password-file", "/nonexistent/pw"]).unwrap_err();
    assert!(
        err.contains("NEO4J_PASSWORD_FILE") && err.contains("/nonexistent/pw"),
        "{err}"
    );

    let err = parse(&["--neo4j-password", "a", "--neo4j-password-file", path]).unwrap_err();
    assert!(err.contains("cannot be used with"), "{err}");
}

#[test]
fn the_password_is_never_in_debug_output() {
    let settings = parse(&["--neo4j-password", "hunter2-secret"]).expect("valid");
    assert!(!format!("{settings:?}").contains("hunter2-secret"));
}

#[test]
fn bounds_are_checked() {
    let err = parse(&["--neo4j-password", "pw", "--pool-size", "0"]).unwrap_err();
    assert!(err.contains("GRAPHRPC_POOL_SIZE"), "{err}");
    let err = parse(&[
        "--neo4j-password",
        "pw",
        "--default-max-rows",
        "20",
        "--max-rows",
        "10",
    ])
    .unwrap_err();
    assert!(
        err.contains("GRAPHRPC_DEFAULT_MAX_ROWS") && err.contains("GRAPHRPC_MAX_ROWS"),
        "{err}"
    );
    let err = parse(&[
        "--neo4j-password",
        "pw",
        "--default-timeout",
        "2m",
        "--max-timeout",
        "1m",
    ])
    .unwrap_err();
    assert!(err.contains("GRAPHRPC_DEFAULT_TIMEOUT"), "{err}");
    let err = parse(&["--neo4j-password", "pw", "--connect-timeout", "soon"]).unwrap_err();
    assert!(err.contains("--connect-timeout"), "{err}");
    let err = parse(&["--neo4j-password", "pw", "--listen", "nowhere"]).unwrap_err();
    assert!(err.contains("--listen"), "{err}");
    let err = parse(&["--neo4j-password", "pw", "--retry-max-attempts", "0"]).unwrap_err();
    assert!(err.contains("GRAPHRPC_RETRY_MAX_ATTEMPTS"), "{err}");
    let err = parse(&[
        "--neo4j-password",
        "pw",
        "--retry-initial-backoff",
        "5s",
        "--retry-max-backoff",
        "1s",
    ])
    .unwrap_err();
    assert!(err.contains("GRAPHRPC_RETRY_INITIAL_BACKOFF"), "{err}");
    let err = parse(&["--neo4j-password", "pw", "--log", "graphrpc=loud"]).unwrap_err();
    assert!(err.contains("GRAPHRPC_LOG"), "{err}");
}

#[test]
fn the_database_server_is_known_for_traces() {
    assert_eq!(
        server_of("bolt://db.internal:7688"),
        ("db.internal".to_owned(), 7688)
    );
    assert_eq!(
        server_of("neo4j+s://u:p@cluster.example/x"),
        ("cluster.example".to_owned(), 7687)
    );
    assert_eq!(server_of("bolt://[::1]:7000"), ("[::1]".to_owned(), 7000));
}

#[test]
fn an_empty_database_means_the_server_default() {
    let settings = parse(&["--neo4j-password", "pw", "--neo4j-database", " "]).expect("valid");
    assert_eq!(settings.database.database, None);
    let settings = parse(&["--neo4j-password", "pw", "--neo4j-database", "graph"]).expect("valid");
    assert_eq!(settings.database.database.as_deref(), Some("graph"));
}

#[test]
fn security_settings_are_checked_together() {
    let pw = ["--neo4j-password", "pw"];
    let with = |extra: &[&str]| {
        let mut args = pw.to_vec();
        args.extend_from_slice(extra);
        parse(&args)
    };
    let err = with(&["--tls-client-ca-file", "/ca.pem"]).unwrap_err();
    assert!(err.contains("GRAPHRPC_TLS_CLIENT_CA_FILE"), "{err}");
    // clap refuses half a pair before graphrpc sees it.
    assert!(with(&["--tls-cert-file", "/c.pem"]).is_err());
    let err = with(&["--neo4j-tls-ca-file", "/ca.pem"]).unwrap_err();
    assert!(
        err.contains("NEO4J_TLS_CA_FILE") && err.contains("bolt+s"),
        "{err}"
    );
    let ok = with(&[
        "--neo4j-uri",
        "neo4j+s://db:7687",
        "--neo4j-tls-ca-file",
        "/ca.pem",
        "--tls-cert-file",
        "/c.pem",
        "--tls-key-file",
        "/k.pem",
        "--rate-limit",
        "5",
    ])
    .expect("valid");
    let tls = ok.tls.expect("listener TLS");
    assert_eq!(tls.client_auth, ClientAuth::Required);
    assert_eq!(
        ok.security.rate_limit,
        RateLimit {
            per_second: 5,
            burst: 5
        },
        "the burst defaults to one second's worth"
    );
    let err = with(&["--reload-interval", "0s"]).unwrap_err();
    assert!(err.contains("GRAPHRPC_RELOAD_INTERVAL"), "{err}");
}
