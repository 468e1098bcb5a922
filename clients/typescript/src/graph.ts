// The values a result can hold: graph structures, points, and the union of every kind.

import type { CypherDate, DateTime, Duration, LocalDateTime, LocalTime } from "./temporal.js";

/**
 * A Cypher value as this client hands it out. Integers are always `bigint` (Cypher integers
 * are 64-bit; a JavaScript number would silently round them), floats are `number`, maps are
 * plain objects and lists arrays. `Time` and `DateTime` are subclasses of `LocalTime` and
 * `LocalDateTime`.
 */
export type GraphValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | GraphValue[]
  | GraphMap
  | Node
  | Relationship
  | Path
  | Point
  | CypherDate
  | LocalTime
  | LocalDateTime
  | DateTime
  | Duration;

export interface GraphMap {
  [key: string]: GraphValue;
}

/** A node read from the graph. */
export class Node {
  constructor(
    readonly id: bigint,
    readonly elementId: string,
    readonly labels: string[],
    readonly properties: GraphMap,
  ) {}
}

/** A relationship, with its real direction in startNodeId/endNodeId. */
export class Relationship {
  constructor(
    readonly id: bigint,
    readonly elementId: string,
    readonly startNodeId: bigint,
    readonly startNodeElementId: string,
    readonly endNodeId: bigint,
    readonly endNodeElementId: string,
    readonly type: string,
    readonly properties: GraphMap,
  ) {}
}

/** nodes[0], relationships[0], nodes[1], …, relationships[n-1], nodes[n]. */
export class Path {
  constructor(
    readonly nodes: Node[],
    readonly relationships: Relationship[],
  ) {}

  /** The number of relationships. */
  get length(): number {
    return this.relationships.length;
  }

  start(): Node | undefined {
    return this.nodes[0];
  }

  end(): Node | undefined {
    return this.nodes[this.nodes.length - 1];
  }
}

/** Spatial reference ids of the four coordinate systems Cypher knows. */
export const SRID = {
  CARTESIAN: 7203,
  CARTESIAN_3D: 9157,
  WGS84: 4326,
  WGS84_3D: 4979,
} as const;

/** A spatial point: 2D (z undefined) or 3D. */
export class Point {
  constructor(
    readonly srid: number,
    readonly x: number,
    readonly y: number,
    readonly z?: number,
  ) {
    if (!Number.isInteger(srid) || srid < -(2 ** 31) || srid >= 2 ** 31) {
      throw new RangeError(`srid must be a 32-bit integer, got ${srid}`);
    }
  }

  static cartesian(x: number, y: number, z?: number): Point {
    return new Point(z === undefined ? SRID.CARTESIAN : SRID.CARTESIAN_3D, x, y, z);
  }

  static wgs84(longitude: number, latitude: number, height?: number): Point {
    return new Point(height === undefined ? SRID.WGS84 : SRID.WGS84_3D, longitude, latitude, height);
  }
}
