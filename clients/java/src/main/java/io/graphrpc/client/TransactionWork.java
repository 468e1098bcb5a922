package io.graphrpc.client;

/**
 * The work of a managed transaction. It may run more than once (after a transient failure),
 * so it must not have effects outside the transaction that cannot be repeated.
 *
 * @param <T> what the work returns
 */
@FunctionalInterface
public interface TransactionWork<T> {
  /** Runs the work in {@code tx}; the caller commits or rolls back. */
  T execute(Transaction tx);
}
