package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming: bounded memory, order, early close. */
class StreamTest {
  private static GraphRpcClient client;

  @BeforeAll
  static void connect() {
    client = TestEnv.writer();
  }

  @AfterAll
  static void close() {
    client.close();
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    System.gc();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void aHundredThousandRowsOfAKilobyteStreamInFlatMemory() {
    String pad = "x".repeat(1000);
    long baseline = usedHeap();
    long peak = 0;
    long expected = 1;
    try (RowStream rows = client.stream("UNWIND range(1, 100000) AS i RETURN i, $pad AS pad", Map.of("pad", pad))) {
      while (rows.hasNext()) {
        Row row = rows.next();
        assertEquals(expected, row.getLong("i"));
        expected++;
        if (expected % 10_000 == 0) {
          peak = Math.max(peak, usedHeap() - baseline);
        }
      }
      assertEquals(100_000, rows.summary().rowCount());
    }
    assertEquals(100_001, expected);
    // About 200 MB of strings went by (UTF-16); a client holding on to them would show it.
    long bound = 32L << 20;
    assertTrue(peak < bound, "the heap grew by " + (peak >> 20) + " MiB while streaming (bound 32 MiB)");
    System.out.println("stream of 100 000 1 KiB rows: peak heap growth " + (peak >> 20) + " MiB");
  }

  @Test
  void closingAStreamEarlyCancelsTheQuery() {
    long start = System.nanoTime();
    try (Stream<Row> rows = client.stream(Query.of("UNWIND range(1, 1000000) AS i RETURN i").withBatchSize(100)).stream()) {
      assertEquals(10, rows.limit(10).count());
    }
    assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "closing took too long");
    // The server and its connection pool are free for the next call at once.
    assertEquals(1L, client.run("RETURN 1 AS x").single().get("x"));
  }

  @Test
  void aFailingStreamThrowsTheServersError() {
    // The database may fail before the first row or after some; either way the caller sees
    // the typed error, and the stream is over.
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> {
      try (RowStream rows = client.stream("UNWIND [1, 2, 0] AS i RETURN 10 / i AS x", Map.of())) {
        while (rows.hasNext()) {
          rows.next();
        }
      }
    });
    assertTrue(e.neo4jCode().startsWith("Neo.ClientError.Statement."), e.neo4jCode());
  }

  @Test
  void aNamedQueryStreams() {
    try (RowStream rows = client.streamNamed("genres.movie_counts", Map.of())) {
      assertEquals(java.util.List.of("genre", "movies"), rows.keys());
      assertTrue(rows.stream().count() > 0);
    }
  }
}
