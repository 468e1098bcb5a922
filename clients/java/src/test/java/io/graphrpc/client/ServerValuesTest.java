package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every kind of value through the real server and database and back. */
class ServerValuesTest {
  private static GraphRpcClient client;

  @BeforeAll
  static void connect() {
    client = TestEnv.writer();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static Object echo(Object value) {
    Map<String, Object> params = new HashMap<>();
    params.put("v", value);
    return client.run("RETURN $v AS v", params).single().get("v");
  }

  @Test
  void scalarsComeBackUnchanged() {
    for (Object v : Arrays.asList(null, true, Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1.5, -0.0,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE, "", "héllo 🌍", "'; DROP")) {
      assertEquals(v, echo(v), "echo of " + v);
    }
    assertTrue(Double.isNaN((Double) echo(Double.NaN)));
    assertArrayEquals(new byte[] {0, 1, -128, 127}, (byte[]) echo(new byte[] {0, 1, -128, 127}));
  }

  @Test
  void listsAndMapsNest() {
    Object deep = 1L;
    for (int i = 0; i < 30; i++) {
      deep = List.of(deep);
    }
    assertEquals(deep, echo(deep));
    Map<String, Object> map = Map.of("a", List.of(1L, "x"), "b", Map.of("c", true), "empty", Map.of());
    assertEquals(map, echo(map));
    assertEquals(List.of(), echo(new ArrayList<>()));
    assertEquals(Arrays.asList(1L, null), echo(Arrays.asList(1, null)));
  }

  @Test
  void temporalValuesKeepNanosecondsOffsetsAndZones() {
    List<Object> values = List.of(
        LocalDate.of(2024, 2, 29),
        LocalDate.of(-9999, 1, 1),
        LocalTime.of(23, 59, 59, 999_999_999),
        OffsetTime.of(12, 0, 0, 1, ZoneOffset.ofHoursMinutes(5, 30)),
        LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_999_999),
        OffsetDateTime.of(2024, 6, 1, 12, 30, 0, 123_456_789, ZoneOffset.ofHours(-7)),
        ZonedDateTime.of(2024, 10, 27, 1, 30, 0, 5, ZoneId.of("Europe/London")),
        ZonedDateTime.of(1900, 1, 1, 0, 0, 0, 0, ZoneId.of("America/New_York")),
        new CypherDuration(14, -3, 86_401, 500));
    for (Object v : values) {
      assertEquals(v, echo(v), "echo of " + v);
    }
  }

  @Test
  void pointsIn2dAnd3d() {
    for (Point p : List.of(Point.of(Point.CARTESIAN, 1.5, -2), Point.of(Point.WGS_84, 2.35, 48.85),
        Point.of(Point.CARTESIAN_3D, 1, 2, 3), Point.of(Point.WGS_84_3D, 2.35, 48.85, 35))) {
      assertEquals(p, echo(p));
    }
  }

  @Test
  void nodesRelationshipsAndPathsFromTheDemoGraph() {
    Row row = client.run(
        "MATCH p = (a:Person)-[r:ACTED_IN]->(m:Movie) RETURN a, r, m, p LIMIT 1").single();
    Node person = assertInstanceOf(Node.class, row.get("a"));
    Relationship actedIn = assertInstanceOf(Relationship.class, row.get("r"));
    Node movie = assertInstanceOf(Node.class, row.get("m"));
    Path path = assertInstanceOf(Path.class, row.get("p"));
    assertTrue(person.labels().contains("Person"));
    assertInstanceOf(String.class, person.get("name"));
    assertEquals("ACTED_IN", actedIn.type());
    assertEquals(person.id(), actedIn.startNodeId());
    assertEquals(movie.id(), actedIn.endNodeId());
    assertEquals(List.of(person, movie), path.nodes());
    assertEquals(List.of(actedIn), path.relationships());
    assertEquals(1, path.length());
  }
}
