package io.graphrpc.client;

import java.util.List;

/**
 * A path: nodes[0], relationships[0], nodes[1], ..., relationships[n-1], nodes[n]. Each
 * relationship keeps its real direction, which may run against the order of traversal.
 *
 * @param nodes the n+1 nodes, in traversal order
 * @param relationships the n relationships, in traversal order
 */
public record Path(List<Node> nodes, List<Relationship> relationships) {
  /** The number of relationships. */
  public int length() {
    return relationships.size();
  }
}
