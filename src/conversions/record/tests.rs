use prost::Message as _;

use super::*;

/// A value to write as PackStream (the tests' own writer: the oracle is the driver's decoder).
#[derive(Clone, Debug)]
enum V {
    Null,
    Bool(bool),
    /// An integer, written in the smallest form or as INT_64.
    Int(i64, bool),
    Float(f64),
    Str(String),
    Bytes(Vec<u8>),
    List(Vec<V>),
    Map(Vec<(String, V)>),
    /// Raw bytes (a structure, or something broken).
    Raw(Vec<u8>),
}

fn size(out: &mut Vec<u8>, tiny: u8, wide: [u8; 3], len: usize) {
    if len < 16 && tiny != 0 {
        out.push(tiny | len as u8);
    } else if len < 0x100 {
        out.extend([wide[0], len as u8]);
    } else if len < 0x10000 {
        out.push(wide[1]);
        out.extend((len as u16).to_be_bytes());
    } else {
        out.push(wide[2]);
        out.extend((len as u32).to_be_bytes());
    }
}

fn pack(v: &V, out: &mut Vec<u8>) {
    match v {
        V::Null => out.push(0xC0),
        V::Bool(b) => out.push(if *b { 0xC3 } else { 0xC2 }),
        V::Int(i, true) => {
            out.push(0xCB);
            out.extend(i.to_be_bytes());
        }
        V::Int(i, false) => match *i {
            -16..=127 => out.push(*i as u8),
            -128..=-17 => out.extend([0xC8, *i as u8]),
            -32768..=32767 => {
                out.push(0xC9);
                out.extend((*i as i16).to_be_bytes());
            }
            -2147483648..=2147483647 => {
                out.push(0xCA);
                out.extend((*i as i32).to_be_bytes());
            }
            _ => {
                out.push(0xCB);
                out.extend(i.to_be_bytes());
            }
        },
        V::Float(f) => {
            out.push(0xC1);
            out.extend(f.to_be_bytes());
        }
        V::Str(s) => {
            size(out, 0x80, [0xD0, 0xD1, 0xD2], s.len());
            out.extend(s.as_bytes());
        }
        V::Bytes(b) => {
            size(out, 0, [0xCC, 0xCD, 0xCE], b.len());
            out.extend(b);
        }
        V::List(items) => {
            size(out, 0x90, [0xD4, 0xD5, 0xD6], items.len());
            items.iter().for_each(|item| pack(item, out));
        }
        V::Map(entries) => {
            size(out, 0xA0, [0xD8, 0xD9, 0xDA], entries.len());
            for (k, item) in entries {
                pack(&V::Str(k.clone()), out);
                pack(item, out);
            }
        }
        V::Raw(bytes) => out.extend(bytes),
    }
}

fn record(fields: &[V]) -> Vec<u8> {
    let mut message = vec![0xB1, 0x71];
    pack(&V::List(fields.to_vec()), &mut message);
    message
}

/// What the decoded path sends for the record: one RowBatch.rows entry.
fn decoded(message: &[u8]) -> Vec<u8> {
    let values = neo4rs::decode_record(message).expect("the driver decodes the record");
    let mut out = Vec::new();
    prost::encoding::message::encode(1, &super::super::row(values), &mut out);
    out
}

fn transcoded(message: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    transcode(message, &mut out).map(|()| out)
}

/// The record is transcoded (not left to the decoder) to exactly the decoded path's bytes.
fn same_bytes(fields: &[V]) {
    let message = record(fields);
    let fast = transcoded(&message).unwrap_or_else(|| panic!("not transcoded: {fields:?}"));
    assert_eq!(fast, decoded(&message), "{fields:?}");
}

fn batch_of(bytes: Vec<u8>, rows: usize) -> pb::RowBatch {
    let sent = pb::RowBatch::encoded(bytes, rows).encode_to_vec();
    pb::RowBatch::decode(sent.as_slice()).expect("a client decodes the batch")
}

#[test]
fn integers_in_every_width_match_prost() {
    let edges = [
        i64::MIN,
        i64::from(i32::MIN) - 1,
        i64::from(i32::MIN),
        -32769,
        -32768,
        -129,
        -128,
        -17,
        -16,
        -1,
        0,
        1,
        63,
        64,
        127,
        128,
        32767,
        32768,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::MAX,
    ];
    for i in edges {
        same_bytes(&[V::Int(i, false)]);
        same_bytes(&[V::Int(i, true)]);
    }
}

#[test]
fn scalars_match_prost() {
    for f in [
        0.0,
        -0.0,
        1.5,
        -2.25e300,
        f64::MIN_POSITIVE / 4.0,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        same_bytes(&[V::Float(f)]);
    }
    // A NaN with a payload keeps its bits.
    same_bytes(&[V::Float(f64::from_bits(0x7FF8_0000_0000_1234))]);
    same_bytes(&[V::Null, V::Bool(false), V::Bool(true)]);
    for len in [0, 1, 15, 16, 127, 128, 255, 256, 65535, 65536] {
        same_bytes(&[V::Str("é".repeat(len / 2) + &"x".repeat(len % 2))]);
        same_bytes(&[V::Bytes((0..len).map(|i| i as u8).collect())]);
    }
    same_bytes(&[V::Str("héllo ☃ 😀 \0 \u{10FFFF}".into())]);
    same_bytes(&[]);
}

#[test]
fn lists_and_single_entry_maps_match_prost() {
    let nested = V::List(vec![
        V::Int(1, false),
        V::List(vec![V::Null, V::Str("a".into())]),
    ]);
    same_bytes(&[V::List(vec![]), nested.clone()]);
    // Lengths past one varint byte at every level: list, row and the batch entry.
    same_bytes(&[V::List((0..300).map(|i| V::Int(i * 1000, false)).collect())]);
    same_bytes(&[V::List(vec![V::Str("x".repeat(200))])]);
    same_bytes(&[V::Map(vec![])]);
    same_bytes(&[V::Map(vec![("k".into(), nested)])]);
    // prost leaves out a map entry's empty key.
    same_bytes(&[V::Map(vec![(String::new(), V::Int(5, false))])]);
    same_bytes(&[V::Map(vec![("big".into(), V::Bytes(vec![7; 500]))])]);
}

#[test]
fn maps_with_many_entries_decode_as_the_driver_decodes_them() {
    // prost writes a HashMap's entries in hash order, so compare what a client decodes.
    let map = V::Map(
        (0..40)
            .map(|i| {
                (
                    format!("key{i}"),
                    V::List(vec![V::Int(i, false), V::Str(i.to_string())]),
                )
            })
            .collect(),
    );
    let message = record(&[map, V::Str("after".into())]);
    let fast = transcoded(&message).expect("transcoded");
    assert_eq!(batch_of(fast, 1), batch_of(decoded(&message), 1));
}

#[test]
fn structures_deep_nesting_and_odd_bytes_take_the_decoded_path() {
    // A Date (days since the epoch), a Bolt 4 node, a list nested past the limit.
    let date = V::Raw(vec![0xB1, 0x44, 0xC9, 0x4E, 0x20]);
    let node = {
        let mut bytes = vec![0xB3, 0x4E, 0x07, 0x91];
        pack(&V::Str("Person".into()), &mut bytes);
        pack(
            &V::Map(vec![("name".into(), V::Str("Ann".into()))]),
            &mut bytes,
        );
        V::Raw(bytes)
    };
    let mut deep = V::Int(1, false);
    for _ in 0..=MAX_DEPTH {
        deep = V::List(vec![deep]);
    }
    for fields in [
        vec![V::Int(1, false), date],
        vec![V::List(vec![node])],
        vec![deep],
    ] {
        let message = record(&fields);
        assert_eq!(transcoded(&message), None, "{fields:?}");
        let mut rows = EncodedRows::default();
        rows.push_raw(&message).expect("decoded path");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows.bytes, decoded(&message), "{fields:?}");
    }
}

#[test]
fn what_the_driver_refuses_is_refused() {
    let bad_utf8 = record(&[V::Raw(vec![0x82, 0xC3, 0x28])]);
    let truncated = {
        let mut message = record(&[V::Str("hello".into())]);
        message.pop();
        message
    };
    let non_string_key = record(&[V::Raw(vec![0xA1, 0x01, 0x02])]);
    for message in [bad_utf8, truncated, non_string_key] {
        assert_eq!(transcoded(&message), None);
        assert!(neo4rs::decode_record(&message).is_err());
        let mut rows = EncodedRows::default();
        assert!(rows.push_raw(&message).is_err(), "{message:x?}");
        assert!(rows.is_empty() && rows.bytes.is_empty());
    }
}

/// A small seeded generator (xorshift): many shapes, the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn value(&mut self, depth: usize) -> V {
        match self.next() % if depth > 3 { 6 } else { 8 } {
            0 => V::Null,
            1 => V::Bool(self.next().is_multiple_of(2)),
            2 => V::Int(
                (self.next() as i64) >> (self.next() % 64),
                self.next().is_multiple_of(4),
            ),
            3 => V::Float(f64::from_bits(self.next())),
            4 => V::Str(
                "aé😀"
                    .chars()
                    .cycle()
                    .take((self.next() % 40) as usize)
                    .collect(),
            ),
            5 => V::Bytes(vec![self.next() as u8; (self.next() % 200) as usize]),
            6 => V::List(
                (0..self.next() % 20)
                    .map(|_| self.value(depth + 1))
                    .collect(),
            ),
            _ => V::Map(vec![(
                format!("k{}", self.next() % 9),
                self.value(depth + 1),
            )]),
        }
    }
}

#[test]
fn seeded_random_records_match_prost() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..2000 {
        let fields: Vec<V> = (0..rng.next() % 6).map(|_| rng.value(0)).collect();
        same_bytes(&fields);
    }
}

#[test]
fn a_batch_of_encoded_rows_is_what_a_client_decodes_as_rows() {
    let records: Vec<Vec<u8>> = (0..5)
        .map(|i| record(&[V::Int(i, false), V::Str(format!("row-{i}"))]))
        .chain([record(&[V::Raw(vec![0xB1, 0x44, 0x01]), V::Null])])
        .collect();
    let mut rows = EncodedRows::with_capacity(8);
    let mut expected = Vec::new();
    for message in &records {
        rows.push_raw(message).expect("pushed");
        expected.push(super::super::row(
            neo4rs::decode_record(message).expect("decoded"),
        ));
    }
    assert_eq!(rows.len(), 6);
    let batch = rows.take();
    assert_eq!(batch.len(), 6);
    assert!(rows.is_empty());
    let received = pb::RowBatch::decode(batch.encode_to_vec().as_slice()).expect("decoded");
    assert_eq!(received, pb::RowBatch::from(expected));
    assert_eq!(batch.encoded_len(), batch.encode_to_vec().len());
}
