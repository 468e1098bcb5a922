package io.graphrpc.client;

import java.time.Duration;
import java.util.Map;

/**
 * A statement and how to run it. Build with {@link #of} and the {@code with…} methods.
 *
 * @param cypher the Cypher text, with $parameters
 * @param params the parameters, as Java values
 * @param accessMode READ or WRITE; null means WRITE (READ for a reader's token)
 * @param database the database; null or "" means the server's
 * @param timeout the statement's time limit; null means the server's default
 * @param batchSize rows per streamed batch; 0 means the server's default
 * @param maxRows {@code run} only: the most rows the result may hold; 0 means the server's
 * @param idempotent a write safe to run twice, which graphrpc may then retry
 */
public record Query(
    String cypher,
    Map<String, ?> params,
    AccessMode accessMode,
    String database,
    Duration timeout,
    int batchSize,
    int maxRows,
    boolean idempotent) {

  /** A statement without parameters. */
  public static Query of(String cypher) {
    return of(cypher, Map.of());
  }

  /** A statement with parameters. */
  public static Query of(String cypher, Map<String, ?> params) {
    return new Query(cypher, params, null, null, null, 0, 0, false);
  }

  /** The same, with this access mode. */
  public Query withAccessMode(AccessMode mode) {
    return new Query(cypher, params, mode, database, timeout, batchSize, maxRows, idempotent);
  }

  /** The same, in this database. */
  public Query withDatabase(String name) {
    return new Query(cypher, params, accessMode, name, timeout, batchSize, maxRows, idempotent);
  }

  /** The same, with this time limit. */
  public Query withTimeout(Duration limit) {
    return new Query(cypher, params, accessMode, database, limit, batchSize, maxRows, idempotent);
  }

  /** The same, streamed in batches of this many rows. */
  public Query withBatchSize(int rows) {
    return new Query(cypher, params, accessMode, database, timeout, rows, maxRows, idempotent);
  }

  /** The same, with this row limit for {@code run}. */
  public Query withMaxRows(int rows) {
    return new Query(cypher, params, accessMode, database, timeout, batchSize, rows, idempotent);
  }

  /** The same, declared safe to run twice. */
  public Query asIdempotent() {
    return new Query(cypher, params, accessMode, database, timeout, batchSize, maxRows, true);
  }
}
