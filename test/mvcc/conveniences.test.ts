/**
 * The MiniKV conveniences of TxnKv: setNX, incr/incrBy, compareAndSwap, getAndSet, TTL (lazy
 * expiry and the sweeper), prefix and range scans with limits, read-only mode.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  MemoryVersionedKv,
  NotAnIntegerError,
  IntegerOverflowError,
  ReadOnlyTransactionError,
  ReservedKeyError,
  TTL_KEY_PREFIX,
  TxnKv,
  TxnKvOptionsError,
} from '../../src/mvcc/index.js';
import { fromUtf8, utf8 } from '../../src/util/index.js';

const k = utf8;
const text = (v: Uint8Array | undefined): string | undefined => (v === undefined ? undefined : fromUtf8(v));

function clock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 1_000_000;
  return { now: () => ms, advance: (delta) => void (ms += delta) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('MiniKV conveniences', () => {
  it('setNX sets only an absent key', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    expect(await db.setNX(k('a'), k('1'))).toBe(true);
    expect(await db.setNX(k('a'), k('2'))).toBe(false);
    expect(text(await db.get(k('a')))).toBe('1');
  });

  it('incr and incrBy count from absent, reject non-integers and overflow with typed errors', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    expect(await db.incr(k('n'))).toBe(1);
    expect(await db.incrBy(k('n'), 41)).toBe(42);
    expect(await db.incrBy(k('n'), -50)).toBe(-8);
    await db.put(k('s'), k('12a'));
    await expect(db.incr(k('s'))).rejects.toBeInstanceOf(NotAnIntegerError);
    await db.put(k('f'), k('1.5'));
    await expect(db.incr(k('f'))).rejects.toMatchObject({ code: '22P02' });
    await db.put(k('big'), k(String(Number.MAX_SAFE_INTEGER)));
    await expect(db.incr(k('big'))).rejects.toBeInstanceOf(IntegerOverflowError);
    await expect(db.incrBy(k('n'), 0.5)).rejects.toBeInstanceOf(NotAnIntegerError);
    expect(text(await db.get(k('n')))).toBe('-8');
  });

  it('concurrent incr never loses an increment (retries on 40001)', async () => {
    const db = new TxnKv(new MemoryVersionedKv({ applyMode: 'deferred' }), { retryBackoffMsMax: 0, retriesMax: 1000 });
    await Promise.all(Array.from({ length: 60 }, () => db.incr(k('hits'))));
    expect(text(await db.get(k('hits')))).toBe('60');
    expect(db.stats().retries).toBeGreaterThan(0);
  });

  it('compareAndSwap swaps only on a match; undefined means absent', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    expect(await db.compareAndSwap(k('c'), k('x'), k('y'))).toBe(false);
    expect(await db.compareAndSwap(k('c'), undefined, k('x'))).toBe(true);
    expect(await db.compareAndSwap(k('c'), undefined, k('z'))).toBe(false);
    expect(await db.compareAndSwap(k('c'), k('x'), k('y'))).toBe(true);
    expect(text(await db.get(k('c')))).toBe('y');
    expect(await db.compareAndSwap(k('c'), k('y'), undefined)).toBe(true);
    expect(await db.get(k('c'))).toBeUndefined();
  });

  it('getAndSet returns the previous value', async () => {
    const db = new TxnKv(new MemoryVersionedKv());
    expect(await db.getAndSet(k('g'), k('1'))).toBeUndefined();
    expect(text(await db.getAndSet(k('g'), k('2')))).toBe('1');
    expect(text(await db.get(k('g')))).toBe('2');
  });

  it('TTL: lazy expiry hides a key at once; put without ttl clears it; incr keeps it', async () => {
    const time = clock();
    const db = new TxnKv(new MemoryVersionedKv(), { now: time.now, ttlSweepIntervalMs: 0 });
    await db.put(k('t'), k('v'), { ttlMs: 100 });
    await db.put(k('u'), k('5'), { ttlMs: 100 });
    await db.put(k('p'), k('v'), { ttlMs: 100 });
    await db.put(k('p'), k('w')); // clears the TTL
    expect(await db.ttl(k('t'))).toBe(100);
    expect(await db.incr(k('u'))).toBe(6);
    time.advance(60);
    expect(await db.ttl(k('u'))).toBe(40);
    time.advance(40);
    expect(await db.get(k('t'))).toBeUndefined();
    expect(await db.get(k('u'))).toBeUndefined();
    expect(text(await db.get(k('p')))).toBe('w');
    expect(await db.setNX(k('t'), k('again'))).toBe(true); // an expired key counts as absent
    expect(await db.ttl(k('t'))).toBeUndefined();
    expect((await db.scan({})).map((e) => fromUtf8(e.key))).toEqual(['p', 't']);
  });

  it('TTL: the sweeper deletes expired keys and their metadata', async () => {
    const time = clock();
    const kv = new MemoryVersionedKv();
    const db = new TxnKv(kv, { now: time.now, ttlSweepIntervalMs: 0 });
    for (let i = 0; i < 10; i++) await db.put(k(`e${i}`), k('v'), { ttlMs: 10 + i * 10 });
    await db.put(k('keep'), k('v'));
    time.advance(55);
    expect(await db.sweepExpired()).toBe(5);
    time.advance(1000);
    expect(await db.sweepExpired()).toBe(5);
    const txn = db.begin();
    const raw = [...txn.scan({})].map((e) => fromUtf8(e.key));
    txn.rollback();
    expect(raw).toEqual(['keep']); // no value, meta or index key left behind
  });

  it('TTL: the background sweeper runs on an unref timer', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const time = clock();
    const db = new TxnKv(new MemoryVersionedKv(), { now: time.now, ttlSweepIntervalMs: 50 });
    await db.put(k('x'), k('v'), { ttlMs: 10 });
    time.advance(20);
    vi.advanceTimersByTime(50);
    await vi.waitFor(async () => {
      const txn = db.begin();
      const left = [...txn.scan({})].length;
      txn.rollback();
      expect(left).toBe(0);
    }, { timeout: 20_000, interval: 5 });
    await db.close();
  });

  it('scans by prefix and range, forward and reverse, with limits; reserved keys are refused', async () => {
    const db = new TxnKv(new MemoryVersionedKv(), { scanEntriesMax: 100 });
    for (const key of ['a/1', 'a/2', 'a/3', 'b/1', 'b/2', 'c']) await db.put(k(key), k(key.toUpperCase()));
    const keys = async (options: Parameters<TxnKv['scan']>[0]): Promise<string[]> => (await db.scan(options)).map((e) => fromUtf8(e.key));
    expect(await keys({ prefix: k('a/') })).toEqual(['a/1', 'a/2', 'a/3']);
    expect(await keys({ prefix: k('b/'), reverse: true })).toEqual(['b/2', 'b/1']);
    expect(await keys({ prefix: k('a/'), gt: k('a/1'), limit: 1 })).toEqual(['a/2']);
    expect(await keys({ gte: k('a/3'), lt: k('c') })).toEqual(['a/3', 'b/1', 'b/2']);
    expect(await keys({ limit: 2, reverse: true })).toEqual(['c', 'b/2']);
    await expect(db.scan({ limit: 101 })).rejects.toBeInstanceOf(TxnKvOptionsError);
    const reserved = Uint8Array.from([...TTL_KEY_PREFIX, 1]);
    await expect(db.put(reserved, k('x'))).rejects.toBeInstanceOf(ReservedKeyError);
  });

  it('read-only mode refuses every write with a typed error but reads', async () => {
    const kv = new MemoryVersionedKv();
    const writer = new TxnKv(kv);
    await writer.put(k('a'), k('1'));
    const reader = new TxnKv(kv, { readOnly: true });
    expect(text(await reader.get(k('a')))).toBe('1');
    for (const write of [
      () => reader.put(k('a'), k('2')),
      () => reader.setNX(k('b'), k('2')),
      () => reader.incr(k('a')),
      () => reader.compareAndSwap(k('a'), k('1'), k('2')),
      () => reader.getAndSet(k('a'), k('2')),
      () => reader.delete(k('a')),
    ]) {
      await expect(write()).rejects.toBeInstanceOf(ReadOnlyTransactionError);
    }
    expect(() => reader.begin({ readOnly: false }).delete(k('a'))).toThrow(ReadOnlyTransactionError);
  });

  it('transaction() retries 40001 up to retriesMax, then gives up with the failure', async () => {
    const db = new TxnKv(new MemoryVersionedKv(), { retryBackoffMsMax: 0 });
    await db.put(k('x'), k('0'));
    let attempts = 0;
    const failing = db.transaction(async (txn) => {
      attempts++;
      txn.get(k('x'));
      await db.put(k('x'), k(String(attempts))); // a concurrent writer wins every time
      txn.put(k('x'), k('mine'));
    }, { isolation: 'repeatable read', retriesMax: 3 });
    await expect(failing).rejects.toMatchObject({ code: '40001' });
    expect(attempts).toBe(4);
    let tries = 0;
    const result = await db.transaction(async (txn) => {
      tries++;
      txn.get(k('x'));
      if (tries < 3) await db.put(k('x'), k('other'));
      txn.put(k('x'), k('mine'));
      return 'done';
    }, { isolation: 'serializable' });
    expect(result).toBe('done');
    expect(tries).toBe(3);
    expect(text(await db.get(k('x')))).toBe('mine');
  });
});
