//! The named-query catalog (`GRAPHRPC_CATALOG_FILE`): Cypher statements fixed by the
//! operator, each with an access mode, a parameter schema and its own limits, called by
//! name through RunNamed and RunNamedStream.
//!
//! The YAML file becomes a checked [`Catalog`] once, when it is loaded: every problem is
//! reported as `catalog FILE: query `NAME` (entry N): REASON` and a bad file is refused
//! (at start-up it stops graphrpc; on reload the version in force stays, see `reload`).
//! At call time, [`NamedQuery::bind`] checks a request's parameters against the schema.
//! The format is documented in README.md, "Named queries: the catalog".

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    fmt,
    path::{Path, PathBuf},
    time::Duration,
};

use neo4rs::{
    BoltBoolean, BoltFloat, BoltInteger, BoltList, BoltMap, BoltNull, BoltString, BoltType,
};
use serde::{de, Deserialize, Deserializer};
use tonic::Status;

use crate::{
    configuration::QueryLimits,
    cypher::{self, Classification, Kind},
    database::AccessMode,
    errors::invalid_argument,
    reload::{self, Current},
};

mod values;
use values::*;

/// Longest query name accepted: names travel in metric-free log lines and error messages.
const MAX_NAME_LEN: usize = 128;

/// The checked catalog: queries in file order, found by name.
#[derive(Debug, Default)]
pub struct Catalog {
    queries: Vec<NamedQuery>,
    index: HashMap<String, usize>,
}

/// One named query, as graphrpc applies it.
#[derive(Debug, Clone)]
pub struct NamedQuery {
    pub name: String,
    pub description: String,
    pub cypher: String,
    pub mode: AccessMode,
    /// A write the catalog declares safe to run twice (retried after transient failures).
    pub idempotent: bool,
    /// The catalog's time limit, or the server's default when it sets none.
    pub timeout: Duration,
    /// RunNamed's row limit: the catalog's, or the server's default when it sets none.
    pub max_rows: u32,
    pub parameters: Vec<Parameter>,
    /// What the cypher does, classified once at load (see `cypher`).
    pub classification: Classification,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub ty: ParamType,
    pub required: bool,
    /// What an optional parameter left out of a call is bound to (None: null).
    pub default: Option<BoltType>,
    pub description: String,
}

/// The parameter types a catalog may declare, each one or more kinds of
/// `graphrpc.v1.Value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamType {
    String,
    Integer,
    /// Accepts integers too, bound as floats: JSON parameters cannot tell 2 from 2.0.
    Float,
    Boolean,
    Bytes,
    /// A list; `list<T>` also checks every element.
    List(Option<Box<ParamType>>),
    Map,
    Date,
    Time,
    LocalTime,
    /// With a UTC offset or with a zone id.
    DateTime,
    LocalDateTime,
    Duration,
    /// 2D or 3D.
    Point,
    Any,
}

impl fmt::Display for ParamType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            ParamType::String => "string",
            ParamType::Integer => "integer",
            ParamType::Float => "float",
            ParamType::Boolean => "boolean",
            ParamType::Bytes => "bytes",
            ParamType::List(None) => "list",
            ParamType::List(Some(element)) => return write!(f, "list<{element}>"),
            ParamType::Map => "map",
            ParamType::Date => "date",
            ParamType::Time => "time",
            ParamType::LocalTime => "local_time",
            ParamType::DateTime => "date_time",
            ParamType::LocalDateTime => "local_date_time",
            ParamType::Duration => "duration",
            ParamType::Point => "point",
            ParamType::Any => "any",
        };
        f.write_str(name)
    }
}

const TYPE_NAMES: &str = "string, integer, float, boolean, bytes, list, list<T>, map, date, \
                          time, local_time, date_time, local_date_time, duration, point, any";

impl std::str::FromStr for ParamType {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(inner) = text
            .strip_prefix("list<")
            .and_then(|rest| rest.strip_suffix('>'))
        {
            return Ok(ParamType::List(Some(Box::new(inner.parse()?))));
        }
        Ok(match text {
            "string" => ParamType::String,
            "integer" => ParamType::Integer,
            "float" => ParamType::Float,
            "boolean" => ParamType::Boolean,
            "bytes" => ParamType::Bytes,
            "list" => ParamType::List(None),
            "map" => ParamType::Map,
            "date" => ParamType::Date,
            "time" => ParamType::Time,
            "local_time" => ParamType::LocalTime,
            "date_time" => ParamType::DateTime,
            "local_date_time" => ParamType::LocalDateTime,
            "duration" => ParamType::Duration,
            "point" => ParamType::Point,
            "any" => ParamType::Any,
            other => {
                return Err(format!(
                    "`{other}` is not a parameter type; use one of {TYPE_NAMES}"
                ))
            }
        })
    }
}

impl Catalog {
    pub fn get(&self, name: &str) -> Option<&NamedQuery> {
        self.index.get(name).map(|&i| &self.queries[i])
    }

    /// In the order of the file.
    pub fn queries(&self) -> &[NamedQuery] {
        &self.queries
    }

    /// Parses and checks a catalog file's contents; the error names the file, the entry
    /// and the reason.
    pub fn parse(path: &Path, bytes: &[u8], limits: &QueryLimits) -> Result<Catalog, String> {
        let file = path.display();
        let text = std::str::from_utf8(bytes)
            .map_err(|e| format!("catalog {file}: is not UTF-8 text: {e}"))?;
        if text.trim().is_empty() {
            return Err(format!(
                "catalog {file}: is empty; it needs a `queries:` list"
            ));
        }
        let raw: RawCatalog = serde_saphyr::from_str(text)
            .map_err(|e| format!("catalog {file}: {}", yaml_error(text, &e)))?;

        let mut catalog = Catalog::default();
        for (i, entry) in raw.queries.into_iter().enumerate() {
            let n = i + 1;
            let name = entry.name.clone();
            let query = check_entry(entry, limits).map_err(|reason| {
                format!("catalog {file}: query `{name}` (entry {n}): {reason}")
            })?;
            if let Some(&first) = catalog.index.get(&query.name) {
                return Err(format!(
                    "catalog {file}: query `{name}` (entry {n}): the name is already used by entry {}; names must be unique",
                    first + 1
                ));
            }
            catalog.index.insert(query.name.clone(), i);
            catalog.queries.push(query);
        }
        Ok(catalog)
    }
}

/// Loads the catalog (an error stops start-up) and keeps it current: reloaded when the file
/// changes and on SIGHUP; a bad new version is refused and the one in force stays.
pub fn watch(
    path: PathBuf,
    interval: Duration,
    limits: QueryLimits,
) -> Result<Current<Catalog>, String> {
    reload::watch("catalog", path, interval, move |path, bytes| {
        let catalog = Catalog::parse(path, bytes, &limits)?;
        tracing::info!(file = %path.display(), queries = catalog.queries.len(), "catalog loaded");
        Ok(catalog)
    })
}

/// A YAML error with its line and column, and the entry it is in when that can be told.
fn yaml_error(text: &str, error: &serde_saphyr::Error) -> String {
    let message = error.without_snippet().to_string();
    let message = message.lines().next().unwrap_or_default().trim();
    let Some(location) = error.location().filter(|l| l.line() > 0) else {
        return message.to_owned();
    };
    let (line, column) = (location.line(), location.column());
    // The message ends with the location too; it is given once, in front.
    let message = message
        .strip_suffix(&format!(" at line {line}, column {column}"))
        .unwrap_or(message);
    match entry_at(text, line as usize) {
        Some((n, Some(name))) => {
            format!("query `{name}` (entry {n}), line {line} column {column}: {message}")
        }
        Some((n, None)) => format!("entry {n}, line {line} column {column}: {message}"),
        None => format!("line {line} column {column}: {message}"),
    }
}

/// Which entry of `queries` a line falls in (1-based), with its name when it has one: a
/// lenient second parse that keeps only where each entry starts.
fn entry_at(text: &str, line: usize) -> Option<(usize, Option<String>)> {
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default)]
        queries: Vec<serde_saphyr::Spanned<LooseEntry>>,
    }
    #[derive(Deserialize)]
    struct LooseEntry {
        #[serde(default)]
        name: Option<serde_saphyr::Spanned<String>>,
    }
    let loose: Loose = serde_saphyr::from_str(text).ok()?;
    let starts = loose.queries.iter().map(|q| {
        // A mapping's span may begin at its first key; the name's line is a floor.
        let start = q.referenced.line() as usize;
        q.value
            .name
            .as_ref()
            .map_or(start, |n| start.min(n.referenced.line() as usize))
    });
    let n = starts
        .take_while(|&start| start > 0 && start <= line)
        .count();
    let entry = loose.queries.get(n.checked_sub(1)?)?;
    Some((n, entry.value.name.as_ref().map(|s| s.value.clone())))
}

// The file's shape. Unknown keys are errors, so a misspelt key fails instead of being
// ignored.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalog {
    queries: Vec<RawQuery>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    name: String,
    #[serde(default)]
    description: String,
    cypher: String,
    mode: RawMode,
    #[serde(default)]
    idempotent: bool,
    #[serde(default)]
    timeout: Option<String>,
    #[serde(default)]
    max_rows: Option<u32>,
    #[serde(default)]
    parameters: Vec<RawParameter>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum RawMode {
    Read,
    Write,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParameter {
    name: String,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    required: Option<bool>,
    #[serde(default)]
    default: Option<Yaml>,
    #[serde(default)]
    description: String,
}

fn check_entry(raw: RawQuery, limits: &QueryLimits) -> Result<NamedQuery, String> {
    check_query_name(&raw.name)?;
    if raw.description.trim().is_empty() {
        return Err(
            "description is missing; say what the query does (ListNamedQueries shows it)".into(),
        );
    }
    if raw.cypher.trim().is_empty() {
        return Err("cypher is empty".into());
    }
    if raw.cypher.len() > limits.max_cypher_bytes {
        return Err(format!(
            "cypher is {} bytes, above the limit of {} (GRAPHRPC_MAX_CYPHER_BYTES)",
            raw.cypher.len(),
            limits.max_cypher_bytes
        ));
    }
    let mode = match raw.mode {
        RawMode::Read => AccessMode::Read,
        RawMode::Write => AccessMode::Write,
    };
    let classification = cypher::classify(&raw.cypher)
        .map_err(|e| format!("cypher cannot be classified, so no one could run it: {e}"))?;
    if mode == AccessMode::Read && classification.kind > Kind::Read {
        return Err(format!(
            "is declared read, but its cypher {} ({}); declare it write, or change the cypher",
            if classification.kind == Kind::Write {
                "writes"
            } else {
                "changes the schema or administers the database"
            },
            classification
                .first_clause_of(Kind::Write)
                .unwrap_or("a write clause")
        ));
    }
    if raw.idempotent && mode == AccessMode::Read {
        return Err(
            "idempotent applies to write queries only; read queries are retried without it".into(),
        );
    }
    let timeout = match raw.timeout {
        None => limits.default_timeout,
        Some(text) => {
            let t = humantime::parse_duration(text.trim()).map_err(|e| {
                format!("timeout `{text}` is not a duration such as 5s or 1m30s: {e}")
            })?;
            if t.is_zero() {
                return Err("timeout is zero; give a positive duration or leave it out".into());
            }
            if t > limits.max_timeout {
                return Err(format!(
                    "timeout {} is above the server's maximum of {} (GRAPHRPC_MAX_TIMEOUT)",
                    humantime::format_duration(t),
                    humantime::format_duration(limits.max_timeout)
                ));
            }
            t
        }
    };
    let max_rows = match raw.max_rows {
        None => limits.default_max_rows,
        Some(0) => return Err("max_rows is 0; give a positive number or leave it out".into()),
        Some(n) if n > limits.max_rows => {
            return Err(format!(
                "max_rows {n} is above the server's maximum of {} (GRAPHRPC_MAX_ROWS)",
                limits.max_rows
            ))
        }
        Some(n) => n,
    };

    let mut parameters: Vec<Parameter> = Vec::with_capacity(raw.parameters.len());
    for p in raw.parameters {
        let name = p.name.clone();
        if parameters.iter().any(|q| q.name == name) {
            return Err(format!("parameter `{name}` is declared twice"));
        }
        parameters.push(check_parameter(p).map_err(|r| format!("parameter `{name}`: {r}"))?);
    }

    let referenced = referenced_parameters(&raw.cypher)?;
    for name in &referenced {
        if !parameters.iter().any(|p| &p.name == name) {
            return Err(format!(
                "cypher uses ${name}, which is not declared under parameters"
            ));
        }
    }
    if let Some(unused) = parameters.iter().find(|p| !referenced.contains(&p.name)) {
        return Err(format!(
            "parameter `{}` is declared but the cypher never uses ${}",
            unused.name, unused.name
        ));
    }

    Ok(NamedQuery {
        name: raw.name,
        description: raw.description.trim().to_owned(),
        cypher: raw.cypher,
        mode,
        idempotent: raw.idempotent,
        timeout,
        max_rows,
        parameters,
        classification,
    })
}

fn check_query_name(name: &str) -> Result<(), String> {
    let mut chars = name.chars();
    let valid = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        && name.len() <= MAX_NAME_LEN;
    if valid {
        Ok(())
    } else {
        Err(format!(
            "the name must start with a letter and hold only letters, digits, `_`, `.` and `-` (at most {MAX_NAME_LEN} characters)"
        ))
    }
}

fn check_parameter(p: RawParameter) -> Result<Parameter, String> {
    // Parameter names are Cypher identifiers, so that `$name` needs no backticks.
    let mut chars = p.name.chars();
    let valid = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return Err(
            "the name must start with a letter or `_` and hold only letters, digits and `_`".into(),
        );
    }
    let ty: ParamType = p.ty.parse().map_err(|e| format!("type: {e}"))?;
    let default = p
        .default
        .map(|d| default_value(&ty, d).map_err(|e| format!("default: {e}")))
        .transpose()?;
    let required = match (p.required, &default) {
        (Some(true), Some(_)) => {
            return Err(
                "is required and has a default; a default applies only to optional parameters"
                    .into(),
            )
        }
        (Some(required), _) => required,
        // Left out: required unless it has a default.
        (None, default) => default.is_none(),
    };
    Ok(Parameter {
        name: p.name,
        ty,
        required,
        default,
        description: p.description.trim().to_owned(),
    })
}

/// Every `$name` the Cypher text uses, outside string literals, quoted identifiers and
/// comments.
fn referenced_parameters(cypher: &str) -> Result<BTreeSet<String>, String> {
    let mut names = BTreeSet::new();
    let mut chars = cypher.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' | '"' => {
                // A string literal: backslash escapes the next character.
                while let Some(s) = chars.next() {
                    if s == '\\' {
                        chars.next();
                    } else if s == c {
                        break;
                    }
                }
            }
            '`' => {
                // A quoted identifier; a doubled backtick is one backtick.
                while let Some(s) = chars.next() {
                    if s == '`' {
                        if chars.peek() == Some(&'`') {
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => {
                for s in chars.by_ref() {
                    if s == '\n' {
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut star = false;
                for s in chars.by_ref() {
                    if star && s == '/' {
                        break;
                    }
                    star = s == '*';
                }
            }
            '$' => match chars.peek() {
                Some('`') => {
                    chars.next();
                    let mut name = String::new();
                    for s in chars.by_ref() {
                        if s == '`' {
                            break;
                        }
                        name.push(s);
                    }
                    names.insert(name);
                }
                Some(d) if d.is_ascii_digit() => {
                    return Err(
                        "cypher uses a numbered parameter ($0, $1, ...); name the parameters"
                            .into(),
                    )
                }
                Some(s) if s.is_alphabetic() || *s == '_' => {
                    let mut name = String::new();
                    while let Some(&s) = chars.peek() {
                        if s.is_alphanumeric() || s == '_' {
                            name.push(s);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                    names.insert(name);
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests;
