package io.graphrpc.client;

import java.util.List;
import java.util.Map;

/**
 * A node read from the graph.
 *
 * @param id the numeric id
 * @param elementId the element id (the id's decimal text on Bolt 4 servers)
 * @param labels its labels
 * @param properties its properties, as Java values
 */
public record Node(long id, String elementId, List<String> labels, Map<String, Object> properties) {
  /** The property {@code name}, or null when the node has none of that name. */
  public Object get(String name) {
    return properties.get(name);
  }
}
