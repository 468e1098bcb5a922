package io.graphrpc.client;

import graphrpc.v1.Common;
import graphrpc.v1.Query.RunStreamResponse;
import io.grpc.Context;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed result: iterate it (or {@link #stream()} it) and close it. Rows arrive one batch
 * at a time as they are read, so any result fits in bounded memory; closing before the end
 * cancels the call, which stops the query on the server. Use it in try-with-resources.
 */
public final class RowStream implements Iterator<Row>, AutoCloseable {
  private final Context.CancellableContext context;
  private final Iterator<RunStreamResponse> responses;
  private final Consumer<Summary> onSummary;
  private final List<String> keys;
  private Iterator<Common.Row> batch = Collections.emptyIterator();
  private Summary summary;
  private boolean closed;

  private RowStream(
      Context.CancellableContext context,
      Iterator<RunStreamResponse> responses,
      Consumer<Summary> onSummary) {
    this.context = context;
    this.responses = responses;
    this.onSummary = onSummary;
    RunStreamResponse first = read();
    if (first == null || !first.hasHeader()) {
      close();
      throw new IllegalStateException("the server's stream did not start with a header");
    }
    this.keys = Protos.keys(first.getHeader().getKeysList());
  }

  /** Starts the call in a context of its own, which {@link #close()} cancels. */
  static RowStream open(Supplier<Iterator<RunStreamResponse>> call, Consumer<Summary> onSummary) {
    Context.CancellableContext context = Context.current().withCancellation();
    Iterator<RunStreamResponse> responses;
    Context previous = context.attach();
    try {
      responses = call.get();
    } catch (RuntimeException e) {
      context.cancel(null);
      throw Errors.from(e);
    } finally {
      context.detach(previous);
    }
    return new RowStream(context, responses, onSummary);
  }

  /** The column names. */
  public List<String> keys() {
    return keys;
  }

  /** The summary, once every row was read; null before. */
  public Summary summary() {
    return summary;
  }

  @Override
  public boolean hasNext() {
    while (!batch.hasNext()) {
      if (summary != null || closed) {
        return false;
      }
      RunStreamResponse message = read();
      if (message == null) {
        close();
        throw new IllegalStateException("the server's stream ended without a summary");
      }
      if (message.hasRows()) {
        batch = message.getRows().getRowsList().iterator();
      } else if (message.hasSummary()) {
        summary = Protos.summary(message.getSummary());
        closed = true;
        context.cancel(null); // the call is complete; this only releases the context
        onSummary.accept(summary);
      }
    }
    return true;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows");
    }
    return Protos.row(keys, batch.next());
  }

  /** The rows as a sequential Stream; closing the Stream closes this. */
  public Stream<Row> stream() {
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
            false)
        .onClose(this::close);
  }

  /** Stops reading: a call still running is cancelled, and the server stops the query. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      batch = Collections.emptyIterator();
      context.cancel(null);
    }
  }

  private RunStreamResponse read() {
    try {
      return responses.hasNext() ? responses.next() : null;
    } catch (RuntimeException e) {
      closed = true;
      context.cancel(null);
      throw Errors.from(e);
    }
  }
}
