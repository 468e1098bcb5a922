package io.graphrpc.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The 1M-row stream through this client, against a graphrpc of its own (GRAPHRPC_BIN: use a
 * release build). Not part of make test: clients/java/bench.sh runs it. Prints rows/s per
 * run, the client's heap and RSS, and the server's RSS, sampled every 100 000 rows.
 */
@Tag("bench")
class StreamBenchTest {
  private static final String QUERY = "UNWIND range(1, $n) AS i RETURN i, 'row-' + toString(i) AS s";

  @Test
  void streamAMillionRows() throws Exception {
    long rows = Long.parseLong(System.getenv().getOrDefault("BENCH_STREAM_ROWS", "1000000"));
    int runs = Integer.parseInt(System.getenv().getOrDefault("BENCH_RUNS", "5"));
    try (OwnServer server = OwnServer.start(Map.of());
        GraphRpcClient client = GraphRpcClient.connect(server.endpoint, OwnServer.TOKEN)) {
      stream(client, server, 100_000); // warm-up: JIT, connections
      System.out.printf("server RSS before: %d MiB; client RSS before: %d MiB%n",
          rssKiB(server.pid(), "VmRSS") >> 10, rssKiB(ProcessHandle.current().pid(), "VmRSS") >> 10);
      var os = (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      for (int run = 1; run <= runs; run++) {
        long start = System.nanoTime();
        long clientCpu = os.getProcessCpuTime();
        long serverCpu = cpuTicks(server.pid());
        long[] peaks = stream(client, server, rows);
        double seconds = (System.nanoTime() - start) / 1e9;
        // CPU seconds of each side per run: where the time goes, whatever the wall clock.
        double clientCpuSeconds = (os.getProcessCpuTime() - clientCpu) / 1e9;
        double serverCpuSeconds = (cpuTicks(server.pid()) - serverCpu) / 100.0;
        System.out.printf("run %d: %d rows in %.2f s = %.0f rows/s; CPU client %.2f s, server %.2f s;"
                + " peak client heap %d MiB, client RSS %d MiB, server RSS %d MiB%n",
            run, rows, seconds, rows / seconds, clientCpuSeconds, serverCpuSeconds,
            peaks[0] >> 20, peaks[1] >> 10, peaks[2] >> 10);
      }
    }
  }

  /** Streams {@code rows} rows; returns peak client heap (bytes), client and server RSS (KiB). */
  private static long[] stream(GraphRpcClient client, OwnServer server, long rows) throws IOException {
    long[] peaks = new long[3];
    long seen = 0;
    Runtime rt = Runtime.getRuntime();
    try (RowStream stream = client.stream(Query.of(QUERY, Map.of("n", rows)).withBatchSize(1000))) {
      while (stream.hasNext()) {
        stream.next();
        seen++;
        if (seen % 100_000 == 0) {
          peaks[0] = Math.max(peaks[0], rt.totalMemory() - rt.freeMemory());
          peaks[1] = Math.max(peaks[1], rssKiB(ProcessHandle.current().pid(), "VmRSS"));
          peaks[2] = Math.max(peaks[2], rssKiB(server.pid(), "VmRSS"));
        }
      }
    }
    assertEquals(rows, seen);
    return peaks;
  }

  /** utime + stime of a process, in clock ticks (100 a second on Linux). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }

  private static long rssKiB(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
