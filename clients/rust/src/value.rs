//! Native values: [`Value`] is every Bolt value kind with Rust types (chrono for temporal
//! values, nanoseconds kept), converted to and from the wire form in one place.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

use crate::{error::Error, proto as pb};

/// A Cypher value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Boolean(bool),
    Integer(i64),
    Float(f64),
    String(String),
    Bytes(Vec<u8>),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Node(Node),
    Relationship(Relationship),
    Path(Path),
    Date(NaiveDate),
    /// A time of day with a UTC offset.
    Time(Time),
    LocalTime(NaiveTime),
    /// An instant with a fixed UTC offset.
    DateTime(DateTime<FixedOffset>),
    /// A wall-clock time in a named zone.
    DateTimeZoneId(ZonedDateTime),
    LocalDateTime(NaiveDateTime),
    Duration(Duration),
    Point(Point),
}

/// A time of day at a UTC offset (Cypher ZONED TIME).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Time {
    pub time: NaiveTime,
    pub offset: FixedOffset,
}

/// A wall-clock date and time in a named IANA zone, e.g. "Europe/Paris". The instant follows
/// from the zone's rules, which the database applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZonedDateTime {
    pub local: NaiveDateTime,
    pub zone_id: String,
}

/// A Cypher duration, its four components kept apart as Cypher keeps them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Duration {
    pub months: i64,
    pub days: i64,
    pub seconds: i64,
    pub nanos: i32,
}

/// A spatial point: srid 7203 / 4326 (2D) or 9157 / 4979 (3D, with `z`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub srid: i32,
    pub x: f64,
    pub y: f64,
    pub z: Option<f64>,
}

/// A node of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: i64,
    pub element_id: String,
    pub labels: Vec<String>,
    pub properties: BTreeMap<String, Value>,
}

/// A relationship of the graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Relationship {
    pub id: i64,
    pub element_id: String,
    pub start_node_id: i64,
    pub start_node_element_id: String,
    pub end_node_id: i64,
    pub end_node_element_id: String,
    pub rel_type: String,
    pub properties: BTreeMap<String, Value>,
}

/// A path: nodes[0], relationships[0], nodes[1], ... Each relationship keeps its real
/// direction in its start and end ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<Node>,
    pub relationships: Vec<Relationship>,
}

fn epoch_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()
}

fn bad(what: &str) -> Error {
    Error::Decode(format!("the server sent an out-of-range {what}"))
}

fn naive_from_seconds(seconds: i64, nanos: i32, what: &str) -> Result<NaiveDateTime, Error> {
    let nanos = u32::try_from(nanos).map_err(|_| bad(what))?;
    DateTime::<Utc>::from_timestamp(seconds, nanos)
        .map(|t| t.naive_utc())
        .ok_or_else(|| bad(what))
}

fn time_from_nanos(nanos_of_day: i64, what: &str) -> Result<NaiveTime, Error> {
    let seconds = u32::try_from(nanos_of_day.div_euclid(1_000_000_000)).map_err(|_| bad(what))?;
    let nanos = nanos_of_day.rem_euclid(1_000_000_000) as u32;
    NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos).ok_or_else(|| bad(what))
}

fn nanos_of_day(time: NaiveTime) -> i64 {
    i64::from(time.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(time.nanosecond())
}

fn offset(seconds: i32, what: &str) -> Result<FixedOffset, Error> {
    FixedOffset::east_opt(seconds).ok_or_else(|| bad(what))
}

fn map_from_proto(map: HashMap<String, pb::Value>) -> Result<BTreeMap<String, Value>, Error> {
    map.into_iter()
        .map(|(k, v)| Ok((k, Value::from_proto(v)?)))
        .collect()
}

fn map_to_proto(map: BTreeMap<String, Value>) -> HashMap<String, pb::Value> {
    map.into_iter().map(|(k, v)| (k, v.into_proto())).collect()
}

impl Node {
    fn from_proto(n: pb::Node) -> Result<Node, Error> {
        Ok(Node {
            id: n.id,
            element_id: n.element_id,
            labels: n.labels,
            properties: map_from_proto(n.properties)?,
        })
    }
}

impl Relationship {
    fn from_proto(r: pb::Relationship) -> Result<Relationship, Error> {
        Ok(Relationship {
            id: r.id,
            element_id: r.element_id,
            start_node_id: r.start_node_id,
            start_node_element_id: r.start_node_element_id,
            end_node_id: r.end_node_id,
            end_node_element_id: r.end_node_element_id,
            rel_type: r.r#type,
            properties: map_from_proto(r.properties)?,
        })
    }
}

impl Value {
    /// The wire form. Graph structures are sent as what they are; the database refuses them
    /// as parameters.
    pub fn into_proto(self) -> pb::Value {
        use pb::value::Kind;
        let kind = match self {
            Value::Null => Kind::Null(prost_types::NullValue::NullValue.into()),
            Value::Boolean(b) => Kind::Boolean(b),
            Value::Integer(i) => Kind::Integer(i),
            Value::Float(f) => Kind::Float(f),
            Value::String(s) => Kind::String(s),
            Value::Bytes(b) => Kind::Bytes(b),
            Value::List(l) => Kind::List(pb::ListValue {
                values: l.into_iter().map(Value::into_proto).collect(),
            }),
            Value::Map(m) => Kind::Map(pb::MapValue {
                entries: map_to_proto(m),
            }),
            Value::Node(n) => Kind::Node(node_to_proto(n)),
            Value::Relationship(r) => Kind::Relationship(relationship_to_proto(r)),
            Value::Path(p) => Kind::Path(pb::Path {
                nodes: p.nodes.into_iter().map(node_to_proto).collect(),
                relationships: p
                    .relationships
                    .into_iter()
                    .map(relationship_to_proto)
                    .collect(),
            }),
            Value::Date(d) => Kind::Date(pb::Date {
                days: (d - epoch_date()).num_days(),
            }),
            Value::Time(t) => Kind::Time(pb::Time {
                nanos_of_day: nanos_of_day(t.time),
                offset_seconds: t.offset.local_minus_utc(),
            }),
            Value::LocalTime(t) => Kind::LocalTime(pb::LocalTime {
                nanos_of_day: nanos_of_day(t),
            }),
            Value::DateTime(t) => Kind::DateTime(pb::DateTime {
                epoch_seconds: t.timestamp(),
                nanos: t.timestamp_subsec_nanos() as i32,
                offset_seconds: t.offset().local_minus_utc(),
            }),
            Value::DateTimeZoneId(z) => Kind::DateTimeZoneId(pb::DateTimeZoneId {
                local_seconds: z.local.and_utc().timestamp(),
                nanos: z.local.and_utc().timestamp_subsec_nanos() as i32,
                zone_id: z.zone_id,
            }),
            Value::LocalDateTime(t) => Kind::LocalDateTime(pb::LocalDateTime {
                epoch_seconds: t.and_utc().timestamp(),
                nanos: t.and_utc().timestamp_subsec_nanos() as i32,
            }),
            Value::Duration(d) => Kind::Duration(pb::Duration {
                months: d.months,
                days: d.days,
                seconds: d.seconds,
                nanos: d.nanos,
            }),
            Value::Point(p) => Kind::Point(pb::Point {
                srid: p.srid,
                x: p.x,
                y: p.y,
                z: p.z,
            }),
        };
        pb::Value { kind: Some(kind) }
    }

    /// From the wire form; a Value with no kind (never sent by graphrpc) reads as null.
    pub fn from_proto(value: pb::Value) -> Result<Value, Error> {
        use pb::value::Kind;
        let Some(kind) = value.kind else {
            return Ok(Value::Null);
        };
        Ok(match kind {
            Kind::Null(_) => Value::Null,
            Kind::Boolean(b) => Value::Boolean(b),
            Kind::Integer(i) => Value::Integer(i),
            Kind::Float(f) => Value::Float(f),
            Kind::String(s) => Value::String(s),
            Kind::Bytes(b) => Value::Bytes(b),
            Kind::List(l) => Value::List(
                l.values
                    .into_iter()
                    .map(Value::from_proto)
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Map(m) => Value::Map(map_from_proto(m.entries)?),
            Kind::Node(n) => Value::Node(Node::from_proto(n)?),
            Kind::Relationship(r) => Value::Relationship(Relationship::from_proto(r)?),
            Kind::Path(p) => Value::Path(Path {
                nodes: p
                    .nodes
                    .into_iter()
                    .map(Node::from_proto)
                    .collect::<Result<_, _>>()?,
                relationships: p
                    .relationships
                    .into_iter()
                    .map(Relationship::from_proto)
                    .collect::<Result<_, _>>()?,
            }),
            Kind::Date(d) => Value::Date(
                epoch_date()
                    .checked_add_signed(
                        chrono::TimeDelta::try_days(d.days).ok_or_else(|| bad("date"))?,
                    )
                    .ok_or_else(|| bad("date"))?,
            ),
            Kind::Time(t) => Value::Time(Time {
                time: time_from_nanos(t.nanos_of_day, "time")?,
                offset: offset(t.offset_seconds, "time offset")?,
            }),
            Kind::LocalTime(t) => Value::LocalTime(time_from_nanos(t.nanos_of_day, "local time")?),
            Kind::DateTime(t) => {
                let utc = naive_from_seconds(t.epoch_seconds, t.nanos, "datetime")?;
                Value::DateTime(
                    utc.and_utc()
                        .with_timezone(&offset(t.offset_seconds, "datetime offset")?),
                )
            }
            Kind::DateTimeZoneId(z) => Value::DateTimeZoneId(ZonedDateTime {
                local: naive_from_seconds(z.local_seconds, z.nanos, "zoned datetime")?,
                zone_id: z.zone_id,
            }),
            Kind::LocalDateTime(t) => Value::LocalDateTime(naive_from_seconds(
                t.epoch_seconds,
                t.nanos,
                "local datetime",
            )?),
            Kind::Duration(d) => Value::Duration(Duration {
                months: d.months,
                days: d.days,
                seconds: d.seconds,
                nanos: d.nanos,
            }),
            Kind::Point(p) => Value::Point(Point {
                srid: p.srid,
                x: p.x,
                y: p.y,
                z: p.z,
            }),
        })
    }

    /// Whether this is the Cypher null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The kind's name, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Boolean(_) => "boolean",
            Value::Integer(_) => "integer",
            Value::Float(_) => "float",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Node(_) => "node",
            Value::Relationship(_) => "relationship",
            Value::Path(_) => "path",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::LocalTime(_) => "local_time",
            Value::DateTime(_) => "date_time",
            Value::DateTimeZoneId(_) => "date_time_zone_id",
            Value::LocalDateTime(_) => "local_date_time",
            Value::Duration(_) => "duration",
            Value::Point(_) => "point",
        }
    }
}

fn node_to_proto(n: Node) -> pb::Node {
    pb::Node {
        id: n.id,
        element_id: n.element_id,
        labels: n.labels,
        properties: map_to_proto(n.properties),
    }
}

fn relationship_to_proto(r: Relationship) -> pb::Relationship {
    pb::Relationship {
        id: r.id,
        element_id: r.element_id,
        start_node_id: r.start_node_id,
        start_node_element_id: r.start_node_element_id,
        end_node_id: r.end_node_id,
        end_node_element_id: r.end_node_element_id,
        r#type: r.rel_type,
        properties: map_to_proto(r.properties),
    }
}
