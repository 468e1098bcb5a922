// Value mapping without a server: calendars, encodings, and what parameters refuse.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CypherDate,
  DateTime,
  Duration,
  InvalidParameterError,
  LocalDateTime,
  LocalTime,
  Node,
  Point,
  Time,
} from "../src/index.js";
import { decodeValue, encodeValue } from "../src/conversions/values.js";

const plain = { integerNumbers: false };

function roundTrip(v: unknown, options = plain): unknown {
  return decodeValue(encodeValue(v, "v", options));
}

test("dates convert to and from epoch days at the ends of Cypher's range", () => {
  assert.equal(new CypherDate(1970, 1, 1).toEpochDay(), 0);
  assert.equal(new CypherDate(1969, 12, 31).toEpochDay(), -1);
  assert.equal(new CypherDate(2000, 3, 1).toEpochDay(), 11017);
  for (const d of [
    new CypherDate(-999_999_999, 1, 1),
    new CypherDate(999_999_999, 12, 31),
    new CypherDate(2024, 2, 29),
    new CypherDate(0, 1, 1),
  ]) {
    assert.deepEqual(CypherDate.fromEpochDay(d.toEpochDay()), d);
  }
  assert.throws(() => new CypherDate(2023, 2, 29), RangeError);
  assert.equal(new CypherDate(12345, 6, 7).toString(), "+12345-06-07");
});

test("temporal values keep nanoseconds, offsets and zone ids", () => {
  const values = [
    new LocalTime(23, 59, 59, 999_999_999),
    new Time(0, 0, 0, 1, -18 * 3600),
    new LocalDateTime(-999_999_999, 1, 1, 0, 0, 0, 0),
    new LocalDateTime(999_999_999, 12, 31, 23, 59, 59, 999_999_999),
    new DateTime(2024, 3, 31, 2, 30, 0, 123_456_789, { zoneId: "Europe/Paris" }),
    new DateTime(1969, 12, 31, 23, 59, 59, 5, { offsetSeconds: 5 * 3600 + 30 * 60 }),
    new Duration({ months: 14n, days: -3n, seconds: 2n ** 62n, nanoseconds: 7 }),
  ];
  for (const v of values) assert.deepEqual(roundTrip(v), v, String(v));
  const instant = new DateTime(1970, 1, 1, 1, 0, 0, 0, { offsetSeconds: 3600 });
  assert.equal(instant.toInstantSeconds(), 0n);
  assert.equal(String(new Time(12, 0, 0, 500_000_000, 3600)), "12:00:00.5+01:00");
});

test("a JS Date is sent as its instant at UTC", () => {
  const d = new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 678));
  const back = roundTrip(d) as DateTime;
  assert.ok(back instanceof DateTime);
  assert.equal(back.offsetSeconds, 0);
  assert.equal(back.toJSDate().getTime(), d.getTime());
  assert.equal(back.nanosecond, 678_000_000);
});

test("integers are bigint; a number is a float unless integerNumbers is on", () => {
  assert.equal(encodeValue(5n, "v", plain).kind.case, "integer");
  assert.equal(encodeValue(5, "v", plain).kind.case, "float");
  assert.equal(encodeValue(5, "v", { integerNumbers: true }).kind.case, "integer");
  // -0, fractions and integers beyond 2^53 are no exact integers: they stay floats.
  assert.equal(encodeValue(-0, "v", { integerNumbers: true }).kind.case, "float");
  assert.equal(encodeValue(2.5, "v", { integerNumbers: true }).kind.case, "float");
  assert.equal(encodeValue(2 ** 60, "v", { integerNumbers: true }).kind.case, "float");
  assert.equal(roundTrip(-(2n ** 63n)), -(2n ** 63n));
  assert.throws(() => encodeValue(2n ** 63n, "v", plain), InvalidParameterError);
});

test("a map key __proto__ is refused (protobuf-es would drop it)", () => {
  const m = new Map([
    ["__proto__", 1n],
    ["a", 2n],
  ]);
  assert.throws(
    () => encodeValue({ m }, "params.x", plain),
    /params\.x\.m\.__proto__: the key __proto__ cannot be sent/,
  );
  assert.deepEqual(roundTrip(new Map([["a", 2n]])), { a: 2n });
});

test("values with no exact Cypher form are refused with their path, never sent as null", () => {
  const cases: [unknown, RegExp][] = [
    [{ a: [1n, undefined] }, /params\.x\.a\[1\]: undefined is not a Cypher value/],
    [{ f: () => 1 }, /params\.x\.f: a function is not a Cypher value/],
    [{ s: Symbol("s") }, /params\.x\.s: a symbol/],
    [{ c: new (class Custom {})() }, /params\.x\.c: a Custom is not a Cypher value/],
    [{ n: new Node(1n, "1", [], {}) }, /params\.x\.n: nodes, relationships and paths cannot be parameters/],
    [{ d: new Date(NaN) }, /params\.x\.d: the Date is invalid/],
  ];
  for (const [v, message] of cases) {
    assert.throws(
      () => encodeValue(v, "params.x", plain),
      (e: unknown) => {
        assert.ok(e instanceof InvalidParameterError);
        assert.equal(e.code, "INVALID_ARGUMENT");
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test("points keep their SRID and an optional z", () => {
  assert.deepEqual(roundTrip(Point.cartesian(1, 2)), new Point(7203, 1, 2));
  assert.deepEqual(roundTrip(Point.wgs84(1, 2, 3)), new Point(4979, 1, 2, 3));
});
