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

/// A YAML value, as written for a default.
#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<Yaml>),
    Map(BTreeMap<String, Yaml>),
}

impl Yaml {
    fn kind(&self) -> &'static str {
        match self {
            Yaml::Null => "null",
            Yaml::Bool(_) => "a boolean",
            Yaml::Int(_) => "an integer",
            Yaml::Float(_) => "a float",
            Yaml::String(_) => "a string",
            Yaml::List(_) => "a list",
            Yaml::Map(_) => "a map",
        }
    }
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

struct YamlVisitor;

impl<'de> de::Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }
    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Yaml, E> {
        Ok(Yaml::Int(i))
    }
    fn visit_u64<E: de::Error>(self, u: u64) -> Result<Yaml, E> {
        i64::try_from(u)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{u} is beyond the 64-bit signed integer range")))
    }
    fn visit_i128<E: de::Error>(self, i: i128) -> Result<Yaml, E> {
        i64::try_from(i)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{i} is beyond the 64-bit signed integer range")))
    }
    fn visit_u128<E: de::Error>(self, u: u128) -> Result<Yaml, E> {
        i64::try_from(u)
            .map(Yaml::Int)
            .map_err(|_| E::custom(format!("{u} is beyond the 64-bit signed integer range")))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Yaml, E> {
        Ok(Yaml::Float(f))
    }
    fn visit_str<E>(self, s: &str) -> Result<Yaml, E> {
        Ok(Yaml::String(s.to_owned()))
    }
    fn visit_string<E>(self, s: String) -> Result<Yaml, E> {
        Ok(Yaml::String(s))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut values = Vec::new();
        while let Some(v) = seq.next_element()? {
            values.push(v);
        }
        Ok(Yaml::List(values))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = BTreeMap::new();
        while let Some((k, v)) = map.next_entry::<String, Yaml>()? {
            entries.insert(k, v);
        }
        Ok(Yaml::Map(entries))
    }
}

/// A default, checked against the parameter's type and converted for the database.
fn default_value(ty: &ParamType, value: Yaml) -> Result<BoltType, String> {
    let mismatch = |value: &Yaml| format!("expected {ty}, got {}", value.kind());
    Ok(match (ty, value) {
        (_, Yaml::Null) => BoltType::Null(BoltNull),
        (ParamType::Any, value) => any_value(value),
        (ParamType::String, Yaml::String(s)) => BoltType::String(BoltString::from(s)),
        (ParamType::Integer, Yaml::Int(i)) => BoltType::Integer(BoltInteger::new(i)),
        (ParamType::Float, Yaml::Float(f)) => BoltType::Float(BoltFloat::new(f)),
        (ParamType::Float, Yaml::Int(i)) => BoltType::Float(BoltFloat::new(i as f64)),
        (ParamType::Boolean, Yaml::Bool(b)) => BoltType::Boolean(BoltBoolean::new(b)),
        (ParamType::List(element), Yaml::List(values)) => {
            let mut list = Vec::with_capacity(values.len());
            for (i, v) in values.into_iter().enumerate() {
                list.push(match element {
                    Some(element) => default_value(element, v).map_err(|e| format!("[{i}]: {e}"))?,
                    None => any_value(v),
                });
            }
            BoltType::List(BoltList::from(list))
        }
        (ParamType::Map, Yaml::Map(entries)) => BoltType::Map(
            entries
                .into_iter()
                .map(|(k, v)| (BoltString::from(k), any_value(v)))
                .collect(),
        ),
        (
            ParamType::Bytes
            | ParamType::Date
            | ParamType::Time
            | ParamType::LocalTime
            | ParamType::DateTime
            | ParamType::LocalDateTime
            | ParamType::Duration
            | ParamType::Point,
            _,
        ) => {
            return Err(format!(
                "a {ty} parameter cannot have a default in the catalog; leave the default out (an optional parameter that is not given is null) or make it required"
            ))
        }
        (_, value) => return Err(mismatch(&value)),
    })
}

fn any_value(value: Yaml) -> BoltType {
    match value {
        Yaml::Null => BoltType::Null(BoltNull),
        Yaml::Bool(b) => BoltType::Boolean(BoltBoolean::new(b)),
        Yaml::Int(i) => BoltType::Integer(BoltInteger::new(i)),
        Yaml::Float(f) => BoltType::Float(BoltFloat::new(f)),
        Yaml::String(s) => BoltType::String(BoltString::from(s)),
        Yaml::List(values) => BoltType::List(BoltList::from(
            values.into_iter().map(any_value).collect::<Vec<_>>(),
        )),
        Yaml::Map(entries) => BoltType::Map(
            entries
                .into_iter()
                .map(|(k, v)| (BoltString::from(k), any_value(v)))
                .collect(),
        ),
    }
}

/// The type name of a parameter value, for "expected X, got Y".
fn bolt_kind(value: &BoltType) -> &'static str {
    match value {
        BoltType::Null(_) => "null",
        BoltType::Boolean(_) => "boolean",
        BoltType::Integer(_) => "integer",
        BoltType::Float(_) => "float",
        BoltType::String(_) => "string",
        BoltType::Bytes(_) => "bytes",
        BoltType::List(_) => "list",
        BoltType::Map(_) => "map",
        BoltType::Date(_) => "date",
        BoltType::Time(_) => "time",
        BoltType::LocalTime(_) => "local_time",
        BoltType::DateTime(_) | BoltType::DateTimeZoneId(_) => "date_time",
        BoltType::LocalDateTime(_) => "local_date_time",
        BoltType::Duration(_) => "duration",
        BoltType::Point2D(_) | BoltType::Point3D(_) => "point",
        BoltType::Node(_) => "node",
        BoltType::Relation(_) | BoltType::UnboundedRelation(_) => "relationship",
        BoltType::Path(_) => "path",
    }
}

/// A value of a parameter, checked against its type: the value to bind (an integer for a
/// float parameter becomes a float), or where it is wrong (`[2]`, empty for the value
/// itself) and why.
fn conform(ty: &ParamType, value: BoltType) -> Result<BoltType, (String, String)> {
    match (ty, value) {
        (ParamType::Float, BoltType::Integer(i)) => {
            Ok(BoltType::Float(BoltFloat::new(i.value as f64)))
        }
        (ParamType::List(Some(element)), BoltType::List(list)) => {
            let mut values = Vec::with_capacity(list.value.len());
            for (i, v) in list.value.into_iter().enumerate() {
                values.push(
                    conform(element, v)
                        .map_err(|(path, reason)| (format!("[{i}]{path}"), reason))?,
                );
            }
            Ok(BoltType::List(BoltList::from(values)))
        }
        (ty, value) if accepts(ty, &value) => Ok(value),
        (ty, value) => Err((
            String::new(),
            format!("expected {ty}, got {}", bolt_kind(&value)),
        )),
    }
}

/// Whether a value is of a type, as it stands (no conversion, elements unchecked).
fn accepts(ty: &ParamType, value: &BoltType) -> bool {
    matches!(
        (ty, value),
        (ParamType::Any, _)
            | (ParamType::String, BoltType::String(_))
            | (ParamType::Integer, BoltType::Integer(_))
            | (ParamType::Float, BoltType::Float(_))
            | (ParamType::Boolean, BoltType::Boolean(_))
            | (ParamType::Bytes, BoltType::Bytes(_))
            | (ParamType::List(None), BoltType::List(_))
            | (ParamType::Map, BoltType::Map(_))
            | (ParamType::Date, BoltType::Date(_))
            | (ParamType::Time, BoltType::Time(_))
            | (ParamType::LocalTime, BoltType::LocalTime(_))
            | (
                ParamType::DateTime,
                BoltType::DateTime(_) | BoltType::DateTimeZoneId(_)
            )
            | (ParamType::LocalDateTime, BoltType::LocalDateTime(_))
            | (ParamType::Duration, BoltType::Duration(_))
            | (
                ParamType::Point,
                BoltType::Point2D(_) | BoltType::Point3D(_)
            )
    )
}

impl NamedQuery {
    /// Checks a call's parameters (already converted and within the request limits)
    /// against the schema and returns the map to bind: missing required, undeclared and
    /// mistyped parameters are INVALID_ARGUMENT naming the parameter (`field` gives its
    /// place in the request, `params.x` or `json_params.x`); optional ones left out get
    /// their default, or null.
    pub fn bind(
        &self,
        mut given: BoltMap,
        field: impl Fn(&str) -> String,
    ) -> Result<BoltMap, Status> {
        let mut unknown: Vec<&str> = given
            .value
            .keys()
            .map(|k| k.value.as_str())
            .filter(|k| !self.parameters.iter().any(|p| p.name == *k))
            .collect();
        unknown.sort_unstable();
        if let Some(name) = unknown.first() {
            let takes = if self.parameters.is_empty() {
                "it takes no parameters".to_owned()
            } else {
                let names: Vec<&str> = self.parameters.iter().map(|p| p.name.as_str()).collect();
                format!("it takes {}", names.join(", "))
            };
            return Err(invalid_argument(
                &field(name),
                format!("is not a parameter of named query `{}`; {takes}", self.name),
            ));
        }

        let mut bound = BoltMap::with_capacity(self.parameters.len());
        for p in &self.parameters {
            let key = BoltString::from(p.name.as_str());
            let value = match given.value.remove(&key) {
                None if p.required => {
                    return Err(invalid_argument(
                        &field(&p.name),
                        format!(
                            "is missing; named query `{}` requires it ({})",
                            self.name, p.ty
                        ),
                    ))
                }
                None => p.default.clone().unwrap_or(BoltType::Null(BoltNull)),
                Some(BoltType::Null(_)) if p.required => {
                    return Err(invalid_argument(
                        &field(&p.name),
                        format!(
                            "is null; named query `{}` requires a {} value",
                            self.name, p.ty
                        ),
                    ))
                }
                Some(BoltType::Null(null)) => BoltType::Null(null),
                Some(value) => conform(&p.ty, value).map_err(|(path, reason)| {
                    invalid_argument(&format!("{}{path}", field(&p.name)), reason)
                })?,
            };
            bound.put(key, value);
        }
        Ok(bound)
    }
}

#[cfg(test)]
mod tests {
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

        let err = parse(
            "queries:\n  - name: a\n    description: d\n    mode: maybe\n    cypher: RETURN 1\n",
        )
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
        let yaml = include_str!("../deploy/local/catalog.yaml");
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
}
