package example;

import io.graphrpc.client.AccessMode;
import io.graphrpc.client.GraphRpcClient;
import io.graphrpc.client.GraphRpcException;
import io.graphrpc.client.InvalidArgumentException;
import io.graphrpc.client.Query;
import io.graphrpc.client.Result;
import io.graphrpc.client.Row;
import io.graphrpc.client.RowStream;
import io.graphrpc.client.Transaction;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/** The examples of docs/clients/java.md, each a method that DocsTest runs. */
public final class Guide {
  private Guide() {}

  /** Connect. */
  public static GraphRpcClient connect(String endpoint, String token) {
    GraphRpcClient client = GraphRpcClient.builder(endpoint) // http://host:port or https://host:port
        .token(token)                                        // sent as "authorization: Bearer …"
        .defaultTimeout(Duration.ofSeconds(30))             // every call's deadline
        .build();
    return client;
  }

  record Person(String name, long born) {}

  /** Run a statement, read rows by name or as records. */
  public static List<Person> run(GraphRpcClient client) {
    Result result = client.run(
        "MATCH (p:Person) WHERE p.born >= $year RETURN p.name AS name, p.born AS born ORDER BY name LIMIT 5",
        Map.of("year", 1970));
    for (Row row : result.rows()) {
      String name = row.getString("name");
      long born = row.getLong("born");
      System.out.println(name + " " + born);
    }
    List<Person> people = result.list(Person.class);

    Result read = client.run(Query.of("RETURN $when AS when", Map.of(
            "when", ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris"))))
        .withAccessMode(AccessMode.READ)
        .withTimeout(Duration.ofSeconds(5)));
    ZonedDateTime when = (ZonedDateTime) read.single().get("when");
    System.out.println(when.getZone()); // Europe/Paris
    return people;
  }

  /** Stream a large result. */
  public static long stream(GraphRpcClient client) {
    long total = 0;
    try (RowStream rows = client.stream("UNWIND range(1, 100000) AS i RETURN i", Map.of())) {
      while (rows.hasNext()) {
        total += rows.next().getLong("i");
      }
    }
    try (var rows = client.stream("UNWIND range(1, 100000) AS i RETURN i", Map.of()).stream()) {
      rows.limit(10).forEach(row -> System.out.println(row.get("i"))); // closing cancels the rest
    }
    return total;
  }

  /** Transactions: managed, explicit, batches. */
  public static long transactions(GraphRpcClient client) {
    long views = client.executeWrite(tx -> {
      Row row = tx.run("MATCH (m:Movie {title: $title}) SET m.views = coalesce(m.views, 0) + 1 RETURN m.views AS views",
          Map.of("title", "The Crimson Mountain")).single();
      return row.getLong("views");
    });

    try (Transaction tx = client.beginTransaction()) {
      tx.run("CREATE (:Draft {id: $id})", Map.of("id", 1));
      tx.rollback(); // or tx.commit(); closing an open transaction rolls it back
    }
    return views;
  }

  /** Errors. */
  public static String errors(GraphRpcClient client) {
    try {
      client.run("RETURN 1 +");
    } catch (InvalidArgumentException e) {
      System.out.println(e.code() + " " + e.reason() + " " + e.neo4jCode());
      // INVALID_ARGUMENT NEO4J_CLIENT_ERROR Neo.ClientError.Statement.SyntaxError
      return e.neo4jCode();
    } catch (GraphRpcException e) { // every other failure
      System.out.println(e.code() + " " + e.reason() + " " + e.metadata() + " retryable: " + e.isRetryable());
    }
    return null;
  }
}
