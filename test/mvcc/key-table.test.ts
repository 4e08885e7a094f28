/**
 * KeyTable: the ConflictTracker and the KeyLocks share one entry per key. A sweep deletes only
 * entries that are both forgotten and free, and a transaction that kept an entry across a sweep
 * fetches the key's new entry instead of trusting the detached one.
 */
import { describe, expect, it } from 'vitest';
import { DeadlockDetected, MemoryVersionedKv, SerializationFailure, TxnKv } from '../../src/mvcc/index.js';
import { ConflictTracker } from '../../src/mvcc/conflict-tracker.js';
import { KeyLocks, type LockOwner } from '../../src/mvcc/key-locks.js';
import { KeyTable } from '../../src/mvcc/key-table.js';
import { utf8 } from '../../src/util/index.js';
import { Random, seedFrom } from './random.js';

const owner = (): LockOwner => ({ lockState: undefined });

describe('KeyTable shared by ConflictTracker and KeyLocks', () => {
  it('sweeps an entry only once its commit is forgotten and its lock released', () => {
    const table = new KeyTable(2);
    const tracker = new ConflictTracker(1_000, 2, table);
    const locks = new KeyLocks(1_000, 2, table);
    const holder = owner();
    expect(locks.acquire(holder, 'held')).toBeUndefined();
    tracker.record(1, 'held');
    tracker.record(2, 'recent');
    tracker.release(1); // 'held' forgotten, still locked
    for (let ts = 3; ts <= 20; ts++) {
      tracker.record(ts, `cold${ts}`);
      tracker.release(ts - 1); // 'recent' and every cold key forgotten, free: stale
    }
    expect(table.sweeps).toBeGreaterThan(0);
    expect(table.size()).toBeLessThanOrEqual(tracker.size() + locks.size() + 2);
    expect(table.get('held')?.holder?.owner).toBe(holder); // held: kept, still claimed
    expect(locks.acquire(owner(), 'held')).toBeInstanceOf(Promise);
    expect(tracker.writtenSince('cold20', 19)).toBe(true);
    expect(tracker.writtenSince('recent', 19)).toBe(false);
    locks.releaseAll(holder);
    for (let ts = 21; ts <= 30; ts++) {
      tracker.record(ts, `cold${ts}`);
      tracker.release(ts - 1);
    }
    expect(table.get('held')).toBeUndefined(); // released and forgotten: swept
    expect(locks.acquire(owner(), 'held')).toBeUndefined();
  });

  it('answers claims and conflict checks as separate maps would, across sweeps (property)', () => {
    const seed = seedFrom(0x4b7a);
    for (let round = 0; round < 8; round++) {
      const random = new Random(seed + round);
      const table = new KeyTable(1 + random.int(16));
      const tracker = new ConflictTracker(1_000_000, 65_536, table);
      const locks = new KeyLocks(1_000_000, 65_536, table);
      const model = { commits: new Map<string, number>(), holders: new Map<string, LockOwner>() };
      const owners = [owner(), owner(), owner()];
      let ts = 0;
      let released = 0;
      for (let step = 0; step < 3000; step++) {
        const key = `k${random.int(random.int(2) === 0 ? 8 : 400)}`;
        const who = owners[random.int(owners.length)] as LockOwner;
        const action = random.int(4);
        const context = `seed ${seed + round} step ${step}`;
        if (action === 0) {
          ts++;
          tracker.record(ts, key);
          model.commits.set(key, ts);
        } else if (action === 1) {
          const holder = model.holders.get(key);
          let claimed: boolean;
          try {
            claimed = locks.acquire(who, key) === undefined; // else a wait, resolved by the holder's releaseAll
          } catch (error) {
            expect(error, context).toBeInstanceOf(DeadlockDetected); // waits are not awaited here: cycles happen
            claimed = false;
          }
          expect(claimed, context).toBe(holder === undefined || holder === who);
          if (holder === undefined) model.holders.set(key, who);
        } else if (action === 2) {
          locks.releaseAll(who);
          for (const [k, holder] of model.holders) if (holder === who) model.holders.delete(k);
        } else {
          released = Math.min(ts, released + random.int(6));
          tracker.release(released);
        }
        const since = released + random.int(ts - released + 1);
        const probe = `k${random.int(400)}`;
        expect(tracker.writtenSince(probe, since), context).toBe((model.commits.get(probe) ?? 0) > since);
        expect(locks.size(), context).toBe(model.holders.size);
      }
    }
  });

  it('a transaction that kept an entry across a sweep checks the key against its new entry', async () => {
    // conflictKeysMax 4: the coordinator's table sweeps past 4 stale entries.
    const db = new TxnKv(new MemoryVersionedKv(), { conflictKeysMax: 4 });
    const k = utf8('k');
    await db.put(k, utf8('0'));
    const a = db.begin({ isolation: 'read committed' });
    expect(a.lockKey(k)).toBeUndefined();
    a.put(k, utf8('a'));
    const b = db.begin({ isolation: 'read committed' });
    const wait = b.lockKey(k); // b keeps k's entry (held by a)
    expect(wait).toBeInstanceOf(Promise);
    await a.commit();
    await wait;
    const sweepsBefore = sweepCount(db);
    for (let i = 0; i < 12; i++) {
      await db.put(utf8(`cold${i}`), utf8('x')); // each forgotten once b moves its snapshot past it
      b.newStatement();
    }
    expect(sweepCount(db)).toBeGreaterThan(sweepsBefore); // k's entry (forgotten, free) is gone
    b.newStatement();
    await db.put(k, utf8('c')); // a new entry for k, committed after b's snapshot
    expect(() => b.put(k, utf8('b'))).toThrow(SerializationFailure);
  });
});

/** The sweeps of the table behind `db` (through the coordinator, as the transactions reach it). */
function sweepCount(db: TxnKv): number {
  return (db as unknown as { coordinator: { keys: KeyTable } }).coordinator.keys.sweeps;
}
