//! A database record straight into protobuf: the RECORD message's PackStream bytes, as the
//! driver hands them over, become the wire form of a `graphrpc.v1.Row` without building a
//! `BoltType` tree, a `pb::Value` tree and then the bytes (issue 19: that walk was most of
//! graphrpc's CPU per streamed row).
//!
//! Only the kinds whose proto form is a plain re-encoding are transcoded: null, booleans,
//! integers, floats, strings, byte arrays, lists and maps. A record holding anything else
//! (a node, a date, any structure), nesting deeper than [`MAX_DEPTH`], or bytes the driver
//! would refuse, goes through the driver's decoder and [`super::row`], so every value still
//! has exactly one conversion (`value::from_bolt`) and every error the driver reports.
//! The bytes written are those prost writes for the same row (maps aside, whose entries
//! prost writes in hash order); the tests compare them.

use neo4rs::BoltType;

use crate::proto::v1 as pb;

/// Deeper lists and maps take the decoded path.
const MAX_DEPTH: usize = 32;

/// Field keys (field number << 3 | wire type) of the messages written here.
mod key {
    /// RowBatch.rows, Row.values, ListValue.values, MapValue.entries, an entry's key.
    pub const FIELD_1_BYTES: u8 = 1 << 3 | 2;
    /// A map entry's value.
    pub const FIELD_2_BYTES: u8 = 2 << 3 | 2;
    pub const NULL: u8 = 1 << 3;
    pub const BOOLEAN: u8 = 2 << 3;
    pub const INTEGER: u8 = 3 << 3;
    pub const FLOAT: u8 = 4 << 3 | 1;
    pub const STRING: u8 = 5 << 3 | 2;
    pub const BYTES: u8 = 6 << 3 | 2;
    pub const LIST: u8 = 7 << 3 | 2;
    pub const MAP: u8 = 8 << 3 | 2;
}

/// Rows for one `RowBatch`, encoded as they arrive.
#[derive(Debug, Default)]
pub struct EncodedRows {
    bytes: Vec<u8>,
    rows: usize,
}

impl EncodedRows {
    pub fn with_capacity(rows: usize) -> Self {
        EncodedRows {
            bytes: Vec::with_capacity(rows.saturating_mul(32)),
            rows: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Appends a RECORD message (structure marker, signature, the fields' list). Fails only
    /// where the driver's own decoder fails.
    pub fn push_raw(&mut self, message: &[u8]) -> Result<(), neo4rs::Error> {
        let start = self.bytes.len();
        if transcode(message, &mut self.bytes).is_none() {
            self.bytes.truncate(start);
            self.push_values(neo4rs::decode_record(message)?);
            return Ok(());
        }
        self.rows += 1;
        Ok(())
    }

    /// Appends a record the driver has already decoded.
    pub fn push_values(&mut self, values: Vec<BoltType>) {
        prost::encoding::message::encode(1, &super::row(values), &mut self.bytes);
        self.rows += 1;
    }

    /// The rows so far as a batch; this starts over, empty.
    pub fn take(&mut self) -> pb::RowBatch {
        let capacity = self.bytes.capacity();
        let bytes = std::mem::replace(&mut self.bytes, Vec::with_capacity(capacity));
        pb::RowBatch::encoded(bytes, std::mem::take(&mut self.rows))
    }
}

/// Writes the record as one RowBatch.rows entry; None (with `out` partly written) when it
/// must take the decoded path.
fn transcode(message: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let [0xB1, 0x71, rest @ ..] = message else {
        return None;
    };
    let mut input = Input { bytes: rest };
    let marker = input.byte()?;
    let (Shape::List, fields) = sized(&mut input, marker)? else {
        return None;
    };
    delimited(out, key::FIELD_1_BYTES, |out| {
        for _ in 0..fields {
            delimited(out, key::FIELD_1_BYTES, |out| value(&mut input, out, 0))?;
        }
        Some(())
    })?;
    // Trailing bytes: the driver's decoder decides what they mean.
    input.bytes.is_empty().then_some(())
}

/// One PackStream value as the `kind` field of a `graphrpc.v1.Value`.
fn value(input: &mut Input<'_>, out: &mut Vec<u8>, depth: usize) -> Option<()> {
    let marker = input.byte()?;
    match marker {
        0x00..=0x7F => integer(out, i64::from(marker)),
        0xF0..=0xFF => integer(out, i64::from(marker as i8)),
        0xC0 => out.extend_from_slice(&[key::NULL, 0]),
        0xC2 => out.extend_from_slice(&[key::BOOLEAN, 0]),
        0xC3 => out.extend_from_slice(&[key::BOOLEAN, 1]),
        0xC1 => {
            // Big-endian on the Bolt wire, little-endian in protobuf: the same bits, NaN
            // payloads and -0.0 included.
            let mut bits: [u8; 8] = input.take(8)?.try_into().ok()?;
            bits.reverse();
            out.push(key::FLOAT);
            out.extend_from_slice(&bits);
        }
        0xC8 => integer(out, i64::from(i8::from_be_bytes(input.array()?))),
        0xC9 => integer(out, i64::from(i16::from_be_bytes(input.array()?))),
        0xCA => integer(out, i64::from(i32::from_be_bytes(input.array()?))),
        0xCB => integer(out, i64::from_be_bytes(input.array()?)),
        _ => {
            let (shape, len) = sized(input, marker)?;
            match shape {
                Shape::String => string(input, out, len)?,
                Shape::Bytes => bytes(input, out, len)?,
                Shape::List => list(input, out, len, depth)?,
                Shape::Map => map(input, out, len, depth)?,
            }
        }
    }
    Some(())
}

enum Shape {
    String,
    Bytes,
    List,
    Map,
}

/// The kind and size a marker announces; None for structures (nodes, temporal and spatial
/// values) and anything unknown.
fn sized(input: &mut Input<'_>, marker: u8) -> Option<(Shape, usize)> {
    let tiny = usize::from(marker & 0x0F);
    Some(match marker {
        0x80..=0x8F => (Shape::String, tiny),
        0x90..=0x9F => (Shape::List, tiny),
        0xA0..=0xAF => (Shape::Map, tiny),
        0xD0 => (Shape::String, input.size(1)?),
        0xD1 => (Shape::String, input.size(2)?),
        0xD2 => (Shape::String, input.size(4)?),
        0xCC => (Shape::Bytes, input.size(1)?),
        0xCD => (Shape::Bytes, input.size(2)?),
        0xCE => (Shape::Bytes, input.size(4)?),
        0xD4 => (Shape::List, input.size(1)?),
        0xD5 => (Shape::List, input.size(2)?),
        0xD6 => (Shape::List, input.size(4)?),
        0xD8 => (Shape::Map, input.size(1)?),
        0xD9 => (Shape::Map, input.size(2)?),
        0xDA => (Shape::Map, input.size(4)?),
        _ => return None,
    })
}

fn integer(out: &mut Vec<u8>, value: i64) {
    out.push(key::INTEGER);
    // sint64: zigzag.
    varint(out, ((value << 1) ^ (value >> 63)) as u64);
}

fn string(input: &mut Input<'_>, out: &mut Vec<u8>, len: usize) -> Option<()> {
    let text = input.take(len)?;
    utf8(text)?;
    out.push(key::STRING);
    varint(out, len as u64);
    out.extend_from_slice(text);
    Some(())
}

/// Protobuf strings must be UTF-8, as the driver checks too. Most are ASCII, which a word
/// at a time decides (std's check of a short string goes byte by byte: ~170 instructions
/// for a 10-byte one).
fn utf8(text: &[u8]) -> Option<()> {
    (text.is_ascii() || std::str::from_utf8(text).is_ok()).then_some(())
}

fn bytes(input: &mut Input<'_>, out: &mut Vec<u8>, len: usize) -> Option<()> {
    let data = input.take(len)?;
    out.push(key::BYTES);
    varint(out, len as u64);
    out.extend_from_slice(data);
    Some(())
}

fn list(input: &mut Input<'_>, out: &mut Vec<u8>, len: usize, depth: usize) -> Option<()> {
    if depth >= MAX_DEPTH {
        return None;
    }
    delimited(out, key::LIST, |out| {
        for _ in 0..len {
            delimited(out, key::FIELD_1_BYTES, |out| value(input, out, depth + 1))?;
        }
        Some(())
    })
}

fn map(input: &mut Input<'_>, out: &mut Vec<u8>, len: usize, depth: usize) -> Option<()> {
    if depth >= MAX_DEPTH {
        return None;
    }
    delimited(out, key::MAP, |out| {
        for _ in 0..len {
            let marker = input.byte()?;
            // Bolt map keys are strings; the driver reports anything else.
            let (Shape::String, key_len) = sized(input, marker)? else {
                return None;
            };
            let entry_key = input.take(key_len)?;
            utf8(entry_key)?;
            delimited(out, key::FIELD_1_BYTES, |out| {
                // Like prost, a map entry leaves out a key equal to the default, "".
                if !entry_key.is_empty() {
                    out.push(key::FIELD_1_BYTES);
                    varint(out, key_len as u64);
                    out.extend_from_slice(entry_key);
                }
                delimited(out, key::FIELD_2_BYTES, |out| value(input, out, depth + 1))
            })?;
        }
        Some(())
    })
}

/// A length-delimited field: its key, its length, then what `write` writes.
fn delimited(
    out: &mut Vec<u8>,
    key: u8,
    write: impl FnOnce(&mut Vec<u8>) -> Option<()>,
) -> Option<()> {
    out.push(key);
    let at = out.len();
    // Most lengths fit one byte; a longer one moves the content up.
    out.push(0);
    write(out)?;
    let len = out.len() - at - 1;
    if let Ok(byte @ 0..=0x7F) = u8::try_from(len) {
        out[at] = byte;
    } else {
        let mut prefix = Vec::with_capacity(10);
        varint(&mut prefix, len as u64);
        out.splice(at..=at, prefix);
    }
    Some(())
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// The unread rest of a record.
struct Input<'a> {
    bytes: &'a [u8],
}

impl<'a> Input<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        if len > self.bytes.len() {
            return None;
        }
        let (taken, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Some(taken)
    }

    fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }

    /// A big-endian unsigned size of `width` bytes.
    fn size(&mut self, width: usize) -> Option<usize> {
        let bytes = self.take(width)?;
        Some(bytes.iter().fold(0usize, |n, &b| n << 8 | usize::from(b)))
    }
}

#[cfg(test)]
mod tests;
