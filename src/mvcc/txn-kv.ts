/**
 * TxnKv: transactions over any VersionedKv, plus MiniKV-style conveniences, each run as its own
 * transaction with automatic retry.
 *
 * Invariants:
 * - One TxnKv is the only writer of its kv (its oracle continues from kv.lastTs()).
 * - transaction(fn) retries `fn` in a fresh transaction after a 40001 or 40P01, at most
 *   `retriesMax` times; any other error rolls back and propagates at once.
 * - In read-only mode every write fails with ReadOnlyTransactionError and no sweeper runs.
 * - The TTL sweeper timer is unref'd (it never keeps the process alive) and stops at close().
 * - Every limit is validated here, once.
 */
import type { KvEntry, KvRange, Ts, VersionedKv } from './versioned-kv.js';
import type { IsolationLevel, Transaction, TransactionSettings } from './transaction.js';
import type { ExpiryChange } from './ttl-values.js';
import { TransactionImpl } from './transaction.js';
import { TxnCoordinator } from './txn-coordinator.js';
import type { CommitWatch } from './commit-watch.js';
import { toKeyString } from './key-string.js';
import { IntegerOverflowError, NotAnIntegerError, ReservedKeyError, TxnKvClosedError, isRetryable } from './errors.js';
import { readExpiry, readLive, scanLive, sweepExpiredIn, writeLive } from './ttl-values.js';
import { isReservedKey, ttlMetaRange } from './ttl-keys.js';
import { ISOLATION_LEVELS, TxnKvOptionsError, resolveTxnKvOptions, type ResolvedTxnKvOptions, type TxnKvOptions } from './txn-kv-options.js';
import { compareBytes, equalBytes, fromUtf8, prefixUpperBound, utf8 } from '../util/index.js';

export interface BeginOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
}

export interface TransactionOptions extends BeginOptions {
  /** Overrides the TxnKv's retriesMax for this call. */
  readonly retriesMax?: number;
}

export interface PutOptions {
  /** Time to live from now, in ms; absent clears any TTL the key had. */
  readonly ttlMs?: number;
}

export interface ScanOptions extends KvRange {
  /** Restricts the scan to keys starting with these bytes (combined with any other bounds). */
  readonly prefix?: Uint8Array;
}

export interface TxnKvStats {
  readonly commits: number;
  readonly serializationFailures: number;
  readonly retries: number;
  readonly liveSnapshots: number;
  readonly conflictKeys: number;
  readonly lockedKeys: number;
  readonly safePoint: Ts;
}

const CONVENIENCE: TransactionOptions = { isolation: 'repeatable read' };

export class TxnKv {
  private readonly coordinator: TxnCoordinator;
  private readonly options: ResolvedTxnKvOptions;
  private readonly settings: TransactionSettings;
  private closed = false;
  private ttlInUse: boolean;
  private sweeper: NodeJS.Timeout | undefined = undefined;
  private sweeping = false;
  private retryCount = 0;
  private sweepErrorCount = 0;

  constructor(kv: VersionedKv, options: TxnKvOptions = {}) {
    this.options = resolveTxnKvOptions(options);
    this.settings = this.options;
    this.coordinator = new TxnCoordinator(kv, this.options.conflictKeysMax, this.options.writeSetKeysMax);
    const probe = kv.scan({ ...ttlMetaRange(), limit: 1 }, kv.visibleTs());
    this.ttlInUse = probe.next().done !== true;
    probe.return?.();
    if (this.ttlInUse) this.startSweeper();
  }

  begin(options: BeginOptions = {}): Transaction {
    if (this.closed) throw new TxnKvClosedError();
    const isolation = options.isolation ?? this.options.isolation;
    if (!ISOLATION_LEVELS.includes(isolation)) throw new TxnKvOptionsError('isolation', isolation);
    const readOnly = this.options.readOnly || options.readOnly === true;
    return new TransactionImpl(this.coordinator, isolation, readOnly, this.settings);
  }

  async transaction<T>(fn: (txn: Transaction) => Promise<T> | T, options: TransactionOptions = {}): Promise<T> {
    const retriesMax = options.retriesMax ?? this.options.retriesMax;
    if (!Number.isInteger(retriesMax) || retriesMax < 0) throw new TxnKvOptionsError('retriesMax', retriesMax);
    for (let attempt = 0; ; attempt++) {
      const txn = this.begin(options);
      try {
        const result = await fn(txn);
        if (txn.state === 'active') await txn.commit();
        return result;
      } catch (error) {
        txn.rollback();
        if (!isRetryable(error)) throw error;
        if (attempt >= retriesMax) throw error;
        this.retryCount++;
        await backoff(attempt, this.options.retryBackoffMsMax);
      }
    }
  }

  /** Oldest ts any live transaction or snapshot may read; versions shadowed below it may go. */
  /** The newest commitTs handed out (or the store's last ts at open). */
  lastCommitTs(): Ts {
    return this.coordinator.lastTs();
  }

  /** A watch on `key`: the commitTs of its newest write (see CommitWatch). */
  watchCommits(key: Uint8Array): CommitWatch {
    return this.coordinator.watch(toKeyString(key));
  }

  safePoint(): Ts {
    return this.coordinator.safePoint();
  }

  stats(): TxnKvStats {
    return {
      commits: this.coordinator.commits(),
      serializationFailures: this.coordinator.failures,
      retries: this.retryCount,
      liveSnapshots: this.coordinator.liveCount(),
      conflictKeys: this.coordinator.tracker.size(),
      lockedKeys: this.coordinator.locks.size(),
      safePoint: this.coordinator.safePoint(),
    };
  }

  /**
   * Stops the sweeper, refuses new transactions and commits (TxnKvClosedError) and waits for
   * the commits in flight. Does not close the kv.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper !== undefined) clearInterval(this.sweeper);
    this.sweeper = undefined;
    await this.coordinator.close();
  }

  // ---- MiniKV conveniences: each is one transaction (REPEATABLE READ, retried on 40001) ----

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    checkUserKey(key);
    return this.transaction((txn) => readLive(txn, key, this.options.now(), this.ttlInUse), { ...CONVENIENCE, readOnly: true });
  }

  /** Sets the value; `ttlMs` gives it a time to live, its absence clears any TTL. */
  async put(key: Uint8Array, value: Uint8Array, options: PutOptions = {}): Promise<void> {
    checkUserKey(key);
    const expiry = this.expiryOf(options);
    return this.transaction((txn) => writeLive(txn, key, value, expiry, this.ttlInUse), CONVENIENCE);
  }

  /** Deletes the key; resolves true if it was live. */
  async delete(key: Uint8Array): Promise<boolean> {
    checkUserKey(key);
    return this.transaction((txn) => {
      const live = readLive(txn, key, this.options.now(), this.ttlInUse) !== undefined;
      writeLive(txn, key, undefined, undefined, this.ttlInUse);
      return live;
    }, CONVENIENCE);
  }

  /** Sets the value only if the key is absent (or expired); resolves true if it did. */
  async setNX(key: Uint8Array, value: Uint8Array, options: PutOptions = {}): Promise<boolean> {
    checkUserKey(key);
    const expiry = this.expiryOf(options);
    return this.transaction((txn) => {
      if (readLive(txn, key, this.options.now(), this.ttlInUse) !== undefined) return false;
      writeLive(txn, key, value, expiry, this.ttlInUse);
      return true;
    }, CONVENIENCE);
  }

  incr(key: Uint8Array): Promise<number> {
    return this.incrBy(key, 1);
  }

  /** Adds `delta` to the decimal integer stored at key (absent = 0); keeps its TTL. */
  async incrBy(key: Uint8Array, delta: number): Promise<number> {
    checkUserKey(key);
    if (!Number.isSafeInteger(delta)) throw new NotAnIntegerError(String(delta));
    return this.transaction((txn) => {
      const current = readLive(txn, key, this.options.now(), this.ttlInUse);
      const next = (current === undefined ? 0 : parseInteger(current)) + delta;
      if (!Number.isSafeInteger(next)) throw new IntegerOverflowError();
      writeLive(txn, key, utf8(String(next)), current === undefined ? undefined : 'keep', this.ttlInUse);
      return next;
    }, CONVENIENCE);
  }

  /**
   * Replaces the value with `next` (undefined deletes) only if it currently equals `expected`
   * (undefined = absent); resolves true if it did. Keeps the TTL of a live key.
   */
  async compareAndSwap(key: Uint8Array, expected: Uint8Array | undefined, next: Uint8Array | undefined): Promise<boolean> {
    checkUserKey(key);
    return this.transaction((txn) => {
      const current = readLive(txn, key, this.options.now(), this.ttlInUse);
      const same = current === undefined || expected === undefined ? current === expected : equalBytes(current, expected);
      if (!same) return false;
      writeLive(txn, key, next, current === undefined ? undefined : 'keep', this.ttlInUse);
      return true;
    }, CONVENIENCE);
  }

  /** Sets the value (clearing any TTL, as Redis GETSET) and resolves with the previous one. */
  async getAndSet(key: Uint8Array, value: Uint8Array): Promise<Uint8Array | undefined> {
    checkUserKey(key);
    return this.transaction((txn) => {
      const previous = readLive(txn, key, this.options.now(), this.ttlInUse);
      writeLive(txn, key, value, undefined, this.ttlInUse);
      return previous;
    }, CONVENIENCE);
  }

  /** Remaining time to live in ms; undefined when the key is absent, expired or has no TTL. */
  async ttl(key: Uint8Array): Promise<number | undefined> {
    checkUserKey(key);
    return this.transaction((txn) => {
      const now = this.options.now();
      if (readLive(txn, key, now, this.ttlInUse) === undefined) return undefined;
      const expiry = readExpiry(txn, key, this.ttlInUse);
      return expiry === undefined ? undefined : expiry - now;
    }, { ...CONVENIENCE, readOnly: true });
  }

  /** Live entries in key order (or reverse), at most `limit` (default and maximum scanEntriesMax). */
  async scan(options: ScanOptions = {}): Promise<KvEntry[]> {
    const limit = options.limit ?? this.options.scanEntriesMax;
    if (!Number.isInteger(limit) || limit < 0 || limit > this.options.scanEntriesMax) {
      throw new TxnKvOptionsError('limit', limit);
    }
    const range = prefixRange(options);
    return this.transaction((txn) => scanLive(txn, range, limit, this.options.now(), this.ttlInUse), {
      ...CONVENIENCE,
      readOnly: true,
    });
  }

  /** Deletes keys whose TTL has passed (at most ttlSweepKeysMax); resolves with how many. */
  async sweepExpired(): Promise<number> {
    if (!this.ttlInUse) return 0;
    return this.transaction((txn) => sweepExpiredIn(txn, this.options.now(), this.options.ttlSweepKeysMax), CONVENIENCE);
  }

  /** Sweeps that failed (they are retried at the next tick). */
  sweepErrors(): number {
    return this.sweepErrorCount;
  }

  private expiryOf(options: PutOptions): ExpiryChange {
    if (options.ttlMs === undefined) return undefined;
    if (!Number.isFinite(options.ttlMs) || options.ttlMs <= 0) throw new TxnKvOptionsError('ttlMs', options.ttlMs);
    if (!this.options.readOnly && !this.ttlInUse) {
      this.ttlInUse = true;
      this.startSweeper();
    }
    return this.options.now() + options.ttlMs;
  }

  private startSweeper(): void {
    if (this.options.readOnly || this.options.ttlSweepIntervalMs === 0 || this.sweeper !== undefined || this.closed) return;
    this.sweeper = setInterval(() => this.sweepTick(), this.options.ttlSweepIntervalMs);
    this.sweeper.unref();
  }

  private sweepTick(): void {
    if (this.sweeping || this.closed) return;
    this.sweeping = true;
    this.sweepExpired().then(
      () => (this.sweeping = false),
      () => {
        this.sweeping = false;
        this.sweepErrorCount++;
      },
    );
  }
}

function checkUserKey(key: Uint8Array): void {
  if (isReservedKey(key)) throw new ReservedKeyError();
}

function parseInteger(bytes: Uint8Array): number {
  const text = fromUtf8(bytes);
  if (!/^-?\d{1,16}$/.test(text)) throw new NotAnIntegerError(text);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new NotAnIntegerError(text);
  return value;
}

/** The range intersected with the keys starting with `prefix`. */
function prefixRange(options: ScanOptions): KvRange {
  const { prefix, ...range } = options;
  if (prefix === undefined) return range;
  const out: { gte?: Uint8Array; gt?: Uint8Array; lte?: Uint8Array; lt?: Uint8Array; reverse?: boolean } = {};
  if (range.reverse !== undefined) out.reverse = range.reverse;
  const low = range.gte ?? range.gt;
  if (low !== undefined && compareBytes(low, prefix) >= 0) {
    if (range.gte !== undefined) out.gte = range.gte;
    else out.gt = range.gt;
  } else out.gte = prefix;
  const upper = prefixUpperBound(prefix);
  const high = range.lte ?? range.lt;
  if (high !== undefined && (upper === undefined || compareBytes(high, upper) < 0)) {
    if (range.lte !== undefined) out.lte = range.lte;
    else out.lt = range.lt;
  } else if (upper !== undefined) out.lt = upper;
  return out;
}

function backoff(attempt: number, backoffMsMax: number): Promise<void> {
  if (attempt < 2 || backoffMsMax === 0) return new Promise((resolve) => setImmediate(resolve));
  const delayMs = Math.random() * Math.min(backoffMsMax, 2 ** (attempt - 2));
  return new Promise((resolve) => setTimeout(resolve, delayMs));
}
