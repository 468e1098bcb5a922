//! The human log format's timestamp (`2026-12-02T08:26:08.438397Z`, UTC, microseconds),
//! written as tracing-subscriber's `SystemTime` timer writes it, for fewer instructions: its
//! timer formats eight numbers through `write!`, about 2.4k instructions a line, a tenth of
//! the call line's cost (bench/results/issue19.md). Here the digits go into one buffer.
//!
//! Instants outside years 1970–9999 (a clock set far off) are left to tracing-subscriber's
//! own timer, whose formats for them (a sign, a fifth digit) are not repeated here.

use std::{
    fmt,
    time::{SystemTime, UNIX_EPOCH},
};

use tracing_subscriber::fmt::{format::Writer, time::FormatTime};

#[derive(Debug, Clone, Copy, Default)]
pub struct UtcMicros;

impl FormatTime for UtcMicros {
    fn format_time(&self, w: &mut Writer<'_>) -> fmt::Result {
        match now() {
            Some(stamp) => w.write_str(stamp.as_str()),
            None => tracing_subscriber::fmt::time::SystemTime.format_time(w),
        }
    }
}

/// Appends the current timestamp, as [`UtcMicros`] writes it (for the direct call line,
/// `call_line`).
pub fn write_now(out: &mut Vec<u8>) {
    match now() {
        Some(stamp) => out.extend_from_slice(&stamp.0),
        None => {
            let mut text = String::new();
            let _ =
                tracing_subscriber::fmt::time::SystemTime.format_time(&mut Writer::new(&mut text));
            out.extend_from_slice(text.as_bytes());
        }
    }
}

/// The stamp of the current time; None outside years 1970–9999.
fn now() -> Option<Stamp> {
    let since = SystemTime::now().duration_since(UNIX_EPOCH).ok()?;
    format(since.as_secs(), since.subsec_micros())
}

/// `YYYY-MM-DDTHH:MM:SS.ffffffZ`: 27 ASCII bytes.
struct Stamp([u8; 27]);

impl Stamp {
    fn as_str(&self) -> &str {
        // Only ASCII digits and separators are ever written.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// The stamp of `secs` seconds and `micros` microseconds after the Unix epoch; None past
/// year 9999.
fn format(secs: u64, micros: u32) -> Option<Stamp> {
    let days = secs / 86_400;
    let of_day = secs % 86_400;
    let (year, month, day) = civil(days);
    if year > 9999 {
        return None;
    }
    let mut out = *b"0000-00-00T00:00:00.000000Z";
    digits(&mut out[0..4], year);
    digits(&mut out[5..7], month);
    digits(&mut out[8..10], day);
    digits(&mut out[11..13], of_day / 3600);
    digits(&mut out[14..16], of_day / 60 % 60);
    digits(&mut out[17..19], of_day % 60);
    digits(&mut out[20..26], u64::from(micros.min(999_999)));
    Some(Stamp(out))
}

/// Writes `value`'s last `slot.len()` decimal digits into `slot`, zero-padded.
fn digits(slot: &mut [u8], mut value: u64) {
    for byte in slot.iter_mut().rev() {
        *byte = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// (year, month, day) of a count of days since 1970-01-01 in the proleptic Gregorian
/// calendar (Howard Hinnant's `civil_from_days`, for days ≥ 0).
fn civil(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(secs: u64, micros: u32) -> String {
        format(secs, micros).map_or_else(String::new, |s| s.as_str().to_owned())
    }

    #[test]
    fn known_instants() {
        assert_eq!(stamp(0, 0), "1970-01-01T00:00:00.000000Z");
        assert_eq!(stamp(951_782_400, 7), "2000-02-29T00:00:00.000007Z");
        assert_eq!(stamp(951_868_799, 999_999), "2000-02-29T23:59:59.999999Z");
        assert_eq!(stamp(4_107_542_400, 0), "2100-03-01T00:00:00.000000Z");
        assert_eq!(stamp(1_796_199_968, 438_397), "2026-12-02T08:26:08.438397Z");
        assert_eq!(stamp(253_402_300_799, 0), "9999-12-31T23:59:59.000000Z");
        assert!(format(253_402_300_800, 0).is_none());
    }

    /// Day by day over four centuries, against a calendar walked one day at a time.
    #[test]
    fn every_day_of_four_centuries() {
        let (mut year, mut month, mut day) = (1970, 1, 1);
        for days in 0..146_097 {
            assert_eq!(civil(days), (year, month, day), "day {days}");
            let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
            let length = match month {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            day += 1;
            if day > length {
                day = 1;
                month += 1;
                if month > 12 {
                    month = 1;
                    year += 1;
                }
            }
        }
    }

    /// The same text as tracing-subscriber's timer, read at (nearly) the same instant.
    #[test]
    fn matches_the_default_timer() {
        for _ in 0..20 {
            let (mut ours, mut theirs) = (String::new(), String::new());
            UtcMicros
                .format_time(&mut Writer::new(&mut ours))
                .expect("formats");
            tracing_subscriber::fmt::time::SystemTime
                .format_time(&mut Writer::new(&mut theirs))
                .expect("formats");
            assert_eq!(ours.len(), theirs.len());
            // Up to the second: the microseconds differ between the two readings, and
            // at a second's boundary so may the rest; then read again.
            if ours[..19] == theirs[..19] {
                assert_eq!(ours.as_bytes()[19..20], theirs.as_bytes()[19..20]);
                assert!(ours.ends_with('Z') && theirs.ends_with('Z'));
                return;
            }
        }
        panic!("our timestamp never matched the default timer's to the second");
    }
}
