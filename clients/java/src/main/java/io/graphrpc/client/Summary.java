package io.graphrpc.client;

import java.time.Duration;
import java.util.List;

/**
 * What the database reported about a finished statement.
 *
 * @param bookmark the bookmark after the statement, or "" when the server gives none
 * @param database the database the statement ran in
 * @param queryType READ_ONLY, WRITE_ONLY, READ_WRITE, SCHEMA_WRITE or UNSPECIFIED
 * @param counters what the statement changed
 * @param resultAvailableAfter server-side time until the first row
 * @param resultConsumedAfter server-side time until the last row
 * @param rowCount rows in the result
 * @param notifications the database's notifications
 * @param attempts how many times graphrpc ran it (more than 1 after a retried transient failure)
 */
public record Summary(
    String bookmark,
    String database,
    String queryType,
    Counters counters,
    Duration resultAvailableAfter,
    Duration resultConsumedAfter,
    long rowCount,
    List<Notification> notifications,
    int attempts) {

  /** What a statement changed. */
  public record Counters(
      long nodesCreated,
      long nodesDeleted,
      long relationshipsCreated,
      long relationshipsDeleted,
      long propertiesSet,
      long labelsAdded,
      long labelsRemoved,
      long indexesAdded,
      long indexesRemoved,
      long constraintsAdded,
      long constraintsRemoved,
      long systemUpdates,
      boolean containsUpdates) {}

  /** A notification of the database (a warning about the statement, say). */
  public record Notification(String code, String title, String description, String severity) {}
}
