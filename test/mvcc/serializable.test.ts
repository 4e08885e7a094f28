/**
 * SERIALIZABLE read-set validation in detail: point reads, scanned ranges narrowed to what a
 * stopped scan returned, coarsening past readSetKeysMax / readSetRangesMax (still no missed
 * conflict), read-only transactions, and READ COMMITTED's per-statement conflict window.
 */
import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, SerializationFailure, TxnKv } from '../../src/mvcc/index.js';
import type { TxnKvOptions } from '../../src/mvcc/index.js';
import { utf8 } from '../../src/util/index.js';

const k = utf8;

async function seeded(count: number, options: TxnKvOptions = {}): Promise<TxnKv> {
  const db = new TxnKv(new MemoryVersionedKv(), options);
  await db.transaction((txn) => {
    for (let i = 0; i < count; i++) txn.put(k(`r${String(i).padStart(3, '0')}`), k('v'));
  });
  return db;
}

async function outcome(commit: Promise<void>): Promise<string> {
  return commit.then(
    () => 'ok',
    (error: unknown) => (error instanceof SerializationFailure ? error.conflict : String(error)),
  );
}

describe('serializable validation', () => {
  it('a scan stopped by its limit reads only up to its last key', async () => {
    const db = await seeded(10);
    const t1 = db.begin({ isolation: 'serializable' });
    expect([...t1.scan({ gte: k('r'), limit: 3 })].length).toBe(3); // r000..r002
    t1.put(k('out'), k('1'));
    await db.put(k('r005'), k('changed')); // beyond what t1 read
    expect(await outcome(t1.commit())).toBe('ok');

    const t2 = db.begin({ isolation: 'serializable' });
    expect([...t2.scan({ gte: k('r'), limit: 3 })].length).toBe(3);
    t2.put(k('out'), k('2'));
    await db.put(k('r001'), k('changed')); // inside what t2 read
    expect(await outcome(t2.commit())).toBe('read-write');
  });

  it('a scan that reached its limit reads only up to its last key even if never finished', async () => {
    const db = await seeded(10);
    const t1 = db.begin({ isolation: 'serializable' });
    const scan = t1.scan({ gte: k('r'), limit: 2 });
    scan.next();
    scan.next(); // the limit is reached; the consumer never calls next() or return() again
    t1.put(k('out'), k('1'));
    await db.put(k('r009'), k('changed'));
    expect(await outcome(t1.commit())).toBe('ok');
  });

  it('a scan abandoned early with return() reads only what it returned; reverse too', async () => {
    const db = await seeded(10);
    const t1 = db.begin({ isolation: 'serializable' });
    for (const entry of t1.scan({ lt: k('s'), reverse: true })) {
      if (entry.key[3] === '7'.charCodeAt(0)) break; // r009, r008, r007
    }
    t1.put(k('out'), k('1'));
    await db.put(k('r002'), k('changed'));
    expect(await outcome(t1.commit())).toBe('ok');
  });

  it('coarsened read sets still catch every conflict', async () => {
    const db = await seeded(50, { readSetKeysMax: 4, readSetRangesMax: 2 });
    const t1 = db.begin({ isolation: 'serializable' });
    for (let i = 10; i < 20; i++) t1.get(k(`r${String(i).padStart(3, '0')}`));
    for (let i = 30; i < 40; i += 3) [...t1.scan({ gte: k(`r0${i}`), lt: k(`r0${i + 1}`) })];
    t1.put(k('out'), k('1'));
    await db.put(k('r015'), k('changed'));
    expect(await outcome(t1.commit())).toBe('read-write');
    const t2 = db.begin({ isolation: 'serializable' });
    for (let i = 30; i < 40; i += 3) [...t2.scan({ gte: k(`r0${i}`), lt: k(`r0${i + 1}`) })];
    t2.put(k('out'), k('2'));
    await db.put(k('r036'), k('changed'));
    expect(await outcome(t2.commit())).toBe('read-write');
  });

  it('a read-only serializable transaction never fails', async () => {
    const db = await seeded(5);
    const ro = db.begin({ isolation: 'serializable', readOnly: true });
    expect([...ro.scan({})].length).toBe(5);
    await db.put(k('r000'), k('changed'));
    expect(await outcome(ro.commit())).toBe('ok');
  });

  it('own writes are not conflicts, and reads of own writes are not tracked', async () => {
    const db = await seeded(5);
    const t1 = db.begin({ isolation: 'serializable' });
    t1.put(k('r001'), k('mine'));
    expect(t1.get(k('r001'))).toEqual(k('mine'));
    expect(await outcome(t1.commit())).toBe('ok');
  });
});

describe('read committed conflict window', () => {
  it('is the statement that first wrote the key, not the transaction start', async () => {
    const db = await seeded(2);
    const txn = db.begin({ isolation: 'read committed' });
    txn.get(k('r000'));
    await db.put(k('r000'), k('other')); // committed before txn's next statement
    txn.newStatement();
    txn.put(k('r000'), k('mine')); // its snapshot includes the other commit: no conflict
    expect(await outcome(txn.commit())).toBe('ok');

    const t2 = db.begin({ isolation: 'read committed' });
    t2.put(k('r001'), k('mine')); // first written at this statement's snapshot
    await db.put(k('r001'), k('other')).catch(() => undefined);
    t2.newStatement();
    // The window still starts at the first write: known at once, and at commit too.
    expect(() => t2.put(k('r001'), k('mine again'))).toThrow(SerializationFailure);
    expect(await outcome(t2.commit())).toBe('write-write');
  });
});

describe('transaction lifecycle', () => {
  it('scans of an ended transaction are closed; rollback is idempotent', async () => {
    const db = await seeded(3);
    const txn = db.begin();
    const scan = txn.scan({});
    scan.next();
    txn.rollback();
    txn.rollback();
    expect(scan.next().done).toBe(true);
    expect(() => txn.get(k('r000'))).toThrow(/aborted/);
    expect(db.stats().liveSnapshots).toBe(0);
  });

  it('a scan does not see keys its own transaction inserts while it is open (no Halloween)', async () => {
    const db = await seeded(3);
    const txn = db.begin();
    const seen: string[] = [];
    for (const entry of txn.scan({ gte: k('r') })) {
      seen.push(Buffer.from(entry.key).toString());
      txn.put(k(`${Buffer.from(entry.key).toString()}x`), k('new'));
    }
    expect(seen).toEqual(['r000', 'r001', 'r002']);
    await txn.commit();
  });
});
