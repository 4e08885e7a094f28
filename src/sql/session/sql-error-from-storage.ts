/**
 * Maps the storage engine's typed errors to the SQLSTATE a PostgreSQL client expects, where a
 * statement's failure leaves the SQL layer (SqlPortal.execute). The errors are recognised by name
 * and fields, not by class: the SQL layer does not depend on this LSM (DESIGN.md, Layers).
 *
 * - StorageIOError with errno ENOSPC (or an EngineFailedError whose recorded failure is one):
 *   53100 disk_full, as PostgreSQL's "could not extend file … No space left on device".
 * - Any other StorageIOError / EngineFailedError: 58030 io_error.
 * - CorruptionError: XX001 data_corrupted.
 * - Everything else is returned unchanged (SqlError keeps its own code).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';

interface NamedError {
  readonly name: string;
  readonly message: string;
  readonly errno?: unknown;
  readonly failure?: unknown;
}

function named(error: unknown, name: string): error is NamedError {
  return error instanceof Error && error.name === name;
}

function isDiskFull(error: unknown): boolean {
  if (named(error, 'StorageIOError')) return error.errno === 'ENOSPC';
  if (named(error, 'EngineFailedError')) return isDiskFull(error.failure);
  return false;
}

/** The SqlError a storage failure becomes, or `error` itself when it is not one. */
export function sqlErrorFromStorage(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof SqlError) return error;
  if (isDiskFull(error)) {
    const sticky = error.name === 'EngineFailedError';
    return new SqlError(SQLSTATE.diskFull, `could not write to the storage engine: No space left on device`, {
      detail: error.message,
      ...(sticky ? { hint: 'The storage engine refuses writes after a failed write; free space and restart the server.' } : {}),
      cause: error,
    });
  }
  if (error.name === 'StorageIOError' || error.name === 'EngineFailedError') {
    return new SqlError(SQLSTATE.ioError, `storage I/O error: ${error.message}`, { cause: error });
  }
  if (error.name === 'CorruptionError') {
    return new SqlError(SQLSTATE.dataCorrupted, error.message, { cause: error });
  }
  return error;
}
