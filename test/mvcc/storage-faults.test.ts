/**
 * Transactions over a failing engine: an fsync error (injected with FaultVfs) fails the commits
 * of its group with the storage error — never a silent success, never a 40001 that would be
 * retried — the transactions end aborted, later commits fail at once (the engine's failure is
 * sticky), nothing hangs, and after a restart on the crash image only acknowledged commits exist.
 */
import { describe, expect, it } from 'vitest';
import { TxnKv, isSerializationFailure } from '../../src/mvcc/index.js';
import type { VersionedKv } from '../../src/mvcc/index.js';
import { Engine, FaultVfs, MemoryVfs, StorageError } from '../../src/storage/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';

describe('transactions on a failing engine', () => {
  it('an fsync error fails the commit with the storage error, stickily, and loses nothing acknowledged', async () => {
    const memory = new MemoryVfs();
    const vfs = new FaultVfs(memory);
    const engine = await Engine.open('/faults', { vfs, flushInWorker: false });
    const db = new TxnKv(engine as VersionedKv);
    for (let i = 0; i < 5; i++) await db.put(utf8(`ok${i}`), utf8('v'));
    vfs.inject({ kind: 'sync', nth: 1, pathIncludes: '.log' });
    const txns = Array.from({ length: 4 }, (_, i) => {
      const txn = db.begin({ isolation: 'repeatable read' });
      txn.put(utf8(`lost${i}`), utf8('v'));
      return txn;
    });
    const outcomes = await Promise.allSettled(txns.map((txn) => txn.commit()));
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as unknown;
      expect(reason).toBeInstanceOf(StorageError);
      expect(isSerializationFailure(reason)).toBe(false);
    }
    for (const txn of txns) expect(txn.state).toBe('aborted');
    await expect(db.transaction((txn) => txn.put(utf8('after'), utf8('v')))).rejects.toBeInstanceOf(StorageError);
    await db.close();
    await engine.close().catch(() => undefined);

    const reopened = await Engine.open('/faults', { vfs: memory.crashImage(), flushInWorker: false });
    const again = new TxnKv(reopened as VersionedKv);
    const txn = again.begin();
    const keys = [...txn.scan({})].map((e) => fromUtf8(e.key));
    txn.rollback();
    for (let i = 0; i < 5; i++) expect(keys).toContain(`ok${i}`);
    expect(keys).not.toContain('after');
    await again.close();
    await reopened.close();
  });
});
