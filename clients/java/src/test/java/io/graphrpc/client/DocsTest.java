package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.Guide;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/clients/java.md shows only code that runs here: every java block of the page must be
 * a part of example/Guide.java or example/Scenario.java, and the Guide's examples run.
 */
class DocsTest {
  private static final Path PAGE = Path.of("../../docs/clients/java.md");
  private static final Path EXAMPLES = Path.of("src/test/java/example");

  /** Lines without indentation and blank lines, so that a block may be indented differently. */
  private static String normalized(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    return String.join("\n", lines);
  }

  @Test
  void everyJavaBlockOfThePageIsInTheExamples() throws IOException {
    String examples = normalized(Files.readString(EXAMPLES.resolve("Guide.java")))
        + "\n" + normalized(Files.readString(EXAMPLES.resolve("Scenario.java")));
    Matcher block = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(PAGE));
    int blocks = 0;
    while (block.find()) {
      blocks++;
      String code = normalized(block.group(1));
      assertTrue(examples.contains(code), "this block of " + PAGE + " is not in the examples:\n" + code);
    }
    assertTrue(blocks >= 5, "the page has only " + blocks + " java blocks");
  }

  @Test
  void theGuidesExamplesRun() {
    try (GraphRpcClient client = Guide.connect(TestEnv.endpoint(), TestEnv.require("GRAPHRPC_TEST_TOKEN_WRITER"))) {
      assertEquals(5, Guide.run(client).size());
      assertEquals(5_000_050_000L, Guide.stream(client));
      long before = client.run("MATCH (m:Movie {title: 'The Crimson Mountain'}) RETURN coalesce(m.views, 0) AS v")
          .single().getLong("v");
      assertEquals(before + 1, Guide.transactions(client));
      assertEquals(0L, client.run("MATCH (d:Draft) RETURN count(d) AS c").single().get("c"));
      String code = Guide.errors(client);
      assertFalse(code == null || code.isEmpty());
    }
  }
}
