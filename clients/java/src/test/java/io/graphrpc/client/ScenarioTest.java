package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import example.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the example program of the scenario and checks what it printed. */
class ScenarioTest {
  @Test
  void theScenarioRunsAsWritten() {
    try (GraphRpcClient client = TestEnv.writer()) {
      client.run("MATCH (s:Scenario) DETACH DELETE s");
    }
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      Scenario.main(new String[] {TestEnv.endpoint(), TestEnv.require("GRAPHRPC_TEST_TOKEN_WRITER")});
    } finally {
      System.setOut(stdout);
    }
    List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
    stdout.println(String.join("\n", lines));
    assertEquals(List.of(
        "parameterized: 42",
        "streamed: 100000",
        "kept: [true]",
        "batch failed at statement_index 2: INVALID_ARGUMENT",
        "named: Movie[title=The Crimson Mountain, released=" + released() + ", genre=" + genre() + "]",
        "deadline: DEADLINE_EXCEEDED",
        "no token: UNAUTHENTICATED"), lines);
  }

  private static Row crimson() {
    try (GraphRpcClient client = TestEnv.writer()) {
      return client.run("MATCH (m:Movie {title: 'The Crimson Mountain'})-[:IN_GENRE]->(g:Genre) RETURN m.released AS r, g.name AS g",
          java.util.Map.of()).single();
    }
  }

  private static Object released() {
    return crimson().get("r");
  }

  private static Object genre() {
    return crimson().get("g");
  }
}
