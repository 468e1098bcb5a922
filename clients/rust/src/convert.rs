//! Rust types <-> [`Value`]: `From<T> for Value` for parameters, [`FromValue`] (and
//! `TryFrom<Value>` for the scalar types) for results.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use crate::{
    error::Error,
    value::{Duration, Node, Path, Point, Relationship, Time, Value, ZonedDateTime},
};

macro_rules! from_native {
    ($($t:ty => $variant:ident $(as $via:ty)?),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from(v: $t) -> Value {
                Value::$variant((v $(as $via)?).into())
            }
        })*
    };
}

from_native! {
    bool => Boolean,
    i8 => Integer as i64, i16 => Integer as i64, i32 => Integer as i64, i64 => Integer,
    u8 => Integer as i64, u16 => Integer as i64, u32 => Integer as i64,
    f32 => Float as f64, f64 => Float,
    String => String, &str => String,
    NaiveDate => Date, NaiveTime => LocalTime, NaiveDateTime => LocalDateTime,
    DateTime<FixedOffset> => DateTime,
    Time => Time, ZonedDateTime => DateTimeZoneId, Duration => Duration, Point => Point,
    Node => Node, Relationship => Relationship, Path => Path,
}

impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Value {
        Value::DateTime(v.fixed_offset())
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(v: Vec<T>) -> Value {
        Value::List(v.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<HashMap<String, T>> for Value {
    fn from(v: HashMap<String, T>) -> Value {
        Value::Map(v.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

impl<T: Into<Value>> From<BTreeMap<String, T>> for Value {
    fn from(v: BTreeMap<String, T>) -> Value {
        Value::Map(v.into_iter().map(|(k, v)| (k, v.into())).collect())
    }
}

/// A Rust type a result value converts into: `record.get::<T>("name")`.
pub trait FromValue: Sized {
    fn from_value(value: Value) -> Result<Self, Error>;
}

fn mismatch<T>(value: &Value, wanted: &str) -> Result<T, Error> {
    Err(Error::Conversion(format!(
        "expected {wanted}, got {}",
        value.kind_name()
    )))
}

macro_rules! from_variant {
    ($($t:ty => $variant:ident, $name:literal);* $(;)?) => {
        $(impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, Error> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => mismatch(&other, $name),
                }
            }
        }
        impl TryFrom<Value> for $t {
            type Error = Error;
            fn try_from(value: Value) -> Result<Self, Error> {
                <$t as FromValue>::from_value(value)
            }
        })*
    };
}

from_variant! {
    bool => Boolean, "a boolean";
    i64 => Integer, "an integer";
    f64 => Float, "a float";
    String => String, "a string";
    NaiveDate => Date, "a date";
    NaiveTime => LocalTime, "a local time";
    NaiveDateTime => LocalDateTime, "a local datetime";
    DateTime<FixedOffset> => DateTime, "a datetime with an offset";
    Time => Time, "a time with an offset";
    ZonedDateTime => DateTimeZoneId, "a datetime in a named zone";
    Duration => Duration, "a duration";
    Point => Point, "a point";
    Node => Node, "a node";
    Relationship => Relationship, "a relationship";
    Path => Path, "a path";
}

macro_rules! from_integer {
    ($($t:ty),*) => {
        $(impl FromValue for $t {
            fn from_value(value: Value) -> Result<Self, Error> {
                match value {
                    Value::Integer(i) => <$t>::try_from(i).map_err(|_| {
                        Error::Conversion(format!("{i} does not fit in {}", stringify!($t)))
                    }),
                    other => mismatch(&other, "an integer"),
                }
            }
        }
        impl TryFrom<Value> for $t {
            type Error = Error;
            fn try_from(value: Value) -> Result<Self, Error> {
                <$t as FromValue>::from_value(value)
            }
        })*
    };
}

from_integer!(i32, i16, u32, u64, usize);

impl FromValue for Value {
    fn from_value(value: Value) -> Result<Self, Error> {
        Ok(value)
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl<T: FromValue> FromValue for Vec<T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::List(values) => values.into_iter().map(T::from_value).collect(),
            other => mismatch(&other, "a list"),
        }
    }
}

impl<T: FromValue> FromValue for HashMap<String, T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Map(m) => m
                .into_iter()
                .map(|(k, v)| Ok((k, T::from_value(v)?)))
                .collect(),
            other => mismatch(&other, "a map"),
        }
    }
}

impl<T: FromValue> FromValue for BTreeMap<String, T> {
    fn from_value(value: Value) -> Result<Self, Error> {
        match value {
            Value::Map(m) => m
                .into_iter()
                .map(|(k, v)| Ok((k, T::from_value(v)?)))
                .collect(),
            other => mismatch(&other, "a map"),
        }
    }
}

/// The value as JSON, for serde mapping: integers and floats as numbers (NaN and the
/// infinities as null), bytes as an array of numbers, temporal values as ISO 8601 text
/// (nanoseconds kept), nodes and relationships as their properties, points and durations
/// as objects of their parts.
pub fn to_json(value: Value) -> serde_json::Value {
    use serde_json::Value as J;
    let props = |p: BTreeMap<String, Value>| {
        J::Object(p.into_iter().map(|(k, v)| (k, to_json(v))).collect())
    };
    match value {
        Value::Null => J::Null,
        Value::Boolean(b) => J::Bool(b),
        Value::Integer(i) => J::from(i),
        Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s),
        Value::Bytes(b) => J::from(b),
        Value::List(l) => J::Array(l.into_iter().map(to_json).collect()),
        Value::Map(m) => props(m),
        Value::Node(n) => props(n.properties),
        Value::Relationship(r) => props(r.properties),
        Value::Path(p) => J::Array(
            p.nodes
                .into_iter()
                .map(|n| to_json(Value::Node(n)))
                .collect(),
        ),
        Value::Date(d) => J::String(d.to_string()),
        Value::Time(t) => J::String(format!("{}{}", t.time.format("%H:%M:%S%.9f"), t.offset)),
        Value::LocalTime(t) => J::String(t.format("%H:%M:%S%.9f").to_string()),
        Value::DateTime(t) => J::String(t.format("%Y-%m-%dT%H:%M:%S%.9f%:z").to_string()),
        Value::DateTimeZoneId(z) => J::String(format!(
            "{}[{}]",
            z.local.format("%Y-%m-%dT%H:%M:%S%.9f"),
            z.zone_id
        )),
        Value::LocalDateTime(t) => J::String(t.format("%Y-%m-%dT%H:%M:%S%.9f").to_string()),
        Value::Duration(d) => serde_json::json!({
            "months": d.months, "days": d.days, "seconds": d.seconds, "nanos": d.nanos
        }),
        Value::Point(p) => serde_json::json!({"srid": p.srid, "x": p.x, "y": p.y, "z": p.z}),
    }
}
