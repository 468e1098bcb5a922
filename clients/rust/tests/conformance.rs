//! Every shared conformance vector (clients/conformance) through this client's native
//! types: parameters are built as Rust values, results are read back into Rust values, and
//! both are compared in the canonical form.

mod common;

use std::time::Duration;

use common::*;
use graphrpc_client::{Client, Error, NamedQuery, Query};
use serde_json::Value as J;

fn vectors(file: &str) -> Vec<J> {
    let path = format!("{}/{file}", env("GRAPHRPC_TEST_CONFORMANCE"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let document: J = serde_json::from_str(&text).expect("json");
    document["vectors"].as_array().expect("vectors").clone()
}

fn query(cypher: &str, params: &J) -> Query {
    params
        .as_object()
        .into_iter()
        .flatten()
        .fold(Query::new(cypher), |q, (k, v)| q.param(k, native(v)))
}

async fn single(client: &Client, cypher: &str, params: &J) -> Result<J, Error> {
    let result = client.run(query(cypher, params)).await?;
    assert_eq!(result.keys, ["v"], "{cypher}");
    assert_eq!(result.records.len(), 1, "{cypher}");
    Ok(canonical(&result.records[0].values()[0]))
}

#[tokio::test]
async fn every_value_vector_round_trips() {
    let client = writer().await;
    let vectors = vectors("values.json");
    assert!(vectors.len() > 50, "the vectors are there");
    let mut failures = Vec::new();
    for v in &vectors {
        let name = v["name"].as_str().expect("name");
        match single(&client, v["cypher"].as_str().expect("cypher"), &v["params"]).await {
            Ok(got) if same(&got, &v["expect"]) => {}
            Ok(got) => failures.push(format!("{name}: got {got}, expected {}", v["expect"])),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} failed:\n{}",
        failures.len(),
        vectors.len(),
        failures.join("\n")
    );
}

fn substitute(v: &J, label: &str) -> J {
    match v {
        J::String(s) => J::String(s.replace("{unique}", label)),
        J::Array(a) => J::Array(a.iter().map(|x| substitute(x, label)).collect()),
        J::Object(o) => J::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), substitute(x, label)))
                .collect(),
        ),
        other => other.clone(),
    }
}

async fn error_of(v: &J) -> Error {
    let token = match &v["token"] {
        J::Null => None,
        J::String(t) if t == "writer" => Some(env("GRAPHRPC_TEST_TOKEN_WRITER")),
        J::String(t) if t == "reader" => Some(env("GRAPHRPC_TEST_TOKEN_READER")),
        J::String(t) => Some(t.clone()),
        other => panic!("token {other}"),
    };
    let mut client = client(token.as_deref()).await;
    if let Some(ms) = v["deadline_ms"].as_u64() {
        client = client.with_deadline(Duration::from_millis(ms));
    }
    // Setup may hold schema commands, which need the admin role.
    let admin_token = env("GRAPHRPC_TEST_TOKEN_ADMIN");
    let admin = common::client(Some(admin_token.as_str())).await;
    for statement in v["setup"].as_array().into_iter().flatten() {
        admin
            .run(statement.as_str().expect("cypher"))
            .await
            .expect("setup");
    }
    let r = &v["request"];
    let outcome = match v["call"].as_str().expect("call") {
        "run" => {
            let mut q = query(r["cypher"].as_str().expect("cypher"), &r["params"]);
            if let Some(ms) = r["timeout_ms"].as_u64() {
                q = q.timeout(Duration::from_millis(ms));
            }
            if let Some(n) = r["max_rows"].as_u64() {
                q = q.max_rows(n as u32);
            }
            client.run(q).await.map(|_| ())
        }
        "run_named" => {
            let q = r["params"].as_object().into_iter().flatten().fold(
                NamedQuery::new(r["name"].as_str().expect("name")),
                |q, (k, x)| q.param(k, native(x)),
            );
            client.run_named(q).await.map(|_| ())
        }
        "run_batch" => {
            let queries: Vec<Query> = r["statements"]
                .as_array()
                .expect("statements")
                .iter()
                .map(|s| query(s["cypher"].as_str().expect("cypher"), &s["params"]))
                .collect();
            client.batch(queries).await.map(|_| ())
        }
        other => panic!("call {other}"),
    };
    outcome.expect_err("the vector's call must fail")
}

#[tokio::test]
async fn every_error_vector_surfaces_code_reason_and_metadata() {
    let writer = writer().await;
    let mut failures = Vec::new();
    for original in vectors("errors.json") {
        let v = substitute(&original, &unique("Conformance"));
        let name = v["name"].as_str().expect("name").to_owned();
        let error = error_of(&v).await;
        let expect = &v["expect"];
        let mut problems = Vec::new();
        if format!("{:?}", error.code()) != camel(expect["code"].as_str().expect("code")) {
            problems.push(format!("code {:?} ({error})", error.code()));
        }
        let server = error.server();
        if let Some(reason) = expect.get("reason") {
            let got = server.and_then(|s| s.reason.clone());
            if got.as_deref() != reason.as_str() {
                problems.push(format!("reason {got:?} != {reason}"));
            }
        }
        if let Some(domain) = expect.get("domain") {
            let got = server.and_then(|s| s.domain.clone());
            if got.as_deref() != domain.as_str() {
                problems.push(format!("domain {got:?} != {domain}"));
            }
        }
        for (key, value) in expect["metadata"].as_object().into_iter().flatten() {
            let got = server.and_then(|s| s.metadata.get(key).cloned());
            if got.as_deref() != value.as_str() {
                problems.push(format!("metadata {key}: {got:?} != {value}"));
            }
        }
        if let Some(index) = expect["metadata"]["statement_index"].as_str() {
            if error.statement_index().map(|i| i.to_string()).as_deref() != Some(index) {
                problems.push("statement_index() disagrees".into());
            }
        }
        if let Some(code) = expect["metadata"]["neo4j_code"].as_str() {
            if error.neo4j_code() != Some(code) {
                problems.push("neo4j_code() disagrees".into());
            }
        }
        if let Some(field) = expect["field"].as_str() {
            let fields: Vec<&str> = server
                .map(|s| s.field_violations.iter().map(|(f, _)| f.as_str()).collect())
                .unwrap_or_default();
            if !fields.contains(&field) {
                problems.push(format!("field violations {fields:?} lack {field}"));
            }
        }
        if let Some(after) = v.get("after") {
            match single(&writer, after["cypher"].as_str().expect("cypher"), &J::Null).await {
                Ok(got) if same(&got, &after["expect"]) => {}
                other => problems.push(format!("after: {other:?}")),
            }
        }
        if !problems.is_empty() {
            failures.push(format!("{name}: {}", problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// "INVALID_ARGUMENT" -> "InvalidArgument", tonic's Debug name of the code.
fn camel(code: &str) -> String {
    code.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| {
                f.to_string() + &c.as_str().to_lowercase()
            })
        })
        .collect()
}
