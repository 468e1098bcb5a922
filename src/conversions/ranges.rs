//! What Cypher can hold, checked before a parameter is sent: a value outside these ranges
//! would otherwise be stored as something else (a temporal as the text
//! `Structure[sig=0x66, ...]`) or stored and then unreadable, with the caller told the
//! write failed.
//!
//! - Temporal instants: years -999,999,999 through 999,999,999. The Cypher Manual
//!   ("Values and types" > "Temporal values") gives this range for dates, and Neo4j stores
//!   temporals as java.time values, whose `Year.MIN_VALUE`/`MAX_VALUE` are these, so
//!   `LocalDate.MIN`/`MAX` are -999999999-01-01 and +999999999-12-31: epoch days
//!   -365,243,219,162 through 365,241,780,471 (proleptic Gregorian, as both use).
//! - Time zones: names of the IANA tz database (chrono-tz, pinned in Cargo.toml).
//! - Points: the four coordinate reference systems of Cypher's spatial values, each with
//!   its dimension count: 7203 (cartesian) and 4326 (WGS-84) in 2D, 9157 (cartesian-3d)
//!   and 4979 (WGS-84-3d) in 3D.

use std::str::FromStr as _;

/// Epoch day of -999999999-01-01 (java.time `LocalDate.MIN`).
pub const MIN_EPOCH_DAY: i64 = -365_243_219_162;
/// Epoch day of +999999999-12-31 (java.time `LocalDate.MAX`).
pub const MAX_EPOCH_DAY: i64 = 365_241_780_471;
const SECONDS_PER_DAY: i64 = 86_400;
/// The first second of `MIN_EPOCH_DAY` and the last of `MAX_EPOCH_DAY`.
pub const MIN_EPOCH_SECOND: i64 = MIN_EPOCH_DAY * SECONDS_PER_DAY;
pub const MAX_EPOCH_SECOND: i64 = (MAX_EPOCH_DAY + 1) * SECONDS_PER_DAY - 1;

pub const SRIDS_2D: [i32; 2] = [7203, 4326];
pub const SRIDS_3D: [i32; 2] = [9157, 4979];

const YEARS: &str = "years -999999999 through 999999999";

/// A date, as days since 1970-01-01.
pub fn check_epoch_day(days: i64) -> Result<(), String> {
    if (MIN_EPOCH_DAY..=MAX_EPOCH_DAY).contains(&days) {
        Ok(())
    } else {
        Err(format!(
            "date {days} days from 1970-01-01 is outside Cypher's range ({YEARS}: {MIN_EPOCH_DAY}..={MAX_EPOCH_DAY} days)"
        ))
    }
}

/// A date and time, as seconds since 1970-01-01T00:00 of the wall clock it is written in.
pub fn check_epoch_second(seconds: i64, field: &str) -> Result<(), String> {
    if (MIN_EPOCH_SECOND..=MAX_EPOCH_SECOND).contains(&seconds) {
        Ok(())
    } else {
        Err(format!(
            "{field} {seconds} is outside Cypher's range ({YEARS}: {MIN_EPOCH_SECOND}..={MAX_EPOCH_SECOND})"
        ))
    }
}

/// A zone id must name a zone of the tz database, or be a fixed offset the way java.time's
/// `ZoneId.of` (which Neo4j uses) writes one: `Z`, `+01`, `+01:00`, `-0330`, `UTC+01:00`.
pub fn check_zone_id(zone: &str) -> Result<(), String> {
    if zone.is_empty() {
        return Err("zone_id is empty; give an IANA zone such as Europe/Paris".to_owned());
    }
    if chrono_tz::Tz::from_str(zone).is_ok() || is_offset_id(zone) {
        return Ok(());
    }
    Err(format!(
        "zone_id `{}` is not a zone of the IANA tz database nor an offset such as +01:00; \
         give one such as Europe/Paris or UTC",
        zone.escape_debug()
    ))
}

/// `Z`, or [UTC|GMT|UT] then +/- and h, hh, hh:mm, hhmm, hh:mm:ss or hhmmss, at most 18:00.
fn is_offset_id(zone: &str) -> bool {
    if zone == "Z" {
        return true;
    }
    let offset = ["UTC", "GMT", "UT"]
        .iter()
        .find_map(|prefix| zone.strip_prefix(prefix))
        .unwrap_or(zone);
    let Some(digits) = offset.strip_prefix(['+', '-']) else {
        return false;
    };
    if !digits.bytes().all(|b| b.is_ascii_digit() || b == b':') {
        return false;
    }
    let parts: Vec<&str> = if digits.contains(':') {
        digits.split(':').collect()
    } else if digits.len() > 2 && digits.len() % 2 == 0 {
        digits
            .as_bytes()
            .chunks(2)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect()
    } else {
        vec![digits]
    };
    let single_digit_hour = parts.len() == 1 && parts[0].len() == 1;
    let well_formed = (1..=3).contains(&parts.len())
        && parts.iter().enumerate().all(|(i, p)| {
            p.bytes().all(|b| b.is_ascii_digit()) && (p.len() == 2 || (i == 0 && single_digit_hour))
        });
    if !well_formed {
        return false;
    }
    let number = |i: usize| {
        parts
            .get(i)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    let (hours, minutes, seconds) = (number(0), number(1), number(2));
    minutes < 60 && seconds < 60 && hours * 3600 + minutes * 60 + seconds <= 18 * 3600
}

/// A point's srid, with its dimension count (`has_z`: 3D).
pub fn check_srid(srid: i32, has_z: bool) -> Result<(), String> {
    let known =
        "7203 (cartesian) or 4326 (WGS-84) in 2D, 9157 (cartesian-3d) or 4979 (WGS-84-3d) in 3D";
    match (SRIDS_2D.contains(&srid), SRIDS_3D.contains(&srid), has_z) {
        (true, _, false) | (_, true, true) => Ok(()),
        (true, _, true) => Err(format!("point srid {srid} is 2D but z is set")),
        (_, true, false) => Err(format!("point srid {srid} is 3D but z is not set")),
        _ => Err(format!(
            "point srid {srid} is not a coordinate system Cypher knows: {known}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_range_is_java_times() {
        // 0000-01-01 is 719528 days before the epoch (proleptic Gregorian).
        assert!(check_epoch_day(-719_528).is_ok());
        assert!(check_epoch_day(MIN_EPOCH_DAY).is_ok());
        assert!(check_epoch_day(MAX_EPOCH_DAY).is_ok());
        assert!(check_epoch_day(MIN_EPOCH_DAY - 1).is_err());
        assert!(check_epoch_day(MAX_EPOCH_DAY + 1).is_err());
        assert!(check_epoch_day(i64::MAX)
            .unwrap_err()
            .contains("-999999999"));
        assert!(check_epoch_second(MAX_EPOCH_SECOND, "s").is_ok());
        assert!(check_epoch_second(MAX_EPOCH_SECOND + 1, "s").is_err());
        assert!(check_epoch_second(MIN_EPOCH_SECOND, "s").is_ok());
        assert!(check_epoch_second(MIN_EPOCH_SECOND - 1, "s").is_err());
    }

    #[test]
    fn zones_come_from_the_tz_database() {
        for zone in [
            "Europe/Paris",
            "UTC",
            "America/Argentina/Buenos_Aires",
            "Etc/GMT+5",
        ] {
            assert!(check_zone_id(zone).is_ok(), "{zone}");
        }
        for zone in [
            "Z",
            "+02:00",
            "-0330",
            "+1",
            "+05",
            "UTC+01:00",
            "GMT-10",
            "+18:00",
            "-01:02:03",
        ] {
            assert!(check_zone_id(zone).is_ok(), "{zone}");
        }
        for zone in [
            "Mars/Olympus_Mons",
            "",
            "europe/paris",
            "Europe/Paris ",
            "+19:00",
            "+18:01",
            "+1:00",
            "+01:60",
            "01:00",
            "+",
            "+0a",
            "UTC+",
            "+010",
        ] {
            assert!(check_zone_id(zone).is_err(), "{zone}");
        }
    }

    #[test]
    fn srids_are_known_with_their_dimensions() {
        assert!(check_srid(7203, false).is_ok() && check_srid(4979, true).is_ok());
        assert!(check_srid(4326, true).unwrap_err().contains("2D"));
        assert!(check_srid(9157, false).unwrap_err().contains("3D"));
        assert!(check_srid(12345, false).unwrap_err().contains("12345"));
        assert!(check_srid(0, true).is_err());
    }
}
