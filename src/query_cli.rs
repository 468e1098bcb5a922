//! `graphrpc query`: Cypher or a named query from the command line, on the Rust client
//! library, for people without grpcurl. Output as a table, JSON lines or CSV; the exit
//! status is the gRPC status code of the call (0 when it succeeded).

use std::{io::Write, path::PathBuf, time::Duration};

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use futures::TryStreamExt;
use graphrpc_client::{convert::to_json, Client, Error, NamedQuery, Query, Value};

/// Flags of `graphrpc query`.
#[derive(Debug, Clone, clap::Args)]
pub struct QueryArgs {
    /// The Cypher statement (or, with --named, the named query's name).
    pub statement: String,

    /// Run the named query of the server's catalog called STATEMENT.
    #[arg(long)]
    pub named: bool,

    /// A parameter, NAME=VALUE. VALUE is read as JSON when it parses (5 is an integer,
    /// 1.5 a float, true, null, [..], {..}), else as a string; NAME:TYPE=VALUE forces a
    /// type: string, int, float, bool, json, date, local_time, local_date_time, date_time.
    #[arg(long = "param", short = 'p', value_name = "NAME[:TYPE]=VALUE")]
    pub params: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,

    /// Run as a READ statement.
    #[arg(long)]
    pub read: bool,

    /// graphrpc's address.
    #[arg(
        long,
        env = "GRAPHRPC_ENDPOINT",
        default_value = "http://127.0.0.1:50051"
    )]
    pub endpoint: String,

    /// The call's deadline.
    #[arg(long, default_value = "60s", value_parser = humantime::parse_duration)]
    pub deadline: Duration,

    /// TLS: the CA certificate (PEM) of the server's certificate.
    #[arg(long, env = "GRAPHRPC_CA_FILE")]
    pub ca_file: Option<PathBuf>,
}

/// How records are printed.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns with a header line.
    Table,
    /// One JSON object per record (JSON lines).
    Json,
    /// CSV with a header line (RFC 4180 quoting).
    Csv,
}

/// Runs the command; returns the process exit status.
pub async fn run(args: QueryArgs) -> u8 {
    match execute(args).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("graphrpc query: {e}");
            if let Some(server) = e.server() {
                for (field, description) in &server.field_violations {
                    eprintln!("  {field}: {description}");
                }
                for (key, value) in &server.metadata {
                    eprintln!("  {key}: {value}");
                }
            }
            // The gRPC code's number: 3 INVALID_ARGUMENT, 4 DEADLINE_EXCEEDED, 14
            // UNAVAILABLE, 16 UNAUTHENTICATED...
            e.code() as u8
        }
    }
}

async fn execute(args: QueryArgs) -> Result<(), Error> {
    // The token comes from the environment only, so it stays out of shell history and `ps`.
    let mut builder = Client::builder(&args.endpoint).default_deadline(args.deadline);
    if let Some(token) = std::env::var("GRAPHRPC_TOKEN")
        .ok()
        .filter(|t| !t.is_empty())
    {
        builder = builder.token(token);
    }
    if let Some(path) = &args.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| Error::Config(format!("--ca-file {}: {e}", path.display())))?;
        builder = builder.ca_certificate(pem);
    }
    let params = args
        .params
        .iter()
        .map(|p| parse_param(p))
        .collect::<Result<Vec<_>, _>>()?;
    let client = builder.connect().await?;
    let mut records = if args.named {
        let query = params
            .into_iter()
            .fold(NamedQuery::new(&args.statement), |q, (k, v)| q.param(k, v));
        client.run_named_stream(query).await?
    } else {
        let mut query = params
            .into_iter()
            .fold(Query::new(&args.statement), |q, (k, v)| q.param(k, v));
        if args.read {
            query = query.read();
        }
        client.run_stream(query).await?
    };
    let keys = records.keys().to_vec();
    let mut out = std::io::stdout().lock();
    let mut table = Vec::new();
    match args.format {
        Format::Csv => write_line(&mut out, &csv_line(keys.iter().map(String::as_str)))?,
        Format::Table => table.push(keys.clone()),
        Format::Json => {}
    }
    while let Some(record) = records.try_next().await? {
        match args.format {
            Format::Json => {
                let values: Vec<serde_json::Value> =
                    record.into_values().into_iter().map(to_json).collect();
                write_line(&mut out, &json_object(&keys, &values))?;
            }
            Format::Csv => {
                let cells: Vec<String> = record.into_values().into_iter().map(cell).collect();
                write_line(&mut out, &csv_line(cells.iter().map(String::as_str)))?;
            }
            Format::Table => table.push(record.into_values().into_iter().map(cell).collect()),
        }
    }
    if let Format::Table = args.format {
        print_table(&mut out, &table)?;
    }
    Ok(())
}

fn write_line(out: &mut impl Write, line: &str) -> Result<(), Error> {
    writeln!(out, "{line}").map_err(|e| Error::Config(format!("cannot write the output: {e}")))
}

/// A value as one cell of text: strings as they are, everything else as JSON.
fn cell(value: Value) -> String {
    match to_json(value) {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    }
}

fn csv_line<'a>(cells: impl Iterator<Item = &'a str>) -> String {
    cells
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn print_table(out: &mut impl Write, rows: &[Vec<String>]) -> Result<(), Error> {
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    for (n, row) in rows.iter().enumerate() {
        let line: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        write_line(out, line.join(" | ").trim_end())?;
        if n == 0 {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            write_line(out, &rule.join("-+-"))?;
        }
    }
    Ok(())
}

/// `name=value` or `name:type=value`.
pub fn parse_param(text: &str) -> Result<(String, Value), Error> {
    let bad = |why: String| Error::Config(format!("--param {text}: {why}"));
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| bad("write NAME=VALUE".into()))?;
    let (name, ty) = match name.split_once(':') {
        Some((name, ty)) => (name, Some(ty)),
        None => (name, None),
    };
    if name.is_empty() {
        return Err(bad("the name is empty".into()));
    }
    let parsed = match ty {
        None => serde_json::from_str::<serde_json::Value>(value)
            .map(from_json)
            .unwrap_or_else(|_| Value::String(value.to_owned())),
        Some("string") => Value::String(value.to_owned()),
        Some("int") => Value::Integer(value.parse().map_err(|e| bad(format!("{e}")))?),
        Some("float") => Value::Float(value.parse().map_err(|e| bad(format!("{e}")))?),
        Some("bool") => Value::Boolean(value.parse().map_err(|e| bad(format!("{e}")))?),
        Some("json") => from_json(serde_json::from_str(value).map_err(|e| bad(format!("{e}")))?),
        Some("date") => Value::Date(
            NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|e| bad(format!("{e}")))?,
        ),
        Some("local_time") => Value::LocalTime(
            NaiveTime::parse_from_str(value, "%H:%M:%S%.f").map_err(|e| bad(format!("{e}")))?,
        ),
        Some("local_date_time") => Value::LocalDateTime(
            NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
                .map_err(|e| bad(format!("{e}")))?,
        ),
        Some("date_time") => Value::DateTime(
            DateTime::parse_from_rfc3339(value).map_err(|e| bad(format!("{e}")))?,
        ),
        Some(other) => {
            return Err(bad(format!(
                "unknown type {other}; use string, int, float, bool, json, date, local_time, local_date_time or date_time"
            )))
        }
    };
    Ok((name.to_owned(), parsed))
}

/// JSON to a value: whole numbers that fit in 64 bits are integers, other numbers floats.
/// One record as a JSON object whose members come in column order (serde_json's own Map
/// sorts its keys, which would scramble `RETURN b, a`).
fn json_object(keys: &[String], values: &[serde_json::Value]) -> String {
    let members: Vec<String> = keys
        .iter()
        .zip(values)
        .map(|(key, value)| format!("{}:{value}", serde_json::Value::from(key.as_str())))
        .collect();
    format!("{{{}}}", members.join(","))
}

fn from_json(json: serde_json::Value) -> Value {
    use serde_json::Value as J;
    match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Boolean(b),
        J::Number(n) => n.as_i64().map_or_else(
            || Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            Value::Integer,
        ),
        J::String(s) => Value::String(s),
        J::Array(a) => Value::List(a.into_iter().map(from_json).collect()),
        J::Object(o) => Value::Map(o.into_iter().map(|(k, v)| (k, from_json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_are_typed() {
        let cases = [
            ("n=5", Value::Integer(5)),
            ("f=1.5", Value::Float(1.5)),
            ("s=hello", Value::String("hello".into())),
            ("q=\"5\"", Value::String("5".into())),
            ("s:string=5", Value::String("5".into())),
            ("b=true", Value::Boolean(true)),
            ("z=null", Value::Null),
            (
                "l=[1,\"a\"]",
                Value::List(vec![Value::Integer(1), Value::String("a".into())]),
            ),
            (
                "d:date=2024-02-29",
                Value::Date(NaiveDate::from_ymd_opt(2024, 2, 29).expect("date")),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_param(text).expect(text).1, expected, "{text}");
        }
        for bad in ["novalue", "=5", "n:int=x", "n:nope=1"] {
            assert!(parse_param(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn csv_quotes_what_needs_it() {
        assert_eq!(
            csv_line(["a", "b,c", "d\"e"].into_iter()),
            "a,\"b,c\",\"d\"\"e\""
        );
    }
}
