package example;

import io.graphrpc.client.AuthenticationException;
import io.graphrpc.client.DeadlineExceededException;
import io.graphrpc.client.GraphRpcClient;
import io.graphrpc.client.GraphRpcException;
import io.graphrpc.client.Query;
import io.graphrpc.client.RowStream;
import io.graphrpc.client.Statement;
import io.graphrpc.client.Transaction;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The client scenario of the issue, as a user would write it: java example.Scenario URL TOKEN. */
public class Scenario {
  record Movie(String title, long released, String genre) {}

  public static void main(String[] args) {
    try (GraphRpcClient client = GraphRpcClient.connect(args[0], args[1])) {
      long answer = client.run("RETURN $x + 1 AS n", Map.of("x", 41)).single().getLong("n");
      System.out.println("parameterized: " + answer);

      try (RowStream rows = client.stream("UNWIND range(1, 100000) AS i RETURN i", Map.of())) {
        System.out.println("streamed: " + rows.stream().mapToLong(r -> r.getLong("i")).count());
      }

      client.executeWrite(tx -> tx.run("CREATE (:Scenario {kept: true})"));
      try (Transaction tx = client.beginTransaction()) {
        tx.run("CREATE (:Scenario {kept: false})");
        tx.rollback();
      }
      System.out.println("kept: " + client.run("MATCH (s:Scenario) RETURN collect(DISTINCT s.kept) AS k").single().get("k"));

      try {
        client.batch(List.of(Statement.of("CREATE (:Scenario {kept: false})"), Statement.of("RETURN 1"),
            Statement.of("RETURN 1 +")));
      } catch (GraphRpcException e) {
        System.out.println("batch failed at statement_index " + e.statementIndex().getAsInt() + ": " + e.code());
      }

      Movie movie = client.runNamed("movies.by_title", Map.of("title", "The Crimson Mountain")).single().as(Movie.class);
      System.out.println("named: " + movie);

      try {
        client.run(Query.of("UNWIND range(1, 3000000) AS i WITH i WHERE i % 1000 = 0 RETURN count(*)")
            .withTimeout(Duration.ofMillis(100)));
      } catch (DeadlineExceededException e) {
        System.out.println("deadline: " + e.code());
      }
    }
    try (GraphRpcClient anonymous = GraphRpcClient.builder(args[0]).build()) {
      anonymous.run("RETURN 1");
    } catch (AuthenticationException e) {
      System.out.println("no token: " + e.code());
    }
  }
}
