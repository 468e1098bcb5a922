package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Closing a stream early stops the query on the server: seen in a graphrpc's own metrics. */
class CancelTest {
  private static long cancelled(OwnServer server) {
    return server.metric("graphrpc_rpc_calls_total", "/RunStream\"", "grpc_code=\"CANCELLED\"");
  }

  private static long inUse(OwnServer server) {
    return server.metric("graphrpc_db_pool_connections", "state=\"in_use\"");
  }

  @Test
  void closingAStreamEarlyEndsTheCallAndFreesTheConnection() throws Exception {
    try (OwnServer server = OwnServer.start(Map.of());
        GraphRpcClient client = GraphRpcClient.connect(server.endpoint, OwnServer.TOKEN)) {
      try (Stream<Row> rows = client.stream(
          Query.of("UNWIND range(1, 1000000) AS i RETURN i").withBatchSize(100)).stream()) {
        assertEquals(10, rows.limit(10).count());
        assertEquals(1, inUse(server), "the query holds a connection while it streams");
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while ((cancelled(server) < 1 || inUse(server) > 0) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(1, cancelled(server), "RunStream calls the server saw cancelled");
      assertEquals(0, inUse(server), "database connections still in use");
    }
  }
}
