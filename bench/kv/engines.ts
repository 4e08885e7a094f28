/**
 * The two engines of the key-value benchmark behind one small interface, each driven its fastest
 * way for the same work: stratadb through its embedded API (synchronous get, synchronous engine
 * scan, fsynced batches) and LevelDB through classic-level (getSync, iterator nextv, batches with
 * sync: true so both acknowledge only durable writes).
 */
import { ClassicLevel } from 'classic-level';
import { Db, FaultVfs, NodeVfs, type DbStats, type EngineOptions } from '../../src/storage/index.js';

export interface BenchEngine {
  readonly name: string;
  putBatch(keys: readonly Uint8Array[], values: readonly Uint8Array[]): Promise<void>;
  get(key: Uint8Array): Uint8Array | undefined;
  /** Visits every entry in order (or reverse); returns the count. */
  scanAll(reverse: boolean): Promise<number>;
  /** Waits until background work (flush, compaction, GC) has settled (stratadb only). */
  settle?(): Promise<void>;
  /** Flushes the memtable into tables and waits for it (stratadb only). */
  flush?(): Promise<void>;
  /** Full compaction and value-log GC, flat out (stratadb only). */
  compact?(): Promise<void>;
  /** Engine statistics (stratadb only). */
  stats?(): DbStats;
  close(): Promise<void>;
}

/** Memtable budget of both engines (LevelDB's default write buffer is 4 MiB). */
export const MEMTABLE_BYTES = 4 * 1024 * 1024;
/** Block cache of both engines (stratadb's default; LevelDB's default is 8 MiB). */
export const BLOCK_CACHE_BYTES = 32 * 1024 * 1024;

/** What both engines are configured to do the same (printed with the results). */
export const LIKE_FOR_LIKE =
  'both engines: every batch durable before the next (stratadb sync full: fdatasync of value log + commit log; LevelDB sync: true: its WAL synced per batch), ' +
  'memtable 4 MiB, block cache 32 MiB (stratadb: no value cache on top, so both engines cache in 32 MiB), Bloom filters 10 bits/key, no compression (values are random bytes; stratadb has none, LevelDB Snappy off).';

export async function openStrata(dir: string, options: EngineOptions = {}): Promise<BenchEngine> {
  return (await openStrataDb(dir, options)).bench;
}

/** openStrata, also handing out the Db (diagnostics look inside it). */
export async function openStrataDb(dir: string, options: EngineOptions = {}): Promise<{ bench: BenchEngine; db: Db }> {
  const vfs = new FaultVfs(new NodeVfs());
  // valueCacheBytes 0: LevelDB has one 32 MiB cache (blocks holding its values); stratadb gets the
  // same 32 MiB, not a value cache on top of it.
  const db = await Db.open(dir, { vfs, memtableBytesMax: MEMTABLE_BYTES, blockCacheBytes: BLOCK_CACHE_BYTES, valueCacheBytes: 0, bloomBitsPerKey: 10, sync: 'full', ...options });
  const engine = db.engine;
  const bench: BenchEngine = {
    name: 'stratadb',
    putBatch: (keys, values) => db.batch(keys.map((key, i) => ({ type: 'put', key, value: values[i] as Uint8Array }))),
    get: (key) => db.get(key),
    scanAll: async (reverse) => {
      let count = 0;
      for (const entry of engine.scan({ reverse }, engine.visibleTs())) count += entry.key.length > 0 ? 1 : 0;
      return count;
    },
    settle: () => db.backgroundIdle(),
    flush: () => db.flush(),
    compact: () => db.compact(),
    stats: () => db.stats(),
    close: () => db.close(),
  };
  return { bench, db };
}

export async function openLevel(dir: string): Promise<BenchEngine> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(dir, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    writeBufferSize: MEMTABLE_BYTES,
    cacheSize: BLOCK_CACHE_BYTES,
    compression: false,
  });
  await db.open();
  return {
    name: 'leveldb',
    putBatch: (keys, values) => db.batch(keys.map((key, i) => ({ type: 'put', key, value: values[i] as Uint8Array })), { sync: true }),
    get: (key) => db.getSync(key),
    scanAll: async (reverse) => {
      const iterator = db.iterator({ reverse });
      let count = 0;
      for (;;) {
        const entries = await iterator.nextv(1000);
        if (entries.length === 0) break;
        count += entries.length;
      }
      await iterator.close();
      return count;
    },
    close: () => db.close(),
  };
}
