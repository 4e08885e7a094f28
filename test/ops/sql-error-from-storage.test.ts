/**
 * Storage failures become the SQLSTATE a PostgreSQL client expects (53100 for ENOSPC, also
 * through the engine's sticky failure; 58030 other I/O; XX001 corruption); other errors pass.
 */
import { describe, expect, it } from 'vitest';
import { sqlErrorFromStorage } from '../../src/sql/session/sql-error-from-storage.js';
import { CorruptionError, EngineFailedError, StorageIOError } from '../../src/storage/index.js';
import { SqlError } from '../../src/util/index.js';

const enospc = (): StorageIOError => new StorageIOError('write', '/d/000007.log', Object.assign(new Error('no space'), { code: 'ENOSPC' }));

describe('sqlErrorFromStorage', () => {
  it('maps ENOSPC to 53100, directly and through the sticky engine failure', () => {
    expect(sqlErrorFromStorage(enospc())).toMatchObject({ code: '53100', severity: 'ERROR' });
    const sticky = sqlErrorFromStorage(new EngineFailedError(enospc())) as SqlError;
    expect(sticky).toBeInstanceOf(SqlError);
    expect(sticky.code).toBe('53100');
    expect(sticky.hint).toMatch(/restart/);
    expect(sticky.detail).toMatch(/000007\.log/);
  });

  it('maps other I/O errors to 58030 and corruption to XX001', () => {
    const eio = new StorageIOError('fdatasync', '/d/x', Object.assign(new Error('io'), { code: 'EIO' }));
    expect(sqlErrorFromStorage(eio)).toMatchObject({ code: '58030' });
    expect(sqlErrorFromStorage(new EngineFailedError(eio))).toMatchObject({ code: '58030' });
    expect(sqlErrorFromStorage(new CorruptionError('/d/1.sst', 4096, 'bad crc'))).toMatchObject({ code: 'XX001' });
  });

  it('passes SqlErrors and everything else through unchanged', () => {
    const sqlError = new SqlError('42P01', 'relation "x" does not exist');
    expect(sqlErrorFromStorage(sqlError)).toBe(sqlError);
    const other = new TypeError('boom');
    expect(sqlErrorFromStorage(other)).toBe(other);
    expect(sqlErrorFromStorage('text')).toBe('text');
  });
});
