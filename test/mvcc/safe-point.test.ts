/**
 * Acceptance 4 and the bounded conflict memory: the safe point passed to the kv is the oldest
 * snapshot any live transaction (or open READ COMMITTED scan) can read; versions shadowed below
 * it are reclaimed, and a long-running snapshot keeps what it reads. Conflict tracking memory is
 * released as the safe point advances and stays under conflictKeysMax.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, SerializationFailure, TxnKv } from '../../src/mvcc/index.js';
import type { KvIterator, KvRange, KvWrite, Ts, VersionedKv } from '../../src/mvcc/index.js';
import { Engine, MemoryVfs } from '../../src/storage/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';

/** Delegates to a MemoryVersionedKv and records every setSafePoint() call (the seam). */
class RecordingKv implements VersionedKv {
  readonly safePoints: Ts[] = [];
  constructor(readonly inner: MemoryVersionedKv) {}
  lastTs(): Ts {
    return this.inner.lastTs();
  }
  visibleTs(): Ts {
    return this.inner.visibleTs();
  }
  get(key: Uint8Array, readTs: Ts): Uint8Array | undefined {
    return this.inner.get(key, readTs);
  }
  scan(range: KvRange, readTs: Ts): KvIterator {
    return this.inner.scan(range, readTs);
  }
  commit(writes: readonly KvWrite[], commitTs: Ts): Promise<void> {
    return this.inner.commit(writes, commitTs);
  }
  setSafePoint(ts: Ts): void {
    this.safePoints.push(ts);
    this.inner.setSafePoint(ts);
  }
}

const k = utf8;
const last = (list: readonly number[]): number | undefined => list[list.length - 1];

describe('safe point', () => {
  it('is the oldest live snapshot, passed to the kv, and reclaims only what no snapshot reads', async () => {
    const kv = new RecordingKv(new MemoryVersionedKv({ compactDirtyKeysMin: 1_000_000 }));
    const db = new TxnKv(kv);
    await db.put(k('x'), k('v1')); // ts 1
    const longRunning = db.begin({ isolation: 'repeatable read' });
    expect(longRunning.readTs()).toBe(1);
    for (let i = 2; i <= 5; i++) await db.put(k('x'), k(`v${i}`)); // ts 2..5
    expect(db.safePoint()).toBe(1);
    expect(last(kv.safePoints)).toBe(1);
    expect(kv.inner.compact()).toBe(0); // v1 is what the long-running snapshot reads
    expect(fromUtf8(longRunning.get(k('x')) as Uint8Array)).toBe('v1');
    longRunning.rollback();
    expect(db.safePoint()).toBe(5);
    expect(last(kv.safePoints)).toBe(5);
    expect(kv.inner.compact()).toBe(4); // v1..v4 are shadowed at or below ts 5
    expect(kv.inner.versionsOf(k('x')).map((v) => v.ts)).toEqual([5]);
    expect(fromUtf8((await db.get(k('x'))) as Uint8Array)).toBe('v5');
  });

  it('never moves back, and follows the oldest of several snapshots', async () => {
    const kv = new RecordingKv(new MemoryVersionedKv());
    const db = new TxnKv(kv);
    await db.put(k('a'), k('1'));
    const t1 = db.begin({ isolation: 'repeatable read' });
    await db.put(k('a'), k('2'));
    const t2 = db.begin({ isolation: 'serializable' });
    await db.put(k('a'), k('3'));
    t2.rollback();
    expect(db.safePoint()).toBe(t1.readTs());
    t1.rollback();
    expect(db.safePoint()).toBe(3);
    for (let i = 1; i < kv.safePoints.length; i++) expect(kv.safePoints[i]).toBeGreaterThan(kv.safePoints[i - 1] as number);
  });

  it('an open READ COMMITTED scan keeps its snapshot across newStatement()', async () => {
    const kv = new RecordingKv(new MemoryVersionedKv());
    const db = new TxnKv(kv);
    await db.transaction((txn) => {
      for (let i = 0; i < 5; i++) txn.put(k(`r${i}`), k('old'));
    });
    const txn = db.begin({ isolation: 'read committed' });
    const cursor = txn.scan({ gte: k('r'), lt: k('s') }); // like a suspended portal
    const first = cursor.next();
    const scanTs = txn.readTs();
    await db.transaction((other) => {
      for (let i = 0; i < 5; i++) other.put(k(`r${i}`), k('new'));
    });
    txn.newStatement();
    expect(txn.readTs()).toBeGreaterThan(scanTs);
    expect(db.safePoint()).toBe(scanTs);
    kv.inner.compact();
    const rest = [...cursor].map((e) => fromUtf8(e.value));
    expect([fromUtf8((first.value as { value: Uint8Array }).value), ...rest]).toEqual(['old', 'old', 'old', 'old', 'old']);
    expect(db.safePoint()).toBe(txn.readTs()); // the scan ended: its pin is gone
    txn.rollback();
  });

  it('reaches the real engine: Engine.setSafePoint gets the oldest snapshot', async () => {
    const engine = await Engine.open('/sp', { vfs: new MemoryVfs(), flushInWorker: false });
    const db = new TxnKv(engine as VersionedKv);
    await db.put(k('x'), k('1'));
    const reader = db.begin({ isolation: 'repeatable read' });
    await db.put(k('x'), k('2'));
    await db.put(k('x'), k('3'));
    expect(engine.safePoint).toBe(reader.readTs());
    reader.rollback();
    expect(engine.safePoint).toBe(engine.visibleTs());
    await db.close();
    await engine.close();
  });
});

describe('reclamation by the real engine', () => {
  it('compaction drops versions below the safe point and keeps what a long-running snapshot reads', async () => {
    const engine = await Engine.open('/reclaim', { vfs: new MemoryVfs(), flushInWorker: false, memtableBytesMax: 4096 });
    const db = new TxnKv(engine as VersionedKv);
    await db.put(k('x'), k('v1'));
    const longRunning = db.begin({ isolation: 'repeatable read' });
    const oldTs = longRunning.readTs();
    for (let i = 2; i <= 40; i++) await db.put(k('x'), k(`v${i}`));
    await engine.compact();
    expect(fromUtf8(longRunning.get(k('x')) as Uint8Array)).toBe('v1'); // kept: the snapshot reads it
    expect(fromUtf8(engine.get(k('x'), oldTs + 1) as Uint8Array)).toBe('v2'); // above the safe point: kept too
    longRunning.rollback();
    expect(engine.safePoint).toBe(engine.visibleTs());
    await engine.compact();
    // Probing below the safe point (only a test may): every shadowed version is gone.
    expect(engine.get(k('x'), oldTs)).toBeUndefined();
    expect(engine.get(k('x'), engine.visibleTs() - 1)).toBeUndefined();
    expect(fromUtf8((await db.get(k('x'))) as Uint8Array)).toBe('v40');
    await db.close();
    await engine.close();
  });
});

describe('safe point under concurrency', () => {
  it('aggressive compaction never takes a version a live snapshot or open scan still reads', async () => {
    const kv = new MemoryVersionedKv({ applyMode: 'deferred', compactDirtyKeysMin: 1 });
    const db = new TxnKv(kv, { retryBackoffMsMax: 0, retriesMax: 10_000 });
    const KEYS = 8;
    await db.transaction((txn) => {
      for (let i = 0; i < KEYS; i++) txn.put(k(`c${i}`), k('100'));
    });
    let running = true;
    const writer = async (seed: number): Promise<void> => {
      for (let n = 0; n < 150; n++) {
        await db.transaction((txn) => {
          const a = (seed + n) % KEYS;
          const b = (seed * 7 + n * 3 + 1) % KEYS;
          if (a === b) return;
          txn.put(k(`c${a}`), k(String(Number(fromUtf8(txn.get(k(`c${a}`)) as Uint8Array)) - 1)));
          txn.put(k(`c${b}`), k(String(Number(fromUtf8(txn.get(k(`c${b}`)) as Uint8Array)) + 1)));
        }, { isolation: 'repeatable read' });
      }
    };
    const reader = async (isolation: 'repeatable read' | 'read committed'): Promise<number> => {
      let checks = 0;
      while (running) {
        const txn = db.begin({ isolation, readOnly: true });
        const first = [...txn.scan({})].map((e) => fromUtf8(e.value));
        const cursor = txn.scan({}); // an open scan, read slowly across statements
        const slow: string[] = [];
        for (let i = 0; i < KEYS; i++) {
          await new Promise((resolve) => setImmediate(resolve));
          txn.newStatement();
          slow.push(fromUtf8((cursor.next().value as { value: Uint8Array }).value));
        }
        cursor.return?.();
        expect(slow.reduce((sum, v) => sum + Number(v), 0)).toBe(KEYS * 100);
        if (isolation === 'repeatable read') expect(slow).toEqual(first);
        txn.rollback();
        checks++;
      }
      return checks;
    };
    const readers = [reader('repeatable read'), reader('read committed')];
    await Promise.all(Array.from({ length: 4 }, (_, i) => writer(i)));
    running = false;
    const checks = await Promise.all(readers);
    expect(Math.min(...checks)).toBeGreaterThan(3);
    expect(kv.safePoint()).toBeGreaterThan(1);
    kv.compact();
    expect(kv.versionCount()).toBe(KEYS); // nothing pins old versions any more
  });
});

describe('conflict tracking memory', () => {
  it('is released as the safe point advances', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    const pin = db.begin({ isolation: 'repeatable read' });
    for (let i = 0; i < 100; i++) await db.put(k(`key${i}`), k('v'));
    expect(db.stats().conflictKeys).toBe(100);
    pin.rollback();
    expect(db.stats().conflictKeys).toBe(0);
  });

  it('stays under conflictKeysMax; a snapshot older than what was forgotten aborts (no missed conflict)', async () => {
    const db = new TxnKv(new MemoryVersionedKv(), { conflictKeysMax: 10 });
    const old = db.begin({ isolation: 'repeatable read' });
    old.get(k('unrelated'));
    for (let i = 0; i < 50; i++) await db.put(k(`key${i}`), k('v'));
    expect(db.stats().conflictKeys).toBeLessThanOrEqual(10);
    expect(() => old.put(k('key0'), k('mine'))).toThrow(SerializationFailure); // key0's commit was forgotten
    expect(() => old.put(k('other'), k('mine'))).toThrow(SerializationFailure); // conservative: cannot know
    old.rollback();
    const fresh = db.begin({ isolation: 'repeatable read' });
    fresh.put(k('key0'), k('ok'));
    await fresh.commit();
  });
});
