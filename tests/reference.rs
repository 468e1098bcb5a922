//! Generated reference pages must match what they are generated from:
//! - docs/reference/configuration.md, from the clap definitions (`graphrpc config-reference`);
//! - docs/reference/helm-values.md, from the chart's values.schema.json (and the defaults in
//!   its values.yaml).
//!
//! A stale page fails here with the command that regenerates it:
//! `GRAPHRPC_UPDATE_REFERENCE=1 cargo test --test reference` rewrites both pages.

use std::{fs, path::Path, process::Command};

use graphrpc::configuration::reference;
use serde_json::Value;

const HELM_PAGE: &str = "docs/reference/helm-values.md";
const SCHEMA: &str = "deploy/helm/graphrpc/values.schema.json";
const VALUES: &str = "deploy/helm/graphrpc/values.yaml";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Compares the committed page with the rendered one; rewrites it when asked to.
fn check_page(page: &str, rendered: &str) {
    let path = root().join(page);
    if std::env::var_os("GRAPHRPC_UPDATE_REFERENCE").is_some() {
        fs::create_dir_all(path.parent().expect("the page has a folder")).expect("mkdir");
        fs::write(&path, rendered).expect("write the page");
        return;
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    if committed != rendered {
        let first = committed
            .lines()
            .zip(rendered.lines())
            .position(|(a, b)| a != b)
            .map(|i| i + 1)
            .unwrap_or_else(|| committed.lines().count().min(rendered.lines().count()) + 1);
        panic!(
            "{page} is stale (first difference at line {first}); regenerate it with \
             `GRAPHRPC_UPDATE_REFERENCE=1 cargo test --test reference` and commit it"
        );
    }
}

#[test]
fn the_configuration_reference_is_generated_from_the_flags() {
    check_page(reference::PAGE, &reference::markdown());
}

#[test]
fn every_flag_has_a_description() {
    let missing = reference::undocumented();
    assert!(
        missing.is_empty(),
        "flags without a doc comment (the reference would have an empty description): {missing:?}"
    );
}

/// The binary's hidden subcommand prints the same page, for anyone regenerating by hand.
#[test]
fn the_binary_prints_the_same_reference() {
    let output = Command::new(env!("CARGO_BIN_EXE_graphrpc"))
        .arg("config-reference")
        .output()
        .expect("run graphrpc config-reference");
    assert!(output.status.success(), "{output:?}");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        reference::markdown()
    );
}

#[test]
fn the_helm_values_table_is_generated_from_the_schema() {
    check_page(HELM_PAGE, &helm_values_page());
}

fn helm_values_page() -> String {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(root().join(SCHEMA)).expect("read values.schema.json"),
    )
    .expect("values.schema.json is JSON");
    let values: Value =
        serde_saphyr::from_str(&fs::read_to_string(root().join(VALUES)).expect("read values.yaml"))
            .expect("values.yaml is YAML");
    let mut rows = Vec::new();
    walk(&schema, &values, "", &mut rows);
    let mut page = format!(
        "# Helm chart values\n\
         \n\
         <!-- Generated from {SCHEMA} (types, allowed values, descriptions) and {VALUES} \
         (defaults) by tests/reference.rs; do not edit by hand. The test fails when this page \
         is stale; `GRAPHRPC_UPDATE_REFERENCE=1 cargo test --test reference` rewrites it. -->\n\
         \n\
         Every value of the `graphrpc` chart. The schema refuses unknown keys and wrong types \
         at `helm install` time, except inside values that are Kubernetes objects passed \
         through as written (marked *object*).\n\
         \n\
         | Key | Type | Default | Description |\n\
         |---|---|---|---|\n"
    );
    for row in rows {
        page.push_str(&row);
    }
    page
}

/// One row per leaf of the schema; objects with declared properties are walked into, and
/// so are the items of a list of such objects (`key[].field`).
fn walk(node: &Value, defaults: &Value, path: &str, rows: &mut Vec<String>) {
    if let Some(properties) = node.get("properties").and_then(Value::as_object) {
        for (key, child) in properties {
            let child_path = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            walk(
                child,
                defaults.get(key).unwrap_or(&Value::Null),
                &child_path,
                rows,
            );
        }
        return;
    }
    let text = node
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    // The chart's `config.*` values are described by the variable they set: link to it.
    let is_variable = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    let mut description = if is_variable {
        format!("Sets `{text}` (see the [configuration reference](configuration.md)).")
    } else {
        text.to_owned()
    };
    if let Some(choices) = node.get("enum").and_then(Value::as_array) {
        let choices: Vec<String> = choices
            .iter()
            .map(|c| match c {
                Value::String(s) => format!("`{s}`"),
                other => format!("`{other}`"),
            })
            .collect();
        description = format!("{description} One of: {}.", choices.join(", "))
            .trim()
            .to_owned();
    }
    let default = match defaults {
        Value::Null => String::new(),
        other => format!("`{}`", other),
    };
    rows.push(format!(
        "| `{path}` | {} | {} | {} |\n",
        type_of(node),
        cell(&default),
        cell(&description)
    ));
    // A list of declared objects (access tokens, say): one row per field of an item.
    if let Some(items) = node.get("items") {
        if items.get("properties").is_some() {
            walk(items, &Value::Null, &format!("{path}[]"), rows);
        }
    }
}

fn type_of(node: &Value) -> String {
    let names: Vec<String> = match node.get("type") {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(many)) => many
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    let names: Vec<String> = names
        .iter()
        .map(|name| match name.as_str() {
            "array" => match node.get("items").map(type_of) {
                Some(_) if node["items"].get("properties").is_some() => {
                    "list of objects".to_owned()
                }
                Some(item) if !item.is_empty() => format!("list of {item}"),
                _ => "list".to_owned(),
            },
            // A map whose values have a type (annotations, labels), or an object passed on.
            "object" => match node.get("additionalProperties") {
                Some(Value::Object(value)) if value.contains_key("type") => {
                    format!("map of {}", type_of(&Value::Object(value.clone())))
                }
                _ => "*object*".to_owned(),
            },
            other => other.to_owned(),
        })
        .collect();
    names.join(" or ")
}

/// A table cell: a `|` would end the cell, a line break the row.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
