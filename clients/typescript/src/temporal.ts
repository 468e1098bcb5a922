// Cypher's temporal values and durations as plain typed objects. JavaScript's Date keeps only
// milliseconds and no zone id, so these keep every part the server sends: nanoseconds,
// the UTC offset or the IANA zone id, and a duration's four components apart.

const NANOS_PER_SECOND = 1_000_000_000;
const SECONDS_PER_DAY = 86_400;
const MAX_OFFSET_SECONDS = 18 * 3600;

function check(ok: boolean, message: string): void {
  if (!ok) throw new RangeError(message);
}

function checkInteger(name: string, value: number, min: number, max: number): void {
  check(
    Number.isInteger(value) && value >= min && value <= max,
    `${name} must be an integer from ${min} to ${max}, got ${value}`,
  );
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

// Proleptic Gregorian calendar <-> days since 1970-01-01 (H. Hinnant's algorithms). Cypher's
// years run to ±999 999 999, whose day numbers (~3.7e11) stay exact in a double.
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

function pad(value: number, width: number): string {
  return String(Math.abs(value)).padStart(width, "0");
}

function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  return (year < 0 ? "-" : "+") + pad(year, 4);
}

function isoFraction(nanosecond: number): string {
  if (nanosecond === 0) return "";
  return "." + pad(nanosecond, 9).replace(/0+$/, "");
}

function isoOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return "Z";
  const abs = Math.abs(offsetSeconds);
  const text = `${offsetSeconds < 0 ? "-" : "+"}${pad(Math.floor(abs / 3600), 2)}:${pad(Math.floor(abs / 60) % 60, 2)}`;
  return abs % 60 === 0 ? text : `${text}:${pad(abs % 60, 2)}`;
}

/** A calendar date without a time zone (Cypher DATE). */
export class CypherDate {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
  ) {
    checkInteger("year", year, -999_999_999, 999_999_999);
    checkInteger("month", month, 1, 12);
    checkInteger("day", day, 1, daysInMonth(year, month));
  }

  /** The date `days` days after 1970-01-01 (before it when negative). */
  static fromEpochDay(days: number | bigint): CypherDate {
    const { year, month, day } = civilFromDays(Number(days));
    return new CypherDate(year, month, day);
  }

  /** Days since 1970-01-01. */
  toEpochDay(): number {
    return daysFromCivil(this.year, this.month, this.day);
  }

  toString(): string {
    return `${isoYear(this.year)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
}

/** A time of day without a time zone (Cypher LOCAL TIME). */
export class LocalTime {
  constructor(
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly nanosecond: number = 0,
  ) {
    checkInteger("hour", hour, 0, 23);
    checkInteger("minute", minute, 0, 59);
    checkInteger("second", second, 0, 59);
    checkInteger("nanosecond", nanosecond, 0, NANOS_PER_SECOND - 1);
  }

  static fromNanosOfDay(nanos: number | bigint): LocalTime {
    const n = BigInt(nanos);
    check(n >= 0n && n < 86_400_000_000_000n, `nanoseconds of day out of range: ${n}`);
    const seconds = Number(n / 1_000_000_000n);
    return new LocalTime(
      Math.floor(seconds / 3600),
      Math.floor(seconds / 60) % 60,
      seconds % 60,
      Number(n % 1_000_000_000n),
    );
  }

  toNanosOfDay(): bigint {
    const seconds = this.hour * 3600 + this.minute * 60 + this.second;
    return BigInt(seconds) * 1_000_000_000n + BigInt(this.nanosecond);
  }

  toString(): string {
    return `${pad(this.hour, 2)}:${pad(this.minute, 2)}:${pad(this.second, 2)}${isoFraction(this.nanosecond)}`;
  }
}

/** A time of day with a UTC offset (Cypher ZONED TIME). */
export class Time extends LocalTime {
  constructor(
    hour: number,
    minute: number,
    second: number,
    nanosecond: number,
    readonly offsetSeconds: number,
  ) {
    super(hour, minute, second, nanosecond);
    checkInteger("offsetSeconds", offsetSeconds, -MAX_OFFSET_SECONDS, MAX_OFFSET_SECONDS);
  }

  static fromNanosOfDayAndOffset(nanos: number | bigint, offsetSeconds: number): Time {
    const t = LocalTime.fromNanosOfDay(nanos);
    return new Time(t.hour, t.minute, t.second, t.nanosecond, offsetSeconds);
  }

  override toString(): string {
    return super.toString() + isoOffset(this.offsetSeconds);
  }
}

/** A date and time without a time zone (Cypher LOCAL DATETIME). */
export class LocalDateTime {
  constructor(
    readonly year: number,
    readonly month: number,
    readonly day: number,
    readonly hour: number,
    readonly minute: number,
    readonly second: number,
    readonly nanosecond: number = 0,
  ) {
    // The constructors check every part.
    new CypherDate(year, month, day);
    new LocalTime(hour, minute, second, nanosecond);
  }

  /** The wall-clock time `seconds` + `nanos` after 1970-01-01T00:00:00 of the same clock. */
  static fromEpoch(seconds: number | bigint, nanos: number): LocalDateTime {
    checkInteger("nanos", nanos, 0, NANOS_PER_SECOND - 1);
    const s = BigInt(seconds);
    const days = floorDiv(s, BigInt(SECONDS_PER_DAY));
    const ofDay = Number(s - days * BigInt(SECONDS_PER_DAY));
    const { year, month, day } = civilFromDays(Number(days));
    return new LocalDateTime(
      year,
      month,
      day,
      Math.floor(ofDay / 3600),
      Math.floor(ofDay / 60) % 60,
      ofDay % 60,
      nanos,
    );
  }

  /** Seconds since 1970-01-01T00:00:00 of the same wall clock (nanoseconds apart). */
  toEpochSeconds(): bigint {
    const days = BigInt(daysFromCivil(this.year, this.month, this.day));
    return days * BigInt(SECONDS_PER_DAY) + BigInt(this.hour * 3600 + this.minute * 60 + this.second);
  }

  date(): CypherDate {
    return new CypherDate(this.year, this.month, this.day);
  }

  time(): LocalTime {
    return new LocalTime(this.hour, this.minute, this.second, this.nanosecond);
  }

  toString(): string {
    return `${this.date().toString()}T${this.time().toString()}`;
  }
}

/**
 * A date and time in a time zone (Cypher ZONED DATETIME): the wall-clock fields plus either a
 * fixed UTC offset or an IANA zone id such as "Europe/Paris" (exactly one of the two).
 */
export class DateTime extends LocalDateTime {
  readonly offsetSeconds: number | undefined;
  readonly zoneId: string | undefined;

  constructor(
    year: number,
    month: number,
    day: number,
    hour: number,
    minute: number,
    second: number,
    nanosecond: number,
    zone: { offsetSeconds: number } | { zoneId: string },
  ) {
    super(year, month, day, hour, minute, second, nanosecond);
    if ("zoneId" in zone) {
      check(typeof zone.zoneId === "string" && zone.zoneId !== "", "zoneId must not be empty");
      this.zoneId = zone.zoneId;
      this.offsetSeconds = undefined;
    } else {
      checkInteger("offsetSeconds", zone.offsetSeconds, -MAX_OFFSET_SECONDS, MAX_OFFSET_SECONDS);
      this.offsetSeconds = zone.offsetSeconds;
      this.zoneId = undefined;
    }
  }

  static fromLocal(local: LocalDateTime, zone: { offsetSeconds: number } | { zoneId: string }): DateTime {
    const { year, month, day, hour, minute, second, nanosecond } = local;
    return new DateTime(year, month, day, hour, minute, second, nanosecond, zone);
  }

  /** The instant `epochSeconds` (UTC) + `nanos`, shown at the given offset. */
  static fromInstant(epochSeconds: number | bigint, nanos: number, offsetSeconds: number): DateTime {
    const local = LocalDateTime.fromEpoch(BigInt(epochSeconds) + BigInt(offsetSeconds), nanos);
    return DateTime.fromLocal(local, { offsetSeconds });
  }

  /** A JavaScript Date's instant, at offset 0 (UTC). */
  static fromJSDate(date: globalThis.Date): DateTime {
    const ms = date.getTime();
    check(Number.isFinite(ms), "the Date is invalid");
    const seconds = Math.floor(ms / 1000);
    return DateTime.fromInstant(seconds, (ms - seconds * 1000) * 1_000_000, 0);
  }

  /** Seconds since the Unix epoch in UTC; only for a fixed offset (a zone id needs its rules). */
  toInstantSeconds(): bigint {
    if (this.offsetSeconds === undefined) {
      throw new RangeError(
        `the instant of a datetime in zone ${this.zoneId} depends on the zone's rules; ` +
          "read it from the database (e.g. datetime.epochSeconds)",
      );
    }
    return this.toEpochSeconds() - BigInt(this.offsetSeconds);
  }

  /** The instant as a JavaScript Date (milliseconds: the sub-millisecond part is dropped). */
  toJSDate(): globalThis.Date {
    const ms = Number(this.toInstantSeconds()) * 1000 + Math.floor(this.nanosecond / 1_000_000);
    return new globalThis.Date(ms);
  }

  override toString(): string {
    const local = super.toString();
    return this.zoneId !== undefined
      ? `${local}[${this.zoneId}]`
      : local + isoOffset(this.offsetSeconds ?? 0);
  }
}

/**
 * A Cypher duration. Months, days and seconds are kept apart, as Cypher keeps them: a month
 * is not a fixed number of days, nor a day a fixed number of seconds across a DST change.
 */
export class Duration {
  readonly months: bigint;
  readonly days: bigint;
  readonly seconds: bigint;
  readonly nanoseconds: number;

  constructor(parts: {
    months?: bigint | number;
    days?: bigint | number;
    seconds?: bigint | number;
    nanoseconds?: number;
  }) {
    this.months = toBigInt("months", parts.months ?? 0n);
    this.days = toBigInt("days", parts.days ?? 0n);
    this.seconds = toBigInt("seconds", parts.seconds ?? 0n);
    this.nanoseconds = parts.nanoseconds ?? 0;
    checkInteger("nanoseconds", this.nanoseconds, 0, NANOS_PER_SECOND - 1);
  }

  toString(): string {
    const fraction = isoFraction(this.nanoseconds);
    return `P${this.months}M${this.days}DT${this.seconds}${fraction}S`;
  }
}

function toBigInt(name: string, value: bigint | number): bigint {
  if (typeof value === "bigint") return value;
  check(Number.isSafeInteger(value), `${name} must be a whole number (or a bigint), got ${value}`);
  return BigInt(value);
}
