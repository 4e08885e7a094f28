/**
 * Typed errors of the transaction layer. Each is a SqlError carrying PostgreSQL's SQLSTATE in
 * `code`, so the SQL layer can forward it unchanged (their `name` stays "SqlError"; tell them
 * apart with instanceof).
 * - SerializationFailure (40001): a write-write or read-write conflict; retrying the whole
 *   transaction may succeed.
 * - DeadlockDetected (40P01): waiting for a key lock would close a cycle of waiting transactions.
 * - WriteSetTooLargeError (54000): the buffered writes passed `writeSetBytesMax` or
 *   `writeSetKeysMax`.
 * - ReadOnlyTransactionError (25006): a write in a read-only transaction or a read-only TxnKv.
 * - NotAnIntegerError (22P02): incr/incrBy on a value that is not a decimal integer.
 * - IntegerOverflowError (22003): incr/incrBy past Number.MAX_SAFE_INTEGER (either sign).
 * - TxnKvClosedError (57P01): the TxnKv was used after close().
 * - ReservedKeyError (22023): a convenience call named a key under the reserved TTL prefix.
 */
import { SqlError, SQLSTATE } from '../util/index.js';

export type ConflictKind = 'write-write' | 'read-write';

export class SerializationFailure extends SqlError {
  declare readonly code: '40001';
  constructor(readonly conflict: ConflictKind, detail?: string) {
    super(
      SQLSTATE.serializationFailure,
      conflict === 'write-write'
        ? 'could not serialize access due to concurrent update'
        : 'could not serialize access due to read/write dependencies among transactions',
      // PostgreSQL's texts: the hint comes with read/write dependency failures only.
      {
        ...(conflict === 'read-write' ? { hint: 'The transaction might succeed if retried.' } : {}),
        ...(detail === undefined ? {} : { detail }),
      },
    );
  }
}

export class DeadlockDetected extends SqlError {
  constructor() {
    super('40P01', 'deadlock detected', { hint: 'See server log for query details.' });
  }
}

export class WriteSetTooLargeError extends SqlError {
  constructor(readonly limit: 'writeSetBytesMax' | 'writeSetKeysMax', readonly size: number, readonly sizeMax: number) {
    super(SQLSTATE.programLimitExceeded, `transaction write set too large: ${size} exceeds ${limit} ${sizeMax}`);
  }
}

export class ReadOnlyTransactionError extends SqlError {
  constructor(operation: string) {
    super(SQLSTATE.readOnlySqlTransaction, `cannot execute ${operation} in a read-only transaction`);
  }
}

export class NotAnIntegerError extends SqlError {
  constructor(readonly text: string) {
    super(SQLSTATE.invalidTextRepresentation, `value is not an integer: "${text.slice(0, 64)}"`);
  }
}

export class IntegerOverflowError extends SqlError {
  constructor() {
    super(SQLSTATE.numericValueOutOfRange, 'increment or decrement would overflow');
  }
}

export class TxnKvClosedError extends SqlError {
  constructor() {
    super(SQLSTATE.adminShutdown, 'the transactional KV store is closed');
  }
}

/** True for a serialization failure (SQLSTATE 40001). */
export function isSerializationFailure(error: unknown): error is SerializationFailure {
  return (error as { code?: unknown } | null)?.code === SQLSTATE.serializationFailure;
}

/** True for an error that a retry of the whole transaction may cure: 40001 or 40P01. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === SQLSTATE.serializationFailure || code === '40P01';
}

export class ReservedKeyError extends SqlError {
  constructor() {
    super(SQLSTATE.invalidParameterValue, 'keys starting with 0xFF 0xFF 0xFF "ttl" are reserved for TTL metadata');
  }
}
