package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.Status;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Managed transactions retry transient failures and honour grpc-retry-pushback-ms. A graphrpc
 * of its own (GRAPHRPC_BIN) with a rate limit of one call a second refuses the second call
 * at once with RESOURCE_EXHAUSTED and a pushback: a real transient refusal, not a stand-in.
 */
class RetryTest {
  private static final String TOKEN = "retry-test-token";
  private static Process server;
  private static String endpoint;

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
    env.put("GRAPHRPC_LOG", "warn");
    builder.redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile());
    server = builder.start();
    endpoint = "http://127.0.0.1:" + port;
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
      long start = System.nanoTime();
      long x = client.executeRead(tx -> tx.run("RETURN 2 AS x").single().getLong("x"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(2, x);
      // The bucket refills in a second; the client's own first backoff is 100 ms, so only
      // the server's pushback explains waiting this long before the retry succeeded.
      assertTrue(took.compareTo(Duration.ofMillis(600)) > 0, "retried after " + took.toMillis() + " ms");
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
