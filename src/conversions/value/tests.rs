use super::*;
use proptest::prelude::*;

fn v(kind: Kind) -> pb::Value {
    pb::Value { kind: Some(kind) }
}

fn roundtrip(value: pb::Value) -> pb::Value {
    from_bolt(param_to_bolt("p", value).expect("convertible"))
}

#[test]
fn scalars_round_trip() {
    for kind in [
        Kind::Boolean(true),
        Kind::Integer(i64::MIN),
        Kind::Integer(i64::MAX),
        Kind::Float(-0.5),
        Kind::Float(f64::INFINITY),
        Kind::Float(f64::NEG_INFINITY),
        Kind::String("héllo ✓".into()),
        Kind::Bytes(bytes::Bytes::from_static(&[0, 1, 255])),
        Kind::Null(0),
    ] {
        assert_eq!(roundtrip(v(kind.clone())), v(kind));
    }
}

#[test]
fn nan_survives() {
    let Some(Kind::Float(f)) = roundtrip(v(Kind::Float(f64::NAN))).kind else {
        panic!("not a float")
    };
    assert!(f.is_nan());
}

#[test]
fn a_value_without_a_kind_is_refused_by_its_path() {
    let err = param_to_bolt("p", pb::Value { kind: None }).unwrap_err();
    assert_eq!(err.path, "p");
    assert!(err.reason.contains("no kind"), "{err}");
    let nested = v(Kind::Map(pb::MapValue {
        entries: HashMap::from([(
            "xs".to_owned(),
            v(Kind::List(pb::ListValue {
                values: vec![v(Kind::Null(0)), pb::Value { kind: None }],
            })),
        )]),
    }));
    assert_eq!(param_to_bolt("p", nested).unwrap_err().path, "p.xs[1]");
    assert_eq!(
        param_to_bolt("p", v(Kind::Null(0))).expect("the null kind"),
        BoltType::Null(BoltNull)
    );
}

#[test]
fn temporals_round_trip() {
    for kind in [
        Kind::Date(pb::Date { days: -719_162 }),
        Kind::Date(pb::Date {
            days: ranges::MAX_EPOCH_DAY,
        }),
        Kind::Date(pb::Date {
            days: ranges::MIN_EPOCH_DAY,
        }),
        Kind::Time(pb::Time {
            nanos_of_day: 3_600_000_000_123,
            offset_seconds: -18 * 3600,
        }),
        Kind::LocalTime(pb::LocalTime {
            nanos_of_day: NANOS_PER_DAY - 1,
        }),
        Kind::DateTime(pb::DateTime {
            epoch_seconds: 1_704_164_645,
            nanos: 7,
            offset_seconds: 3600,
        }),
        Kind::DateTimeZoneId(pb::DateTimeZoneId {
            local_seconds: -1,
            nanos: 999_999_999,
            zone_id: "Europe/Paris".into(),
        }),
        Kind::LocalDateTime(pb::LocalDateTime {
            epoch_seconds: 253_402_300_799,
            nanos: 1,
        }),
        Kind::Duration(pb::Duration {
            months: -14,
            days: 3,
            seconds: i64::MIN,
            nanos: -5,
        }),
    ] {
        assert_eq!(roundtrip(v(kind.clone())), v(kind));
    }
}

#[test]
fn a_datetime_is_sent_as_wall_clock_seconds() {
    let bolt = param_to_bolt(
        "p",
        v(Kind::DateTime(pb::DateTime {
            epoch_seconds: 0,
            nanos: 0,
            offset_seconds: 3600,
        })),
    )
    .expect("valid");
    let BoltType::DateTime(dt) = bolt else {
        panic!("not a datetime")
    };
    assert_eq!((dt.seconds.value, dt.tz_offset_seconds.value), (3600, 3600));
}

#[test]
fn points_round_trip_and_dimensions_are_checked() {
    for point in [
        pb::Point {
            srid: 7203,
            x: 1.5,
            y: -2.0,
            z: None,
        },
        pb::Point {
            srid: 4979,
            x: 1.0,
            y: 2.0,
            z: Some(3.0),
        },
    ] {
        assert_eq!(roundtrip(v(Kind::Point(point))), v(Kind::Point(point)));
    }
    let err = param_to_bolt(
        "loc",
        v(Kind::Point(pb::Point {
            srid: 9157,
            x: 0.0,
            y: 0.0,
            z: None,
        })),
    )
    .unwrap_err();
    assert_eq!(err.path, "loc");
    assert!(err.reason.contains("3D"), "{err}");
    let err = param_to_bolt(
        "loc",
        v(Kind::Point(pb::Point {
            srid: 4326,
            x: 0.0,
            y: 0.0,
            z: Some(1.0),
        })),
    )
    .unwrap_err();
    assert!(err.reason.contains("2D"), "{err}");
}

#[test]
fn nested_collections_round_trip() {
    let inner = v(Kind::Map(pb::MapValue {
        entries: HashMap::from([
            ("a".to_owned(), v(Kind::Integer(1))),
            (
                "b".to_owned(),
                v(Kind::List(pb::ListValue {
                    values: vec![v(Kind::Null(0))],
                })),
            ),
        ]),
    }));
    let value = v(Kind::List(pb::ListValue {
        values: vec![inner.clone(), inner],
    }));
    assert_eq!(roundtrip(value.clone()), value);
}

#[test]
fn a_bad_nested_value_is_named_by_its_path() {
    let bad = v(Kind::Time(pb::Time {
        nanos_of_day: 0,
        offset_seconds: 20 * 3600,
    }));
    let value = v(Kind::Map(pb::MapValue {
        entries: HashMap::from([(
            "tags".to_owned(),
            v(Kind::List(pb::ListValue {
                values: vec![v(Kind::Integer(1)), bad],
            })),
        )]),
    }));
    let err = param_to_bolt("person", value).unwrap_err();
    assert_eq!(err.path, "person.tags[1]");
    assert!(err.reason.contains("offset"), "{err}");
    assert!(
        err.to_string().starts_with("parameter `person.tags[1]`"),
        "{err}"
    );
}

#[test]
fn out_of_range_parts_are_refused() {
    let cases = [
        Kind::Time(pb::Time {
            nanos_of_day: NANOS_PER_DAY,
            offset_seconds: 0,
        }),
        Kind::LocalTime(pb::LocalTime { nanos_of_day: -1 }),
        Kind::DateTime(pb::DateTime {
            epoch_seconds: 0,
            nanos: 1_000_000_000,
            offset_seconds: 0,
        }),
        Kind::DateTime(pb::DateTime {
            epoch_seconds: i64::MAX,
            nanos: 0,
            offset_seconds: 60,
        }),
        Kind::LocalDateTime(pb::LocalDateTime {
            epoch_seconds: 0,
            nanos: -1,
        }),
        Kind::DateTimeZoneId(pb::DateTimeZoneId {
            local_seconds: 0,
            nanos: 0,
            zone_id: String::new(),
        }),
        Kind::Duration(pb::Duration {
            months: 0,
            days: 0,
            seconds: 0,
            nanos: 1_000_000_000,
        }),
        Kind::Node(pb::Node::default()),
        Kind::Relationship(pb::Relationship::default()),
        Kind::Path(pb::Path::default()),
    ];
    for kind in cases {
        let err =
            param_to_bolt("x", v(kind.clone())).expect_err(&format!("{kind:?} must be refused"));
        assert_eq!(err.path, "x");
        assert!(!err.reason.is_empty());
    }
}

#[test]
fn graph_structures_convert_from_bolt() {
    let node = |id: i64, name: &str| {
        BoltType::Node(BoltNode {
            id: BoltInteger::new(id),
            labels: BoltList::from(vec![BoltType::String(BoltString::from("Person"))]),
            properties: BoltMap::from_iter([(
                BoltString::from("name"),
                BoltType::String(BoltString::from(name)),
            )]),
        })
    };
    let Some(Kind::Node(n)) = from_bolt(node(7, "Ada")).kind else {
        panic!("not a node")
    };
    assert_eq!(
        (n.id, n.element_id.as_str(), n.labels.clone()),
        (7, "7", vec!["Person".to_owned()])
    );
    assert_eq!(n.properties["name"], v(Kind::String("Ada".into())));

    let rel = BoltType::Relation(BoltRelation {
        id: BoltInteger::new(9),
        start_node_id: BoltInteger::new(7),
        end_node_id: BoltInteger::new(8),
        typ: BoltString::from("KNOWS"),
        properties: BoltMap::default(),
    });
    let Some(Kind::Relationship(r)) = from_bolt(rel).kind else {
        panic!("not a relationship")
    };
    assert_eq!(
        (r.start_node_id, r.end_node_id, r.r#type.as_str()),
        (7, 8, "KNOWS")
    );
    assert_eq!(r.end_node_element_id, "8");

    // (7)-[9]->(8)<-[10]-(11): the second step runs against the relationship.
    let unbound = |id: i64| {
        BoltType::UnboundedRelation(BoltUnboundedRelation {
            id: BoltInteger::new(id),
            typ: BoltString::from("KNOWS"),
            properties: BoltMap::default(),
        })
    };
    let ints = |xs: &[i64]| {
        BoltList::from(
            xs.iter()
                .map(|&x| BoltType::Integer(BoltInteger::new(x)))
                .collect::<Vec<_>>(),
        )
    };
    let path = BoltType::Path(BoltPath {
        nodes: BoltList::from(vec![node(7, "a"), node(8, "b"), node(11, "c")]),
        rels: BoltList::from(vec![unbound(9), unbound(10)]),
        indices: ints(&[1, 1, -2, 2]),
    });
    let Some(Kind::Path(p)) = from_bolt(path).kind else {
        panic!("not a path")
    };
    let ids: Vec<i64> = p.nodes.iter().map(|n| n.id).collect();
    assert_eq!(ids, vec![7, 8, 11]);
    let ends: Vec<(i64, i64, i64)> = p
        .relationships
        .iter()
        .map(|r| (r.id, r.start_node_id, r.end_node_id))
        .collect();
    assert_eq!(ends, vec![(9, 7, 8), (10, 11, 8)]);
}

fn arb_value() -> impl Strategy<Value = pb::Value> {
    let leaf = prop_oneof![
        Just(Kind::Null(0)),
        any::<bool>().prop_map(Kind::Boolean),
        any::<i64>().prop_map(Kind::Integer),
        any::<f64>()
            .prop_filter("NaN is checked on its own", |f| !f.is_nan())
            .prop_map(Kind::Float),
        ".*".prop_map(Kind::String),
        proptest::collection::vec(any::<u8>(), 0..16).prop_map(|b| Kind::Bytes(b.into())),
        (ranges::MIN_EPOCH_DAY..=ranges::MAX_EPOCH_DAY)
            .prop_map(|days| Kind::Date(pb::Date { days })),
        (0..NANOS_PER_DAY, -MAX_OFFSET_SECONDS..=MAX_OFFSET_SECONDS).prop_map(
            |(nanos_of_day, offset_seconds)| Kind::Time(pb::Time {
                nanos_of_day,
                offset_seconds
            })
        ),
        (
            -(1i64 << 40)..(1i64 << 40),
            0..1_000_000_000i32,
            -MAX_OFFSET_SECONDS..=MAX_OFFSET_SECONDS
        )
            .prop_map(|(epoch_seconds, nanos, offset_seconds)| Kind::DateTime(
                pb::DateTime {
                    epoch_seconds,
                    nanos,
                    offset_seconds
                }
            )),
        (
            ranges::MIN_EPOCH_SECOND..=ranges::MAX_EPOCH_SECOND,
            0..1_000_000_000i32
        )
            .prop_map(|(epoch_seconds, nanos)| {
                Kind::LocalDateTime(pb::LocalDateTime {
                    epoch_seconds,
                    nanos,
                })
            }),
        (
            any::<i64>(),
            any::<i64>(),
            any::<i64>(),
            -999_999_999..1_000_000_000i32
        )
            .prop_map(
                |(months, days, seconds, nanos)| Kind::Duration(pb::Duration {
                    months,
                    days,
                    seconds,
                    nanos
                })
            ),
        (any::<f64>(), any::<f64>())
            .prop_filter("no NaN", |(x, y)| !x.is_nan() && !y.is_nan())
            .prop_map(|(x, y)| Kind::Point(pb::Point {
                srid: 7203,
                x,
                y,
                z: None
            })),
    ]
    .prop_map(|kind| pb::Value { kind: Some(kind) });
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..8)
                .prop_map(|values| v(Kind::List(pb::ListValue { values }))),
            proptest::collection::hash_map(".*", inner, 0..8)
                .prop_map(|entries| v(Kind::Map(pb::MapValue { entries }))),
        ]
    })
}

proptest! {
    #[test]
    fn every_valid_parameter_round_trips(value in arb_value()) {
        prop_assert_eq!(roundtrip(value.clone()), value);
    }
}
