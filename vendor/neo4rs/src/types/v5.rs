//! graphrpc patch: the structures whose wire form changed in Bolt 5.0.
//!
//! - Node, Relationship and UnboundRelationship gained element ids (strings): 4, 8 and 4
//!   fields instead of 3, 5 and 3. The struct markers tell the two forms apart, so either is
//!   read whatever the version; the ids are `None` on Bolt 4.
//! - DateTime and DateTimeZoneId carry UTC seconds under new tags ('I', 'i'), replacing the
//!   legacy 'F' and 'f' whose seconds were the local wall clock. `BoltDateTime` and
//!   `BoltDateTimeZoneId` keep the legacy meaning (local seconds) on every version, so their
//!   users are unaffected: the conversion happens here, at the wire.
use bytes::{Buf, BufMut, Bytes, BytesMut};
use chrono::{NaiveDateTime, Offset, TimeZone};

use crate::{
    Version,
    errors::{Error, Result},
    types::{
        BoltDateTime, BoltDateTimeZoneId, BoltInteger, BoltList, BoltMap, BoltNode, BoltRelation,
        BoltString, BoltUnboundedRelation, BoltWireFormat,
    },
};

const NODE: u8 = 0x4E;
const RELATIONSHIP: u8 = 0x52;
const UNBOUND_RELATIONSHIP: u8 = 0x72;
const DATE_TIME_LEGACY: u8 = 0x46;
const DATE_TIME_UTC: u8 = 0x49;
const DATE_TIME_ZONE_ID_LEGACY: u8 = 0x66;
const DATE_TIME_ZONE_ID_UTC: u8 = 0x69;

fn is_struct(input: &[u8], sizes: &[u8], tag: u8) -> bool {
    input.len() >= 2 && sizes.contains(&input[0]) && input[1] == tag
}

/// Reads a struct header, returning its field count.
fn header(input: &mut Bytes) -> Result<u8> {
    if input.len() < 2 {
        return Err(Error::InvalidTypeMarker("truncated structure".into()));
    }
    let fields = input.get_u8() & 0x0F;
    input.get_u8();
    Ok(fields)
}

fn put_header(bytes: &mut BytesMut, fields: u8, tag: u8) {
    bytes.reserve(2);
    bytes.put_u8(0xB0 | fields);
    bytes.put_u8(tag);
}

fn bolt5(version: Version) -> bool {
    version >= Version::V5_0
}

fn write_element_id(id: &Option<BoltString>, version: Version, bytes: &mut BytesMut) -> Result<()> {
    // A Bolt 5 struct must have one; the legacy numeric id stands in when none is known.
    id.clone()
        .unwrap_or_else(|| BoltString::new(""))
        .write_into(version, bytes)
}

impl BoltWireFormat for BoltNode {
    fn can_parse(_: Version, input: &[u8]) -> bool {
        is_struct(input, &[0xB3, 0xB4], NODE)
    }

    fn parse(version: Version, input: &mut Bytes) -> Result<Self> {
        let fields = header(input)?;
        Ok(BoltNode {
            id: BoltInteger::parse(version, input)?,
            labels: BoltList::parse(version, input)?,
            properties: BoltMap::parse(version, input)?,
            element_id: (fields >= 4)
                .then(|| BoltString::parse(version, input))
                .transpose()?,
        })
    }

    fn write_into(&self, version: Version, bytes: &mut BytesMut) -> Result<()> {
        put_header(bytes, if bolt5(version) { 4 } else { 3 }, NODE);
        self.id.write_into(version, bytes)?;
        self.labels.write_into(version, bytes)?;
        self.properties.write_into(version, bytes)?;
        if bolt5(version) {
            write_element_id(&self.element_id, version, bytes)?;
        }
        Ok(())
    }
}

impl BoltWireFormat for BoltRelation {
    fn can_parse(_: Version, input: &[u8]) -> bool {
        is_struct(input, &[0xB5, 0xB8], RELATIONSHIP)
    }

    fn parse(version: Version, input: &mut Bytes) -> Result<Self> {
        let fields = header(input)?;
        let mut rel = BoltRelation {
            id: BoltInteger::parse(version, input)?,
            start_node_id: BoltInteger::parse(version, input)?,
            end_node_id: BoltInteger::parse(version, input)?,
            typ: BoltString::parse(version, input)?,
            properties: BoltMap::parse(version, input)?,
            element_id: None,
            start_node_element_id: None,
            end_node_element_id: None,
        };
        if fields >= 8 {
            rel.element_id = Some(BoltString::parse(version, input)?);
            rel.start_node_element_id = Some(BoltString::parse(version, input)?);
            rel.end_node_element_id = Some(BoltString::parse(version, input)?);
        }
        Ok(rel)
    }

    fn write_into(&self, version: Version, bytes: &mut BytesMut) -> Result<()> {
        put_header(bytes, if bolt5(version) { 8 } else { 5 }, RELATIONSHIP);
        self.id.write_into(version, bytes)?;
        self.start_node_id.write_into(version, bytes)?;
        self.end_node_id.write_into(version, bytes)?;
        self.typ.write_into(version, bytes)?;
        self.properties.write_into(version, bytes)?;
        if bolt5(version) {
            write_element_id(&self.element_id, version, bytes)?;
            write_element_id(&self.start_node_element_id, version, bytes)?;
            write_element_id(&self.end_node_element_id, version, bytes)?;
        }
        Ok(())
    }
}

impl BoltWireFormat for BoltUnboundedRelation {
    fn can_parse(_: Version, input: &[u8]) -> bool {
        is_struct(input, &[0xB3, 0xB4], UNBOUND_RELATIONSHIP)
    }

    fn parse(version: Version, input: &mut Bytes) -> Result<Self> {
        let fields = header(input)?;
        Ok(BoltUnboundedRelation {
            id: BoltInteger::parse(version, input)?,
            typ: BoltString::parse(version, input)?,
            properties: BoltMap::parse(version, input)?,
            element_id: (fields >= 4)
                .then(|| BoltString::parse(version, input))
                .transpose()?,
        })
    }

    fn write_into(&self, version: Version, bytes: &mut BytesMut) -> Result<()> {
        put_header(bytes, if bolt5(version) { 4 } else { 3 }, UNBOUND_RELATIONSHIP);
        self.id.write_into(version, bytes)?;
        self.typ.write_into(version, bytes)?;
        self.properties.write_into(version, bytes)?;
        if bolt5(version) {
            write_element_id(&self.element_id, version, bytes)?;
        }
        Ok(())
    }
}

fn out_of_range(what: &str) -> Error {
    Error::InvalidTypeMarker(format!("{what} is out of the representable range"))
}

impl BoltWireFormat for BoltDateTime {
    fn can_parse(version: Version, input: &[u8]) -> bool {
        let tag = if bolt5(version) {
            DATE_TIME_UTC
        } else {
            DATE_TIME_LEGACY
        };
        is_struct(input, &[0xB3], tag)
    }

    fn parse(version: Version, input: &mut Bytes) -> Result<Self> {
        header(input)?;
        let seconds = BoltInteger::parse(version, input)?;
        let nanoseconds = BoltInteger::parse(version, input)?;
        let tz_offset_seconds = BoltInteger::parse(version, input)?;
        let seconds = if bolt5(version) {
            // UTC on the wire; the struct holds the wall clock of the offset.
            let local = seconds.value.checked_add(tz_offset_seconds.value);
            BoltInteger::new(local.ok_or_else(|| out_of_range("date-time seconds"))?)
        } else {
            seconds
        };
        Ok(BoltDateTime {
            seconds,
            nanoseconds,
            tz_offset_seconds,
        })
    }

    fn write_into(&self, version: Version, bytes: &mut BytesMut) -> Result<()> {
        if bolt5(version) {
            let utc = self.seconds.value.checked_sub(self.tz_offset_seconds.value);
            put_header(bytes, 3, DATE_TIME_UTC);
            BoltInteger::new(utc.ok_or_else(|| out_of_range("date-time seconds"))?)
                .write_into(version, bytes)?;
        } else {
            put_header(bytes, 3, DATE_TIME_LEGACY);
            self.seconds.write_into(version, bytes)?;
        }
        self.nanoseconds.write_into(version, bytes)?;
        self.tz_offset_seconds.write_into(version, bytes)
    }
}

/// A zone id: an IANA zone, or a fixed offset written as an id (`Z`, `+01:00`, `UTC+2`,
/// `GMT-0530`), which Neo4j also accepts.
enum Zone {
    Iana(chrono_tz::Tz),
    Fixed(chrono::FixedOffset),
}

fn zone(name: &str) -> Result<Zone> {
    if let Ok(tz) = name.parse() {
        return Ok(Zone::Iana(tz));
    }
    fixed_offset(name)
        .map(Zone::Fixed)
        .ok_or_else(|| Error::InvalidTypeMarker(format!("unknown time zone id {name:?}")))
}

fn fixed_offset(name: &str) -> Option<chrono::FixedOffset> {
    if name == "Z" {
        return chrono::FixedOffset::east_opt(0);
    }
    let rest = ["UTC", "GMT", "UT"]
        .iter()
        .find_map(|prefix| name.strip_prefix(prefix))
        .unwrap_or(name);
    let (sign, digits) = match rest.as_bytes().first()? {
        b'+' => (1, &rest[1..]),
        b'-' => (-1, &rest[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let field = |range: std::ops::Range<usize>| digits.get(range).and_then(|d| d.parse::<i32>().ok());
    let (h, m, s) = match digits.len() {
        1 | 2 => (field(0..digits.len())?, 0, 0),
        4 => (field(0..2)?, field(2..4)?, 0),
        6 => (field(0..2)?, field(2..4)?, field(4..6)?),
        _ => return None,
    };
    chrono::FixedOffset::east_opt(sign * (h * 3600 + m * 60 + s))
}

fn naive(seconds: i64) -> Result<NaiveDateTime> {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|d| d.naive_utc())
        .ok_or_else(|| out_of_range("date-time seconds"))
}

/// UTC seconds to the zone's wall-clock seconds at that instant.
fn utc_to_local(utc: i64, zone_id: &str) -> Result<i64> {
    let offset = match zone(zone_id)? {
        Zone::Iana(tz) => tz.offset_from_utc_datetime(&naive(utc)?).fix(),
        Zone::Fixed(offset) => offset,
    }
    .local_minus_utc();
    utc.checked_add(offset.into())
        .ok_or_else(|| out_of_range("date-time seconds"))
}

/// For conversions that cannot fail: the wall clock, or, for a zone this build does not know
/// (chrono-tz holds the IANA database; servers send IANA ids), the UTC seconds with a warning.
pub(crate) fn utc_to_local_or_utc(utc: i64, zone_id: &str) -> i64 {
    utc_to_local(utc, zone_id).unwrap_or_else(|e| {
        log::warn!("date-time in zone {zone_id:?} left in UTC: {e}");
        utc
    })
}

/// Wall-clock seconds in a zone to UTC seconds, resolved as Neo4j resolves a local time:
/// in an overlap the earlier instant, in a gap the offset in force before the gap.
fn local_to_utc(local: i64, zone_id: &str) -> Result<i64> {
    let tz = match zone(zone_id)? {
        Zone::Iana(tz) => tz,
        Zone::Fixed(offset) => {
            return local
                .checked_sub(offset.local_minus_utc().into())
                .ok_or_else(|| out_of_range("date-time seconds"));
        }
    };
    let wall = naive(local)?;
    let offset = match tz.offset_from_local_datetime(&wall) {
        chrono::LocalResult::Single(o) | chrono::LocalResult::Ambiguous(o, _) => o.fix(),
        chrono::LocalResult::None => {
            // More than the widest offset (14 h) plus a gap before: the offset before it.
            let before = wall - chrono::Duration::hours(26);
            tz.offset_from_utc_datetime(&before).fix()
        }
    };
    local
        .checked_sub(offset.local_minus_utc().into())
        .ok_or_else(|| out_of_range("date-time seconds"))
}

impl BoltWireFormat for BoltDateTimeZoneId {
    fn can_parse(version: Version, input: &[u8]) -> bool {
        let tag = if bolt5(version) {
            DATE_TIME_ZONE_ID_UTC
        } else {
            DATE_TIME_ZONE_ID_LEGACY
        };
        is_struct(input, &[0xB3], tag)
    }

    fn parse(version: Version, input: &mut Bytes) -> Result<Self> {
        header(input)?;
        let seconds = BoltInteger::parse(version, input)?;
        let nanoseconds = BoltInteger::parse(version, input)?;
        let tz_id = BoltString::parse(version, input)?;
        let seconds = if bolt5(version) {
            BoltInteger::new(utc_to_local(seconds.value, &tz_id.value)?)
        } else {
            seconds
        };
        Ok(BoltDateTimeZoneId {
            seconds,
            nanoseconds,
            tz_id,
        })
    }

    fn write_into(&self, version: Version, bytes: &mut BytesMut) -> Result<()> {
        if bolt5(version) {
            let utc = local_to_utc(self.seconds.value, &self.tz_id.value)?;
            put_header(bytes, 3, DATE_TIME_ZONE_ID_UTC);
            BoltInteger::new(utc).write_into(version, bytes)?;
        } else {
            put_header(bytes, 3, DATE_TIME_ZONE_ID_LEGACY);
            self.seconds.write_into(version, bytes)?;
        }
        self.nanoseconds.write_into(version, bytes)?;
        self.tz_id.write_into(version, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: BoltWireFormat + PartialEq + std::fmt::Debug + Clone>(
        value: T,
        version: Version,
    ) -> (Bytes, T) {
        let bytes = value.clone().into_bytes(version).unwrap();
        let mut input = bytes.clone();
        let parsed = T::parse(version, &mut input).unwrap();
        assert!(input.is_empty());
        (bytes, parsed)
    }

    #[test]
    fn date_time_is_utc_on_bolt_5_and_local_on_bolt_4() {
        // 2024-01-02T03:04:05+02:00: wall clock 1704164645, UTC 1704157445.
        let dt = BoltDateTime {
            seconds: BoltInteger::new(1_704_164_645),
            nanoseconds: BoltInteger::new(7),
            tz_offset_seconds: BoltInteger::new(7200),
        };
        let (bytes, parsed) = round_trip(dt.clone(), Version::V5_4);
        assert_eq!(&bytes[..2], &[0xB3, DATE_TIME_UTC]);
        assert_eq!(&bytes[2..7], &[0xCA, 0x65, 0x93, 0x61, 0x05], "UTC seconds");
        assert_eq!(parsed, dt);
        let (bytes, parsed) = round_trip(dt.clone(), Version::V4_4);
        assert_eq!(&bytes[..2], &[0xB3, DATE_TIME_LEGACY]);
        assert_eq!(&bytes[2..7], &[0xCA, 0x65, 0x93, 0x7D, 0x25], "local seconds");
        assert_eq!(parsed, dt);
    }

    #[test]
    fn zoned_date_time_is_utc_on_bolt_5() {
        // 2024-01-02T03:04:05[Europe/Paris]: UTC 02:04:05 = 1704161045.
        let dt = BoltDateTimeZoneId {
            seconds: BoltInteger::new(1_704_164_645),
            nanoseconds: BoltInteger::new(0),
            tz_id: BoltString::new("Europe/Paris"),
        };
        let (bytes, parsed) = round_trip(dt.clone(), Version::V5_0);
        assert_eq!(&bytes[..7], &[0xB3, DATE_TIME_ZONE_ID_UTC, 0xCA, 0x65, 0x93, 0x6F, 0x15]);
        assert_eq!(parsed, dt);
        // Summer time: 2024-07-01T12:00:00[Europe/Paris] is 10:00 UTC.
        assert_eq!(local_to_utc(1_719_835_200, "Europe/Paris").unwrap(), 1_719_828_000);
        // The 02:30 that does not exist on 2024-03-31 takes the winter offset (+01:00).
        assert_eq!(local_to_utc(1_711_852_200, "Europe/Paris").unwrap(), 1_711_848_600);
        assert!(local_to_utc(0, "Mars/Olympus").is_err());
        // Offsets written as zone ids.
        assert_eq!(local_to_utc(7200, "+02:00").unwrap(), 0);
        assert_eq!(local_to_utc(0, "UTC-0530").unwrap(), 19_800);
        assert_eq!(utc_to_local(0, "GMT+2").unwrap(), 7200);
        assert_eq!(utc_to_local(0, "Z").unwrap(), 0);
        assert!(utc_to_local(0, "+2x").is_err());
    }

    #[test]
    fn element_ids_are_read_on_bolt_5_only() {
        let node = BoltNode {
            id: BoltInteger::new(1),
            labels: BoltList::new(),
            properties: BoltMap::new(),
            element_id: Some(BoltString::new("#6:0")),
        };
        let (bytes, parsed) = round_trip(node.clone(), Version::V5_4);
        assert_eq!(bytes[0], 0xB4);
        assert_eq!(parsed, node);
        let (bytes, parsed) = round_trip(node, Version::V4_4);
        assert_eq!(bytes[0], 0xB3);
        assert_eq!(parsed.element_id, None);

        let rel = BoltRelation {
            id: BoltInteger::new(3),
            start_node_id: BoltInteger::new(1),
            end_node_id: BoltInteger::new(2),
            typ: BoltString::new("R"),
            properties: BoltMap::new(),
            element_id: Some(BoltString::new("#9:0")),
            start_node_element_id: Some(BoltString::new("#6:0")),
            end_node_element_id: Some(BoltString::new("#6:1")),
        };
        let (bytes, parsed) = round_trip(rel.clone(), Version::V5_4);
        assert_eq!(bytes[0], 0xB8);
        assert_eq!(parsed, rel);

        let urel = BoltUnboundedRelation {
            id: BoltInteger::new(3),
            typ: BoltString::new("R"),
            properties: BoltMap::new(),
            element_id: Some(BoltString::new("#9:0")),
        };
        let (_, parsed) = round_trip(urel.clone(), Version::V5_4);
        assert_eq!(parsed, urel);
    }
}
