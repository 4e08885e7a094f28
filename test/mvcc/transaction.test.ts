import { describe, expect, it } from 'vitest';
import { MemoryVersionedKv, SerializationFailure, TxnKv, ReadOnlyTransactionError, WriteSetTooLargeError, TxnKvClosedError } from '../../src/mvcc/index.js';
import type { KvIterator } from '../../src/mvcc/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';

const k = (s: string): Uint8Array => utf8(s);
const text = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : fromUtf8(v));
const keys = (it: KvIterator): string[] => [...it].map((e) => `${fromUtf8(e.key)}=${fromUtf8(e.value)}`);

async function seeded(entries: Record<string, string>, applyMode: 'sync' | 'deferred' = 'sync'): Promise<TxnKv> {
  const db = new TxnKv(new MemoryVersionedKv({ applyMode }));
  await db.transaction((txn) => {
    for (const [key, value] of Object.entries(entries)) txn.put(k(key), k(value));
  });
  return db;
}

describe('Transaction basics', () => {
  it('reads its own writes and merges them into scans, forward and reverse', async () => {
    const db = await seeded({ a: '1', c: '3', e: '5' });
    const txn = db.begin({ isolation: 'repeatable read' });
    txn.put(k('b'), k('2'));
    txn.delete(k('c'));
    txn.put(k('e'), k('55'));
    expect(text(txn.get(k('b')))).toBe('2');
    expect(txn.get(k('c'))).toBeUndefined();
    expect(keys(txn.scan({}))).toEqual(['a=1', 'b=2', 'e=55']);
    expect(keys(txn.scan({ reverse: true }))).toEqual(['e=55', 'b=2', 'a=1']);
    expect(keys(txn.scan({ gt: k('a'), limit: 1 }))).toEqual(['b=2']);
    expect(keys(txn.scan({ lte: k('b'), reverse: true, limit: 5 }))).toEqual(['b=2', 'a=1']);
    await txn.commit();
    expect(txn.state).toBe('committed');
    const after = db.begin();
    expect(keys(after.scan({}))).toEqual(['a=1', 'b=2', 'e=55']);
    after.rollback();
  });

  it('repeatable read keeps its snapshot; read committed moves at each statement', async () => {
    const db = await seeded({ x: '1' });
    const rr = db.begin({ isolation: 'repeatable read' });
    const rc = db.begin({ isolation: 'read committed' });
    await db.transaction((txn) => txn.put(k('x'), k('2')));
    rr.newStatement();
    rc.newStatement();
    expect(text(rr.get(k('x')))).toBe('1');
    expect(text(rc.get(k('x')))).toBe('2');
    rr.rollback();
    rc.rollback();
  });

  it('first committer wins at every level; the loser gets 40001', async () => {
    for (const isolation of ['read committed', 'repeatable read', 'serializable'] as const) {
      const db = await seeded({ x: '0' });
      const t1 = db.begin({ isolation });
      const t2 = db.begin({ isolation });
      t1.put(k('x'), k('1'));
      t2.put(k('x'), k('2'));
      await t1.commit();
      const failure = await t2.commit().then(() => undefined, (e: unknown) => e);
      expect(failure).toBeInstanceOf(SerializationFailure);
      expect((failure as SerializationFailure).code).toBe('40001');
      expect(t2.state).toBe('aborted');
    }
  });

  it('a write to a key already committed after the snapshot fails at put()', async () => {
    const db = await seeded({ x: '0' });
    const t2 = db.begin({ isolation: 'repeatable read' });
    await db.transaction((txn) => txn.put(k('x'), k('1')));
    expect(() => t2.put(k('x'), k('2'))).toThrow(SerializationFailure);
    t2.rollback();
  });

  it('a commit watch sees one-key and many-key commits of its key, and no other', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    const watch = db.watchCommits(utf8('meta'));
    expect(watch.lastCommitTs).toBe(0);
    await db.put(utf8('other'), utf8('1')); // one key, not the watched one
    expect(watch.lastCommitTs).toBe(0);
    const one = db.begin();
    one.put(utf8('meta'), utf8('1')); // one key: the batch's key strings are a lone string
    await one.commit();
    expect(watch.lastCommitTs).toBe(db.lastCommitTs());
    const before = watch.lastCommitTs;
    const many = db.begin();
    many.put(utf8('a'), utf8('1'));
    many.put(utf8('meta'), utf8('2'));
    await many.commit();
    expect(watch.lastCommitTs).toBe(db.lastCommitTs());
    expect(watch.lastCommitTs).toBeGreaterThan(before);
  });

  it('savepoints undo later writes and keep the savepoint', async () => {
    const db = await seeded({});
    const txn = db.begin();
    txn.put(k('a'), k('1'));
    const sp = txn.savepoint();
    txn.put(k('a'), k('2'));
    txn.put(k('b'), k('2'));
    txn.rollbackTo(sp);
    expect(keys(txn.scan({}))).toEqual(['a=1']);
    txn.put(k('c'), k('3'));
    txn.rollbackTo(sp);
    expect(keys(txn.scan({}))).toEqual(['a=1']);
    txn.release(sp);
    await txn.commit();
    expect(text(await db.get(k('a')))).toBe('1');
  });

  it('enforces read-only mode and the write-set maximum with typed errors', async () => {
    const kv = new MemoryVersionedKv();
    const ro = new TxnKv(kv, { readOnly: true });
    expect(() => ro.begin().put(k('a'), k('1'))).toThrow(ReadOnlyTransactionError);
    await expect(ro.put(k('a'), k('1'))).rejects.toBeInstanceOf(ReadOnlyTransactionError);
    const small = new TxnKv(kv, { writeSetBytesMax: 10 });
    const txn = small.begin();
    txn.put(k('a'), k('123456789'));
    expect(() => txn.put(k('b'), k('1'))).toThrow(WriteSetTooLargeError);
    txn.put(k('a'), k('12345678')); // replacing a value within the limit is fine
    txn.rollback();
    const few = new TxnKv(kv, { writeSetKeysMax: 2 });
    const t2 = few.begin();
    t2.put(k('a'), k('1'));
    t2.put(k('b'), k('1'));
    t2.put(k('b'), k('2'));
    expect(() => t2.delete(k('c'))).toThrow(expect.objectContaining({ code: '54000', limit: 'writeSetKeysMax' }));
    t2.rollback();
  });

  it('close() waits for commits in flight and refuses later ones', async () => {
    const db = await seeded({ x: '0' }, 'deferred');
    const t1 = db.begin();
    t1.put(k('x'), k('1'));
    const late = db.begin();
    late.put(k('y'), k('1'));
    const committing = t1.commit();
    await db.close();
    await committing;
    expect(t1.state).toBe('committed');
    await expect(late.commit()).rejects.toBeInstanceOf(TxnKvClosedError);
    expect(late.state).toBe('aborted');
    expect(() => db.begin()).toThrow(TxnKvClosedError);
  });

  it('commits in flight are conflicts too (deferred apply)', async () => {
    const db = await seeded({ x: '0' }, 'deferred');
    const t1 = db.begin({ isolation: 'repeatable read' });
    const t3 = db.begin({ isolation: 'repeatable read' });
    t1.put(k('x'), k('1'));
    t3.put(k('x'), k('3'));
    const p1 = t1.commit();
    const t2 = db.begin({ isolation: 'repeatable read' });
    expect(text(t2.get(k('x')))).toBe('0'); // t1 is not yet visible
    expect(() => t2.put(k('x'), k('2'))).toThrow(SerializationFailure); // but the tracker knows it
    await expect(t3.commit()).rejects.toBeInstanceOf(SerializationFailure);
    await p1;
    t2.rollback();
    expect(text(await db.get(k('x')))).toBe('1');
  });

  it('keys passed in one scratch buffer rewritten between calls stay distinct (lockKey, put, get)', async () => {
    const db = await seeded({});
    const txn = db.begin();
    const scratch = k('key-a');
    expect(txn.lockKey(scratch)).toBeUndefined();
    txn.put(scratch, k('1'));
    scratch.set(k('key-b'));
    expect(txn.lockKey(scratch)).toBeUndefined();
    txn.put(scratch, k('2'));
    expect(text(txn.get(scratch))).toBe('2');
    scratch.set(k('key-a'));
    expect(text(txn.get(scratch))).toBe('1');
    await txn.commit();
    expect(text(await db.get(k('key-a')))).toBe('1');
    expect(text(await db.get(k('key-b')))).toBe('2');
  });

  it('close() waits for every commit in flight, also when commits share one promise (a group)', async () => {
    const inner = new MemoryVersionedKv({ applyMode: 'deferred' });
    let group: { done: Promise<void>; parts: Array<Promise<void>> } | undefined;
    const promises = new Set<Promise<void>>();
    // A kv whose commits of one turn settle together on one promise, as the engine's group commit.
    const grouped = Object.create(inner) as MemoryVersionedKv;
    grouped.commit = (writes, commitTs) => {
      if (group === undefined) {
        const parts: Array<Promise<void>> = [];
        let open!: () => void;
        const done = new Promise<void>((resolve) => (open = resolve)).then(() => Promise.all(parts)).then(() => undefined);
        group = { done, parts };
        queueMicrotask(() => {
          group = undefined;
          open();
        });
      }
      group.parts.push(inner.commit(writes, commitTs));
      promises.add(group.done);
      return group.done;
    };
    const db = new TxnKv(grouped);
    const txns = ['a', 'b', 'c'].map((name) => {
      const txn = db.begin();
      txn.put(k(name), k(name));
      return txn;
    });
    const commits = txns.map((txn) => txn.commit());
    expect(promises.size).toBe(1);
    await db.close();
    expect(inner.visibleTs()).toBe(inner.lastTs());
    await Promise.all(commits);
    expect(txns.map((txn) => txn.state)).toEqual(['committed', 'committed', 'committed']);
    expect(inner.visibleTs()).toBe(inner.lastTs());
  });
});
