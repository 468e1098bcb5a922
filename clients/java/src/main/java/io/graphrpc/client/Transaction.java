package io.graphrpc.client;

import io.graphrpc.v1.Begin;
import io.graphrpc.v1.Commit;
import io.graphrpc.v1.GraphQueryServiceGrpc;
import io.graphrpc.v1.Rollback;
import io.graphrpc.v1.TransactionRequest;
import io.graphrpc.v1.TransactionResponse;
import io.graphrpc.v1.TransactionStatement;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * An explicit transaction: it lives exactly as long as one Transaction stream. Run
 * statements, then {@link #commit()} or {@link #rollback()}; {@link #close()} rolls back one
 * that is still open, so try-with-resources never leaves one behind. Not thread-safe.
 */
public final class Transaction implements AutoCloseable {
  private enum State {
    OPEN,
    COMMITTED,
    ROLLED_BACK,
    FAILED
  }

  /** The end of the response stream, as queued. */
  private static final Object END = new Object();

  private record Failure(Throwable error) {}

  private final BlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
  private final Consumer<String> onBookmark;
  private ClientCallStreamObserver<TransactionRequest> requests;
  private State state = State.OPEN;

  private Transaction(Consumer<String> onBookmark) {
    this.onBookmark = onBookmark;
  }

  static Transaction begin(GraphQueryServiceGrpc.GraphQueryServiceStub stub, Begin begin, Consumer<String> onBookmark) {
    Transaction tx = new Transaction(onBookmark);
    stub.transaction(tx.new Responses());
    tx.send(TransactionRequest.newBuilder().setBegin(begin).build());
    TransactionResponse begun = tx.take();
    if (!begun.hasBegun()) {
      tx.abandon();
      throw protocol("expected `begun`, got " + begun.getMessageCase());
    }
    return tx;
  }

  /** Runs a statement without parameters. */
  public Result run(String cypher) {
    return run(cypher, Map.of());
  }

  /**
   * Runs a statement and reads its whole result. A failure rolls the transaction back and
   * ends it; the exception's {@code statementIndex()} says which statement failed.
   */
  public Result run(String cypher, Map<String, ?> params) {
    requireOpen();
    TransactionStatement.Builder statement =
        TransactionStatement.newBuilder().setCypher(cypher).putAllParams(Values.toParams(params));
    send(TransactionRequest.newBuilder().setStatement(statement).build());
    TransactionResponse header = take();
    if (!header.hasHeader()) {
      abandon();
      throw protocol("expected a header, got " + header.getMessageCase());
    }
    List<String> keys = Protos.keys(header.getHeader().getKeysList());
    List<Row> rows = new ArrayList<>();
    while (true) {
      TransactionResponse message = take();
      if (message.hasRows()) {
        rows.addAll(Protos.rows(keys, message.getRows().getRowsList()));
      } else if (message.hasSummary()) {
        return new Result(keys, Collections.unmodifiableList(rows), Protos.summary(message.getSummary()));
      } else {
        abandon();
        throw protocol("expected rows or a summary, got " + message.getMessageCase());
      }
    }
  }

  /** Commits; returns the bookmark ("" when the server gives none). */
  public String commit() {
    requireOpen();
    send(TransactionRequest.newBuilder().setCommit(Commit.getDefaultInstance()).build());
    TransactionResponse committed = take();
    if (!committed.hasCommitted()) {
      abandon();
      throw protocol("expected `committed`, got " + committed.getMessageCase());
    }
    state = State.COMMITTED;
    finish();
    String bookmark = committed.getCommitted().getBookmark();
    onBookmark.accept(bookmark);
    return bookmark;
  }

  /** Rolls back: nothing the transaction did is kept. */
  public void rollback() {
    requireOpen();
    send(TransactionRequest.newBuilder().setRollback(Rollback.getDefaultInstance()).build());
    TransactionResponse rolledBack = take();
    if (!rolledBack.hasRolledBack()) {
      abandon();
      throw protocol("expected `rolled_back`, got " + rolledBack.getMessageCase());
    }
    state = State.ROLLED_BACK;
    finish();
  }

  /** Whether statements may still run (not committed, rolled back or failed). */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /** Rolls back a transaction that is still open; else does nothing. */
  @Override
  public void close() {
    if (state != State.OPEN) {
      return;
    }
    try {
      rollback();
    } catch (GraphRpcException e) {
      // The server rolls back a transaction whose stream ends, so cancelling is enough.
      abandon();
    }
  }

  private void requireOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException("the transaction is " + state.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  private void send(TransactionRequest request) {
    requests.onNext(request);
  }

  /** The next response; a failed call marks the transaction failed and throws. */
  private TransactionResponse take() {
    Object item;
    try {
      item = inbox.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abandon();
      throw new GraphRpcException(
          Status.Code.CANCELLED, "interrupted while waiting for the server", "", "", Map.of(), null, e);
    }
    if (item instanceof TransactionResponse response) {
      requests.request(1);
      return response;
    }
    state = State.FAILED;
    if (item instanceof Failure failure) {
      throw Errors.from(failure.error());
    }
    throw protocol("the server ended the transaction stream early");
  }

  /** Half-closes after the last answer and waits for the call to end. */
  private void finish() {
    requests.onCompleted();
    try {
      Object item = inbox.take();
      if (item instanceof Failure failure) {
        throw Errors.from(failure.error());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends the call from this side; the server rolls back whatever was open. */
  private void abandon() {
    if (state == State.OPEN) {
      state = State.FAILED;
    }
    requests.cancel("transaction abandoned by the client", null);
  }

  private static GraphRpcException protocol(String message) {
    return new GraphRpcException(Status.Code.INTERNAL, message, "", "", Map.of(), null, null);
  }

  /** Queues what the server sends; reads one message at a time (flow control). */
  private final class Responses implements ClientResponseObserver<TransactionRequest, TransactionResponse> {
    @Override
    public void beforeStart(ClientCallStreamObserver<TransactionRequest> stream) {
      requests = stream;
      stream.disableAutoRequestWithInitial(1);
    }

    @Override
    public void onNext(TransactionResponse value) {
      inbox.add(value);
    }

    @Override
    public void onError(Throwable t) {
      inbox.add(new Failure(t));
    }

    @Override
    public void onCompleted() {
      inbox.add(END);
    }
  }
}
