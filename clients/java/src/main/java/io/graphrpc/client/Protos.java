package io.graphrpc.client;

import io.graphrpc.v1.BatchStatement;
import io.graphrpc.v1.Begin;
import io.graphrpc.v1.RunBatchRequest;
import io.graphrpc.v1.RunBatchResponse;
import io.graphrpc.v1.RunNamedRequest;
import io.graphrpc.v1.RunNamedResponse;
import io.graphrpc.v1.RunNamedStreamRequest;
import io.graphrpc.v1.RunRequest;
import io.graphrpc.v1.RunResponse;
import io.graphrpc.v1.RunStreamRequest;
import io.graphrpc.v1.StatementResult;
import io.graphrpc.v1.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Requests and results between the client's types and the generated messages. */
final class Protos {
  private Protos() {}

  static io.graphrpc.v1.AccessMode accessMode(AccessMode mode) {
    if (mode == null) {
      return io.graphrpc.v1.AccessMode.ACCESS_MODE_UNSPECIFIED;
    }
    return mode == AccessMode.READ
        ? io.graphrpc.v1.AccessMode.ACCESS_MODE_READ
        : io.graphrpc.v1.AccessMode.ACCESS_MODE_WRITE;
  }

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  static RunRequest runRequest(Query q, List<String> bookmarks) {
    RunRequest.Builder b =
        RunRequest.newBuilder()
            .setCypher(cypher(q))
            .putAllParams(Values.toParams(q.params()))
            .setAccessMode(accessMode(q.accessMode()))
            .addAllBookmarks(bookmarks)
            .setMaxRows(nonNegative(q.maxRows(), "maxRows"))
            .setIdempotent(q.idempotent());
    if (q.database() != null) {
      b.setDatabase(q.database());
    }
    if (q.timeout() != null) {
      b.setTimeout(duration(q.timeout()));
    }
    return b.build();
  }

  static RunStreamRequest runStreamRequest(Query q, List<String> bookmarks) {
    RunStreamRequest.Builder b =
        RunStreamRequest.newBuilder()
            .setCypher(cypher(q))
            .putAllParams(Values.toParams(q.params()))
            .setAccessMode(accessMode(q.accessMode()))
            .addAllBookmarks(bookmarks)
            .setBatchSize(nonNegative(q.batchSize(), "batchSize"))
            .setIdempotent(q.idempotent());
    if (q.database() != null) {
      b.setDatabase(q.database());
    }
    if (q.timeout() != null) {
      b.setTimeout(duration(q.timeout()));
    }
    return b.build();
  }

  static RunNamedRequest runNamedRequest(String name, Map<String, ?> params, List<String> bookmarks) {
    return RunNamedRequest.newBuilder()
        .setName(queryName(name))
        .putAllParams(Values.toParams(params))
        .addAllBookmarks(bookmarks)
        .build();
  }

  static RunNamedStreamRequest runNamedStreamRequest(
      String name, Map<String, ?> params, List<String> bookmarks) {
    return RunNamedStreamRequest.newBuilder()
        .setName(queryName(name))
        .putAllParams(Values.toParams(params))
        .addAllBookmarks(bookmarks)
        .build();
  }

  static RunBatchRequest runBatchRequest(List<Statement> statements, List<String> bookmarks) {
    RunBatchRequest.Builder request = RunBatchRequest.newBuilder().addAllBookmarks(bookmarks);
    for (Statement s : statements) {
      request.addStatements(
          BatchStatement.newBuilder().setCypher(s.cypher()).putAllParams(Values.toParams(s.params())));
    }
    return request.build();
  }

  static Begin begin(AccessMode mode, List<String> bookmarks) {
    return Begin.newBuilder().setAccessMode(accessMode(mode)).addAllBookmarks(bookmarks).build();
  }

  private static String queryName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("name: the named query's name is empty");
    }
    return name;
  }

  private static String cypher(Query q) {
    if (q.cypher() == null || q.cypher().isBlank()) {
      throw new IllegalArgumentException("cypher: the statement is empty");
    }
    return q.cypher();
  }

  static int nonNegative(int value, String name) {
    if (value < 0) {
      throw new IllegalArgumentException(name + ": must be 0 or more, got " + value);
    }
    return value;
  }

  static List<String> keys(List<String> keys) {
    return List.copyOf(keys);
  }

  static Row row(List<String> keys, io.graphrpc.v1.Row row) {
    List<Value> values = row.getValuesList();
    if (values.size() != keys.size()) {
      throw new IllegalStateException(
          "the server sent a row of " + values.size() + " values for " + keys.size() + " keys");
    }
    return new Row(keys, Values.fromList(values));
  }

  static List<Row> rows(List<String> keys, List<io.graphrpc.v1.Row> rows) {
    List<Row> out = new ArrayList<>(rows.size());
    for (io.graphrpc.v1.Row row : rows) {
      out.add(row(keys, row));
    }
    return Collections.unmodifiableList(out);
  }

  static Result result(RunResponse r) {
    List<String> keys = keys(r.getKeysList());
    return new Result(keys, rows(keys, r.getRowsList()), summary(r.getSummary()));
  }

  static Result result(RunNamedResponse r) {
    List<String> keys = keys(r.getKeysList());
    return new Result(keys, rows(keys, r.getRowsList()), summary(r.getSummary()));
  }

  static Result result(StatementResult r) {
    List<String> keys = keys(r.getKeysList());
    return new Result(keys, rows(keys, r.getRowsList()), summary(r.getSummary()));
  }

  static BatchResult batch(RunBatchResponse r) {
    List<Result> results = new ArrayList<>();
    for (StatementResult s : r.getResultsList()) {
      results.add(result(s));
    }
    return new BatchResult(List.copyOf(results), r.getBookmark(), r.getAttempts());
  }

  static Summary summary(io.graphrpc.v1.Summary s) {
    io.graphrpc.v1.Counters c = s.getCounters();
    List<Summary.Notification> notes = new ArrayList<>();
    for (io.graphrpc.v1.Notification n : s.getNotificationsList()) {
      notes.add(
          new Summary.Notification(n.getCode(), n.getTitle(), n.getDescription(), n.getSeverity()));
    }
    return new Summary(
        s.getBookmark(),
        s.getDatabase(),
        queryType(s.getQueryTypeValue()),
        new Summary.Counters(
            c.getNodesCreated(),
            c.getNodesDeleted(),
            c.getRelationshipsCreated(),
            c.getRelationshipsDeleted(),
            c.getPropertiesSet(),
            c.getLabelsAdded(),
            c.getLabelsRemoved(),
            c.getIndexesAdded(),
            c.getIndexesRemoved(),
            c.getConstraintsAdded(),
            c.getConstraintsRemoved(),
            c.getSystemUpdates(),
            c.getContainsUpdates()),
        duration(s.getResultAvailableAfter()),
        duration(s.getResultConsumedAfter()),
        s.getRowCount(),
        List.copyOf(notes),
        s.getAttempts());
  }

  // By number, so that the names of the generated enum constants do not matter here.
  private static String queryType(int number) {
    return switch (number) {
      case 1 -> "READ_ONLY";
      case 2 -> "WRITE_ONLY";
      case 3 -> "READ_WRITE";
      case 4 -> "SCHEMA_WRITE";
      default -> "UNSPECIFIED";
    };
  }
}
