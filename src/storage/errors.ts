/**
 * Typed storage errors. Each has a stable `code`. Not-found is `undefined`, never an exception.
 * - CorruptionError: a checksum or structural check failed; names the file and offset.
 * - StorageIOError: an operation of the VFS failed (EIO, ENOSPC, …); names operation, path, cause.
 *   isSpaceError() tells the one kind the engine survives: a write or create that found no space
 *   (ENOSPC, EDQUOT). A failed fsync never qualifies, whatever its errno (see engine.ts).
 * - EngineClosedError: the engine was used after close().
 * - EngineFailedError: an fsync, or a write for another reason than lack of space, failed
 *   earlier; the engine refuses every later write (sticky) until it is reopened.
 * - ConfigError: an option is out of its documented bounds.
 * - LimitError: a key, value or batch exceeds its documented maximum.
 * - LockError: the data directory is locked by another open engine.
 */
export class StorageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class CorruptionError extends StorageError {
  override readonly name = 'CorruptionError';
  constructor(
    readonly path: string,
    readonly offset: number,
    detail: string,
  ) {
    super('CORRUPTION', `corruption in ${path} at offset ${offset}: ${detail}`);
  }
}

export class StorageIOError extends StorageError {
  override readonly name = 'StorageIOError';
  /** The errno name of the cause when there is one (ENOSPC, EIO, …). */
  readonly errno: string | undefined;
  constructor(
    readonly operation: string,
    readonly path: string,
    cause: unknown,
  ) {
    const errno = (cause as { code?: unknown } | undefined)?.code;
    super('IO', `${operation} ${path} failed: ${(cause as Error | undefined)?.message ?? String(cause)}`, { cause });
    this.errno = typeof errno === 'string' ? errno : undefined;
  }
}

/** errnos that mean the device (or the user's quota) has no room: retryable once space returns. */
const SPACE_ERRNOS: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);
/**
 * Operations whose failure is never retryable: fsyncs as the Vfs implementations name them
 * (after a failed fsync the page cache can no longer be trusted), and the cut-back of a failed
 * append (then the file may end in a partial record).
 */
const STICKY_OPERATIONS: ReadonlySet<string> = new Set(['sync', 'fsync', 'fdatasync', 'rollback']);

/** True for a write or file creation that failed for lack of space (ENOSPC, EDQUOT), not an fsync. */
export function isSpaceError(error: unknown): error is StorageIOError {
  return (
    error instanceof StorageIOError &&
    error.errno !== undefined &&
    SPACE_ERRNOS.has(error.errno) &&
    !STICKY_OPERATIONS.has(error.operation)
  );
}

export class EngineClosedError extends StorageError {
  override readonly name = 'EngineClosedError';
  constructor() {
    super('CLOSED', 'the storage engine is closed');
  }
}

export class EngineFailedError extends StorageError {
  override readonly name = 'EngineFailedError';
  constructor(readonly failure: Error) {
    super('FAILED', `the storage engine refuses writes after an earlier failure: ${failure.message}`, { cause: failure });
  }
}

export class ConfigError extends StorageError {
  override readonly name = 'ConfigError';
  constructor(message: string) {
    super('CONFIG', message);
  }
}

export class LimitError extends StorageError {
  override readonly name = 'LimitError';
  constructor(message: string) {
    super('LIMIT', message);
  }
}

export class LockError extends StorageError {
  override readonly name = 'LockError';
  constructor(readonly path: string) {
    super('LOCKED', `data directory is in use by another process or engine (lock file ${path})`);
  }
}
