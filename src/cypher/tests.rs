//! The classifier against real read queries, the bypasses of issue 14, and a property
//! test: a write clause or write procedure inserted anywhere in a read query is refused.

use proptest::prelude::*;

use super::{classify, lexer, procedures::ProcedurePolicy, Kind};

const CORPUS: &str = include_str!("../../tests/corpus/read-queries.cypher");

fn corpus() -> Vec<&'static str> {
    CORPUS
        .split("\n\n")
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .collect()
}

/// What the reader rules accept (kept in step with `auth::statements`).
fn reader_may_run(text: &str) -> bool {
    let policy = ProcedurePolicy::default();
    match classify(text) {
        Err(_) => false,
        Ok(c) => {
            c.kind == Kind::Read
                && !c.load_csv
                && !c.in_transactions
                && c.uses.is_empty()
                && c.procedures.iter().all(|p| policy.allows_read(p))
        }
    }
}

#[test]
fn every_read_query_of_the_corpus_is_a_read() {
    let queries = corpus();
    assert!(queries.len() >= 200, "corpus has {} queries", queries.len());
    for query in queries {
        let c = classify(query).unwrap_or_else(|e| panic!("{query}\n  -> {e}"));
        assert_eq!(c.kind, Kind::Read, "{query}: {c:?}");
        assert!(reader_may_run(query), "{query}: {c:?}");
    }
}

#[test]
fn the_bypasses_of_issue_14_are_not_reads() {
    let cases: &[(&str, Kind, &str)] = &[
        (
            "UNWIND [1,2] AS x CALL { WITH x CREATE (:Sneak {x:x}) } IN TRANSACTIONS OF 1 ROWS",
            Kind::Write,
            "CREATE",
        ),
        (
            "MATCH (n:Sneak) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS",
            Kind::Write,
            "DETACH DELETE",
        ),
        ("MATCH (n) SET n.x = 1", Kind::Write, "SET"),
        ("MATCH (n) SET n:NewLabel", Kind::Write, "SET"),
        ("MATCH (n) REMOVE n:Person", Kind::Write, "REMOVE"),
        ("MATCH (n) DELETE n", Kind::Write, "DELETE"),
        (
            "MERGE (n:X {id: 1}) ON CREATE SET n.a = 1 ON MATCH SET n.b = 2",
            Kind::Write,
            "MERGE",
        ),
        (
            "FOREACH (i IN [1,2] | CREATE (:F {i: i}))",
            Kind::Write,
            "FOREACH",
        ),
        (
            "CREATE p = (a:A)-[:R]->(b:B) RETURN p",
            Kind::Write,
            "CREATE",
        ),
        (
            "DROP CONSTRAINT movie_title",
            Kind::Schema,
            "DROP CONSTRAINT",
        ),
        ("DROP INDEX idx IF EXISTS", Kind::Schema, "DROP INDEX"),
        (
            "CREATE INDEX FOR (n:Person) ON (n.name)",
            Kind::Schema,
            "CREATE INDEX",
        ),
        (
            "CREATE RANGE INDEX r FOR (n:P) ON (n.x)",
            Kind::Schema,
            "CREATE INDEX",
        ),
        (
            "CREATE CONSTRAINT c FOR (n:P) REQUIRE n.id IS UNIQUE",
            Kind::Schema,
            "CREATE CONSTRAINT",
        ),
        ("SHOW INDEXES", Kind::Schema, "SHOW INDEXES"),
        ("CREATE DATABASE other", Kind::Admin, "CREATE"),
        ("CREATE USER eve SET PASSWORD 'x'", Kind::Admin, "CREATE"),
        ("GRANT ROLE admin TO eve", Kind::Admin, "GRANT"),
        ("SHOW USERS", Kind::Admin, "SHOW"),
    ];
    for (text, kind, clause) in cases {
        let c = classify(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(c.kind, *kind, "{text}: {c:?}");
        assert_eq!(
            c.first_clause_of(Kind::Write),
            Some(*clause),
            "{text}: {c:?}"
        );
        assert!(!reader_may_run(text), "{text}");
    }
    let load = classify("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line").expect("parses");
    assert!(load.load_csv && load.kind == Kind::Read);
    assert_eq!(load.operation, "LOAD CSV");
    let headers = classify("LOAD CSV WITH HEADERS FROM $url AS row FIELDTERMINATOR ';' RETURN row")
        .expect("parses");
    assert!(headers.load_csv);
    let apoc =
        classify("CALL apoc.merge.node(['X'], {id: 1}) YIELD node RETURN node").expect("parses");
    assert_eq!(apoc.procedures, ["apoc.merge.node"]);
    assert!(!reader_may_run(
        "CALL apoc.do.when(true, 'CREATE (n)', '', {})"
    ));
    let t = classify("UNWIND [1] AS x CALL { RETURN 1 AS y } IN TRANSACTIONS RETURN y")
        .expect("parses");
    assert!(t.in_transactions, "{t:?}");
    let used = classify("USE other MATCH (n) RETURN n").expect("parses");
    assert_eq!(used.uses, ["other"]);
    assert_eq!(used.operation, "MATCH");
}

#[test]
fn strings_comments_quoted_names_and_map_keys_fool_it_neither_way() {
    for read in [
        "RETURN 'CREATE (n)' AS s",
        "RETURN 1 // ; CREATE (n)",
        "RETURN /* DELETE n */ 1",
        "MATCH (n:`CREATE`) RETURN n.`SET`",
        "RETURN {create: 1, `delete`: 2} AS m",
        "MATCH (n {merge: 'x'}) RETURN n {.set, remove: 1}",
        "MATCH (n) WHERE n.name STARTS WITH 'a' RETURN n",
        "MATCH (n) WHERE n.name STARTS WITH ('a') RETURN n",
    ] {
        assert!(reader_may_run(read), "{read}: {:?}", classify(read));
    }
    for write in [
        "RETURN 'x' AS s CREATE (n)",
        "RETURN 1 AS a /* x */ UNION MATCH (n) CREATE (m) RETURN m AS a",
        "MATCH (n) // comment\nDETACH DELETE n",
        "MATCH (n) WITH n, {create: 1} AS m SET n.x = m.create",
        "match (n) set n.x = 1",
        "MATCH (n) WHERE EXISTS { MATCH (n) CREATE (m) } RETURN n",
        "MATCH (n) RETURN COUNT { MATCH (m) DELETE m } AS c",
    ] {
        assert!(!reader_may_run(write), "{write}: {:?}", classify(write));
    }
}

#[test]
fn unparsable_and_unknown_text_is_an_error() {
    for bad in [
        "",
        "   // only a comment",
        "FROB (n)",
        "MATCH (n) RETURN n; CREATE (m)",
        "MATCH (n) RETURN n NEXT CREATE (m)",
        "MATCH (n) RETURN n NEXT MATCH (m) RETURN m",
        "RETURN [x IN [1] | CREATE (n)]",
        "RETURN (CREATE (n))",
        "MATCH (n) RETURN n)",
        "MATCH (n RETURN n",
        "MATCH (n) ON CREATE SET n.x = 1",
        "RETURN 'a\\' CREATE (n) //'",
        "WHEN true THEN { CREATE (n) }",
        "CALL",
        "OPTIONAL DELETE n",
    ] {
        assert!(classify(bad).is_err(), "{bad}: {:?}", classify(bad));
    }
    let deep = format!("RETURN {}1{}", "[".repeat(200), "]".repeat(200));
    assert!(classify(&deep).unwrap_err().message.contains("nested"));
}

#[test]
fn operation_names_are_the_first_clause() {
    for (text, operation) in [
        ("MATCH (n) RETURN n", "MATCH"),
        ("OPTIONAL MATCH (n) RETURN n", "OPTIONAL MATCH"),
        ("CALL db.labels()", "CALL"),
        ("CALL { MATCH (n) RETURN n } RETURN n", "CALL"),
        ("CREATE (n)", "CREATE"),
        ("EXPLAIN MATCH (n) DETACH DELETE n", "MATCH"),
        ("DETACH DELETE n", "DETACH DELETE"),
        ("RETURN 1", "RETURN"),
        ("UNWIND [1] AS x RETURN x", "UNWIND"),
        ("DROP INDEX i", "DROP INDEX"),
        ("CREATE DATABASE x", "CREATE"),
    ] {
        assert_eq!(classify(text).expect(text).operation, operation, "{text}");
    }
}

const WRITE_FRAGMENTS: &[&str] = &[
    "CREATE (evil:Evil)",
    "MERGE (evil:Evil)",
    "SET n.evil = 1",
    "SET n:Evil",
    "REMOVE n.name",
    "REMOVE n:Person",
    "DELETE n",
    "DETACH DELETE n",
    "FOREACH (i IN [1] | CREATE (:Evil))",
    "CALL { CREATE (:Evil) }",
    "CALL { MATCH (m) RETURN m } IN TRANSACTIONS",
    "CALL apoc.create.node(['Evil'], {})",
    "CALL apoc.merge.node(['Evil'], {id: 1})",
    "CALL apoc.do.when(true, 'CREATE (:Evil)', '', {})",
    "CALL dbms.security.createUser('eve', 'x', false)",
    "CALL db.createLabel('Evil')",
    "LOAD CSV FROM 'file:///etc/passwd' AS line",
    "DROP INDEX evil",
    "DROP CONSTRAINT evil",
    "CREATE INDEX FOR (n:Evil) ON (n.x)",
    "USE system",
    "INSERT (:Evil)",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn a_write_inserted_anywhere_in_a_read_query_is_refused(
        query in prop::sample::select(corpus()),
        fragment in prop::sample::select(WRITE_FRAGMENTS),
        place in any::<prop::sample::Index>(),
        lower in any::<bool>(),
    ) {
        // Between any two tokens (never inside a string or comment), or at the end (on a
        // line of its own, so that a trailing // comment does not swallow it).
        let tokens = lexer::tokenize(query).expect("corpus lexes");
        let mut places: Vec<usize> = tokens.iter().map(|t| t.at).collect();
        places.push(query.len());
        let at = places[place.index(places.len())];
        let fragment = if lower { fragment.to_lowercase() } else { fragment.to_string() };
        let text = format!("{}\n{fragment}\n{}", &query[..at], &query[at..]);
        prop_assert!(!reader_may_run(&text), "a reader may run: {}\n{:?}", text, classify(&text));
    }
}
