package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client's calls and errors against the real server. */
class ClientTest {
  private static GraphRpcClient client;
  // Long enough to outlive a 100 ms deadline, short enough that ArcadeDB (which finishes a
  // stopped statement anyway, holding one of its few query slots) is soon done with it.
  private static final String SLOW =
      "UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*) AS c";

  @BeforeAll
  static void connect() {
    client = TestEnv.writer();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static long count(String tag) {
    return client.run("MATCH (n:JavaClientTest {tag: $tag}) RETURN count(n) AS c", Map.of("tag", tag))
        .single()
        .getLong("c");
  }

  record Movie(String title, long released, String genre) {}

  @Test
  void aNamedQueryMapsIntoARecord() {
    Result result = client.runNamed("movies.by_title", Map.of("title", "The Crimson Mountain"));
    Movie movie = result.single().as(Movie.class);
    assertEquals("The Crimson Mountain", movie.title());
    assertEquals(List.of("title", "released", "runtime", "genre"), result.keys());
    NotFoundException unknown =
        assertThrows(NotFoundException.class, () -> client.runNamed("no.such.query", Map.of()));
    assertEquals(Status.Code.NOT_FOUND, unknown.code());
  }

  @Test
  void aSyntaxErrorIsInvalidArgumentWithTheNeo4jCode() {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> client.run("RETURN 1 +"));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertEquals("NEO4J_CLIENT_ERROR", e.reason());
    assertTrue(e.neo4jCode().startsWith("Neo.ClientError.Statement."), e.neo4jCode());
  }

  @Test
  void aResultOverTheRowLimitIsResourceExhausted() {
    ResourceExhaustedException e = assertThrows(
        ResourceExhaustedException.class,
        () -> client.run(Query.of("UNWIND range(1, 11) AS i RETURN i").withMaxRows(10)));
    assertEquals("ROW_LIMIT_EXCEEDED", e.reason());
    assertFalse(e.isRetryable());
  }

  @Test
  void aReaderCannotWrite() {
    try (GraphRpcClient reader = TestEnv.reader()) {
      PermissionDeniedException e = assertThrows(
          PermissionDeniedException.class, () -> reader.run("CREATE (:JavaClientTest {tag: 'reader'})"));
      assertEquals(Status.Code.PERMISSION_DENIED, e.code());
    }
    assertEquals(0, count("reader"));
  }

  @Test
  void aCallWithoutATokenIsUnauthenticated() {
    try (GraphRpcClient anonymous = GraphRpcClient.builder(TestEnv.endpoint()).build()) {
      AuthenticationException e = assertThrows(AuthenticationException.class, () -> anonymous.run("RETURN 1"));
      assertEquals(Status.Code.UNAUTHENTICATED, e.code());
    }
  }

  @Test
  void theDefaultDeadlineStopsASlowQueryAndTheClientGoesOn() {
    try (GraphRpcClient hasty = GraphRpcClient.builder(TestEnv.endpoint())
        .token(TestEnv.require("GRAPHRPC_TEST_TOKEN_WRITER"))
        .defaultTimeout(Duration.ofMillis(100))
        .build()) {
      long start = System.nanoTime();
      DeadlineExceededException e = assertThrows(DeadlineExceededException.class, () -> hasty.run(SLOW));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.code());
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos(), "took too long");
      assertEquals(1L, hasty.run("RETURN 1 AS x").single().get("x"));
    }
  }

  @Test
  void aBatchFailingAtStatement3LeavesNothingBehind() {
    String tag = UUID.randomUUID().toString();
    Map<String, Object> p = Map.of("tag", tag);
    GraphRpcException e = assertThrows(GraphRpcException.class, () -> client.batch(List.of(
        Statement.of("CREATE (:JavaClientTest {tag: $tag, n: 0})", p),
        Statement.of("CREATE (:JavaClientTest {tag: $tag, n: 1})", p),
        Statement.of("RETURN 1 +", p))));
    // The third statement: statement_index counts from 0.
    assertEquals(2, e.statementIndex().orElse(-1), e.getMessage());
    assertEquals(0, count(tag));
    BatchResult ok = client.batch(List.of(
        Statement.of("CREATE (:JavaClientTest {tag: $tag})", p),
        Statement.of("MATCH (n:JavaClientTest {tag: $tag}) RETURN count(n) AS c", p)));
    assertEquals(1L, ok.results().get(1).single().get("c"));
    assertEquals(1, ok.results().get(0).summary().counters().nodesCreated());
  }

  @Test
  void anExplicitTransactionCommitsOrRollsBack() {
    String tag = UUID.randomUUID().toString();
    Map<String, Object> p = Map.of("tag", tag);
    try (Transaction tx = client.beginTransaction()) {
      tx.run("CREATE (:JavaClientTest {tag: $tag})", p);
      assertEquals(1L, tx.run("MATCH (n:JavaClientTest {tag: $tag}) RETURN count(n) AS c", p).single().get("c"));
      tx.rollback();
    }
    assertEquals(0, count(tag));
    try (Transaction tx = client.beginTransaction()) {
      tx.run("CREATE (:JavaClientTest {tag: $tag})", p);
    } // closed without a commit: rolled back
    assertEquals(0, count(tag));
    String bookmark;
    try (Transaction tx = client.beginTransaction()) {
      tx.run("CREATE (:JavaClientTest {tag: $tag})", p);
      bookmark = tx.commit();
    }
    assertEquals(1, count(tag));
    if (!bookmark.isEmpty()) {
      assertEquals(List.of(bookmark), client.bookmarks(), "the next call carries the commit's bookmark");
    }
  }

  @Test
  void aFailedStatementEndsTheTransactionNamingIt() {
    String tag = UUID.randomUUID().toString();
    Transaction tx = client.beginTransaction();
    tx.run("CREATE (:JavaClientTest {tag: $tag})", Map.of("tag", tag));
    GraphRpcException e = assertThrows(GraphRpcException.class, () -> tx.run("RETURN 1 +"));
    assertEquals(1, e.statementIndex().orElse(-1), e.getMessage());
    assertFalse(tx.isOpen());
    tx.close();
    assertEquals(0, count(tag));
  }

  @Test
  void managedTransactionsCommitTheirWorkAndRollBackOnAnException() {
    String tag = UUID.randomUUID().toString();
    Map<String, Object> p = Map.of("tag", tag);
    long created = client.executeWrite(tx ->
        tx.run("CREATE (:JavaClientTest {tag: $tag})", p).summary().counters().nodesCreated());
    assertEquals(1, created);
    assertThrows(IllegalStateException.class, () -> client.executeWrite(tx -> {
      tx.run("CREATE (:JavaClientTest {tag: $tag})", p);
      throw new IllegalStateException("changed my mind");
    }));
    assertEquals(1, count(tag));
    assertEquals(1L, (long) client.executeRead(tx ->
        tx.run("MATCH (n:JavaClientTest {tag: $tag}) RETURN count(n) AS c", p).single().getLong("c")));
  }

  @Test
  void anUnsupportedParameterIsRefusedBeforeTheCall() {
    IllegalArgumentException e = assertThrows(
        IllegalArgumentException.class, () -> client.run("RETURN $x", Map.of("x", new StringBuilder())));
    assertTrue(e.getMessage().startsWith("params.x:"), e.getMessage());
  }
}
