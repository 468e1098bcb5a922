//! `graphrpc.v1.Value` <-> Bolt values, losslessly both ways.
//!
//! Parameters (proto -> Bolt) are checked and a bad one is refused with the path to it
//! (`params.person.tags[2]`) and the reason. Results (Bolt -> proto) always convert: every
//! Bolt value has a proto form. Bolt 4.4 servers send numeric ids only; element ids are
//! filled with their decimal text, as Neo4j's own drivers do on Bolt 4.

use std::collections::HashMap;

use neo4rs::{
    BoltBoolean, BoltBytes, BoltDate, BoltDateTime, BoltDateTimeZoneId, BoltDuration, BoltFloat,
    BoltInteger, BoltList, BoltLocalDateTime, BoltLocalTime, BoltMap, BoltNode, BoltNull, BoltPath,
    BoltPoint2D, BoltPoint3D, BoltRelation, BoltString, BoltTime, BoltType, BoltUnboundedRelation,
};

use super::ranges;
use crate::proto::v1 as pb;
use pb::value::Kind;

const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;
/// Bolt and Neo4j allow UTC offsets up to 18 hours either way.
const MAX_OFFSET_SECONDS: i32 = 18 * 3600;

/// A parameter value that cannot be sent to the database.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("parameter `{path}`: {reason}")]
pub struct ConversionError {
    /// Where the bad value is, e.g. `person.tags[2]`.
    pub path: String,
    pub reason: String,
}

/// An error on its way up from a nested value: the path is built as the recursion unwinds.
struct Nested {
    reversed_path: Vec<String>,
    reason: String,
}

impl Nested {
    fn new(reason: impl Into<String>) -> Self {
        Nested {
            reversed_path: Vec::new(),
            reason: reason.into(),
        }
    }

    fn at(mut self, segment: String) -> Self {
        self.reversed_path.push(segment);
        self
    }

    fn named(self, name: &str) -> ConversionError {
        let mut path = name.to_owned();
        for segment in self.reversed_path.iter().rev() {
            path.push_str(segment);
        }
        ConversionError {
            path,
            reason: self.reason,
        }
    }
}

/// Converts the parameter `name`'s value for the database.
pub fn param_to_bolt(name: &str, value: pb::Value) -> Result<BoltType, ConversionError> {
    to_bolt(value).map_err(|e| e.named(name))
}

fn to_bolt(value: pb::Value) -> Result<BoltType, Nested> {
    // A Value with no kind is most often a typo in hand-written JSON ({"int": 5}); read as
    // null it would silently change the statement's meaning.
    let Some(kind) = value.kind else {
        return Err(Nested::new(
            "has no kind set; give one of its kinds (null, boolean, integer, float, string, ...), e.g. {\"integer\": 5} or {\"null\": null}",
        ));
    };
    Ok(match kind {
        Kind::Null(_) => BoltType::Null(BoltNull),
        Kind::Boolean(b) => BoltType::Boolean(BoltBoolean::new(b)),
        Kind::Integer(i) => BoltType::Integer(BoltInteger::new(i)),
        Kind::Float(f) => BoltType::Float(BoltFloat::new(f)),
        Kind::String(s) => BoltType::String(BoltString::from(s)),
        Kind::Bytes(b) => BoltType::Bytes(BoltBytes::new(b)),
        Kind::List(list) => {
            let mut values = Vec::with_capacity(list.values.len());
            for (i, v) in list.values.into_iter().enumerate() {
                values.push(to_bolt(v).map_err(|e| e.at(format!("[{i}]")))?);
            }
            BoltType::List(BoltList::from(values))
        }
        Kind::Map(map) => BoltType::Map(map_to_bolt(map.entries)?),
        Kind::Node(_) | Kind::Relationship(_) | Kind::Path(_) => {
            return Err(Nested::new(
                "nodes, relationships and paths can be returned but not sent as parameters; \
                 pass an id or a map of properties instead",
            ))
        }
        Kind::Date(d) => {
            ranges::check_epoch_day(d.days).map_err(Nested::new)?;
            BoltType::Date(BoltDate {
                days: BoltInteger::new(d.days),
            })
        }
        Kind::Time(t) => {
            check_nanos_of_day(t.nanos_of_day)?;
            check_offset(t.offset_seconds)?;
            BoltType::Time(BoltTime {
                nanoseconds: BoltInteger::new(t.nanos_of_day),
                tz_offset_seconds: BoltInteger::new(t.offset_seconds.into()),
            })
        }
        Kind::LocalTime(t) => {
            check_nanos_of_day(t.nanos_of_day)?;
            BoltType::LocalTime(BoltLocalTime {
                nanoseconds: BoltInteger::new(t.nanos_of_day),
            })
        }
        Kind::DateTime(dt) => {
            check_nanos(dt.nanos)?;
            check_offset(dt.offset_seconds)?;
            // Bolt 4.4 carries the wall-clock seconds of the offset, not UTC seconds.
            let local_seconds = dt
                .epoch_seconds
                .checked_add(dt.offset_seconds.into())
                .ok_or_else(|| Nested::new("epoch_seconds plus the offset overflows 64 bits"))?;
            ranges::check_epoch_second(local_seconds, "epoch_seconds plus the offset")
                .map_err(Nested::new)?;
            BoltType::DateTime(BoltDateTime {
                seconds: BoltInteger::new(local_seconds),
                nanoseconds: BoltInteger::new(dt.nanos.into()),
                tz_offset_seconds: BoltInteger::new(dt.offset_seconds.into()),
            })
        }
        Kind::DateTimeZoneId(dt) => {
            check_nanos(dt.nanos)?;
            ranges::check_zone_id(&dt.zone_id).map_err(Nested::new)?;
            ranges::check_epoch_second(dt.local_seconds, "local_seconds").map_err(Nested::new)?;
            BoltType::DateTimeZoneId(BoltDateTimeZoneId {
                seconds: BoltInteger::new(dt.local_seconds),
                nanoseconds: BoltInteger::new(dt.nanos.into()),
                tz_id: BoltString::from(dt.zone_id),
            })
        }
        Kind::LocalDateTime(dt) => {
            check_nanos(dt.nanos)?;
            ranges::check_epoch_second(dt.epoch_seconds, "epoch_seconds").map_err(Nested::new)?;
            BoltType::LocalDateTime(BoltLocalDateTime {
                seconds: BoltInteger::new(dt.epoch_seconds),
                nanoseconds: BoltInteger::new(dt.nanos.into()),
            })
        }
        Kind::Duration(d) => {
            if i64::from(d.nanos).abs() >= NANOS_PER_SECOND {
                return Err(Nested::new(format!(
                    "duration nanos {} is not within -999999999..=999999999; carry whole seconds in seconds",
                    d.nanos
                )));
            }
            BoltType::Duration(BoltDuration {
                months: BoltInteger::new(d.months),
                days: BoltInteger::new(d.days),
                seconds: BoltInteger::new(d.seconds),
                nanoseconds: BoltInteger::new(d.nanos.into()),
            })
        }
        Kind::Point(p) => match ranges::check_srid(p.srid, p.z.is_some())
            .map_err(Nested::new)
            .map(|()| p.z)?
        {
            None => BoltType::Point2D(BoltPoint2D {
                sr_id: BoltInteger::new(p.srid.into()),
                x: BoltFloat::new(p.x),
                y: BoltFloat::new(p.y),
            }),
            Some(z) => BoltType::Point3D(BoltPoint3D {
                sr_id: BoltInteger::new(p.srid.into()),
                x: BoltFloat::new(p.x),
                y: BoltFloat::new(p.y),
                z: BoltFloat::new(z),
            }),
        },
    })
}

fn map_to_bolt(entries: HashMap<String, pb::Value>) -> Result<BoltMap, Nested> {
    let mut map = BoltMap::with_capacity(entries.len());
    for (key, v) in entries {
        let v = to_bolt(v).map_err(|e| e.at(format!(".{key}")))?;
        map.put(BoltString::from(key), v);
    }
    Ok(map)
}

fn check_nanos(nanos: i32) -> Result<(), Nested> {
    if !(0..1_000_000_000).contains(&nanos) {
        return Err(Nested::new(format!(
            "nanos {nanos} is not within 0..=999999999"
        )));
    }
    Ok(())
}

fn check_nanos_of_day(nanos: i64) -> Result<(), Nested> {
    if !(0..NANOS_PER_DAY).contains(&nanos) {
        return Err(Nested::new(format!(
            "nanos_of_day {nanos} is not within a day (0..{NANOS_PER_DAY})"
        )));
    }
    Ok(())
}

fn check_offset(offset: i32) -> Result<(), Nested> {
    if offset.abs() > MAX_OFFSET_SECONDS {
        return Err(Nested::new(format!(
            "UTC offset {offset}s is beyond +/-18 hours ({MAX_OFFSET_SECONDS}s)"
        )));
    }
    Ok(())
}

/// Converts a result value. Consumes it, so strings and bytes move rather than copy.
pub fn from_bolt(value: BoltType) -> pb::Value {
    let kind = match value {
        BoltType::Null(_) => Kind::Null(prost_types::NullValue::NullValue.into()),
        BoltType::Boolean(b) => Kind::Boolean(b.value),
        BoltType::Integer(i) => Kind::Integer(i.value),
        BoltType::Float(f) => Kind::Float(f.value),
        BoltType::String(s) => Kind::String(s.value),
        BoltType::Bytes(b) => Kind::Bytes(b.value),
        BoltType::List(list) => Kind::List(pb::ListValue {
            values: list.value.into_iter().map(from_bolt).collect(),
        }),
        BoltType::Map(map) => Kind::Map(pb::MapValue {
            entries: map_from_bolt(map),
        }),
        BoltType::Node(node) => Kind::Node(node_from_bolt(node)),
        BoltType::Relation(rel) => Kind::Relationship(relationship_from_bolt(rel)),
        // Only paths carry unbound relationships; one met alone has no known ends.
        BoltType::UnboundedRelation(rel) => Kind::Relationship(unbound_relationship(rel, None)),
        BoltType::Path(path) => Kind::Path(path_from_bolt(path)),
        BoltType::Point2D(p) => Kind::Point(pb::Point {
            srid: srid(p.sr_id.value),
            x: p.x.value,
            y: p.y.value,
            z: None,
        }),
        BoltType::Point3D(p) => Kind::Point(pb::Point {
            srid: srid(p.sr_id.value),
            x: p.x.value,
            y: p.y.value,
            z: Some(p.z.value),
        }),
        BoltType::Duration(d) => Kind::Duration(pb::Duration {
            months: d.months.value,
            days: d.days.value,
            seconds: d.seconds.value,
            nanos: clamp_i32(d.nanoseconds.value),
        }),
        BoltType::Date(d) => Kind::Date(pb::Date { days: d.days.value }),
        BoltType::Time(t) => Kind::Time(pb::Time {
            nanos_of_day: t.nanoseconds.value,
            offset_seconds: clamp_i32(t.tz_offset_seconds.value),
        }),
        BoltType::LocalTime(t) => Kind::LocalTime(pb::LocalTime {
            nanos_of_day: t.nanoseconds.value,
        }),
        BoltType::DateTime(dt) => Kind::DateTime(pb::DateTime {
            // Bolt 4.4 sends the offset's wall-clock seconds; the proto holds UTC seconds.
            epoch_seconds: dt.seconds.value.saturating_sub(dt.tz_offset_seconds.value),
            nanos: clamp_i32(dt.nanoseconds.value),
            offset_seconds: clamp_i32(dt.tz_offset_seconds.value),
        }),
        BoltType::DateTimeZoneId(dt) => Kind::DateTimeZoneId(pb::DateTimeZoneId {
            local_seconds: dt.seconds.value,
            nanos: clamp_i32(dt.nanoseconds.value),
            zone_id: dt.tz_id.value,
        }),
        BoltType::LocalDateTime(dt) => Kind::LocalDateTime(pb::LocalDateTime {
            epoch_seconds: dt.seconds.value,
            nanos: clamp_i32(dt.nanoseconds.value),
        }),
    };
    pb::Value { kind: Some(kind) }
}

fn map_from_bolt(map: BoltMap) -> HashMap<String, pb::Value> {
    map.value
        .into_iter()
        .map(|(k, v)| (k.value, from_bolt(v)))
        .collect()
}

fn node_from_bolt(node: BoltNode) -> pb::Node {
    let id = node.id.value;
    pb::Node {
        id,
        element_id: id.to_string(),
        labels: node
            .labels
            .value
            .into_iter()
            .filter_map(|label| match label {
                BoltType::String(s) => Some(s.value),
                _ => None,
            })
            .collect(),
        properties: map_from_bolt(node.properties),
    }
}

fn relationship_from_bolt(rel: BoltRelation) -> pb::Relationship {
    pb::Relationship {
        id: rel.id.value,
        element_id: rel.id.value.to_string(),
        start_node_id: rel.start_node_id.value,
        start_node_element_id: rel.start_node_id.value.to_string(),
        end_node_id: rel.end_node_id.value,
        end_node_element_id: rel.end_node_id.value.to_string(),
        r#type: rel.typ.value,
        properties: map_from_bolt(rel.properties),
    }
}

fn unbound_relationship(rel: BoltUnboundedRelation, ends: Option<(i64, i64)>) -> pb::Relationship {
    let (start, end) = ends.unwrap_or_default();
    let element_id = |id: i64| {
        if ends.is_some() {
            id.to_string()
        } else {
            String::new()
        }
    };
    pb::Relationship {
        id: rel.id.value,
        element_id: rel.id.value.to_string(),
        start_node_id: start,
        start_node_element_id: element_id(start),
        end_node_id: end,
        end_node_element_id: element_id(end),
        r#type: rel.typ.value,
        properties: map_from_bolt(rel.properties),
    }
}

/// Bolt sends a path as its distinct nodes and relationships plus a list of indices:
/// for each step, a relationship index (1-based; negative when traversed against its
/// direction) then the index of the node reached. The proto spells the path out.
fn path_from_bolt(path: BoltPath) -> pb::Path {
    let nodes: Vec<pb::Node> = path
        .nodes
        .value
        .into_iter()
        .filter_map(|n| match n {
            BoltType::Node(n) => Some(node_from_bolt(n)),
            _ => None,
        })
        .collect();
    let rels: Vec<BoltUnboundedRelation> = path
        .rels
        .value
        .into_iter()
        .filter_map(|r| match r {
            BoltType::UnboundedRelation(r) => Some(r),
            _ => None,
        })
        .collect();
    let indices: Vec<i64> = path
        .indices
        .value
        .iter()
        .filter_map(|i| match i {
            BoltType::Integer(i) => Some(i.value),
            _ => None,
        })
        .collect();

    let Some(first) = nodes.first() else {
        return pb::Path::default();
    };
    let mut out_nodes = vec![first.clone()];
    let mut out_rels = Vec::with_capacity(indices.len() / 2);
    let mut previous = first.id;
    for step in indices.chunks_exact(2) {
        let (rel_index, node_index) = (step[0], step[1]);
        let Some(node) = usize::try_from(node_index).ok().and_then(|i| nodes.get(i)) else {
            break;
        };
        let rel_slot = usize::try_from(rel_index.unsigned_abs())
            .ok()
            .and_then(|i| i.checked_sub(1));
        let Some(rel) = rel_slot.and_then(|i| rels.get(i)) else {
            break;
        };
        let ends = if rel_index > 0 {
            (previous, node.id)
        } else {
            (node.id, previous)
        };
        out_rels.push(unbound_relationship(rel.clone(), Some(ends)));
        out_nodes.push(node.clone());
        previous = node.id;
    }
    pb::Path {
        nodes: out_nodes,
        relationships: out_rels,
    }
}

fn srid(value: i64) -> i32 {
    clamp_i32(value)
}

/// Bolt integers are 64-bit; these fields are 32-bit in the proto because every value the
/// Bolt structure allows (nanoseconds, offsets, SRIDs) fits. Out-of-range input from a
/// misbehaving server saturates rather than wraps.
fn clamp_i32(value: i64) -> i32 {
    value.clamp(i32::MIN.into(), i32::MAX.into()) as i32
}

#[cfg(test)]
mod tests;
