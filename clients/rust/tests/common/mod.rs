//! What the suites share: the server tests/clients.sh started, and the canonical JSON form
//! of clients/conformance/README.md.

#![allow(dead_code)]

use std::collections::BTreeMap;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use graphrpc_client::{Client, Duration, Point, Time, Value, ZonedDateTime};
use serde_json::{json, Value as J};

/// A setting from tests/clients.sh; missing, the suite fails (it never skips).
pub fn env(name: &str) -> String {
    std::env::var(name)
        .unwrap_or_else(|_| panic!("{name} is not set: run through tests/clients.sh (make test)"))
}

pub async fn client(token: Option<&str>) -> Client {
    let mut builder = Client::builder(env("GRAPHRPC_TEST_ENDPOINT"));
    if let Some(token) = token {
        builder = builder.token(token);
    }
    builder.connect().await.expect("connect")
}

pub async fn writer() -> Client {
    client(Some(&env("GRAPHRPC_TEST_TOKEN_WRITER"))).await
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}_{:016x}", fastrand_u64())
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    h.finish()
}

fn float_canonical(f: f64) -> J {
    if f.is_nan() {
        json!("NaN")
    } else if f.is_infinite() {
        json!(if f > 0.0 { "Infinity" } else { "-Infinity" })
    } else if f == 0.0 && f.is_sign_negative() {
        json!("-0")
    } else {
        json!(f)
    }
}

fn float_value(c: &J) -> f64 {
    match c.as_str() {
        Some("NaN") => f64::NAN,
        Some("Infinity") => f64::INFINITY,
        Some("-Infinity") => f64::NEG_INFINITY,
        Some("-0") => -0.0,
        _ => c.as_f64().expect("a float"),
    }
}

fn hms(t: NaiveTime) -> String {
    format!("{}.{:09}", t.format("%H:%M:%S"), t.nanosecond())
}

fn local(t: NaiveDateTime) -> String {
    format!("{}T{}", t.date().format("%Y-%m-%d"), hms(t.time()))
}

fn offset_text(o: FixedOffset) -> String {
    let s = o.local_minus_utc();
    let sign = if s < 0 { '-' } else { '+' };
    let a = s.abs();
    let mut text = format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60);
    if a % 60 != 0 {
        text.push_str(&format!(":{:02}", a % 60));
    }
    text
}

fn parse_offset(text: &str) -> FixedOffset {
    let sign = if text.starts_with('-') { -1 } else { 1 };
    let parts: Vec<i32> = text[1..]
        .split(':')
        .map(|p| p.parse().expect("offset"))
        .collect();
    let seconds = parts[0] * 3600
        + parts.get(1).copied().unwrap_or(0) * 60
        + parts.get(2).copied().unwrap_or(0);
    FixedOffset::east_opt(sign * seconds).expect("offset in range")
}

fn parse_time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M:%S%.f").expect("time")
}

fn parse_local(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").expect("local datetime")
}

/// Where the time part of "…T12:00:00.0+01:00" ends.
fn split_offset(text: &str) -> (&str, &str) {
    let at = text.rfind(['+', '-']).expect("an offset");
    (&text[..at], &text[at..])
}

fn props(p: &BTreeMap<String, Value>) -> J {
    J::Object(p.iter().map(|(k, v)| (k.clone(), canonical(v))).collect())
}

fn node(n: &graphrpc_client::Node) -> J {
    let mut labels = n.labels.clone();
    labels.sort();
    json!({"labels": labels, "properties": props(&n.properties)})
}

/// A value in the canonical JSON form.
pub fn canonical(v: &Value) -> J {
    match v {
        Value::Null => json!({"null": null}),
        Value::Boolean(b) => json!({"boolean": b}),
        Value::Integer(i) => json!({"integer": i.to_string()}),
        Value::Float(f) => json!({"float": float_canonical(*f)}),
        Value::String(s) => json!({"string": s}),
        Value::Bytes(b) => json!({"bytes": base64::engine::general_purpose::STANDARD.encode(b)}),
        Value::List(l) => json!({"list": l.iter().map(canonical).collect::<Vec<_>>()}),
        Value::Map(m) => json!({"map": props(m)}),
        Value::Node(n) => json!({"node": node(n)}),
        Value::Relationship(r) => {
            json!({"relationship": {"type": r.rel_type, "properties": props(&r.properties)}})
        }
        Value::Path(p) => {
            let index = |id: &str| {
                p.nodes
                    .iter()
                    .position(|n| n.element_id == id)
                    .expect("the node is in the path")
            };
            let rels: Vec<J> = p
                .relationships
                .iter()
                .map(|r| json!({"type": r.rel_type, "properties": props(&r.properties),
                                "start": index(&r.start_node_element_id), "end": index(&r.end_node_element_id)}))
                .collect();
            let nodes: Vec<J> = p.nodes.iter().map(|n| json!({"node": node(n)})).collect();
            json!({"path": {"nodes": nodes, "relationships": rels}})
        }
        Value::Date(d) => json!({"date": d.format("%Y-%m-%d").to_string()}),
        Value::Time(t) => json!({"time": format!("{}{}", hms(t.time), offset_text(t.offset))}),
        Value::LocalTime(t) => json!({"local_time": hms(*t)}),
        Value::DateTime(t) => {
            json!({"date_time": format!("{}{}", local(t.naive_local()), offset_text(*t.offset()))})
        }
        Value::DateTimeZoneId(z) => {
            json!({"date_time_zone_id": format!("{}[{}]", local(z.local), z.zone_id)})
        }
        Value::LocalDateTime(t) => json!({"local_date_time": local(*t)}),
        Value::Duration(d) => {
            json!({"duration": {"months": d.months.to_string(), "days": d.days.to_string(),
                                                  "seconds": d.seconds.to_string(), "nanos": d.nanos}})
        }
        Value::Point(p) => {
            let mut o =
                json!({"srid": p.srid, "x": float_canonical(p.x), "y": float_canonical(p.y)});
            if let Some(z) = p.z {
                o["z"] = float_canonical(z);
            }
            json!({"point": o})
        }
    }
}

/// The native value of a canonical form (parameters).
pub fn native(c: &J) -> Value {
    let (kind, x) = c
        .as_object()
        .and_then(|o| o.iter().next())
        .expect("one key");
    let text = || x.as_str().expect("text");
    match kind.as_str() {
        "null" => Value::Null,
        "boolean" => Value::from(x.as_bool().expect("bool")),
        "integer" => Value::from(text().parse::<i64>().expect("int64")),
        "float" => Value::from(float_value(x)),
        "string" => Value::from(text()),
        "bytes" => Value::Bytes(
            base64::engine::general_purpose::STANDARD
                .decode(text())
                .expect("base64"),
        ),
        "list" => Value::List(x.as_array().expect("list").iter().map(native).collect()),
        "map" => Value::Map(
            x.as_object()
                .expect("map")
                .iter()
                .map(|(k, v)| (k.clone(), native(v)))
                .collect(),
        ),
        "date" => Value::from(NaiveDate::parse_from_str(text(), "%Y-%m-%d").expect("date")),
        "local_time" => Value::from(parse_time(text())),
        "time" => {
            let (t, o) = split_offset(text());
            Value::from(Time {
                time: parse_time(t),
                offset: parse_offset(o),
            })
        }
        "local_date_time" => Value::from(parse_local(text())),
        "date_time" => {
            let (t, o) = split_offset(text());
            let offset = parse_offset(o);
            let local = parse_local(t);
            Value::from(DateTime::<FixedOffset>::from_naive_utc_and_offset(
                local - offset,
                offset,
            ))
        }
        "date_time_zone_id" => {
            let (t, zone) = text()
                .trim_end_matches(']')
                .split_once('[')
                .expect("[zone]");
            Value::from(ZonedDateTime {
                local: parse_local(t),
                zone_id: zone.to_owned(),
            })
        }
        "duration" => Value::from(Duration {
            months: x["months"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("months"),
            days: x["days"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("days"),
            seconds: x["seconds"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("seconds"),
            nanos: x["nanos"].as_i64().expect("nanos") as i32,
        }),
        "point" => Value::from(Point {
            srid: x["srid"].as_i64().expect("srid") as i32,
            x: float_value(&x["x"]),
            y: float_value(&x["y"]),
            z: x.get("z").map(float_value),
        }),
        other => panic!("{other} is not a parameter kind"),
    }
}

/// Canonical equality: floats by value (NaN equals NaN), the rest exactly.
pub fn same(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w))
        }
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}
