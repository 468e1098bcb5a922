package io.graphrpc.client;

import java.time.Period;

/**
 * A Cypher duration. Its four parts are kept apart, as Cypher keeps them: a month is not a
 * number of days and a day is not 86 400 seconds, so neither {@link java.time.Duration} nor
 * {@link Period} can hold every value.
 *
 * @param months whole months
 * @param days whole days
 * @param seconds seconds
 * @param nanos nanoseconds, 0 to 999 999 999
 */
public record CypherDuration(long months, long days, long seconds, int nanos) {
  /** Checks the nanoseconds part. */
  public CypherDuration {
    if (nanos < 0 || nanos > 999_999_999) {
      throw new IllegalArgumentException("nanos must be 0..999999999, got " + nanos);
    }
  }

  /** A duration of seconds and nanoseconds only, from a {@link java.time.Duration}. */
  public static CypherDuration of(java.time.Duration duration) {
    return new CypherDuration(0, 0, duration.getSeconds(), duration.getNano());
  }

  /** A duration of months and days only, from a {@link Period}. */
  public static CypherDuration of(Period period) {
    return new CypherDuration(period.toTotalMonths(), period.getDays(), 0, 0);
  }
}
