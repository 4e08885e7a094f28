/**
 * Row-lock emulation (Transaction.lockKey): a second writer waits for the first to end and then
 * re-runs its statement — READ COMMITTED updates the new version (no error, no lost update, as
 * PostgreSQL), REPEATABLE READ fails with 40001 (as PostgreSQL); a rollback lets the waiter
 * proceed; a wait cycle is a deadlock (40P01) instead of a hang.
 */
import { describe, expect, it } from 'vitest';
import { DeadlockDetected, MemoryVersionedKv, SerializationFailure, TxnKv, isSerializationFailure } from '../../src/mvcc/index.js';
import type { IsolationLevel, Transaction } from '../../src/mvcc/index.js';
import { KeyLocks } from '../../src/mvcc/key-locks.js';
import type { LockOwner } from '../../src/mvcc/key-locks.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';

const k = utf8;
const num = (txn: Transaction, key: string): number => Number(fromUtf8(txn.get(k(key)) as Uint8Array));

/** `UPDATE … SET v = v + 1 WHERE k = key` as a SQL layer would run it with row locks. */
async function incrementStatement(txn: Transaction, key: string): Promise<void> {
  for (;;) {
    txn.newStatement();
    const wait = txn.lockKey(k(key));
    if (wait !== undefined) {
      await wait; // the holder ended: re-run the statement
      continue;
    }
    txn.put(k(key), k(String(num(txn, key) + 1)));
    return;
  }
}

describe('key locks', () => {
  it('READ COMMITTED: concurrent increments wait and never fail or lose an update', async () => {
    const db = new TxnKv(new MemoryVersionedKv({ applyMode: 'deferred' }));
    await db.put(k('counter'), k('0'));
    const client = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) {
        const txn = db.begin({ isolation: 'read committed' });
        await incrementStatement(txn, 'counter');
        await new Promise((resolve) => setImmediate(resolve));
        await txn.commit();
      }
    };
    await Promise.all(Array.from({ length: 8 }, client));
    expect(fromUtf8((await db.get(k('counter'))) as Uint8Array)).toBe('80');
    expect(db.stats().serializationFailures).toBe(0);
  });

  it('REPEATABLE READ: the waiter fails with 40001 once the holder commits; proceeds if it rolls back', async () => {
    for (const holderCommits of [true, false]) {
      const db = new TxnKv(new MemoryVersionedKv({ applyMode: 'deferred' }));
      await db.put(k('x'), k('10'));
      const t1 = db.begin({ isolation: 'repeatable read' });
      const t2 = db.begin({ isolation: 'repeatable read' });
      expect(t1.lockKey(k('x'))).toBeUndefined();
      expect(t1.lockKey(k('x'))).toBeUndefined(); // re-entrant
      t1.put(k('x'), k('11'));
      const wait = t2.lockKey(k('x'));
      expect(wait).toBeInstanceOf(Promise);
      let woke = false;
      void wait?.then(() => (woke = true));
      if (holderCommits) await t1.commit();
      else t1.rollback();
      await wait;
      expect(woke).toBe(true);
      if (holderCommits) {
        expect(() => t2.lockKey(k('x'))).toThrow(SerializationFailure); // as SELECT … FOR UPDATE
      } else {
        expect(t2.lockKey(k('x'))).toBeUndefined();
        t2.put(k('x'), k('12'));
        await t2.commit();
      }
      expect(fromUtf8((await db.get(k('x'))) as Uint8Array)).toBe(holderCommits ? '11' : '12');
    }
  });

  it('READ COMMITTED: a key changed after the statement snapshot means "re-run", not 40001', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    await db.put(k('x'), k('1'));
    const t2 = db.begin({ isolation: 'read committed' });
    t2.newStatement(); // the statement's snapshot: x = 1
    await db.put(k('x'), k('2')); // committed after it, without a lock
    const rerun = t2.lockKey(k('x'));
    expect(rerun).toBeInstanceOf(Promise);
    await rerun;
    t2.newStatement();
    expect(t2.lockKey(k('x'))).toBeUndefined();
    expect(num(t2, 'x')).toBe(2);
    t2.put(k('x'), k('3'));
    await t2.commit();
    const t3 = db.begin({ isolation: 'read committed' });
    t3.lockKey(k('x'));
    t3.put(k('x'), k('4')); // an earlier write of this transaction…
    await db.put(k('x'), k('5')).catch(() => undefined);
    t3.newStatement();
    expect(() => t3.lockKey(k('x'))).toThrow(SerializationFailure); // …is stale: no re-run can fix it
    t3.rollback();
  });

  it('a wait cycle is a deadlock (40P01), retried by transaction()', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    const t1 = db.begin();
    const t2 = db.begin();
    expect(t1.lockKey(k('a'))).toBeUndefined();
    expect(t2.lockKey(k('b'))).toBeUndefined();
    const t1Waits = t1.lockKey(k('b'));
    expect(t1Waits).toBeInstanceOf(Promise);
    expect(() => t2.lockKey(k('a'))).toThrow(DeadlockDetected);
    t2.rollback();
    await t1Waits;
    expect(t1.lockKey(k('b'))).toBeUndefined();
    await t1.commit();
    let attempts = 0;
    const result = await db.transaction(() => {
      attempts++;
      if (attempts === 1) throw new DeadlockDetected();
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(2);
  });

  it('locks are released at the end of every path and read-only transactions cannot lock', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    const committed = db.begin();
    committed.lockKey(k('a'));
    committed.put(k('a'), k('1'));
    await committed.commit();
    const aborted = db.begin({ isolation: 'repeatable read' });
    aborted.lockKey(k('b'));
    aborted.put(k('a'), k('2'));
    await db.put(k('a'), k('3'));
    await expect(aborted.commit()).rejects.toSatisfy(isSerializationFailure);
    const empty = db.begin();
    empty.lockKey(k('c'));
    await empty.commit();
    const fresh = db.begin();
    for (const key of ['a', 'b', 'c']) expect(fresh.lockKey(k(key))).toBeUndefined();
    expect(db.stats().lockedKeys).toBe(3);
    fresh.rollback();
    expect(db.stats().lockedKeys).toBe(0);
    const ro = db.begin({ readOnly: true, isolation: 'serializable' as IsolationLevel });
    expect(() => ro.lockKey(k('a'))).toThrow(/read-only/);
  });
  it('a released key is free at once; released entries are overwritten in place and swept past staleKeysMax', async () => {
    const locks = new KeyLocks(1000, 8);
    const owner = (): LockOwner => ({ lockState: undefined });
    const a = owner();
    expect(locks.acquire(a, 'x')).toBeUndefined();
    expect(locks.acquire(a, 'y')).toBeUndefined();
    const b = owner();
    const wait = locks.acquire(b, 'x');
    expect(wait).toBeInstanceOf(Promise);
    locks.releaseAll(a);
    await wait;
    expect(locks.size()).toBe(0);
    expect(locks.mapSize()).toBe(2); // stale entries, free to claim
    expect(locks.acquire(b, 'x')).toBeUndefined();
    expect(locks.acquire(owner(), 'x')).toBeInstanceOf(Promise); // b holds it now
    expect(locks.size()).toBe(1);
    expect(locks.mapSize()).toBe(2);
    locks.releaseAll(b);
    for (let i = 0; i < 50; i++) {
      const c = owner();
      expect(locks.acquire(c, `k${i}`)).toBeUndefined();
      locks.releaseAll(c);
      expect(locks.mapSize()).toBeLessThanOrEqual(9);
    }
    expect(locks.size()).toBe(0);
  });
});
