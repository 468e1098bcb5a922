use graphrpc::proto::v1 as pb;
use tonic::Code;

use crate::helpers::*;

#[tokio::test]
async fn run_returns_keys_in_return_order_rows_and_summary() {
    let app = spawn_app().await;
    let response = app
        .run(request(
            "UNWIND range(1, 3) AS i RETURN i AS zeta, 'row-' + toString(i) AS alpha, i * 2 AS mid",
            vec![],
        ))
        .await
        .expect("run");
    assert_eq!(response.keys, vec!["zeta", "alpha", "mid"]);
    assert_eq!(response.rows.len(), 3);
    assert_eq!(
        response.rows[2].values,
        vec![int(3), string("row-3"), int(6)]
    );
    let summary = response.summary.expect("summary");
    assert_eq!(summary.row_count, 3);
    assert_eq!(summary.database, test_db().database);
    assert_eq!(summary.query_type(), pb::QueryType::ReadOnly);
}

#[tokio::test]
async fn an_empty_result_still_has_its_keys() {
    let app = spawn_app().await;
    let label = unique_label("Nothing");
    let response = app
        .run(request(
            &format!("MATCH (n:{label}) RETURN n.name AS name, n AS node"),
            vec![],
        ))
        .await
        .expect("run");
    assert!(response.rows.is_empty());
    // Neo4j names the columns of an empty result; ArcadeDB names none (README: "the
    // local database"). Whatever is named is in RETURN order.
    assert!(
        response.keys.is_empty() || response.keys == vec!["name", "node"],
        "{:?}",
        response.keys
    );
}

#[tokio::test]
async fn writes_report_their_counters_and_are_visible_after() {
    let app = spawn_app().await;
    let label = unique_label("Written");
    let response = app
        .run(request(
            &format!("CREATE (a:{label} {{name: $name}})-[:KNOWS]->(b:{label} {{name: 'b'}}) RETURN a.name AS name"),
            vec![("name", string("a"))],
        ))
        .await
        .expect("write");
    let summary = response.summary.expect("summary");
    let counters = summary.counters.expect("counters");
    assert_eq!(
        (counters.nodes_created, counters.relationships_created),
        (2, 1)
    );
    assert!(counters.contains_updates);
    assert_eq!(summary.query_type(), pb::QueryType::WriteOnly);

    let count = app
        .value(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![])
        .await;
    assert_eq!(count, int(2));
}

#[tokio::test]
async fn json_params_follow_the_documented_number_rule() {
    let app = spawn_app().await;
    let json: prost_types::Struct = prost_types::Struct {
        fields: [
            ("i".to_owned(), number(42.0)),
            ("f".to_owned(), number(2.5)),
            ("big".to_owned(), number(1e19)),
            (
                "obj".to_owned(),
                prost_types::Value {
                    kind: Some(prost_types::value::Kind::StructValue(prost_types::Struct {
                        fields: [(
                            "name".to_owned(),
                            prost_types::Value {
                                kind: Some(prost_types::value::Kind::StringValue("Ada".into())),
                            },
                        )]
                        .into_iter()
                        .collect(),
                    })),
                },
            ),
        ]
        .into_iter()
        .collect(),
    };
    let response = app
        .run(pb::RunRequest {
            cypher: "RETURN $i AS i, $f AS f, $big AS big, $obj.name AS name, $i + 1 AS next"
                .into(),
            json_params: Some(json),
            ..Default::default()
        })
        .await
        .expect("run");
    use pb::value::Kind;
    let values = &response.rows[0].values;
    assert_eq!(values[0], int(42));
    assert_eq!(values[1], v(Kind::Float(2.5)));
    assert_eq!(values[2], v(Kind::Float(1e19)));
    assert_eq!(values[3], string("Ada"));
    assert_eq!(
        values[4],
        int(43),
        "an integral JSON number is a Cypher integer"
    );
}

fn number(n: f64) -> prost_types::Value {
    prost_types::Value {
        kind: Some(prost_types::value::Kind::NumberValue(n)),
    }
}

#[tokio::test]
async fn run_over_its_row_limit_is_resource_exhausted_not_truncated() {
    let app = spawn_app_with(&["--default-max-rows", "10", "--max-rows", "50"]).await;
    let over = app
        .run(request("UNWIND range(1, 11) AS i RETURN i", vec![]))
        .await
        .expect_err("11 rows > default 10");
    assert_eq!(over.code(), Code::ResourceExhausted);
    assert!(over.message().contains("RunStream"), "{}", over.message());

    let exact = app
        .run(request("UNWIND range(1, 10) AS i RETURN i", vec![]))
        .await
        .expect("10 rows fit");
    assert_eq!(exact.rows.len(), 10);

    let raised = app
        .run(pb::RunRequest {
            max_rows: 20,
            ..request("UNWIND range(1, 11) AS i RETURN i", vec![])
        })
        .await
        .expect("max_rows 20");
    assert_eq!(raised.rows.len(), 11);

    let too_high = app
        .run(pb::RunRequest {
            max_rows: 51,
            ..request("RETURN 1", vec![])
        })
        .await
        .expect_err("above the server maximum");
    assert_eq!(too_high.code(), Code::InvalidArgument);
    app.wait_pool_idle().await;
}

#[tokio::test]
async fn a_write_over_the_row_limit_fails_and_releases_its_connection() {
    let app = spawn_app_with(&["--default-max-rows", "5", "--pool-size", "1"]).await;
    let label = unique_label("Limited");
    let err = app
        .run(request(
            &format!("UNWIND range(1, 20) AS i CREATE (n:{label} {{i: i}}) RETURN n.i"),
            vec![],
        ))
        .await
        .expect_err("over the limit");
    assert_eq!(err.code(), Code::ResourceExhausted);
    app.wait_pool_idle().await;
    // Neo4j rolls the unfinished auto-commit transaction back on the RESET graphrpc sends;
    // ArcadeDB has already committed it when it ran the statement. Either way the write is
    // whole, never partial.
    let count = app
        .value(&format!("MATCH (n:{label}) RETURN count(n) AS c"), vec![])
        .await;
    assert!(count == int(0) || count == int(20), "{count:?}");
}

#[tokio::test]
async fn read_mode_database_and_bookmarks_are_accepted() {
    let app = spawn_app().await;
    let response = app
        .run(pb::RunRequest {
            access_mode: pb::AccessMode::Read.into(),
            database: test_db().database,
            bookmarks: vec!["FB:not-a-real-bookmark".into()],
            ..request("RETURN 1 AS one", vec![])
        })
        .await
        .expect("read with database and bookmarks");
    assert_eq!(response.rows[0].values, vec![int(1)]);
    // The local database gives no bookmarks; Neo4j does, and graphrpc passes them on.
    assert_eq!(response.summary.expect("summary").bookmark, "");
}

#[tokio::test]
async fn a_parameter_value_without_a_kind_is_refused_by_its_path() {
    let app = spawn_app().await;
    let unset = pb::Value { kind: None };
    let nested = v(pb::value::Kind::List(pb::ListValue {
        values: vec![int(1), unset.clone()],
    }));
    for (params, field) in [
        (vec![("p", unset)], "params.p:"),
        (vec![("xs", nested)], "params.xs[1]:"),
    ] {
        let status = app
            .run(request("RETURN 1 AS one", params))
            .await
            .expect_err("no kind");
        assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
        assert!(status.message().starts_with(field), "{}", status.message());
        assert!(status.message().contains("no kind"), "{}", status.message());
    }
    let null = v(pb::value::Kind::Null(
        prost_types::NullValue::NullValue.into(),
    ));
    let answer = app
        .run(request("RETURN $p AS p", vec![("p", null.clone())]))
        .await
        .expect("the null kind is null");
    assert_eq!(answer.rows[0].values, vec![null]);
}
