package io.graphrpc.client;

import java.util.Map;

/**
 * A relationship read from the graph, with its real direction (start to end).
 *
 * @param id the numeric id
 * @param elementId the element id
 * @param startNodeId the start node's id
 * @param startNodeElementId the start node's element id
 * @param endNodeId the end node's id
 * @param endNodeElementId the end node's element id
 * @param type the relationship type
 * @param properties its properties, as Java values
 */
public record Relationship(
    long id,
    String elementId,
    long startNodeId,
    String startNodeElementId,
    long endNodeId,
    String endNodeElementId,
    String type,
    Map<String, Object> properties) {
  /** The property {@code name}, or null when the relationship has none of that name. */
  public Object get(String name) {
    return properties.get(name);
  }
}
