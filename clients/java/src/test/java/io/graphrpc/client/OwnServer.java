package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * A graphrpc of a test's own (GRAPHRPC_BIN, the suite's database), for settings the shared
 * server does not have and for reading its metrics. One writer token, {@link #TOKEN}.
 */
final class OwnServer implements AutoCloseable {
  static final String TOKEN = "own-server-test-token";

  private final Process process;
  private final Path log;
  final String endpoint;
  final int port;
  private final URI metrics;

  private OwnServer(Process process, Path log, int port, URI metrics) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.endpoint = "http://127.0.0.1:" + port;
    this.metrics = metrics;
  }

  static OwnServer start(Map<String, String> settings) throws IOException, InterruptedException {
    return start(settings, "");
  }

  /** A server with these settings and {@code moreAccess} appended to its access file. */
  static OwnServer start(Map<String, String> settings, String moreAccess)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("graphrpc-java-test");
    Path access = dir.resolve("access.yaml");
    Files.writeString(access, "tokens:\n  - principal: own\n    sha256: " + sha256(TOKEN)
        + "\n    role: writer\n    raw_cypher: true\n" + moreAccess);
    int port = freePort();
    int adminPort = freePort();
    ProcessBuilder builder = new ProcessBuilder(TestEnv.require("GRAPHRPC_BIN"), "serve",
        "--listen", "127.0.0.1:" + port, "--admin-listen", "127.0.0.1:" + adminPort,
        "--access-file", access.toString());
    Map<String, String> env = builder.environment();
    env.put("NEO4J_URI", TestEnv.require("GRAPHRPC_TEST_NEO4J_URI"));
    env.put("NEO4J_USERNAME", TestEnv.require("GRAPHRPC_TEST_NEO4J_USERNAME"));
    env.put("NEO4J_PASSWORD", TestEnv.require("GRAPHRPC_TEST_NEO4J_PASSWORD"));
    env.put("NEO4J_DATABASE", TestEnv.require("GRAPHRPC_TEST_NEO4J_DATABASE"));
    env.put("GRAPHRPC_LOG", "warn");
    env.putAll(settings);
    Path log = dir.resolve("server.log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    OwnServer server = new OwnServer(builder.start(), log, port,
        URI.create("http://127.0.0.1:" + adminPort + "/metrics"));
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/readyz"))
        .timeout(Duration.ofSeconds(1)).build();
    for (int i = 0; i < 300; i++) {
      if (!server.process.isAlive()) {
        fail("graphrpc exited: " + Files.readString(log));
      }
      try {
        if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return server;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    server.close();
    fail("graphrpc never became ready: " + Files.readString(log));
    return server;
  }

  /** The sum of the samples of metric {@code name} whose labels contain every one of {@code labels}. */
  long metric(String name, String... labels) {
    try {
      String text = HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
          .body();
      return text.lines()
          .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
          .filter(line -> java.util.Arrays.stream(labels).allMatch(line::contains))
          .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The server's process id (for its memory, in /proc). */
  long pid() {
    return process.pid();
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
