// The canonical JSON form of clients/conformance (its README): to this package's native
// values for parameters, and from them for results.

import {
  CypherDate,
  DateTime,
  Duration,
  type GraphValue,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Time,
} from "../src/index.js";

export type Canonical = { [kind: string]: unknown };

const TIME = /^(\d{2}):(\d{2}):(\d{2})\.(\d{9})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const OFFSET = /^([+-])(\d{2}):(\d{2})(?::(\d{2}))?$/;

function match(re: RegExp, text: string): number[] {
  const m = re.exec(text);
  if (!m) throw new Error(`"${text}" does not match ${String(re)}`);
  return m.slice(1).map((part) => Number(part ?? 0));
}

function parseOffset(text: string): number {
  const m = OFFSET.exec(text);
  if (!m) throw new Error(`bad offset "${text}"`);
  const seconds = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4] ?? 0);
  return m[1] === "-" ? -seconds : seconds;
}

function parseLocalDateTime(text: string): LocalDateTime {
  const [date = "", time = ""] = text.split("T");
  const [y, mo, d] = match(DATE, date);
  const [h, mi, s, ns] = match(TIME, time);
  return new LocalDateTime(y!, mo!, d!, h!, mi!, s!, ns);
}

function splitOffset(text: string): [string, string] {
  const at = text.length - (/[+-]\d{2}:\d{2}:\d{2}$/.test(text) ? 9 : 6);
  return [text.slice(0, at), text.slice(at)];
}

function parseFloat(v: unknown): number {
  if (typeof v === "number") return v;
  const specials: Record<string, number> = {
    NaN: Number.NaN,
    Infinity: Number.POSITIVE_INFINITY,
    "-Infinity": Number.NEGATIVE_INFINITY,
    "-0": -0,
  };
  const value = specials[String(v)];
  if (value === undefined) throw new Error(`bad float ${String(v)}`);
  return value;
}

/** A canonical value as a native parameter value. */
export function toNative(c: Canonical): GraphValue {
  const [kind, v] = Object.entries(c)[0] ?? [];
  switch (kind) {
    case "null":
      return null;
    case "boolean":
    case "string":
      return v as boolean | string;
    case "integer":
      return BigInt(v as string);
    case "float":
      return parseFloat(v);
    case "bytes":
      return new Uint8Array(Buffer.from(v as string, "base64"));
    case "list":
      return (v as Canonical[]).map(toNative);
    case "map":
      return Object.fromEntries(
        Object.entries(v as Record<string, Canonical>).map(([k, x]) => [k, toNative(x)]),
      );
    case "date": {
      const [y, m, d] = match(DATE, v as string);
      return new CypherDate(y!, m!, d!);
    }
    case "local_time": {
      const [h, m, s, ns] = match(TIME, v as string);
      return new LocalTime(h!, m!, s!, ns);
    }
    case "time": {
      const [time, offset] = splitOffset(v as string);
      const [h, m, s, ns] = match(TIME, time);
      return new Time(h!, m!, s!, ns!, parseOffset(offset));
    }
    case "local_date_time":
      return parseLocalDateTime(v as string);
    case "date_time": {
      const [local, offset] = splitOffset(v as string);
      return DateTime.fromLocal(parseLocalDateTime(local), { offsetSeconds: parseOffset(offset) });
    }
    case "date_time_zone_id": {
      const m = /^(.*)\[(.+)\]$/.exec(v as string);
      if (!m) throw new Error(`bad date_time_zone_id ${String(v)}`);
      return DateTime.fromLocal(parseLocalDateTime(m[1]!), { zoneId: m[2]! });
    }
    case "duration": {
      const d = v as { months: string; days: string; seconds: string; nanos: number };
      return new Duration({
        months: BigInt(d.months),
        days: BigInt(d.days),
        seconds: BigInt(d.seconds),
        nanoseconds: d.nanos,
      });
    }
    case "point": {
      const p = v as { srid: number; x: number; y: number; z?: number };
      return new Point(p.srid, p.x, p.y, p.z);
    }
    default:
      throw new Error(`no parameter of kind ${String(kind)}`);
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

function time(t: LocalTime): string {
  return `${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}.${pad(t.nanosecond, 9)}`;
}

function date(d: { year: number; month: number; day: number }): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;
}

function offset(seconds: number): string {
  const abs = Math.abs(seconds);
  const text = `${seconds < 0 ? "-" : "+"}${pad(Math.floor(abs / 3600))}:${pad(Math.floor(abs / 60) % 60)}`;
  return abs % 60 === 0 ? text : `${text}:${pad(abs % 60)}`;
}

function float(n: number): number | string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Number.POSITIVE_INFINITY) return "Infinity";
  if (n === Number.NEGATIVE_INFINITY) return "-Infinity";
  if (Object.is(n, -0)) return "-0";
  return n;
}

function properties(p: Record<string, GraphValue>): Record<string, Canonical> {
  return Object.fromEntries(Object.entries(p).map(([k, x]) => [k, toCanonical(x)]));
}

function node(n: Node): Canonical {
  return { node: { labels: [...n.labels].sort(), properties: properties(n.properties) } };
}

/** A native result value in the canonical form. */
export function toCanonical(v: GraphValue): Canonical {
  if (v === null) return { null: null };
  switch (typeof v) {
    case "boolean":
      return { boolean: v };
    case "string":
      return { string: v };
    case "bigint":
      return { integer: v.toString() };
    case "number":
      return { float: float(v) };
  }
  if (v instanceof Uint8Array) return { bytes: Buffer.from(v).toString("base64") };
  if (Array.isArray(v)) return { list: v.map(toCanonical) };
  if (v instanceof DateTime) {
    const local = `${date(v)}T${time(v.time())}`;
    return v.zoneId !== undefined
      ? { date_time_zone_id: `${local}[${v.zoneId}]` }
      : { date_time: local + offset(v.offsetSeconds ?? 0) };
  }
  if (v instanceof LocalDateTime) return { local_date_time: `${date(v)}T${time(v.time())}` };
  if (v instanceof Time) return { time: time(v) + offset(v.offsetSeconds) };
  if (v instanceof LocalTime) return { local_time: time(v) };
  if (v instanceof CypherDate) return { date: date(v) };
  if (v instanceof Duration) {
    return {
      duration: {
        months: v.months.toString(),
        days: v.days.toString(),
        seconds: v.seconds.toString(),
        nanos: v.nanoseconds,
      },
    };
  }
  if (v instanceof Point) {
    const p: Record<string, number | string> = { srid: v.srid, x: float(v.x), y: float(v.y) };
    if (v.z !== undefined) p["z"] = float(v.z);
    return { point: p };
  }
  if (v instanceof Node) return node(v);
  if (v instanceof Relationship)
    return { relationship: { type: v.type, properties: properties(v.properties) } };
  if (v instanceof Path) {
    const index = (elementId: string): number => v.nodes.findIndex((n) => n.elementId === elementId);
    return {
      path: {
        nodes: v.nodes.map(node),
        relationships: v.relationships.map((r) => ({
          type: r.type,
          properties: properties(r.properties),
          start: index(r.startNodeElementId),
          end: index(r.endNodeElementId),
        })),
      },
    };
  }
  return { map: properties(v) };
}
