use super::*;
use std::collections::HashMap;

fn limits() -> QueryLimits {
    QueryLimits {
        default_timeout: Duration::from_secs(60),
        max_timeout: Duration::from_secs(600),
        default_max_rows: 100,
        max_rows: 1000,
        default_batch_size: 50,
        max_batch_size: 500,
        tx_idle_timeout: Duration::from_secs(30),
        max_cypher_bytes: 100,
        max_params: 3,
        max_param_depth: 4,
        max_value_bytes: 16,
        max_request_bytes: 1 << 20,
    }
}

fn request(cypher: &str) -> RunFields {
    RunFields {
        cypher: cypher.to_owned(),
        ..Default::default()
    }
}

fn plan(req: RunFields, kind: RunKind) -> Result<RunPlan, Status> {
    run_plan(req, &MetadataMap::new(), &limits(), kind)
}

#[test]
fn defaults_apply() {
    let p = plan(request("RETURN 1"), RunKind::Unary).expect("valid");
    assert_eq!(p.max_rows, 100);
    assert_eq!(p.time_limit, Duration::from_secs(60));
    assert_eq!(p.statement.access_mode, AccessMode::Write);
    assert_eq!(p.statement.database, None);
    let p = plan(request("RETURN 1"), RunKind::Stream).expect("valid");
    assert_eq!(p.batch_size, 50);
}

#[test]
fn the_smaller_of_timeout_and_deadline_wins() {
    let mut metadata = MetadataMap::new();
    metadata.insert("grpc-timeout", "1500m".parse().expect("ascii"));
    let mut req = request("RETURN 1");
    req.timeout = Some(prost_types::Duration {
        seconds: 10,
        nanos: 0,
    });
    let p = run_plan(req.clone(), &metadata, &limits(), RunKind::Unary).expect("valid");
    // 1500 ms less the margin that lets graphrpc answer before the caller's deadline.
    assert_eq!(p.time_limit, Duration::from_millis(1450));
    req.timeout = Some(prost_types::Duration {
        seconds: 1,
        nanos: 0,
    });
    let p = run_plan(req, &metadata, &limits(), RunKind::Unary).expect("valid");
    assert_eq!(p.time_limit, Duration::from_secs(1));
    assert_eq!(p.statement.timeout, Duration::from_secs(1));
}

#[test]
fn grpc_timeout_units() {
    for (text, expected) in [
        ("2H", Duration::from_secs(7200)),
        ("3M", Duration::from_secs(180)),
        ("4S", Duration::from_secs(4)),
        ("5m", Duration::from_millis(5)),
        ("6u", Duration::from_micros(6)),
        ("99999999n", Duration::from_nanos(99_999_999)),
    ] {
        let mut metadata = MetadataMap::new();
        metadata.insert("grpc-timeout", text.parse().expect("ascii"));
        assert_eq!(grpc_timeout(&metadata).expect(text), Some(expected));
    }
    for bad in ["", "S", "12", "1x", "123456789S", "-1S"] {
        let mut metadata = MetadataMap::new();
        metadata.insert("grpc-timeout", bad.parse().expect("ascii"));
        assert!(grpc_timeout(&metadata).is_err(), "{bad}");
    }
}

#[test]
fn bad_requests_name_the_field() {
    let cases: Vec<(RunFields, RunKind, &str)> = vec![
        (request("  "), RunKind::Unary, "cypher"),
        (
            RunFields {
                max_rows: 1001,
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "max_rows",
        ),
        (
            RunFields {
                batch_size: 501,
                ..request("RETURN 1")
            },
            RunKind::Stream,
            "batch_size",
        ),
        (
            RunFields {
                batch_size: 5,
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "batch_size",
        ),
        (
            RunFields {
                max_rows: 5,
                ..request("RETURN 1")
            },
            RunKind::Stream,
            "max_rows",
        ),
        (
            RunFields {
                access_mode: 7,
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "access_mode",
        ),
        (
            RunFields {
                timeout: Some(prost_types::Duration {
                    seconds: 601,
                    nanos: 0,
                }),
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "timeout",
        ),
        (
            RunFields {
                timeout: Some(prost_types::Duration {
                    seconds: -1,
                    nanos: 0,
                }),
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "timeout",
        ),
        (
            RunFields {
                timeout: Some(prost_types::Duration::default()),
                ..request("RETURN 1")
            },
            RunKind::Unary,
            "timeout",
        ),
    ];
    for (req, kind, field) in cases {
        let status = plan(req, kind).expect_err(field);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(
            status.message().starts_with(field),
            "{field}: {}",
            status.message()
        );
    }
}

#[test]
fn params_merge_and_collisions_are_refused() {
    let mut req = request("RETURN $a, $b");
    req.params = HashMap::from([(
        "a".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::Integer(1)),
        },
    )]);
    req.json_params = Some(prost_types::Struct {
        fields: [(
            "b".to_owned(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::NumberValue(2.0)),
            },
        )]
        .into_iter()
        .collect(),
    });
    let p = plan(req.clone(), RunKind::Unary).expect("valid");
    assert_eq!(p.statement.params.value.len(), 2);

    req.json_params = Some(prost_types::Struct {
        fields: [("a".to_owned(), prost_types::Value::default())]
            .into_iter()
            .collect(),
    });
    let status = plan(req, RunKind::Unary).expect_err("collision");
    assert!(
        status.message().starts_with("json_params.a"),
        "{}",
        status.message()
    );
}

#[test]
fn a_bad_param_is_named() {
    let mut req = request("RETURN $when");
    req.params = HashMap::from([(
        "when".to_owned(),
        pb::Value {
            kind: Some(pb::value::Kind::LocalTime(pb::LocalTime {
                nanos_of_day: -5,
            })),
        },
    )]);
    let status = plan(req, RunKind::Unary).expect_err("bad");
    assert!(
        status.message().starts_with("params.when:"),
        "{}",
        status.message()
    );
}

#[test]
fn batch_and_begin_errors_name_the_nested_field() {
    let metadata = MetadataMap::new();
    let status =
        batch_plan(pb::RunBatchRequest::default(), &metadata, &limits()).expect_err("empty");
    assert!(
        status.message().starts_with("statements:"),
        "{}",
        status.message()
    );

    let bad = pb::BatchStatement {
        cypher: "RETURN $x".into(),
        params: HashMap::from([(
            "x".to_owned(),
            pb::Value {
                kind: Some(pb::value::Kind::Node(pb::Node::default())),
            },
        )]),
        ..Default::default()
    };
    let good = pb::BatchStatement {
        cypher: "RETURN 1".into(),
        ..Default::default()
    };
    let status = batch_plan(
        pb::RunBatchRequest {
            statements: vec![good.clone(), bad],
            ..Default::default()
        },
        &metadata,
        &limits(),
    )
    .expect_err("bad param");
    assert!(
        status.message().starts_with("statements[1].params.x:"),
        "{}",
        status.message()
    );

    let plan = batch_plan(
        pb::RunBatchRequest {
            statements: vec![good],
            metadata: HashMap::from([("who".to_owned(), "me".to_owned())]),
            access_mode: pb::AccessMode::Read.into(),
            ..Default::default()
        },
        &metadata,
        &limits(),
    )
    .expect("valid");
    assert_eq!(plan.options.access_mode, AccessMode::Read);
    assert_eq!(
        plan.options.metadata,
        vec![("who".to_owned(), "me".to_owned())]
    );
    assert_eq!(plan.max_rows, 100);

    let status = begin_plan(
        pb::Begin {
            timeout: Some(prost_types::Duration {
                seconds: 601,
                nanos: 0,
            }),
            ..Default::default()
        },
        &metadata,
        &limits(),
    )
    .expect_err("too long");
    assert!(
        status.message().starts_with("begin.timeout:"),
        "{}",
        status.message()
    );

    let status = transaction_statement(
        pb::TransactionStatement {
            cypher: "RETURN 1".into(),
            batch_size: 501,
            ..Default::default()
        },
        &limits(),
    )
    .expect_err("batch too large");
    assert!(
        status.message().starts_with("statement.batch_size:"),
        "{}",
        status.message()
    );
}

fn named_query() -> NamedQuery {
    let yaml = "queries:\n  - name: q\n    description: d\n    mode: write\n    idempotent: true\n    timeout: 5s\n    max_rows: 20\n    cypher: RETURN $a\n    parameters:\n      - {name: a, type: integer, default: 1}\n";
    crate::catalog::Catalog::parse(std::path::Path::new("c.yaml"), yaml.as_bytes(), &limits())
        .expect("valid")
        .get("q")
        .expect("present")
        .clone()
}

#[test]
fn a_named_plan_takes_the_catalogs_text_mode_and_limits() {
    let q = named_query();
    let plan = |req: NamedFields, metadata: &MetadataMap, kind| {
        named_plan(req, &q, metadata, &limits(), kind)
    };
    let none = MetadataMap::new();
    let p = plan(NamedFields::default(), &none, RunKind::Unary).expect("valid");
    assert_eq!(p.statement.cypher, "RETURN $a");
    assert_eq!(p.statement.access_mode, AccessMode::Write);
    assert!(p.idempotent, "from the catalog");
    assert_eq!(p.time_limit, Duration::from_secs(5));
    assert_eq!(p.max_rows, 20);
    assert_eq!(
        p.statement.params.value.get(&neo4rs::BoltString::from("a")),
        Some(&neo4rs::BoltType::Integer(neo4rs::BoltInteger::new(1)))
    );
    let p = plan(NamedFields::default(), &none, RunKind::Stream).expect("valid");
    assert_eq!(p.batch_size, 50);

    let shorter = NamedFields {
        timeout: Some(prost_types::Duration {
            seconds: 2,
            nanos: 0,
        }),
        max_rows: 3,
        ..Default::default()
    };
    let p = plan(shorter.clone(), &none, RunKind::Unary).expect("valid");
    assert_eq!((p.time_limit, p.max_rows), (Duration::from_secs(2), 3));
    let mut metadata = MetadataMap::new();
    metadata.insert("grpc-timeout", "1000m".parse().expect("ascii"));
    let p = plan(shorter, &metadata, RunKind::Unary).expect("valid");
    assert_eq!(
        p.time_limit,
        Duration::from_millis(950),
        "the deadline is smaller"
    );

    let json_a = Some(prost_types::Struct {
        fields: [(
            "a".to_owned(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::StringValue("x".into())),
            },
        )]
        .into_iter()
        .collect(),
    });
    for (req, kind, start) in [
        (
            NamedFields {
                timeout: Some(prost_types::Duration {
                    seconds: 6,
                    nanos: 0,
                }),
                ..Default::default()
            },
            RunKind::Unary,
            "timeout: 6s is above named query `q`'s timeout of 5s",
        ),
        (
            NamedFields {
                timeout: Some(prost_types::Duration::default()),
                ..Default::default()
            },
            RunKind::Unary,
            "timeout: is zero",
        ),
        (
            NamedFields {
                max_rows: 21,
                ..Default::default()
            },
            RunKind::Unary,
            "max_rows: 21 is above named query `q`'s row limit of 20",
        ),
        (
            NamedFields {
                max_rows: 1,
                ..Default::default()
            },
            RunKind::Stream,
            "max_rows: applies to RunNamed only",
        ),
        (
            NamedFields {
                batch_size: 1,
                ..Default::default()
            },
            RunKind::Unary,
            "batch_size: applies to RunNamedStream only",
        ),
        (
            NamedFields {
                batch_size: 501,
                ..Default::default()
            },
            RunKind::Stream,
            "batch_size: 501 is above",
        ),
        (
            NamedFields {
                json_params: json_a,
                ..Default::default()
            },
            RunKind::Unary,
            "json_params.a: expected integer, got string",
        ),
        (
            NamedFields {
                params: HashMap::from([(
                    "a".to_owned(),
                    pb::Value {
                        kind: Some(pb::value::Kind::String("y".repeat(17))),
                    },
                )]),
                ..Default::default()
            },
            RunKind::Unary,
            "params.a: holds a 17-byte value",
        ),
    ] {
        let status = plan(req, &none, kind).expect_err(start);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with(start), "{}", status.message());
    }
}

#[test]
fn request_limits_name_the_setting() {
    use pb::value::Kind;
    let value = |kind| pb::Value { kind: Some(kind) };
    let nested = |depth: usize| {
        let mut v = value(Kind::Integer(1));
        for _ in 1..depth {
            v = value(Kind::List(pb::ListValue { values: vec![v] }));
        }
        v
    };
    let with = |params: Vec<(&str, pb::Value)>| RunFields {
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..request("RETURN 1")
    };
    let four: Vec<(&str, pb::Value)> = ["a", "b", "c", "d"]
        .into_iter()
        .map(|k| (k, value(Kind::Integer(1))))
        .collect();
    let cases = [
        (
            request(&"x".repeat(101)),
            "cypher",
            "GRAPHRPC_MAX_CYPHER_BYTES",
        ),
        (with(four), "params", "GRAPHRPC_MAX_PARAMS"),
        (
            with(vec![("deep", nested(5))]),
            "params.deep",
            "GRAPHRPC_MAX_PARAM_DEPTH",
        ),
        (
            with(vec![("s", value(Kind::String("y".repeat(17))))]),
            "params.s",
            "GRAPHRPC_MAX_VALUE_BYTES",
        ),
    ];
    for (req, field, setting) in cases {
        let status = plan(req, RunKind::Unary).expect_err(setting);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with(field), "{}", status.message());
        assert!(status.message().contains(setting), "{}", status.message());
    }
    plan(with(vec![("ok", nested(4))]), RunKind::Unary).expect("4 levels are allowed");

    let mut json = request("RETURN $j");
    json.json_params = Some(prost_types::Struct {
        fields: [(
            "j".to_owned(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::StringValue("z".repeat(17))),
            },
        )]
        .into_iter()
        .collect(),
    });
    let status = plan(json, RunKind::Unary).expect_err("json too large");
    assert!(
        status.message().starts_with("json_params.j"),
        "{}",
        status.message()
    );
}
