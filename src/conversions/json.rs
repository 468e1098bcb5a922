//! `google.protobuf.Struct` parameters (hand-typed JSON) -> Bolt values.
//!
//! JSON has one number type. A number with no fractional part within the signed 64-bit
//! range becomes a Cypher INTEGER; any other number a FLOAT. JSON numbers travel as
//! doubles, so integers beyond +/-2^53 have already lost precision before graphrpc sees
//! them: send those as typed `params` instead.

use neo4rs::{
    BoltBoolean, BoltFloat, BoltInteger, BoltList, BoltMap, BoltNull, BoltString, BoltType,
};
use prost_types::value::Kind;

/// 2^63 as a double: the first integral double outside i64.
const I64_BOUND: f64 = 9_223_372_036_854_775_808.0;

pub fn to_bolt(value: prost_types::Value) -> BoltType {
    match value.kind {
        None | Some(Kind::NullValue(_)) => BoltType::Null(BoltNull),
        Some(Kind::BoolValue(b)) => BoltType::Boolean(BoltBoolean::new(b)),
        Some(Kind::NumberValue(n)) => number(n),
        Some(Kind::StringValue(s)) => BoltType::String(BoltString::from(s)),
        Some(Kind::ListValue(list)) => BoltType::List(BoltList::from(
            list.values.into_iter().map(to_bolt).collect::<Vec<_>>(),
        )),
        Some(Kind::StructValue(s)) => BoltType::Map(struct_to_bolt(s)),
    }
}

pub fn struct_to_bolt(s: prost_types::Struct) -> BoltMap {
    let mut map = BoltMap::with_capacity(s.fields.len());
    for (k, v) in s.fields {
        map.put(BoltString::from(k), to_bolt(v));
    }
    map
}

fn number(n: f64) -> BoltType {
    if n.fract() == 0.0 && (-I64_BOUND..I64_BOUND).contains(&n) {
        // Exact: n is integral and within range.
        BoltType::Integer(BoltInteger::new(n as i64))
    } else {
        BoltType::Float(BoltFloat::new(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn num(n: f64) -> prost_types::Value {
        prost_types::Value {
            kind: Some(Kind::NumberValue(n)),
        }
    }

    #[test]
    fn integral_numbers_become_integers_the_rest_floats() {
        assert_eq!(to_bolt(num(42.0)), BoltType::Integer(BoltInteger::new(42)));
        assert_eq!(to_bolt(num(-0.0)), BoltType::Integer(BoltInteger::new(0)));
        assert_eq!(
            to_bolt(num(-9_223_372_036_854_775_808.0)),
            BoltType::Integer(BoltInteger::new(i64::MIN))
        );
        assert_eq!(to_bolt(num(1.5)), BoltType::Float(BoltFloat::new(1.5)));
        assert_eq!(
            to_bolt(num(I64_BOUND)),
            BoltType::Float(BoltFloat::new(I64_BOUND))
        );
        assert_eq!(to_bolt(num(1e300)), BoltType::Float(BoltFloat::new(1e300)));
        assert!(matches!(to_bolt(num(f64::NAN)), BoltType::Float(f) if f.value.is_nan()));
        assert_eq!(
            to_bolt(num(f64::INFINITY)),
            BoltType::Float(BoltFloat::new(f64::INFINITY))
        );
    }

    #[test]
    fn objects_and_arrays_nest() {
        let s = prost_types::Struct {
            fields: BTreeMap::from([
                (
                    "name".to_owned(),
                    prost_types::Value {
                        kind: Some(Kind::StringValue("Ada".into())),
                    },
                ),
                (
                    "ok".to_owned(),
                    prost_types::Value {
                        kind: Some(Kind::BoolValue(true)),
                    },
                ),
                (
                    "none".to_owned(),
                    prost_types::Value {
                        kind: Some(Kind::NullValue(0)),
                    },
                ),
                (
                    "ids".to_owned(),
                    prost_types::Value {
                        kind: Some(Kind::ListValue(prost_types::ListValue {
                            values: vec![num(1.0), num(2.5)],
                        })),
                    },
                ),
            ]),
        };
        let map = struct_to_bolt(s);
        assert_eq!(map.value.len(), 4);
        assert_eq!(
            map.value[&BoltString::from("name")],
            BoltType::String(BoltString::from("Ada"))
        );
        assert_eq!(
            map.value[&BoltString::from("none")],
            BoltType::Null(BoltNull)
        );
        assert_eq!(
            map.value[&BoltString::from("ids")],
            BoltType::List(BoltList::from(vec![
                BoltType::Integer(BoltInteger::new(1)),
                BoltType::Float(BoltFloat::new(2.5))
            ]))
        );
    }
}
