// Managed transactions: the work runs in a transaction that is committed when it returns,
// and is run again after a transient failure, within a time budget, as Neo4j's drivers do.

import { setTimeout as delay } from "node:timers/promises";
import { GraphRpcError, UsageError, errorFor } from "./errors.js";
import { toGraphRpcError } from "./conversions/errors.js";
import type { Transaction } from "./transaction.js";

export interface RetryPolicy {
  /** The first pause; each later one doubles, up to maxBackoffMs, half of it random. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialBackoffMs: 100, maxBackoffMs: 5_000 };

function backoff(policy: RetryPolicy, failures: number): number {
  const pause = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** Math.min(failures - 1, 20));
  return pause / 2 + (Math.random() * pause) / 2;
}

async function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    throw errorFor("CANCELLED", "the managed transaction was cancelled while waiting to retry", {}, error);
  }
}

/** Where a failure happened: while the work ran, or at the commit. */
class CommitFailed extends Error {
  constructor(readonly error: unknown) {
    super("the commit failed");
  }
}

/**
 * Runs `work` in transactions opened by `begin()` until one commits. A failure is
 * retried when it is retryable (see GraphRpcError.retryable) and the pause fits in the budget;
 * the pause is the server's `grpc-retry-pushback-ms` when it sent one. A failed commit is
 * retried only when the database itself refused it (a transient error, or ABORTED): after a
 * lost connection the commit may have been applied, and running the work again could apply
 * it twice.
 */
export async function runManaged<T>(
  begin: () => Promise<Transaction>,
  work: (tx: Transaction) => Promise<T>,
  budgetMs: number,
  signal: AbortSignal | undefined,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let failures = 1; ; failures++) {
    let tx: Transaction | undefined;
    try {
      tx = await begin();
      const result = await work(tx);
      if (tx.state !== "open") {
        throw new UsageError(
          `the work ${tx.state === "failed" ? "failed" : `left the transaction ${tx.state}`}; ` +
            "a managed transaction is committed by executeRead/executeWrite, not by the work",
        );
      }
      try {
        await tx.commit();
      } catch (error) {
        throw new CommitFailed(error);
      }
      return result;
    } catch (thrown) {
      const atCommit = thrown instanceof CommitFailed;
      const error = toGraphRpcError(atCommit ? thrown.error : thrown);
      if (tx?.state === "open") await tx.rollback().catch(() => undefined);
      if (!(error instanceof GraphRpcError) || !error.retryable) throw error;
      // After Commit was sent, only a refusal that says nothing was applied may be retried.
      if (atCommit && error.code !== "ABORTED" && error.domain !== "graphrpc.dev/neo4j") throw error;
      const pause = error.retryPushbackMs ?? backoff(policy, failures);
      if (Date.now() + pause >= deadline) throw error;
      await sleep(pause, signal);
    }
  }
}
