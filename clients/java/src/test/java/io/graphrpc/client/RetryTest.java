package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Managed transactions retry transient failures and honour grpc-retry-pushback-ms. A graphrpc
 * of its own with a rate limit of one call a second refuses the second call at once with
 * RESOURCE_EXHAUSTED and a pushback, and rolls back a transaction idle for a second with
 * ABORTED: real transient failures, not stand-ins.
 */
class RetryTest {
  private static OwnServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = OwnServer.start(Map.of(
        "GRAPHRPC_RATE_LIMIT", "1", "GRAPHRPC_RATE_BURST", "1", "GRAPHRPC_TX_IDLE_TIMEOUT", "1s"));
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRefusalWithAPushbackIsRetriedAfterIt() throws InterruptedException {
    try (GraphRpcClient client = GraphRpcClient.connect(server.endpoint, OwnServer.TOKEN)) {
      Thread.sleep(1100); // a full bucket
      client.run("RETURN 1"); // spends the one call of the burst
      long deniedBefore = rateLimited();
      long x = client.executeRead(tx -> tx.run("RETURN 2 AS x").single().getLong("x"));
      assertEquals(2, x);
      // Refused once, then retried after the pushback (about a second): the client's own
      // backoff alone (100 ms, 200 ms, ...) would have been refused several times.
      assertEquals(1, rateLimited() - deniedBefore, "calls refused by the rate limit");
    }
  }

  @Test
  void withoutRetryTimeTheTransientErrorCarriesThePushback() throws InterruptedException {
    try (GraphRpcClient client =
        GraphRpcClient.builder(server.endpoint).token(OwnServer.TOKEN).maxRetryTime(Duration.ZERO).build()) {
      Thread.sleep(1100); // a full bucket
      client.run("RETURN 1");
      TransientException e = assertThrows(TransientException.class, () -> client.executeRead(tx -> tx.run("RETURN 1")));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.code());
      assertNotNull(e.retryPushback());
      assertTrue(e.isRetryable());
    }
  }

  @Test
  void aTransactionAbortedForIdlingRunsAgain() throws InterruptedException {
    try (GraphRpcClient client = GraphRpcClient.connect(server.endpoint, OwnServer.TOKEN)) {
      Thread.sleep(1100); // a full bucket
      AtomicInteger attempts = new AtomicInteger();
      long x = client.executeRead(tx -> {
        if (attempts.incrementAndGet() == 1) {
          pause(Duration.ofMillis(1600)); // past the server's 1 s idle limit
        }
        return tx.run("RETURN 3 AS x").single().getLong("x");
      });
      assertEquals(3, x);
      assertEquals(2, attempts.get());
    }
  }

  private static long rateLimited() {
    return server.metric("graphrpc_calls_denied_total", "reason=\"rate_limited\"");
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
