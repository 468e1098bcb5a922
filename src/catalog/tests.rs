use super::*;

fn limits() -> QueryLimits {
    QueryLimits {
        default_timeout: Duration::from_secs(60),
        max_timeout: Duration::from_secs(600),
        default_max_rows: 100,
        max_rows: 1000,
        default_batch_size: 50,
        max_batch_size: 500,
        tx_idle_timeout: Duration::from_secs(30),
        max_cypher_bytes: 200,
        max_params: 10,
        max_param_depth: 4,
        max_value_bytes: 1024,
        max_request_bytes: 1 << 20,
    }
}

fn parse(yaml: &str) -> Result<Catalog, String> {
    Catalog::parse(Path::new("cat.yaml"), yaml.as_bytes(), &limits())
}

const GOOD: &str = r#"
queries:
  - name: movies.by_title
    description: One movie by its exact title.
    mode: read
    cypher: |
      MATCH (m:Movie {title: $title}) // $commented is not a parameter
      WHERE m.released >= $since AND m.title <> '$quoted' AND m.`$odd` IS NULL
      RETURN m.title AS title LIMIT $limit
    timeout: 5s
    max_rows: 50
    parameters:
      - name: title
        type: string
        description: The exact title.
      - name: since
        type: integer
        default: 1900
      - name: limit
        type: float
        default: 10
  - name: movies.touch
    description: Counts a view.
    mode: write
    idempotent: false
    cypher: "MATCH (m:Movie {title: $title}) SET m.views = coalesce(m.views, 0) + 1 /* $nope */"
    parameters:
      - {name: title, type: string, required: true}
"#;

#[test]
fn a_good_catalog_loads_with_its_defaults() {
    let catalog = parse(GOOD).expect("valid");
    assert_eq!(catalog.queries().len(), 2);
    let q = catalog.get("movies.by_title").expect("present");
    assert_eq!(q.mode, AccessMode::Read);
    assert_eq!(q.timeout, Duration::from_secs(5));
    assert_eq!(q.max_rows, 50);
    let names: Vec<_> = q.parameters.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["title", "since", "limit"]);
    assert!(q.parameters[0].required, "no default: required");
    assert!(!q.parameters[1].required, "a default: optional");
    assert_eq!(
        q.parameters[2].default,
        Some(BoltType::Float(BoltFloat::new(10.0))),
        "an integer default of a float parameter is a float"
    );
    let w = catalog.get("movies.touch").expect("present");
    assert_eq!(w.mode, AccessMode::Write);
    assert_eq!(w.timeout, Duration::from_secs(60), "server default");
    assert_eq!(w.max_rows, 100, "server default");
    assert!(catalog.get("nope").is_none());
}

fn one(fields: &str) -> String {
    format!("queries:\n  - name: q\n    description: d\n{fields}")
}

#[test]
fn each_bad_entry_is_refused_with_file_entry_and_reason() {
    let read = "    mode: read\n";
    let cases: Vec<(String, &str)> = vec![
            (
                "queries:\n  - name: 9lives\n    description: d\n    mode: read\n    cypher: RETURN 1\n".into(),
                "must start with a letter",
            ),
            (
                "queries:\n  - name: a b\n    description: d\n    mode: read\n    cypher: RETURN 1\n".into(),
                "must start with a letter",
            ),
            (one(&format!("{read}    cypher: '  '\n")), "cypher is empty"),
            (
                one(&format!("{read}    cypher: 'MATCH (n) DETACH DELETE n'\n")),
                "is declared read, but its cypher writes (DETACH DELETE)",
            ),
            (
                one(&format!("{read}    cypher: 'UNWIND [1] AS x CALL {{ CREATE (:X) }} IN TRANSACTIONS'\n")),
                "is declared read, but its cypher writes (CREATE)",
            ),
            (
                one(&format!("{read}    cypher: 'DROP INDEX i'\n")),
                "is declared read, but its cypher changes the schema or administers the database (DROP INDEX)",
            ),
            (
                one("    mode: write\n    cypher: 'MATCH (n) RETURN n NEXT'\n"),
                "cypher cannot be classified",
            ),
            (
                one(&format!("{read}    cypher: RETURN '{}'\n", "x".repeat(300))),
                "GRAPHRPC_MAX_CYPHER_BYTES",
            ),
            (
                "queries:\n  - name: q\n    mode: read\n    cypher: RETURN 1\n".into(),
                "description is missing",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    timeout: 11m\n")),
                "GRAPHRPC_MAX_TIMEOUT",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    timeout: soon\n")),
                "not a duration",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    timeout: 0s\n")),
                "timeout is zero",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    max_rows: 1001\n")),
                "GRAPHRPC_MAX_ROWS",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    max_rows: 0\n")),
                "max_rows is 0",
            ),
            (
                one(&format!("{read}    cypher: RETURN 1\n    idempotent: true\n")),
                "idempotent applies to write queries",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x, $x2\n    parameters:\n      - {{name: x, type: integer}}\n      - {{name: x, type: integer}}\n")),
                "parameter `x` is declared twice",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: int}}\n")),
                "`int` is not a parameter type",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: 'list<nope>'}}\n")),
                "`nope` is not a parameter type",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: integer, default: ten}}\n")),
                "parameter `x`: default: expected integer, got a string",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: 'list<integer>', default: [1, two]}}\n")),
                "parameter `x`: default: [1]: expected integer, got a string",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: date, default: '2024-01-01'}}\n")),
                "cannot have a default",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: integer, required: true, default: 1}}\n")),
                "is required and has a default",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: 'x-y', type: integer}}\n")),
                "parameter `x-y`: the name must start",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x, $y\n    parameters:\n      - {{name: x, type: integer}}\n")),
                "cypher uses $y, which is not declared",
            ),
            (
                one(&format!("{read}    cypher: RETURN $x\n    parameters:\n      - {{name: x, type: integer}}\n      - {{name: unused, type: integer}}\n")),
                "parameter `unused` is declared but the cypher never uses $unused",
            ),
            (
                one(&format!("{read}    cypher: RETURN $0\n")),
                "numbered parameter",
            ),
        ];
    for (yaml, reason) in cases {
        let err = parse(&yaml).expect_err(reason);
        assert!(err.starts_with("catalog cat.yaml: query `"), "{err}");
        assert!(err.contains("(entry 1): "), "{err}");
        assert!(err.contains(reason), "expected `{reason}` in: {err}");
    }
}

#[test]
fn the_second_entry_and_duplicate_names_are_named() {
    let yaml = "queries:\n  - {name: a, description: d, mode: read, cypher: RETURN 1}\n  - {name: b, description: d, mode: read, cypher: ' '}\n";
    let err = parse(yaml).expect_err("empty cypher");
    assert!(
        err.starts_with("catalog cat.yaml: query `b` (entry 2): cypher is empty"),
        "{err}"
    );
    let yaml = "queries:\n  - {name: a, description: d, mode: read, cypher: RETURN 1}\n  - {name: a, description: d, mode: read, cypher: RETURN 2}\n";
    let err = parse(yaml).expect_err("duplicate");
    assert!(
        err.contains("query `a` (entry 2): the name is already used by entry 1"),
        "{err}"
    );
}

#[test]
fn yaml_errors_name_the_line_and_the_entry() {
    // A misspelt key is an error, not ignored.
    let yaml = "queries:\n  - name: a\n    description: d\n    mode: read\n    cypher: RETURN 1\n  - name: b\n    description: d\n    mode: read\n    cyper: RETURN 2\n";
    let err = parse(yaml).expect_err("unknown key");
    assert!(
        err.starts_with("catalog cat.yaml: query `b` (entry 2), line 9"),
        "{err}"
    );
    assert!(err.contains("unknown field `cyper`"), "{err}");
    assert_eq!(err.matches("line 9").count(), 1, "{err}");
    assert!(!err.contains('\n'), "one line: {err}");

    let err =
        parse("queries:\n  - name: a\n    description: d\n    mode: maybe\n    cypher: RETURN 1\n")
            .expect_err("bad mode");
    assert!(
        err.starts_with("catalog cat.yaml: query `a` (entry 1), line 4"),
        "{err}"
    );

    let err = parse("queries: [\n  {name: a\n").expect_err("syntax");
    assert!(err.starts_with("catalog cat.yaml: "), "{err}");
    assert!(err.contains("line "), "{err}");

    let err = parse("quer1es: []\n").expect_err("top-level typo");
    assert!(err.contains("line 1"), "{err}");
    assert!(parse("   \n").expect_err("empty").contains("is empty"));
    assert!(parse("queries: []\n")
        .expect("no queries")
        .queries()
        .is_empty());
}

#[test]
fn the_demo_catalog_is_valid() {
    let yaml = include_str!("../../deploy/local/catalog.yaml");
    let catalog = parse(yaml).expect("deploy/local/catalog.yaml is valid");
    assert!(catalog.get("movies.add_note").is_some());
}

#[test]
fn parameters_are_found_outside_strings_and_comments() {
    let found = referenced_parameters(
            "MATCH (n {a: $a, `$b`: \"$c \\\" $d\"}) // $e\n/* $f */ RETURN $`g h`, $_i1, '\\'$j', n.$k",
        )
        .expect("scans");
    let found: Vec<_> = found.iter().map(String::as_str).collect();
    assert_eq!(found, ["_i1", "a", "g h", "k"]);
}

fn int(i: i64) -> BoltType {
    BoltType::Integer(BoltInteger::new(i))
}
fn text(s: &str) -> BoltType {
    BoltType::String(BoltString::from(s))
}
fn map(entries: Vec<(&str, BoltType)>) -> BoltMap {
    entries
        .into_iter()
        .map(|(k, v)| (BoltString::from(k), v))
        .collect()
}
fn field(name: &str) -> String {
    format!("params.{name}")
}

fn query() -> NamedQuery {
    let yaml = r#"
queries:
  - name: q
    description: d
    mode: read
    cypher: RETURN $title, $since, $ratio, $ids, $anything, $maybe
    parameters:
      - {name: title, type: string}
      - {name: since, type: integer, default: 1999}
      - {name: ratio, type: float, required: false}
      - {name: ids, type: 'list<integer>', required: false}
      - {name: anything, type: any, default: {a: [1, x]}}
      - {name: maybe, type: date, required: false}
"#;
    parse(yaml)
        .expect("valid")
        .get("q")
        .expect("present")
        .clone()
}

#[test]
fn call_parameters_are_checked_and_defaults_filled_in() {
    let q = query();
    let bound = q
        .bind(
            map(vec![("title", text("x' OR 1=1 //")), ("ratio", int(2))]),
            field,
        )
        .expect("valid");
    let get = |k: &str| bound.value.get(&BoltString::from(k)).cloned();
    assert_eq!(get("title"), Some(text("x' OR 1=1 //")));
    assert_eq!(get("since"), Some(int(1999)), "default");
    assert_eq!(
        get("ratio"),
        Some(BoltType::Float(BoltFloat::new(2.0))),
        "integer as float"
    );
    assert_eq!(
        get("ids"),
        Some(BoltType::Null(BoltNull)),
        "optional without default"
    );
    assert!(matches!(get("anything"), Some(BoltType::Map(_))));
    assert_eq!(bound.value.len(), 6, "every declared parameter is bound");

    let null_is_null = q
        .bind(
            map(vec![
                ("title", text("t")),
                ("since", BoltType::Null(BoltNull)),
            ]),
            field,
        )
        .expect("explicit null of an optional parameter");
    assert_eq!(
        null_is_null.value.get(&BoltString::from("since")),
        Some(&BoltType::Null(BoltNull))
    );
}

#[test]
fn bad_call_parameters_name_the_parameter() {
    let q = query();
    let list = |values: Vec<BoltType>| BoltType::List(BoltList::from(values));
    let cases: Vec<(BoltMap, &str, &str)> = vec![
        (
            map(vec![]),
            "params.title: is missing",
            "requires it (string)",
        ),
        (
            map(vec![("title", BoltType::Null(BoltNull))]),
            "params.title: is null",
            "requires a string value",
        ),
        (
            map(vec![("title", text("t")), ("titel", text("t"))]),
            "params.titel: is not a parameter of named query `q`",
            "it takes title, since, ratio, ids, anything, maybe",
        ),
        (
            map(vec![("title", int(1))]),
            "params.title: expected string, got integer",
            "",
        ),
        (
            map(vec![("title", text("t")), ("since", text("1999"))]),
            "params.since: expected integer, got string",
            "",
        ),
        (
            map(vec![
                ("title", text("t")),
                ("ids", list(vec![int(1), text("2")])),
            ]),
            "params.ids[1]: expected integer, got string",
            "",
        ),
        (
            map(vec![("title", text("t")), ("maybe", text("2024-01-01"))]),
            "params.maybe: expected date, got string",
            "",
        ),
    ];
    for (given, start, contains) in cases {
        let status = q.bind(given, field).expect_err(start);
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with(start), "{}", status.message());
        assert!(status.message().contains(contains), "{}", status.message());
    }
}

#[test]
fn every_type_accepts_its_values_only() {
    use neo4rs::{BoltBytes, BoltDate, BoltDuration, BoltPoint2D};
    let date = BoltType::Date(BoltDate {
        days: BoltInteger::new(1),
    });
    let point = BoltType::Point2D(BoltPoint2D {
        sr_id: BoltInteger::new(7203),
        x: BoltFloat::new(1.0),
        y: BoltFloat::new(2.0),
    });
    let duration = BoltType::Duration(BoltDuration {
        months: BoltInteger::new(0),
        days: BoltInteger::new(1),
        seconds: BoltInteger::new(0),
        nanoseconds: BoltInteger::new(0),
    });
    let bytes = BoltType::Bytes(BoltBytes::new(vec![1u8].into()));
    let boolean = BoltType::Boolean(BoltBoolean::new(true));
    for (ty, good, bad) in [
        ("date", date.clone(), int(1)),
        ("point", point.clone(), text("1,2")),
        ("duration", duration.clone(), text("P1D")),
        ("bytes", bytes.clone(), text("AQ==")),
        ("boolean", boolean.clone(), text("true")),
        (
            "map",
            BoltType::Map(BoltMap::default()),
            BoltType::List(BoltList::default()),
        ),
        ("list", BoltType::List(BoltList::default()), text("[]")),
    ] {
        let ty: ParamType = ty.parse().expect("type");
        assert!(conform(&ty, good).is_ok(), "{ty}");
        assert!(conform(&ty, bad).is_err(), "{ty}");
    }
    for v in [date, point, duration, bytes, boolean] {
        assert!(conform(&ParamType::Any, v).is_ok());
    }
    assert_eq!(
        "list<list<float>>"
            .parse::<ParamType>()
            .expect("nested")
            .to_string(),
        "list<list<float>>"
    );
}
