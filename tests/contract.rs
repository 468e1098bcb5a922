//! The error contract written in proto/graphrpc/v1/errors.proto is the one src/errors.rs
//! implements: every ErrorInfo reason the server can send is a value of ErrorReason and
//! every value is sent somewhere, and every metadata key it sets is documented.

use std::collections::BTreeSet;

use prost::Message;

fn manifest_file(path: &str) -> String {
    let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

/// src/errors.rs without its unit tests.
fn errors_rs() -> String {
    let text = manifest_file("src/errors.rs");
    match text.find("#[cfg(test)]") {
        Some(end) => text[..end].to_owned(),
        None => text,
    }
}

/// The string literals of `code` that look like ErrorInfo reasons (UPPER_SNAKE_CASE).
fn reason_literals(code: &str) -> BTreeSet<String> {
    code.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            s.len() > 3
                && s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect()
}

fn error_reason_values() -> BTreeSet<String> {
    let set = prost_types::FileDescriptorSet::decode(graphrpc::proto::FILE_DESCRIPTOR_SET)
        .expect("the served descriptor set decodes");
    let file = set
        .file
        .iter()
        .find(|f| f.name() == "graphrpc/v1/errors.proto")
        .expect("errors.proto is compiled and served");
    let reason = file
        .enum_type
        .iter()
        .find(|e| e.name() == "ErrorReason")
        .expect("enum ErrorReason");
    reason
        .value
        .iter()
        .filter(|v| v.number() != 0)
        .map(|v| v.name().to_owned())
        .collect()
}

#[test]
fn every_reason_the_server_sends_is_in_the_proto_and_back() {
    let sent = reason_literals(&errors_rs());
    assert!(
        sent.contains("ROW_LIMIT_EXCEEDED"),
        "the scan finds reasons: {sent:?}"
    );
    let declared = error_reason_values();
    let undeclared: Vec<_> = sent.difference(&declared).collect();
    let unused: Vec<_> = declared.difference(&sent).collect();
    assert!(
        undeclared.is_empty(),
        "src/errors.rs sends reasons that proto/graphrpc/v1/errors.proto's ErrorReason lacks: {undeclared:?}"
    );
    assert!(
        unused.is_empty(),
        "ErrorReason declares reasons src/errors.rs never sends: {unused:?}"
    );
}

#[test]
fn every_metadata_key_and_domain_is_documented() {
    let code = errors_rs();
    let proto = manifest_file("proto/graphrpc/v1/errors.proto");
    // Keys appear as `("key", value)` pairs or `insert("key"` calls.
    let mut keys = BTreeSet::new();
    for marker in ["(\"", "insert(\""] {
        for piece in code.split(marker).skip(1) {
            let key: String = piece
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || c.is_ascii_digit())
                .collect();
            if !key.is_empty() && piece[key.len()..].starts_with('"') {
                keys.insert(key);
            }
        }
    }
    for expected in ["neo4j_code", "statement_index", "max_rows"] {
        assert!(
            keys.contains(expected),
            "the scan finds {expected}: {keys:?}"
        );
    }
    for key in &keys {
        assert!(
            proto.contains(&format!("\"{key}\"")),
            "metadata key {key} is not documented in errors.proto"
        );
    }
    for domain in [
        graphrpc::errors::NEO4J_DOMAIN,
        graphrpc::errors::SERVICE_DOMAIN,
    ] {
        assert!(
            proto.contains(&format!("\"{domain}\"")),
            "{domain} is not in errors.proto"
        );
    }
}
