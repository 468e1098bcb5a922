package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;

/** The server tests/clients.sh started; a missing setting fails the test, never skips it. */
final class TestEnv {
  private TestEnv() {}

  static String require(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      fail(name + " is not set: run the suite through tests/clients.sh (or clients/java/test.sh)");
    }
    return value;
  }

  static String endpoint() {
    return require("GRAPHRPC_TEST_ENDPOINT");
  }

  static GraphRpcClient client(String tokenVariable) {
    return GraphRpcClient.builder(endpoint())
        .token(require(tokenVariable))
        .defaultTimeout(Duration.ofSeconds(60))
        .build();
  }

  static GraphRpcClient writer() {
    return client("GRAPHRPC_TEST_TOKEN_WRITER");
  }

  /** Schema commands (a vector's setup) need the admin role. */
  static GraphRpcClient admin() {
    return client("GRAPHRPC_TEST_TOKEN_ADMIN");
  }

  static GraphRpcClient reader() {
    return client("GRAPHRPC_TEST_TOKEN_READER");
  }
}
