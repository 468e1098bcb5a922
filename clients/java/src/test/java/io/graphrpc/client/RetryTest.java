package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Managed transactions retry transient failures and honour grpc-retry-pushback-ms. A graphrpc
 * of its own (GRAPHRPC_BIN) with a rate limit of one call a second refuses the second call
 * at once with RESOURCE_EXHAUSTED and a pushback, and rolls back a transaction idle for a
 * second with ABORTED: real transient failures, not stand-ins.
 */
class RetryTest {
  private static final String TOKEN = "retry-test-token";
  private static Process server;
  private static String endpoint;
  private static URI metrics;

  @BeforeAll
  static void startServer() throws Exception {
    var dir = Files.createTempDirectory("graphrpc-java-retry");
    var access = dir.resolve("access.yaml");
    Files.writeString(access, "tokens:\n  - principal: limited\n    sha256: " + sha256(TOKEN)
        + "\n    role: writer\n    raw_cypher: true\n");
    int port = freePort();
    int adminPort = freePort();
    var builder = new ProcessBuilder(TestEnv.require("GRAPHRPC_BIN"), "serve",
        "--listen", "127.0.0.1:" + port, "--admin-listen", "127.0.0.1:" + adminPort,
        "--access-file", access.toString());
    Map<String, String> env = builder.environment();
    env.put("NEO4J_URI", TestEnv.require("GRAPHRPC_TEST_NEO4J_URI"));
    env.put("NEO4J_USERNAME", TestEnv.require("GRAPHRPC_TEST_NEO4J_USERNAME"));
    env.put("NEO4J_PASSWORD", TestEnv.require("GRAPHRPC_TEST_NEO4J_PASSWORD"));
    env.put("NEO4J_DATABASE", TestEnv.require("GRAPHRPC_TEST_NEO4J_DATABASE"));
    env.put("GRAPHRPC_RATE_LIMIT", "1");
    env.put("GRAPHRPC_RATE_BURST", "1");
    env.put("GRAPHRPC_TX_IDLE_TIMEOUT", "1s");
    env.put("GRAPHRPC_LOG", "warn");
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    server = builder.start();
    endpoint = "http://127.0.0.1:" + port;
    metrics = URI.create("http://127.0.0.1:" + adminPort + "/metrics");
    HttpClient http = HttpClient.newHttpClient();
    var ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
        .timeout(Duration.ofSeconds(1)).build();
    for (int i = 0; i < 300; i++) {
      if (!server.isAlive()) {
        fail("graphrpc exited: " + Files.readString(dir.resolve("server.log")));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    fail("graphrpc never became ready: " + Files.readString(dir.resolve("server.log")));
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    if (server != null) {
      server.destroy();
      server.waitFor();
    }
  }

  @Test
  void aRefusalWithAPushbackIsRetriedAfterIt() throws InterruptedException {
    try (GraphRpcClient client = GraphRpcClient.connect(endpoint, TOKEN)) {
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
    try (GraphRpcClient client = GraphRpcClient.builder(endpoint).token(TOKEN).maxRetryTime(Duration.ZERO).build()) {
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
    try (GraphRpcClient client = GraphRpcClient.connect(endpoint, TOKEN)) {
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

  /** graphrpc's count of calls refused by the rate limit, from its metrics. */
  private static long rateLimited() {
    try {
      String text = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
          .body();
      return text.lines()
          .filter(line -> line.startsWith("graphrpc_calls_denied_total{reason=\"rate_limited\"}"))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String sha256(String text) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
