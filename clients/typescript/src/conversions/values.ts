// graphrpc.v1.Value <-> native values, both ways, in one place. Parameters are checked
// here, before anything is sent: a value this client cannot map exactly is refused with an
// InvalidParameterError naming its path (e.g. `params.person.tags[2]`), never sent as null.

import { type MessageInitShape, create } from "@bufbuild/protobuf";
import { NullValue } from "@bufbuild/protobuf/wkt";
import {
  type Value,
  ValueSchema,
  type Node as NodeMessage,
  type Relationship as RelationshipMessage,
} from "../gen/graphrpc/v1/value_pb.js";
import { InvalidParameterError } from "../errors.js";
import { type GraphMap, type GraphValue, Node, Path, Point, Relationship } from "../graph.js";
import { CypherDate, DateTime, Duration, LocalDateTime, LocalTime, Time } from "../temporal.js";

/** What a parameter may be: any GraphValue, and also Maps, read-only arrays and JS Dates. */
export type ParamValue =
  | GraphValue
  | globalThis.Date
  | ReadonlyMap<string, ParamValue>
  | readonly ParamValue[]
  | { readonly [key: string]: ParamValue };

export type Params = { readonly [key: string]: ParamValue } | ReadonlyMap<string, ParamValue>;

export interface EncodeOptions {
  /**
   * Send a JavaScript number that is a whole, safe integer (not -0) as a Cypher INTEGER.
   * Off by default: a number is a double, so it goes as a FLOAT, as in Neo4j's drivers;
   * pass a bigint (`5n`) for an INTEGER.
   */
  integerNumbers?: boolean;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function value(kind: MessageInitShape<typeof ValueSchema>["kind"]): Value {
  return create(ValueSchema, { kind });
}

/** The parameters of a request as a map of Values; throws InvalidParameterError. */
export function encodeParams(
  params: Params | undefined,
  options: EncodeOptions,
  prefix = "params",
): { [key: string]: Value } {
  if (params === undefined || params === null) return {};
  // Object.fromEntries defines own properties: a key "__proto__" stays a key.
  return Object.fromEntries(
    entries(params, prefix).map(([key, item]) => {
      checkKey(key, prefix);
      return [key, encodeValue(item, `${prefix}.${key}`, options)];
    }),
  );
}

function entries(map: unknown, path: string): [string, ParamValue][] {
  if (map instanceof Map) {
    const result: [string, ParamValue][] = [];
    for (const [key, item] of map) {
      if (typeof key !== "string") {
        throw new InvalidParameterError(path, `map keys must be strings, got ${typeof key}`);
      }
      result.push([key, item as ParamValue]);
    }
    return result;
  }
  if (typeof map === "object" && map !== null && isPlainObject(map)) {
    return Object.entries(map as { [key: string]: ParamValue });
  }
  throw new InvalidParameterError(path, "parameters must be a plain object or a Map");
}

// protobuf-es builds map fields by assignment, which would turn this key into a prototype.
function checkKey(key: string, path: string): void {
  if (key === "__proto__") {
    throw new InvalidParameterError(`${path}.__proto__`, "the key __proto__ cannot be sent");
  }
}

function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** One parameter value as a Value; `path` names it in errors. */
export function encodeValue(v: unknown, path: string, options: EncodeOptions): Value {
  switch (typeof v) {
    case "boolean":
      return value({ case: "boolean", value: v });
    case "bigint":
      if (v < INT64_MIN || v > INT64_MAX) {
        throw new InvalidParameterError(path, `${v} does not fit in a 64-bit integer`);
      }
      return value({ case: "integer", value: v });
    case "number":
      if (options.integerNumbers && Number.isSafeInteger(v) && !Object.is(v, -0)) {
        return value({ case: "integer", value: BigInt(v) });
      }
      return value({ case: "float", value: v });
    case "string":
      return value({ case: "string", value: v });
    case "undefined":
      throw new InvalidParameterError(path, "undefined is not a Cypher value; pass null");
    case "object":
      return encodeObject(v, path, options);
    default:
      throw new InvalidParameterError(path, `a ${typeof v} is not a Cypher value`);
  }
}

function encodeObject(v: object | null, path: string, options: EncodeOptions): Value {
  if (v === null) return value({ case: "null", value: NullValue.NULL_VALUE });
  if (v instanceof Uint8Array) return value({ case: "bytes", value: v });
  if (Array.isArray(v)) {
    return value({
      case: "list",
      value: { values: v.map((item, i) => encodeValue(item, `${path}[${i}]`, options)) },
    });
  }
  // Subclasses before their base classes: DateTime is a LocalDateTime, Time a LocalTime.
  if (v instanceof DateTime) {
    if (v.zoneId !== undefined) {
      return value({
        case: "dateTimeZoneId",
        value: { localSeconds: v.toEpochSeconds(), nanos: v.nanosecond, zoneId: v.zoneId },
      });
    }
    return value({
      case: "dateTime",
      value: {
        epochSeconds: v.toInstantSeconds(),
        nanos: v.nanosecond,
        offsetSeconds: v.offsetSeconds ?? 0,
      },
    });
  }
  if (v instanceof LocalDateTime) {
    return value({
      case: "localDateTime",
      value: { epochSeconds: v.toEpochSeconds(), nanos: v.nanosecond },
    });
  }
  if (v instanceof Time) {
    return value({
      case: "time",
      value: { nanosOfDay: v.toNanosOfDay(), offsetSeconds: v.offsetSeconds },
    });
  }
  if (v instanceof LocalTime) {
    return value({ case: "localTime", value: { nanosOfDay: v.toNanosOfDay() } });
  }
  if (v instanceof CypherDate) {
    return value({ case: "date", value: { days: BigInt(v.toEpochDay()) } });
  }
  if (v instanceof Duration) {
    return value({
      case: "duration",
      value: { months: v.months, days: v.days, seconds: v.seconds, nanos: v.nanoseconds },
    });
  }
  if (v instanceof Point) {
    return value({ case: "point", value: { srid: v.srid, x: v.x, y: v.y, z: v.z } });
  }
  if (v instanceof globalThis.Date) {
    try {
      return encodeObject(DateTime.fromJSDate(v), path, options);
    } catch {
      throw new InvalidParameterError(path, "the Date is invalid");
    }
  }
  if (v instanceof Node || v instanceof Relationship || v instanceof Path) {
    throw new InvalidParameterError(
      path,
      "nodes, relationships and paths cannot be parameters; pass their ids or properties",
    );
  }
  if (v instanceof Map || isPlainObject(v)) {
    return value({ case: "map", value: { entries: encodeParams(v as Params, options, path) } });
  }
  const name = (v as { constructor?: { name?: string } }).constructor?.name ?? "object";
  throw new InvalidParameterError(
    path,
    `a ${name} is not a Cypher value (plain objects, Maps, arrays, Uint8Array and this ` +
      "package's value classes are)",
  );
}

/** A result Value as a native value. */
export function decodeValue(v: Value): GraphValue {
  const kind = v.kind;
  switch (kind.case) {
    case undefined:
    case "null":
      return null;
    case "boolean":
    case "integer":
    case "float":
    case "string":
    case "bytes":
      return kind.value;
    case "list":
      return kind.value.values.map(decodeValue);
    case "map":
      return decodeMap(kind.value.entries);
    case "node":
      return decodeNode(kind.value);
    case "relationship":
      return decodeRelationship(kind.value);
    case "path":
      return new Path(kind.value.nodes.map(decodeNode), kind.value.relationships.map(decodeRelationship));
    case "date":
      return CypherDate.fromEpochDay(kind.value.days);
    case "time":
      return Time.fromNanosOfDayAndOffset(kind.value.nanosOfDay, kind.value.offsetSeconds);
    case "localTime":
      return LocalTime.fromNanosOfDay(kind.value.nanosOfDay);
    case "dateTime":
      return DateTime.fromInstant(kind.value.epochSeconds, kind.value.nanos, kind.value.offsetSeconds);
    case "dateTimeZoneId":
      return DateTime.fromLocal(LocalDateTime.fromEpoch(kind.value.localSeconds, kind.value.nanos), {
        zoneId: kind.value.zoneId,
      });
    case "localDateTime":
      return LocalDateTime.fromEpoch(kind.value.epochSeconds, kind.value.nanos);
    case "duration":
      return new Duration({
        months: kind.value.months,
        days: kind.value.days,
        seconds: kind.value.seconds,
        nanoseconds: kind.value.nanos,
      });
    case "point":
      return new Point(kind.value.srid, kind.value.x, kind.value.y, kind.value.z);
  }
}

// Object.fromEntries defines own properties, so a key such as "__proto__" stays a key.
function decodeMap(map: { [key: string]: Value }): GraphMap {
  return Object.fromEntries(Object.entries(map).map(([k, item]) => [k, decodeValue(item)]));
}

function decodeNode(n: NodeMessage): Node {
  return new Node(n.id, n.elementId, n.labels, decodeMap(n.properties));
}

function decodeRelationship(r: RelationshipMessage): Relationship {
  return new Relationship(
    r.id,
    r.elementId,
    r.startNodeId,
    r.startNodeElementId,
    r.endNodeId,
    r.endNodeElementId,
    r.type,
    decodeMap(r.properties),
  );
}
