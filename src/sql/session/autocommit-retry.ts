/**
 * Server-side re-run of an autocommit statement that lost a write race. PostgreSQL at READ
 * COMMITTED never reports a serialization failure for a lone UPDATE: it waits for the row lock
 * of the other writer and re-evaluates the row. Our first-committer-wins MVCC would fail the
 * later committer instead, so SqlPortal re-runs such a statement in a fresh transaction, which
 * is equivalent to the statement having started a little later.
 *
 * - A re-run is allowed only when the statement was its whole implicit transaction (no block,
 *   not one of several statements of a simple-query batch), is a query or DML (not utility,
 *   COPY or EXPLAIN), and nothing of its result has reached the client yet.
 * - Such a statement claims the key locks (mvcc key-locks.ts) of the rows it updates or deletes
 *   (ExecContext.claimRow). A row held by another statement throws RowLockWait: the statement
 *   rolls back (releasing its own claims, so it never waits while holding one: no deadlock) and
 *   re-runs once the holder has ended, on a snapshot that includes the holder's commit.
 * - Repeating the statement repeats only effects that are safe to repeat: its KV writes were
 *   rolled back; nextval values are consumed twice, as any failed statement consumes them.
 * - A wait for a row ends early with 57014 on a cancel request or statement_timeout (checked
 *   every ROW_WAIT_POLL_MS), as PostgreSQL's lock waits do.
 * - At most AUTOCOMMIT_RETRIES_MAX re-runs after a 40001 (with a jittered backoff, doubling up
 *   to AUTOCOMMIT_BACKOFF_MS_MAX) and AUTOCOMMIT_LOCK_WAITS_MAX after row lock waits; then the
 *   last error goes to the client.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

export const AUTOCOMMIT_RETRIES_MAX = 20;
export const AUTOCOMMIT_LOCK_WAITS_MAX = 1000;
export const AUTOCOMMIT_BACKOFF_MS_MAX = 8;
/** How often a statement waiting for a row checks for cancel and statement_timeout. */
export const ROW_WAIT_POLL_MS = 20;

/** A row another statement holds: re-run after `wait` resolves. A 40001 if it ever escapes. */
export class RowLockWait extends SqlError {
  constructor(readonly wait: Promise<void>) {
    super(SQLSTATE.serializationFailure, 'could not serialize access due to concurrent update');
  }
}

/** Whether `error` is a serialization failure a fresh transaction may cure. */
export function isAutocommitRetryable(error: unknown): boolean {
  return error instanceof SqlError && error.code === SQLSTATE.serializationFailure;
}

/** Waits before re-run number `attempt` (0-based) after a 40001. */
export function autocommitBackoff(attempt: number): Promise<void> {
  if (attempt < 2) return new Promise((resolve) => setImmediate(resolve));
  const delayMs = Math.random() * Math.min(AUTOCOMMIT_BACKOFF_MS_MAX, 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}

interface ClaimingTxn {
  lockKey(key: Uint8Array): Promise<void> | undefined;
}

/** Claims `key` through the transaction's key locks; a row another holds throws RowLockWait. */
export function claimRowIn(txn: ClaimingTxn, key: Uint8Array): void {
  const wait = txn.lockKey(key);
  if (wait !== undefined) throw new RowLockWait(wait);
}

/** Row claims through the transaction's key locks, for ExecContext.claimRow. */
export function rowClaimer(txn: ClaimingTxn): (key: Uint8Array) => void {
  return (key) => claimRowIn(txn, key);
}

interface StatementTxn {
  savepoint(): number;
  rollbackTo(savepoint: number): void;
  release(savepoint: number): void;
  newStatement(): void;
}

/**
 * Runs the DML of a statement that is not its whole transaction (a block, or a statement of a
 * multi-statement batch): on RowLockWait its writes are undone, it waits for the holder while
 * keeping the rows it claimed earlier in the transaction (a cycle is 40P01, from key-locks.ts,
 * as PostgreSQL's deadlock detection), then re-runs on a fresh statement snapshot. A run that
 * needed no wait (the usual case) returns its result directly, without a promise.
 */
export function runWaitingForRows<T>(txn: StatementTxn, run: () => T, checkCancel: () => void): T | Promise<T> {
  const first = runOnce(txn, run, 0);
  return first instanceof WaitFor ? runAfterWaits(txn, run, checkCancel, first) : first;
}

/** A run undone because a row it claimed is held: what to wait for before the next. */
class WaitFor {
  constructor(readonly wait: Promise<void>) {}
}

/** One run in a savepoint: its result, or (a RowLockWait within the limit) its writes undone and the wait. */
function runOnce<T>(txn: StatementTxn, run: () => T, waits: number): T | WaitFor {
  const savepoint = txn.savepoint();
  try {
    const result = run();
    txn.release(savepoint);
    return result;
  } catch (error) {
    if (!(error instanceof RowLockWait) || waits >= AUTOCOMMIT_LOCK_WAITS_MAX) throw error;
    txn.rollbackTo(savepoint);
    txn.release(savepoint);
    return new WaitFor(error.wait);
  }
}

/** After the first run had to wait: waits for each holder, then re-runs, until a run needs no wait. */
async function runAfterWaits<T>(txn: StatementTxn, run: () => T, checkCancel: () => void, first: WaitFor): Promise<T> {
  let outcome: T | WaitFor = first;
  for (let waits = 1; outcome instanceof WaitFor; waits++) {
    await awaitRow(outcome.wait, checkCancel);
    txn.newStatement();
    outcome = runOnce(txn, run, waits);
  }
  return outcome;
}

/** Resolves when `wait` does; rejects with checkCancel()'s error if the statement is cancelled first. */
export function awaitRow(wait: Promise<void>, checkCancel: () => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      try {
        checkCancel();
      } catch (error) {
        clearInterval(timer);
        reject(error);
      }
    }, ROW_WAIT_POLL_MS);
    void wait.then(() => {
      clearInterval(timer);
      resolve();
    });
  });
}
