/**
 * Server-side retry of an autocommit statement that failed with 40001. PostgreSQL at READ
 * COMMITTED never reports a serialization failure for a lone UPDATE: it waits for the other
 * writer and re-evaluates the row. Our first-committer-wins MVCC fails the later committer
 * instead, so SqlPortal re-runs such a statement in a fresh transaction, which is equivalent
 * to the statement having started a little later.
 *
 * - A retry is allowed only when the statement was its whole implicit transaction (no block,
 *   not one of several statements of a simple-query batch), is a query or DML (not utility,
 *   COPY or EXPLAIN), and nothing of its result has reached the client yet.
 * - Repeating the statement repeats only effects that are safe to repeat: its KV writes were
 *   rolled back; nextval values are consumed twice, as any failed statement consumes them.
 * - At most AUTOCOMMIT_RETRIES_MAX retries; the error of the last attempt goes to the client.
 * - Between attempts the event loop runs (the winner's commit becomes visible), then a short
 *   jittered delay that doubles up to AUTOCOMMIT_BACKOFF_MS_MAX.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

export const AUTOCOMMIT_RETRIES_MAX = 20;
export const AUTOCOMMIT_BACKOFF_MS_MAX = 8;

/** Whether `error` is a serialization failure a fresh transaction may cure. */
export function isAutocommitRetryable(error: unknown): boolean {
  return error instanceof SqlError && error.code === SQLSTATE.serializationFailure;
}

/** Waits before retry number `attempt` (0-based). */
export function autocommitBackoff(attempt: number): Promise<void> {
  if (attempt < 2) return new Promise((resolve) => setImmediate(resolve));
  const delayMs = Math.random() * Math.min(AUTOCOMMIT_BACKOFF_MS_MAX, 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}
