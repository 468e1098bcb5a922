package io.graphrpc.client;

import java.util.Map;

/**
 * One statement of a batch.
 *
 * @param cypher the Cypher text, with $parameters
 * @param params the parameters, as Java values
 */
public record Statement(String cypher, Map<String, ?> params) {
  /** A statement without parameters. */
  public static Statement of(String cypher) {
    return new Statement(cypher, Map.of());
  }

  /** A statement with parameters. */
  public static Statement of(String cypher, Map<String, ?> params) {
    return new Statement(cypher, params);
  }
}
