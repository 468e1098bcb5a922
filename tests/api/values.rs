//! Every Value type through the real database: as a parameter and back, and read from
//! stored nodes, relationships and paths.

use std::collections::HashMap;

use graphrpc::proto::v1::{self as pb, value::Kind};

use crate::helpers::*;

fn samples() -> Vec<(&'static str, pb::Value)> {
    vec![
        ("null", v(Kind::Null(0))),
        ("boolean", v(Kind::Boolean(true))),
        ("integer min", int(i64::MIN)),
        ("integer max", int(i64::MAX)),
        ("float", v(Kind::Float(-1234.5678e-9))),
        ("infinity", v(Kind::Float(f64::INFINITY))),
        ("negative infinity", v(Kind::Float(f64::NEG_INFINITY))),
        ("string", string("héllo, wörld ✓")),
        ("empty string", string("")),
        ("bytes", v(Kind::Bytes(vec![0u8, 1, 2, 254, 255].into()))),
        (
            "list",
            v(Kind::List(pb::ListValue {
                values: vec![
                    int(1),
                    string("two"),
                    v(Kind::Null(0)),
                    v(Kind::List(pb::ListValue {
                        values: vec![int(3)],
                    })),
                ],
            })),
        ),
        (
            "map",
            v(Kind::Map(pb::MapValue {
                entries: HashMap::from([
                    ("a".to_owned(), int(1)),
                    (
                        "nested".to_owned(),
                        v(Kind::Map(pb::MapValue {
                            entries: HashMap::from([("b".to_owned(), string("c"))]),
                        })),
                    ),
                ]),
            })),
        ),
        ("date", v(Kind::Date(pb::Date { days: 19_000 }))),
        (
            "date before 1970",
            v(Kind::Date(pb::Date { days: -25_000 })),
        ),
        (
            "time",
            v(Kind::Time(pb::Time {
                nanos_of_day: 45_296_000_000_789,
                offset_seconds: 3600,
            })),
        ),
        (
            "local time",
            v(Kind::LocalTime(pb::LocalTime {
                nanos_of_day: 45_296_123_456_789,
            })),
        ),
        (
            "datetime",
            v(Kind::DateTime(pb::DateTime {
                epoch_seconds: 1_704_161_045,
                nanos: 123_456_789,
                offset_seconds: -5 * 3600,
            })),
        ),
        (
            "datetime with zone",
            v(Kind::DateTimeZoneId(pb::DateTimeZoneId {
                local_seconds: 1_577_872_800,
                nanos: 5,
                zone_id: "Europe/Paris".into(),
            })),
        ),
        (
            "local datetime",
            v(Kind::LocalDateTime(pb::LocalDateTime {
                epoch_seconds: 1_577_872_800,
                nanos: 999_999_999,
            })),
        ),
        (
            "duration",
            v(Kind::Duration(pb::Duration {
                months: 14,
                days: 3,
                seconds: 3723,
                nanos: 500_000_000,
            })),
        ),
        (
            "point 2d",
            v(Kind::Point(pb::Point {
                srid: 7203,
                x: 1.5,
                y: -2.25,
                z: None,
            })),
        ),
        (
            "point 3d",
            v(Kind::Point(pb::Point {
                srid: 9157,
                x: 1.0,
                y: 2.0,
                z: Some(3.0),
            })),
        ),
        (
            "wgs84 point",
            v(Kind::Point(pb::Point {
                srid: 4326,
                x: 12.5,
                y: 55.7,
                z: None,
            })),
        ),
    ]
}

#[tokio::test]
async fn every_value_type_round_trips_through_the_database() {
    let app = spawn_app().await;
    let mut failures = Vec::new();
    for (name, value) in samples() {
        match app
            .run(request("RETURN $p AS p", vec![("p", value.clone())]))
            .await
        {
            Ok(response) if response.rows[0].values[0] == value => {}
            Ok(response) => failures.push(format!(
                "{name}: sent {value:?}, got {:?}",
                response.rows[0].values[0]
            )),
            Err(status) => failures.push(format!("{name}: {status:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rows of a RunStream call, all batches together.
async fn streamed_rows(app: &TestApp, req: pb::RunStreamRequest) -> Vec<pb::Row> {
    use pb::run_stream_response::Message;
    use tokio_stream::StreamExt as _;
    let mut stream = app
        .client
        .clone()
        .run_stream(req)
        .await
        .expect("stream")
        .into_inner();
    let mut rows = Vec::new();
    while let Some(message) = stream.next().await {
        if let Some(Message::Rows(batch)) = message.expect("message").message {
            rows.extend(batch.rows);
        }
    }
    rows
}

/// RunStream converts a record straight from the database's bytes (conversions::record),
/// Run through the driver's decoded values: both must give every value alike, beside
/// values of other kinds in the same record (a date sends the whole record the decoded way).
#[tokio::test]
async fn every_value_type_streams_as_run_returns_it() {
    let app = spawn_app().await;
    let mut failures = Vec::new();
    for (name, value) in samples() {
        let params = || vec![("p", value.clone())];
        let cypher = "RETURN $p AS p, [$p, 1] AS list, {k: $p} AS map, 42 AS n";
        let streamed = streamed_rows(&app, stream_request(cypher, params())).await;
        let expected = vec![
            value.clone(),
            v(Kind::List(pb::ListValue {
                values: vec![value.clone(), int(1)],
            })),
            v(Kind::Map(pb::MapValue {
                entries: HashMap::from([("k".to_owned(), value.clone())]),
            })),
            int(42),
        ];
        if streamed.len() != 1 || streamed[0].values != expected {
            failures.push(format!("{name}: streamed {streamed:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Many rows over several batches and PULLs: the stream's rows are Run's rows.
#[tokio::test]
async fn a_long_mixed_result_streams_as_run_returns_it() {
    let app = spawn_app().await;
    let cypher = "UNWIND range(-600, 1800) AS i \
        RETURN i * 3037000493 AS big, toString(i) + 'é☃' AS s, [i, 'x', null, [i % 7]] AS l, \
        {k: i, flag: i % 2 = 0} AS m, i * 1.5 AS f, i % 3 = 0 AS b, \
        CASE WHEN i % 500 = 0 THEN date('2024-01-01') ELSE null END AS d";
    let run = app
        .run(pb::RunRequest {
            max_rows: 10_000,
            ..request(cypher, vec![])
        })
        .await
        .expect("run");
    let streamed = streamed_rows(&app, stream_request(cypher, vec![])).await;
    assert_eq!(run.rows.len(), 2401);
    assert!(streamed == run.rows, "the streamed rows differ from Run's");
}

/// Rows larger than a Bolt chunk (64 KiB) arrive in several chunks and are read the slow
/// way, between rows read straight out of the driver's buffer.
#[tokio::test]
async fn rows_larger_than_a_bolt_chunk_stream_as_run_returns_them() {
    let app = spawn_app().await;
    let big = "ab☃".repeat(40_000);
    let cypher =
        "UNWIND range(1, 40) AS i RETURN i, CASE WHEN i % 9 = 0 THEN $big ELSE 'x' END AS s";
    let params = || vec![("big", string(&big))];
    let run = app.run(request(cypher, params())).await.expect("run");
    let streamed = streamed_rows(&app, stream_request(cypher, params())).await;
    assert_eq!(run.rows.len(), 40);
    assert_eq!(run.rows[8].values[1], string(&big));
    assert!(streamed == run.rows, "the streamed rows differ from Run's");
}

#[tokio::test]
async fn nan_round_trips() {
    let app = spawn_app().await;
    let back = app
        .value("RETURN $p AS p", vec![("p", v(Kind::Float(f64::NAN)))])
        .await;
    assert!(
        matches!(back.kind, Some(Kind::Float(f)) if f.is_nan()),
        "{back:?}"
    );
}

#[tokio::test]
async fn temporal_values_made_by_cypher_convert_exactly() {
    let app = spawn_app().await;
    let response = app
        .run(request(
            "RETURN date('2020-01-01') AS d, localtime('12:00:00') AS lt, time('12:00:00+02:00') AS t, \
             datetime('2024-01-02T03:04:05+01:00') AS dt, localdatetime('2020-01-01T10:00:00') AS ldt, \
             datetime('2020-01-01T10:00:00[Europe/Paris]') AS dtz, duration('P1M2DT3.5S') AS du",
            vec![],
        ))
        .await
        .expect("temporals");
    let values = &response.rows[0].values;
    assert_eq!(values[0], v(Kind::Date(pb::Date { days: 18_262 })));
    assert_eq!(
        values[1],
        v(Kind::LocalTime(pb::LocalTime {
            nanos_of_day: 12 * 3600 * 1_000_000_000
        }))
    );
    assert_eq!(
        values[2],
        v(Kind::Time(pb::Time {
            nanos_of_day: 12 * 3600 * 1_000_000_000,
            offset_seconds: 7200
        }))
    );
    // 03:04:05+01:00 is 02:04:05 UTC.
    assert_eq!(
        values[3],
        v(Kind::DateTime(pb::DateTime {
            epoch_seconds: 1_704_161_045,
            nanos: 0,
            offset_seconds: 3600
        }))
    );
    assert_eq!(
        values[4],
        v(Kind::LocalDateTime(pb::LocalDateTime {
            epoch_seconds: 1_577_872_800,
            nanos: 0
        }))
    );
    assert_eq!(
        values[5],
        v(Kind::DateTimeZoneId(pb::DateTimeZoneId {
            local_seconds: 1_577_872_800,
            nanos: 0,
            zone_id: "Europe/Paris".into()
        }))
    );
    assert_eq!(
        values[6],
        v(Kind::Duration(pb::Duration {
            months: 1,
            days: 2,
            seconds: 3,
            nanos: 500_000_000
        }))
    );
}

#[tokio::test]
async fn stored_nodes_and_relationships_come_back_whole() {
    let app = spawn_app().await;
    let label = unique_label("Stored");
    let props = v(Kind::Map(pb::MapValue {
        entries: HashMap::from([
            ("name".to_owned(), string("Ada")),
            ("born".to_owned(), int(1815)),
            ("score".to_owned(), v(Kind::Float(9.5))),
            (
                "tags".to_owned(),
                v(Kind::List(pb::ListValue {
                    values: vec![string("math"), string("code")],
                })),
            ),
            ("active".to_owned(), v(Kind::Boolean(true))),
            (
                "since".to_owned(),
                v(Kind::Date(pb::Date { days: -56_000 })),
            ),
        ]),
    }));
    let response = app
        .run(request(
            &format!(
                "CREATE (a:{label} $props)-[r:WROTE {{year: 1843, at: $at}}]->(b:{label} {{name: 'Notes'}}) RETURN a, r, b"
            ),
            vec![("props", props.clone()), ("at", v(Kind::LocalDateTime(pb::LocalDateTime { epoch_seconds: -4_000_000_000, nanos: 0 })))],
        ))
        .await
        .expect("create");
    let values = &response.rows[0].values;
    let Some(Kind::Node(a)) = &values[0].kind else {
        panic!("a node: {:?}", values[0])
    };
    let Some(Kind::Relationship(r)) = &values[1].kind else {
        panic!("a relationship")
    };
    let Some(Kind::Node(b)) = &values[2].kind else {
        panic!("a node")
    };
    assert_eq!(a.labels, vec![label.clone()]);
    let Some(Kind::Map(expected)) = &props.kind else {
        unreachable!()
    };
    assert_eq!(a.properties, expected.entries);
    // Bolt 5 carries the server's element id (ArcadeDB's look like `#6:0`, see the bolt
    // module); Bolt 4 has none and the numeric id stands in.
    if app.db.bolt_version() >= Some(neo4rs::Version::V5_0) {
        assert!(a.element_id.starts_with('#'), "{}", a.element_id);
    } else {
        assert_eq!(a.element_id, a.id.to_string());
    }
    assert_eq!(r.r#type, "WROTE");
    assert_eq!((r.start_node_id, r.end_node_id), (a.id, b.id));
    assert_eq!(r.start_node_element_id, a.element_id);
    assert_eq!(r.properties["year"], int(1843));
    assert_eq!(
        r.properties["at"],
        v(Kind::LocalDateTime(pb::LocalDateTime {
            epoch_seconds: -4_000_000_000,
            nanos: 0
        }))
    );

    // Read back in a second call: what was stored is what comes back.
    let again = app
        .run(request(
            &format!("MATCH (a:{label} {{name: 'Ada'}})-[r:WROTE]->(b) RETURN a, r, b"),
            vec![],
        ))
        .await
        .expect("match");
    assert_eq!(again.rows[0].values, response.rows[0].values);
}

#[tokio::test]
async fn paths_are_spelled_out_with_real_directions() {
    let app = spawn_app().await;
    let label = unique_label("PathNode");
    // (a)-[:NEXT]->(b)<-[:NEXT]-(c): the path from a to c runs against the second arrow.
    app.run(request(
        &format!(
            "CREATE (a:{label} {{n: 'a'}})-[:NEXT {{k: 1}}]->(b:{label} {{n: 'b'}})<-[:NEXT {{k: 2}}]-(c:{label} {{n: 'c'}})"
        ),
        vec![],
    ))
    .await
    .expect("create");
    let response = app
        .run(request(
            &format!("MATCH p = (a:{label} {{n: 'a'}})-[:NEXT]->(:{label})<-[:NEXT]-(:{label} {{n: 'c'}}) RETURN p"),
            vec![],
        ))
        .await
        .expect("match path");
    let Some(Kind::Path(path)) = &response.rows[0].values[0].kind else {
        panic!("a path")
    };
    let names: Vec<&pb::Value> = path.nodes.iter().map(|n| &n.properties["n"]).collect();
    assert_eq!(names, vec![&string("a"), &string("b"), &string("c")]);
    assert_eq!(path.relationships.len(), 2);
    let (a, b, c) = (path.nodes[0].id, path.nodes[1].id, path.nodes[2].id);
    assert_eq!(
        (
            path.relationships[0].start_node_id,
            path.relationships[0].end_node_id
        ),
        (a, b)
    );
    assert_eq!(
        (
            path.relationships[1].start_node_id,
            path.relationships[1].end_node_id
        ),
        (c, b)
    );
    assert_eq!(path.relationships[1].properties["k"], int(2));
}

/// Values Cypher cannot hold are refused before the database sees them, naming the
/// parameter path; nothing is written (issue 14: they used to be stored as the text
/// `Structure[sig=0x66, ...]`, or stored and then unreadable with the caller told INTERNAL).
#[tokio::test]
async fn values_cypher_cannot_hold_are_invalid_argument_with_their_path_and_nothing_is_written() {
    let app = spawn_app().await;
    let label = unique_label("BadValue");
    let ok = v(Kind::Integer(1));
    let cases: Vec<(pb::Value, &str)> = vec![
        (
            v(Kind::DateTimeZoneId(pb::DateTimeZoneId {
                local_seconds: 0,
                nanos: 0,
                zone_id: "Mars/Olympus_Mons".into(),
            })),
            "Mars/Olympus_Mons",
        ),
        (
            v(Kind::Date(pb::Date { days: i64::MAX })),
            "outside Cypher's range",
        ),
        (
            v(Kind::LocalDateTime(pb::LocalDateTime {
                epoch_seconds: i64::MIN,
                nanos: 0,
            })),
            "outside Cypher's range",
        ),
        (
            v(Kind::Point(pb::Point {
                srid: 12345,
                x: 1.0,
                y: 2.0,
                z: None,
            })),
            "srid 12345",
        ),
        (
            v(Kind::Point(pb::Point {
                srid: 4979,
                x: 1.0,
                y: 2.0,
                z: None,
            })),
            "3D but z is not set",
        ),
    ];
    for (bad, reason) in cases {
        let p = v(Kind::Map(pb::MapValue {
            entries: HashMap::from([(
                "loc".to_owned(),
                v(Kind::List(pb::ListValue {
                    values: vec![ok.clone(), ok.clone(), bad],
                })),
            )]),
        }));
        let status = app
            .run(request(
                &format!("CREATE (n:{label} {{loc: $p.loc[2]}}) RETURN n.loc"),
                vec![("p", p)],
            ))
            .await
            .expect_err(reason);
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
        assert!(status.message().contains("params.p.loc[2]"), "{status:?}");
        assert!(status.message().contains(reason), "{status:?}");
    }
    let count = app
        .value(&format!("MATCH (n:{label}) RETURN count(n)"), vec![])
        .await;
    assert_eq!(count, int(0), "a refused value was written");
}
