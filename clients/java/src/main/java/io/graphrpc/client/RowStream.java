package io.graphrpc.client;

import io.graphrpc.v1.Header;
import io.graphrpc.v1.RowBatch;
import io.graphrpc.v1.RunNamedStreamResponse;
import io.graphrpc.v1.RunStreamResponse;
import io.grpc.Context;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A streamed result: iterate it (or {@link #stream()} it) and close it. Rows arrive one batch
 * at a time as they are read, so any result fits in bounded memory; closing before the end
 * cancels the call, which stops the query on the server. Use it in try-with-resources.
 */
public final class RowStream implements Iterator<Row>, AutoCloseable {
  /** One message of a streamed result, whichever RPC sent it: exactly one part is set. */
  record Part(Header header, RowBatch rows, io.graphrpc.v1.Summary summary) {}

  static Part part(RunStreamResponse m) {
    return new Part(m.hasHeader() ? m.getHeader() : null, m.hasRows() ? m.getRows() : null,
        m.hasSummary() ? m.getSummary() : null);
  }

  static Part part(RunNamedStreamResponse m) {
    return new Part(m.hasHeader() ? m.getHeader() : null, m.hasRows() ? m.getRows() : null,
        m.hasSummary() ? m.getSummary() : null);
  }

  private final Context.CancellableContext context;
  private final Iterator<Part> responses;
  private final Consumer<Summary> onSummary;
  private final List<String> keys;
  private Iterator<io.graphrpc.v1.Row> batch = Collections.emptyIterator();
  private Summary summary;
  private boolean closed;

  private RowStream(
      Context.CancellableContext context, Iterator<Part> responses, Consumer<Summary> onSummary) {
    this.context = context;
    this.responses = responses;
    this.onSummary = onSummary;
    Part first = read();
    if (first == null || first.header() == null) {
      close();
      throw new IllegalStateException("the server's stream did not start with a header");
    }
    this.keys = Protos.keys(first.header().getKeysList());
  }

  /** Starts the call in a context of its own, which {@link #close()} cancels. */
  static <M> RowStream open(
      Supplier<Iterator<M>> call, Function<M, Part> decode, Consumer<Summary> onSummary) {
    Context.CancellableContext context = Context.current().withCancellation();
    Iterator<M> messages;
    Context previous = context.attach();
    try {
      messages = call.get();
    } catch (RuntimeException e) {
      context.cancel(null);
      throw Errors.from(e);
    } finally {
      context.detach(previous);
    }
    Iterator<Part> parts = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return messages.hasNext();
      }

      @Override
      public Part next() {
        return decode.apply(messages.next());
      }
    };
    return new RowStream(context, parts, onSummary);
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
      Part message = read();
      if (message == null) {
        close();
        throw new IllegalStateException("the server's stream ended without a summary");
      }
      if (message.rows() != null) {
        batch = message.rows().getRowsList().iterator();
      } else if (message.summary() != null) {
        summary = Protos.summary(message.summary());
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

  private Part read() {
    try {
      return responses.hasNext() ? responses.next() : null;
    } catch (RuntimeException e) {
      closed = true;
      context.cancel(null);
      throw Errors.from(e);
    }
  }
}
