package io.graphrpc.client;

/**
 * A spatial point. SRID 7203 (cartesian) and 4326 (WGS-84) are 2D; 9157 (cartesian 3D) and
 * 4979 (WGS-84 3D) are 3D and carry {@code z}.
 *
 * @param srid the coordinate reference system
 * @param x x, or longitude
 * @param y y, or latitude
 * @param z z, or height; null for a 2D point
 */
public record Point(int srid, double x, double y, Double z) {
  /** SRID of 2D cartesian points. */
  public static final int CARTESIAN = 7203;
  /** SRID of 3D cartesian points. */
  public static final int CARTESIAN_3D = 9157;
  /** SRID of 2D WGS-84 points. */
  public static final int WGS_84 = 4326;
  /** SRID of 3D WGS-84 points. */
  public static final int WGS_84_3D = 4979;

  /** A 2D point. */
  public static Point of(int srid, double x, double y) {
    return new Point(srid, x, y, null);
  }

  /** A 3D point. */
  public static Point of(int srid, double x, double y, double z) {
    return new Point(srid, x, y, z);
  }
}
