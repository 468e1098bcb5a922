package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every shared conformance vector (GRAPHRPC_TEST_CONFORMANCE) through this client. The value
 * vectors run first and the error vectors in file order (its deadline vectors last), as the
 * vectors' README asks: ArcadeDB finishes a stopped statement anyway, in one of its few slots.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConformanceTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static GraphRpcClient writer;

  @BeforeAll
  static void connect() {
    writer = TestEnv.writer();
  }

  @AfterAll
  static void close() {
    writer.close();
  }

  private static JsonNode vectors(String file) throws IOException {
    JsonNode root = MAPPER.readTree(Path.of(TestEnv.require("GRAPHRPC_TEST_CONFORMANCE"), file).toFile());
    assertEquals(1, root.get("format").intValue(), file + ": a format this suite does not know");
    assertTrue(root.get("vectors").size() > 0, file + " has no vectors");
    return root.get("vectors");
  }

  private static Map<String, Object> params(JsonNode params) {
    Map<String, Object> out = new HashMap<>();
    if (params != null) {
      params.properties().forEach(e -> out.put(e.getKey(), Canonical.toJava(e.getValue())));
    }
    return out;
  }

  @TestFactory
  @Order(1)
  Stream<DynamicTest> valueVectors() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode vector : vectors("values.json")) {
      tests.add(DynamicTest.dynamicTest(vector.get("name").textValue(), () -> {
        Object value = writer.run(vector.get("cypher").textValue(), params(vector.get("params"))).single().get("v");
        JsonNode actual = Canonical.fromJava(value);
        assertTrue(Canonical.equal(vector.get("expect"), actual),
            "expected " + vector.get("expect") + "\n but got " + actual);
      }));
    }
    return tests.stream();
  }

  @TestFactory
  @Order(2)
  Stream<DynamicTest> errorVectors() throws IOException {
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode template : vectors("errors.json")) {
      tests.add(DynamicTest.dynamicTest(template.get("name").textValue(), () -> {
        JsonNode vector = unique(template, "Conformance_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        // Setup may hold schema commands, which need the admin role.
        try (GraphRpcClient admin = TestEnv.admin()) {
          for (JsonNode statement : iterable(vector.get("setup"))) {
            admin.run(statement.textValue());
          }
        }
        GraphRpcException e = assertThrows(GraphRpcException.class, () -> call(vector));
        JsonNode expect = vector.get("expect");
        assertEquals(expect.get("code").textValue(), e.code().name(), e.getMessage());
        if (expect.has("reason")) {
          String reason = expect.get("reason").isNull() ? "" : expect.get("reason").textValue();
          assertEquals(reason, e.reason(), "ErrorInfo reason of: " + e.getMessage());
        }
        if (expect.has("domain")) {
          assertEquals(expect.get("domain").textValue(), e.domain());
        }
        for (JsonNode entry : iterable(expect.get("metadata") == null ? null : fieldsOf(expect.get("metadata")))) {
          assertEquals(entry.get("value").textValue(), e.metadata().get(entry.get("key").textValue()),
              "metadata " + entry.get("key") + " of " + e.metadata());
        }
        if (expect.has("field")) {
          assertTrue(e.fieldViolations().containsKey(expect.get("field").textValue()),
              "field violations " + e.fieldViolations().keySet() + " of: " + e.getMessage());
        }
        JsonNode after = vector.get("after");
        if (after != null) {
          Object value = writer.run(after.get("cypher").textValue()).single().get("v");
          assertTrue(Canonical.equal(after.get("expect"), Canonical.fromJava(value)),
              "after: expected " + after.get("expect") + " but got " + Canonical.fromJava(value));
        }
      }));
    }
    return tests.stream();
  }

  /** Runs the vector's call through the client's own API. */
  private static void call(JsonNode vector) {
    JsonNode request = vector.get("request");
    JsonNode tokenNode = vector.get("token");
    GraphRpcClient.Builder builder = GraphRpcClient.builder(TestEnv.endpoint());
    if (!tokenNode.isNull()) {
      String token = switch (tokenNode.textValue()) {
        case "writer" -> TestEnv.require("GRAPHRPC_TEST_TOKEN_WRITER");
        case "reader" -> TestEnv.require("GRAPHRPC_TEST_TOKEN_READER");
        default -> tokenNode.textValue();
      };
      builder.token(token);
    }
    if (vector.has("deadline_ms")) {
      builder.defaultTimeout(Duration.ofMillis(vector.get("deadline_ms").longValue()));
    }
    try (GraphRpcClient client = builder.build()) {
      switch (vector.get("call").textValue()) {
        case "run" -> {
          Query q = Query.of(request.get("cypher").textValue(), params(request.get("params")));
          if (request.has("max_rows")) {
            q = q.withMaxRows(request.get("max_rows").intValue());
          }
          if (request.has("timeout_ms")) {
            q = q.withTimeout(Duration.ofMillis(request.get("timeout_ms").longValue()));
          }
          client.run(q);
        }
        case "run_named" -> client.runNamed(request.get("name").textValue(), params(request.get("params")));
        case "run_batch" -> {
          List<Statement> statements = new ArrayList<>();
          for (JsonNode s : request.get("statements")) {
            statements.add(Statement.of(s.get("cypher").textValue(), params(s.get("params"))));
          }
          client.batch(statements);
        }
        default -> throw new IllegalArgumentException("unknown call " + vector.get("call"));
      }
    }
  }

  private static JsonNode unique(JsonNode node, String unique) {
    if (node.isTextual()) {
      return TextNode.valueOf(node.textValue().replace("{unique}", unique));
    }
    if (node.isArray()) {
      ArrayNode out = MAPPER.createArrayNode();
      node.forEach(item -> out.add(unique(item, unique)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = MAPPER.createObjectNode();
      node.properties().forEach(e -> out.set(e.getKey(), unique(e.getValue(), unique)));
      return out;
    }
    return node;
  }

  private static JsonNode fieldsOf(JsonNode object) {
    ArrayNode out = MAPPER.createArrayNode();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      out.add(MAPPER.createObjectNode().put("key", e.getKey()).set("value", e.getValue()));
    }
    return out;
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    return node == null ? List.of() : node;
  }
}
