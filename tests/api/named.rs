//! RunNamed, RunNamedStream and ListNamedQueries against the real database, with the demo
//! catalog (deploy/local/catalog.yaml) over the demo graph that `make test` loads.

use std::{path::PathBuf, time::Duration};

use graphrpc::{proto::v1 as pb, startup::Application};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::helpers::*;

fn demo_catalog() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("deploy/local/catalog.yaml")
}

async fn spawn_with_catalog(path: &std::path::Path) -> TestApp {
    let path = path.to_str().expect("utf-8 path");
    spawn_app_with(&["--catalog-file", path, "--reload-interval", "200ms"]).await
}

fn named(name: &str, params: Vec<(&str, pb::Value)>) -> pb::RunNamedRequest {
    pb::RunNamedRequest {
        name: name.to_owned(),
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Default::default()
    }
}

fn named_stream(name: &str, params: Vec<(&str, pb::Value)>) -> pb::RunNamedStreamRequest {
    pb::RunNamedStreamRequest {
        name: name.to_owned(),
        params: params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
        ..Default::default()
    }
}

async fn run_named(
    app: &TestApp,
    request: pb::RunNamedRequest,
) -> Result<pb::RunNamedResponse, tonic::Status> {
    app.client
        .clone()
        .run_named(request)
        .await
        .map(|r| r.into_inner())
}

fn strings(values: &[&str]) -> pb::Value {
    v(pb::value::Kind::List(pb::ListValue {
        values: values.iter().map(|s| string(s)).collect(),
    }))
}

/// A title of the demo graph, read with plain Cypher.
async fn some_title(app: &TestApp) -> String {
    match app
        .value(
            "MATCH (m:Movie) RETURN m.title AS t ORDER BY t LIMIT 1",
            vec![],
        )
        .await
        .kind
    {
        Some(pb::value::Kind::String(title)) => title,
        other => panic!("no demo graph loaded? {other:?}"),
    }
}

async fn movie_count(app: &TestApp) -> pb::Value {
    app.value("MATCH (m:Movie) RETURN count(m) AS c", vec![])
        .await
}

#[tokio::test]
async fn run_named_returns_the_same_rows_as_the_cypher_it_names() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let title = some_title(&app).await;
    let response = run_named(
        &app,
        named("movies.by_title", vec![("title", string(&title))]),
    )
    .await
    .expect("run named");
    assert_eq!(response.keys, ["title", "released", "runtime", "genre"]);
    assert_eq!(response.rows.len(), 1);
    assert_eq!(response.rows[0].values[0], string(&title));
    assert_eq!(response.summary.expect("summary").row_count, 1);

    // Defaults are bound: `to` 2100 and `limit` 10.
    let expected = app
        .run(request(
            "MATCH (m:Movie) WHERE m.released >= $from AND m.released <= 2100 \
             RETURN m.title AS title, m.released AS released ORDER BY released, title LIMIT 10",
            vec![("from", int(1990))],
        ))
        .await
        .expect("plain run");
    assert_eq!(expected.rows.len(), 10, "the demo graph has enough movies");
    let response = run_named(
        &app,
        named("movies.released_between", vec![("from", int(1990))]),
    )
    .await
    .expect("run named");
    assert_eq!(response.rows, expected.rows);

    let response = run_named(
        &app,
        named(
            "movies.released_between",
            vec![("from", int(1990)), ("limit", int(3))],
        ),
    )
    .await
    .expect("run named");
    assert_eq!(response.rows, expected.rows[..3]);

    // A list<string> parameter; JSON parameters follow the same schema.
    let mut request = named("people.by_names", vec![]);
    request.json_params = Some(prost_types::Struct {
        fields: [(
            "names".to_owned(),
            prost_types::Value {
                kind: Some(prost_types::value::Kind::ListValue(
                    prost_types::ListValue {
                        values: ["Ada Adler", "Ben Adler", "Nobody"]
                            .into_iter()
                            .map(|s| prost_types::Value {
                                kind: Some(prost_types::value::Kind::StringValue(s.into())),
                            })
                            .collect(),
                    },
                )),
            },
        )]
        .into_iter()
        .collect(),
    });
    let response = run_named(&app, request).await.expect("json params");
    let names: Vec<_> = response.rows.iter().map(|r| r.values[0].clone()).collect();
    assert_eq!(names, [string("Ada Adler"), string("Ben Adler")]);
}

#[tokio::test]
async fn run_named_stream_streams_the_rows_in_batches() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let params = vec![("from", int(1975)), ("limit", int(7))];
    let unary = run_named(&app, named("movies.released_between", params.clone()))
        .await
        .expect("unary");
    let mut request = named_stream("movies.released_between", params);
    request.batch_size = 3;
    let mut stream = app
        .client
        .clone()
        .run_named_stream(request)
        .await
        .expect("stream")
        .into_inner();
    let mut header = None;
    let mut batches = Vec::new();
    let mut summary = None;
    while let Some(message) = stream.next().await {
        match message.expect("message").message.expect("set") {
            pb::run_named_stream_response::Message::Header(h) => header = Some(h.keys),
            pb::run_named_stream_response::Message::Rows(b) => batches.push(b.rows),
            pb::run_named_stream_response::Message::Summary(s) => summary = Some(s),
        }
    }
    assert_eq!(header.expect("header"), ["title", "released"]);
    assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(batches.concat(), unary.rows);
    assert_eq!(summary.expect("summary").row_count, 7);
}

#[tokio::test]
async fn parameters_are_bound_never_spliced() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let title = some_title(&app).await;
    let movies = movie_count(&app).await;

    for evil in ["x' OR 1=1 //", "x\"}) RETURN 1 AS title //", "' OR ''='"] {
        let response = run_named(
            &app,
            named("movies.by_title", vec![("title", string(evil))]),
        )
        .await
        .expect("a string is just a string");
        assert!(response.rows.is_empty(), "{evil}: {:?}", response.rows);
    }

    let author = unique_label("author");
    let evil = "'}) DETACH DELETE m //";
    let response = run_named(
        &app,
        named(
            "movies.add_note",
            vec![
                ("title", string(&title)),
                ("text", string(evil)),
                ("author", string(&author)),
            ],
        ),
    )
    .await
    .expect("write named");
    assert_eq!(response.rows.len(), 1);
    assert_eq!(
        response.rows[0].values[1],
        string(evil),
        "stored as written"
    );
    assert_eq!(movie_count(&app).await, movies, "nothing was deleted");

    let notes = run_named(
        &app,
        named(
            "movies.notes",
            vec![("title", string(&title)), ("author", string(&author))],
        ),
    )
    .await
    .expect("read back");
    assert_eq!(notes.rows.len(), 1);
    assert_eq!(notes.rows[0].values, [string(evil), string(&author)]);
}

#[tokio::test]
async fn optional_parameters_get_their_default_or_null() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let title = some_title(&app).await;
    let text = unique_label("note");
    let response = run_named(
        &app,
        named(
            "movies.add_note",
            vec![("title", string(&title)), ("text", string(&text))],
        ),
    )
    .await
    .expect("write named");
    assert_eq!(
        response.rows[0].values[2],
        string("anonymous"),
        "the default"
    );

    // `author` left out is null: every author's notes, ours among them.
    let notes = run_named(&app, named("movies.notes", vec![("title", string(&title))]))
        .await
        .expect("all notes");
    assert!(
        notes.rows.iter().any(|r| r.values[0] == string(&text)),
        "{:?}",
        notes.rows
    );
}

#[tokio::test]
async fn bad_parameters_are_invalid_argument_naming_the_parameter() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let json = |name: &str, value: prost_types::value::Kind| {
        Some(prost_types::Struct {
            fields: [(name.to_owned(), prost_types::Value { kind: Some(value) })]
                .into_iter()
                .collect(),
        })
    };
    let cases: Vec<(pb::RunNamedRequest, &str)> = vec![
        (
            named("movies.by_title", vec![]),
            "params.title: is missing; named query `movies.by_title` requires it (string)",
        ),
        (
            named(
                "movies.by_title",
                vec![("title", string("t")), ("year", int(2000))],
            ),
            "params.year: is not a parameter of named query `movies.by_title`; it takes title",
        ),
        (
            named("movies.by_title", vec![("title", int(7))]),
            "params.title: expected string, got integer",
        ),
        (
            named("people.by_names", vec![("names", strings(&["a"]))]),
            "",
        ),
        (
            pb::RunNamedRequest {
                json_params: json("from", prost_types::value::Kind::StringValue("1999".into())),
                ..named("movies.released_between", vec![])
            },
            "json_params.from: expected integer, got string",
        ),
        (
            pb::RunNamedRequest {
                json_params: json("names", prost_types::value::Kind::ListValue(prost_types::ListValue {
                    values: vec![prost_types::Value {
                        kind: Some(prost_types::value::Kind::NumberValue(1.0)),
                    }],
                })),
                ..named("people.by_names", vec![])
            },
            "json_params.names[0]: expected string, got integer",
        ),
        (
            named("genres.movie_counts", vec![("x", int(1))]),
            "params.x: is not a parameter of named query `genres.movie_counts`; it takes no parameters",
        ),
        (
            pb::RunNamedRequest {
                max_rows: 11,
                ..named("movies.by_title", vec![("title", string("t"))])
            },
            "max_rows: 11 is above named query `movies.by_title`'s row limit of 10",
        ),
        (
            pb::RunNamedRequest {
                timeout: Some(prost_types::Duration { seconds: 6, nanos: 0 }),
                ..named("movies.by_title", vec![("title", string("t"))])
            },
            "timeout: 6s is above named query `movies.by_title`'s timeout of 5s",
        ),
        (named("", vec![]), "name: is empty"),
    ];
    for (request, expected) in cases {
        let outcome = run_named(&app, request).await;
        if expected.is_empty() {
            outcome.expect("a valid call");
            continue;
        }
        let status = outcome.expect_err(expected);
        assert_eq!(status.code(), Code::InvalidArgument, "{}", status.message());
        assert!(
            status.message().starts_with(expected),
            "expected `{expected}`, got `{}`",
            status.message()
        );
    }
}

#[tokio::test]
async fn the_catalog_row_limit_applies_and_a_call_may_lower_it() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let mut request = named("movies.released_between", vec![("from", int(1900))]);
    request.max_rows = 2;
    let status = run_named(&app, request).await.expect_err("3+ rows");
    assert_eq!(
        status.code(),
        Code::ResourceExhausted,
        "{}",
        status.message()
    );
}

#[tokio::test]
async fn unknown_names_and_a_missing_catalog_are_refused() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let status = run_named(&app, named("movies.nope", vec![]))
        .await
        .expect_err("unknown");
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        status.message().contains("`movies.nope`"),
        "{}",
        status.message()
    );

    let open = spawn_app().await;
    let status = run_named(&open, named("movies.by_title", vec![]))
        .await
        .expect_err("no catalog");
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(
        status.message(),
        "no catalog configured: set GRAPHRPC_CATALOG_FILE"
    );
    assert_eq!(
        tonic_types::StatusExt::get_details_error_info(&status).map(|i| i.reason),
        Some("CATALOG_NOT_CONFIGURED".to_owned())
    );
    let status = open
        .client
        .clone()
        .list_named_queries(pb::ListNamedQueriesRequest {})
        .await
        .expect_err("no catalog");
    assert_eq!(status.code(), Code::FailedPrecondition);
}

#[tokio::test]
async fn list_named_queries_describes_the_catalog() {
    let app = spawn_with_catalog(&demo_catalog()).await;
    let queries = app
        .client
        .clone()
        .list_named_queries(pb::ListNamedQueriesRequest {})
        .await
        .expect("list")
        .into_inner()
        .queries;
    let names: Vec<_> = queries.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "movies.by_title",
            "movies.released_between",
            "people.by_names",
            "movies.cast",
            "genres.movie_counts",
            "movies.notes",
            "movies.add_note"
        ],
        "in the order of the file"
    );
    let between = &queries[1];
    assert_eq!(
        between.description,
        "Movies released in a range of years, oldest first."
    );
    assert!(
        between.cypher.contains("LIMIT $limit"),
        "{}",
        between.cypher
    );
    assert_eq!(between.mode(), pb::AccessMode::Read);
    assert_eq!(
        between.timeout,
        Some(prost_types::Duration {
            seconds: 10,
            nanos: 0
        })
    );
    assert_eq!(between.max_rows, 100);
    let params: Vec<_> = between
        .parameters
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.r#type.as_str(),
                p.required,
                p.default_value.clone(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("from", "integer", true, None),
            ("to", "integer", false, Some(int(2100))),
            ("limit", "integer", false, Some(int(10))),
        ]
    );
    assert_eq!(
        between.parameters[1].description,
        "The last year; no upper bound by default."
    );
    let add = &queries[6];
    assert_eq!(add.mode(), pb::AccessMode::Write);
    assert_eq!(add.parameters[2].default_value, Some(string("anonymous")));
    assert_eq!(queries[2].parameters[0].r#type, "list<string>");
    // Server defaults fill what the catalog leaves out.
    assert_eq!(
        queries[2].timeout,
        Some(prost_types::Duration {
            seconds: 60,
            nanos: 0
        })
    );
}

#[tokio::test]
async fn a_bad_catalog_stops_start_up_with_file_entry_and_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("catalog.yaml");
    let good = std::fs::read_to_string(demo_catalog()).expect("demo catalog");
    // The second entry uses a parameter it does not declare.
    let bad = good.replacen("LIMIT $limit", "LIMIT $limt", 1);
    assert_ne!(bad, good);
    std::fs::write(&path, bad).expect("write");
    let bad_settings = settings(
        &test_db(),
        &["--catalog-file", path.to_str().expect("utf-8")],
    );
    let error = match Application::build(bad_settings).await {
        Ok(_) => panic!("a bad catalog was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert_eq!(
        error,
        format!(
            "catalog {}: query `movies.released_between` (entry 2): cypher uses $limt, which is not declared under parameters",
            path.display()
        )
    );

    std::fs::write(&path, good.replacen("mode: read", "mode: reed", 1)).expect("write");
    let bad_settings = settings(
        &test_db(),
        &["--catalog-file", path.to_str().expect("utf-8")],
    );
    let error = match Application::build(bad_settings).await {
        Ok(_) => panic!("a bad catalog was accepted"),
        Err(e) => format!("{e:#}"),
    };
    assert!(
        error.contains(
            "query `movies.by_title` (entry 1), line 9 column 11: unknown variant `reed`"
        ),
        "{error}"
    );
}

/// Waits up to 5 s for `check` to hold.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !check().await {
        assert!(tokio::time::Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn the_catalog_reloads_when_the_file_changes_and_a_bad_version_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("catalog.yaml");
    let good = std::fs::read_to_string(demo_catalog()).expect("demo catalog");
    std::fs::write(&path, &good).expect("write");
    let app = spawn_with_catalog(&path).await;
    let status = run_named(&app, named("numbers.upto", vec![("n", int(3))]))
        .await
        .expect_err("not yet in the catalog");
    assert_eq!(status.code(), Code::NotFound);

    let added = format!(
        "{good}\n  - name: numbers.upto\n    description: 1 to n.\n    mode: read\n    cypher: UNWIND range(1, $n) AS i RETURN i\n    parameters:\n      - {{name: n, type: integer}}\n"
    );
    std::fs::write(&path, &added).expect("write");
    eventually("the new query never became callable", || async {
        run_named(&app, named("numbers.upto", vec![("n", int(3))]))
            .await
            .is_ok_and(|r| r.rows.len() == 3)
    })
    .await;

    // A bad version (an unknown key) is refused; the version in force stays.
    let bad = added.replace("max_rows: 100", "max_rowz: 100");
    assert_ne!(bad, added);
    std::fs::write(&path, bad).expect("write");
    tokio::time::sleep(Duration::from_millis(800)).await;
    let response = run_named(&app, named("numbers.upto", vec![("n", int(2))]))
        .await
        .expect("the previous version is still served");
    assert_eq!(response.rows.len(), 2);

    // A good version again takes over: the query is gone.
    std::fs::write(&path, &good).expect("write");
    eventually("the query was never removed", || async {
        run_named(&app, named("numbers.upto", vec![("n", int(1))]))
            .await
            .is_err_and(|s| s.code() == Code::NotFound)
    })
    .await;
}
