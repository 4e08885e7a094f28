/**
 * The embedded key-value API (issue "Storage engine core"): open(dir, options) → Db with get, put,
 * delete, batch, scan, snapshot, flush, stats, close. A thin layer over Engine that allocates
 * commit timestamps itself (lastTs + 1) and reads at the newest visible version.
 *
 * Invariants:
 * - put/delete/batch allocate their ts synchronously, so commits are ordered as they were called;
 *   each resolves once durable and visible (read-your-writes after await). Keys and values are
 *   copied when their group is written, so the caller must not modify them until the promise
 *   settles (as with fs.write).
 * - get() and scans read at visibleTs() taken when they start; a snapshot reads at a fixed ts until
 *   release().
 * - A scan's async iterator releases its pinned files when it ends or when the loop breaks.
 * - The engine's safe point never passes the readTs of a live snapshot: it advances to the oldest
 *   live snapshot (or visibleTs when there is none) on release() and flush().
 */
import { assert } from '../util/assert.js';
import { prefixUpperBound } from '../util/bytes.js';
import { Engine, type EngineStats } from './engine.js';
import { EngineClosedError } from './errors.js';
import type { EngineOptions } from './options.js';
import type { ScanEntry, ScanRange } from './scan-iterator.js';

export type BatchOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array };

export interface ScanOptions extends ScanRange {
  /** Only keys starting with these bytes (combined with the other bounds). */
  readonly prefix?: Uint8Array;
}

export interface DbStats extends EngineStats {
  readonly openSnapshots: number;
}

export interface Snapshot {
  readonly readTs: number;
  get(key: Uint8Array): Uint8Array | undefined;
  scan(options?: ScanOptions): AsyncIterableIterator<ScanEntry>;
  release(): void;
}

function toRange(options: ScanOptions): ScanRange {
  const { prefix, ...range } = options;
  if (prefix === undefined) return range;
  const out: { -readonly [K in keyof ScanRange]: ScanRange[K] } = { ...range };
  if ((out.gte ?? out.gt) === undefined || Buffer.compare(prefix, (out.gte ?? out.gt) as Uint8Array) > 0) {
    delete out.gt;
    out.gte = prefix;
  }
  const end = prefixUpperBound(prefix);
  if (end !== undefined && ((out.lte ?? out.lt) === undefined || Buffer.compare(end, (out.lte ?? out.lt) as Uint8Array) <= 0)) {
    delete out.lte;
    out.lt = end;
  }
  return out;
}

export class Db {
  /** readTs → number of live snapshots reading at it. */
  private readonly liveSnapshots = new Map<number, number>();
  private snapshots = 0;
  private closed = false;

  private constructor(readonly engine: Engine) {
    // Background work (compaction, GC) reads the safe point: keep it at the oldest live snapshot
    // (or visibleTs) without waiting for a release() or flush().
    engine.safePointHook = () => this.advanceSafePoint();
  }

  static async open(dir: string, options: EngineOptions = {}): Promise<Db> {
    return new Db(await Engine.open(dir, options));
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return this.engine.get(key, this.engine.visibleTs());
  }

  put(key: Uint8Array, value: Uint8Array): Promise<void> {
    return this.engine.commit([{ key, value }], this.engine.lastTs() + 1);
  }

  delete(key: Uint8Array): Promise<void> {
    return this.engine.commit([{ key, value: undefined }], this.engine.lastTs() + 1);
  }

  /** Applies every op atomically. */
  batch(ops: readonly BatchOp[]): Promise<void> {
    const writes = ops.map((op) => ({ key: op.key, value: op.type === 'put' ? op.value : undefined }));
    return this.engine.commit(writes, this.engine.lastTs() + 1);
  }

  scan(options: ScanOptions = {}): AsyncIterableIterator<ScanEntry> {
    return this.scanAt(options, this.engine.visibleTs());
  }

  /** A consistent read view at the current visible ts, held until release(). */
  snapshot(): Snapshot {
    const readTs = this.engine.visibleTs();
    let released = false;
    this.snapshots++;
    this.liveSnapshots.set(readTs, (this.liveSnapshots.get(readTs) ?? 0) + 1);
    return {
      readTs,
      get: (key) => {
        assert(!released, 'snapshot used after release()');
        return this.engine.get(key, readTs);
      },
      scan: (options = {}) => {
        assert(!released, 'snapshot used after release()');
        return this.scanAt(options, readTs);
      },
      release: () => {
        if (released) return;
        released = true;
        this.snapshots--;
        const left = (this.liveSnapshots.get(readTs) ?? 1) - 1;
        if (left === 0) this.liveSnapshots.delete(readTs);
        else this.liveSnapshots.set(readTs, left);
        this.advanceSafePoint();
      },
    };
  }

  flush(): Promise<void> {
    this.advanceSafePoint();
    return this.engine.flush();
  }

  /** Full compaction and value-log GC (admin use; background work does this on its own). */
  compact(): Promise<void> {
    this.advanceSafePoint();
    return this.engine.compact();
  }

  /** Resolves once flushes, compactions and GC have settled. */
  backgroundIdle(): Promise<void> {
    return this.engine.backgroundIdle();
  }

  stats(): DbStats {
    return { ...this.engine.stats(), openSnapshots: this.snapshots };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.engine.close();
  }

  private advanceSafePoint(): void {
    if (this.closed) return;
    let oldest = this.engine.visibleTs();
    for (const ts of this.liveSnapshots.keys()) if (ts < oldest) oldest = ts;
    if (oldest > this.engine.safePoint) this.engine.setSafePoint(oldest);
  }

  private scanAt(options: ScanOptions, readTs: number): AsyncIterableIterator<ScanEntry> {
    const inner = this.engine.scan(toRange(options), readTs);
    const check = (): void => {
      if (this.closed) {
        inner.return?.();
        throw new EngineClosedError();
      }
    };
    const iterator: AsyncIterableIterator<ScanEntry> = {
      next: async () => {
        check();
        return inner.next();
      },
      return: async () => inner.return?.() ?? { done: true, value: undefined },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/** Opens (or creates) the database in `dir`. */
export function open(dir: string, options: EngineOptions = {}): Promise<Db> {
  return Db.open(dir, options);
}
