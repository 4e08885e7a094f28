/**
 * Transaction: one MVCC transaction over a TxnCoordinator — snapshot reads, buffered writes,
 * savepoints, and a commit that runs the conflict checks and hands one atomic batch to the kv.
 *
 * Invariants:
 * - Reads see the snapshot at readTs() merged with the transaction's own writes.
 * - READ COMMITTED moves readTs() forward at each newStatement(); REPEATABLE READ and
 *   SERIALIZABLE keep the snapshot taken at begin.
 * - Every buffered write remembers `sinceTs`, the snapshot of the statement that first wrote
 *   its key. Pins (see TxnCoordinator): the current snapshot; from the first write on, the
 *   snapshot of that write (<= every sinceTs); and each open scan's snapshot — so the tracker
 *   and the kv keep what the transaction's checks and reads need. All are unpinned at its end.
 * - First committer wins: a write to a key that another transaction committed after its
 *   sinceTs fails with SerializationFailure — at put() when already known, else at commit().
 * - SERIALIZABLE with writes also fails at commit if a key it read (point or scanned range)
 *   was committed by another transaction after readTs(). Read-only transactions never fail:
 *   they serialize at their snapshot.
 * - The check, the commitTs allocation and the kv.commit() call run in one synchronous step.
 * - Key locks (lockKey, optional) are held until the transaction ends; after a commit, until it
 *   is visible, so a woken waiter's fresh snapshot includes it.
 */
import type { KvIterator, KvRange, Ts } from './versioned-kv.js';
import type { CommitWaiter, TxnCoordinator } from './txn-coordinator.js';
import type { ScanOwner } from './txn-scan-iterator.js';
import type { ConflictFaults } from './txn-kv-options.js';
import { TxnScanIterator } from './txn-scan-iterator.js';
import { WriteBuffer } from './write-buffer.js';
import { ReadSet } from './read-set.js';
import { toStringRange } from './key-range.js';
import { keyStringEquals, toKeyString } from './key-string.js';
import type { LockOwner, LockState } from './key-locks.js';
import type { KeyEntry } from './key-table.js';
import { pooledCopy } from '../util/pooled-copy.js';
import { ReadOnlyTransactionError, SerializationFailure, WriteSetTooLargeError } from './errors.js';
import { assert } from '../util/index.js';

const RESOLVED = Promise.resolve();

/** Keys up to this long are compared with the last key string before a new one is made. */
const KEY_STRING_REUSE_BYTES_MAX = 256;

export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';
export type TransactionState = 'active' | 'committed' | 'aborted';

export interface Transaction {
  readonly isolation: IsolationLevel;
  readonly readOnly: boolean;
  readonly state: TransactionState;
  /** The current read snapshot. */
  readTs(): Ts;
  /** The value at the snapshot, or the transaction's own write. The result must not be mutated. */
  get(key: Uint8Array): Uint8Array | undefined;
  /** Snapshot scan merged with own writes; forward and reverse; `limit` counts merged entries. */
  scan(range: KvRange): KvIterator;
  /** Buffers a write (key and value are copied). */
  put(key: Uint8Array, value: Uint8Array): void;
  delete(key: Uint8Array): void;
  /** Statement boundary: READ COMMITTED takes a fresh snapshot; the others do nothing. */
  newStatement(): void;
  /**
   * Optional row-lock emulation (see key-locks.ts): claims `key` before writing it. Undefined
   * when claimed; else a promise that resolves once the holder has ended (committed and
   * visible, or rolled back): the caller then re-runs its statement — after newStatement() —
   * and claims again. A resolved promise means "re-run": under READ COMMITTED the key changed
   * after the statement's snapshot. Throws DeadlockDetected (40P01) instead of closing a wait
   * cycle, and SerializationFailure when the key changed after the snapshot under REPEATABLE
   * READ / SERIALIZABLE (as SELECT … FOR UPDATE there) or after this transaction wrote it.
   */
  lockKey(key: Uint8Array): Promise<void> | undefined;
  /** SQL SAVEPOINT: a handle to the current state of the write buffer. */
  savepoint(): number;
  /** SQL ROLLBACK TO SAVEPOINT: undoes later writes; the savepoint stays. */
  rollbackTo(savepoint: number): void;
  /** SQL RELEASE SAVEPOINT: forgets it (and later ones); the writes stay. */
  release(savepoint: number): void;
  /** Commits; throws SerializationFailure (code '40001') on a conflict. */
  commit(): Promise<void>;
  /**
   * Commits at once, without a promise, when the transaction buffered no write (nothing to check
   * or hand to the kv) and returns true; returns false and does nothing otherwise.
   */
  commitIfNoWrites(): boolean;
  /** Abandons the transaction; a no-op once it is over. */
  rollback(): void;
}

/** Limits a transaction enforces (validated once by TxnKv), and test-only faults. */
export interface TransactionSettings {
  readonly writeSetBytesMax: number;
  readonly writeSetKeysMax: number;
  readonly readSetKeysMax: number;
  readonly readSetRangesMax: number;
  readonly faults: ConflictFaults;
}

export class TransactionImpl implements Transaction, ScanOwner, LockOwner, CommitWaiter {
  /** Row locks held (key-locks.ts keeps them here). */
  lockState: LockState | undefined = undefined;
  private stateValue: TransactionState = 'active';
  /** The key string made last: a statement locks a key, then writes it (see keyStringOf). */
  private lastKeyString: string | undefined = undefined;
  /** The KeyTable entry fetched last (see keyEntryOf). */
  private lastEntry: KeyEntry | undefined = undefined;
  private committing = false;
  private snapshotTs: Ts;
  private writePinTs: Ts | undefined = undefined;
  /** Buffered writes, made on first use (most autocommit statements only read): see `buffer`. */
  private ownWrites: WriteBuffer | undefined;
  private readonly readSet: ReadSet | undefined;
  /** Open scans (made on the first scan: most statements are point reads). */
  private scans: Set<TxnScanIterator> | undefined;

  constructor(
    private readonly coordinator: TxnCoordinator,
    readonly isolation: IsolationLevel,
    readonly readOnly: boolean,
    private readonly settings: TransactionSettings,
  ) {
    this.snapshotTs = coordinator.pinSnapshot();
    this.readSet = isolation === 'serializable' && !readOnly ? new ReadSet(settings.readSetKeysMax, settings.readSetRangesMax) : undefined;
  }

  /** The write buffer, made on first use. */
  private get buffer(): WriteBuffer {
    return (this.ownWrites ??= new WriteBuffer());
  }

  get state(): TransactionState {
    return this.stateValue;
  }

  readTs(): Ts {
    return this.snapshotTs;
  }

  get(key: Uint8Array): Uint8Array | undefined {
    this.assertActive();
    if ((this.ownWrites !== undefined && this.ownWrites.size() > 0) || this.readSet !== undefined) {
      const keyString = this.keyStringOf(key);
      const own = this.ownWrites?.get(keyString);
      if (own !== undefined) return own.value;
      this.readSet?.addPoint(keyString);
    }
    return this.coordinator.kv.get(key, this.snapshotTs);
  }

  scan(range: KvRange): KvIterator {
    this.assertActive();
    const hasOwn = this.ownWrites !== undefined && this.ownWrites.size() > 0;
    // Key strings of the bounds only when needed (own writes to merge, or a read set to record).
    const bounds = hasOwn || this.readSet !== undefined ? toStringRange(range) : undefined;
    const [ownStart, ownEnd] = hasOwn && bounds !== undefined ? this.buffer.indexesIn(bounds) : [0, 0];
    const limit = range.limit ?? Infinity;
    assert(limit >= 0, 'scan limit must be >= 0');
    const innerLimit = limit === Infinity || ownEnd === ownStart ? range.limit : limit + (ownEnd - ownStart);
    const inner = this.coordinator.kv.scan(innerLimit === range.limit ? range : { ...range, limit: innerLimit }, this.snapshotTs);
    const readRange = bounds === undefined ? undefined : this.readSet?.addRange(bounds);
    const ownKeys = hasOwn ? this.buffer.sortedKeys() : [];
    const reverse = range.reverse === true;
    const scan = new TxnScanIterator(this, this.snapshotTs, inner, this.buffer, ownKeys, ownStart, ownEnd, reverse, limit, readRange);
    this.coordinator.pin(this.snapshotTs); // the scan keeps its snapshot even past newStatement()
    (this.scans ??= new Set()).add(scan);
    return scan;
  }

  put(key: Uint8Array, value: Uint8Array): void {
    this.write(key, pooledCopy(value), 'PUT');
  }

  delete(key: Uint8Array): void {
    this.write(key, undefined, 'DELETE');
  }

  newStatement(): void {
    this.assertActive();
    if (this.isolation !== 'read committed') return;
    // Nothing committed since the current snapshot (a statement right after begin()): keep it.
    if (this.coordinator.kv.visibleTs() === this.snapshotTs) return;
    const next = this.coordinator.pinSnapshot();
    this.coordinator.unpin(this.snapshotTs);
    this.snapshotTs = next;
  }

  lockKey(key: Uint8Array): Promise<void> | undefined {
    this.assertActive();
    if (this.readOnly) throw new ReadOnlyTransactionError('SELECT FOR UPDATE');
    const keyString = this.keyStringOf(key);
    const entry = this.keyEntryOf(keyString, true);
    const wait = this.coordinator.locks.acquireAt(this, entry);
    const buffered = this.ownWrites?.get(keyString);
    if (wait !== undefined || !this.coordinator.tracker.writtenSinceAt(entry, buffered?.sinceTs ?? this.snapshotTs)) return wait;
    // The key changed after the statement's snapshot. READ COMMITTED re-runs the statement on a
    // fresh one (PostgreSQL re-checks the newest row version); otherwise, as SELECT … FOR
    // UPDATE under REPEATABLE READ (or an earlier write of ours is stale): 40001.
    if (this.isolation === 'read committed' && buffered === undefined) return Promise.resolve();
    this.coordinator.failures++;
    throw new SerializationFailure('write-write');
  }

  savepoint(): number {
    this.assertActive();
    return this.buffer.savepoint();
  }

  rollbackTo(savepoint: number): void {
    this.assertActive();
    this.buffer.rollbackTo(savepoint);
  }

  release(savepoint: number): void {
    this.assertActive();
    this.buffer.release(savepoint);
  }

  commitIfNoWrites(): boolean {
    this.assertActive();
    if (this.ownWrites !== undefined && this.ownWrites.size() !== 0) return false;
    this.finish('committed');
    return true;
  }

  commit(): Promise<void> {
    // No async frame (one per write transaction): the coordinator settles this transaction
    // (commitSettled) before the caller of the returned kv promise resumes.
    try {
      if (this.commitIfNoWrites()) return RESOLVED;
      const failure = this.findConflict();
      if (failure !== undefined) {
        this.coordinator.failures++;
        this.finish('aborted');
        throw failure;
      }
      const buffer = this.buffer;
      this.committing = true;
      try {
        return this.coordinator.commit(buffer.writes(), buffer.keyStrings(), this);
      } catch (error) {
        this.stateValue = 'aborted';
        this.coordinator.locks.releaseAll(this);
        throw error;
      } finally {
        this.endScans();
        this.unpinAll();
      }
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** The kv's commit promise settled (called by the coordinator, before the committer resumes). */
  commitSettled(committed: boolean): void {
    this.stateValue = committed ? 'committed' : 'aborted';
    this.coordinator.locks.releaseAll(this); // waiters wake once the commit is visible
  }

  rollback(): void {
    if (this.stateValue !== 'active' || this.committing) return;
    this.finish('aborted');
  }

  assertActive(): void {
    // The message is built only on failure: this runs on every read and write.
    if (this.stateValue !== 'active' || this.committing) assert(false, `transaction is ${this.committing ? 'committing' : this.stateValue}`);
  }

  /** The tracker's writtenSince(), through the entry kept for the key claimed last (WriteBuffer.someWrittenSince). */
  writtenSince(keyString: string, sinceTs: Ts): boolean {
    return this.coordinator.tracker.writtenSinceAt(this.keyEntryOf(keyString, false), sinceTs);
  }

  scanEnded(scan: TxnScanIterator): void {
    if (this.scans?.delete(scan) === true) this.coordinator.unpin(scan.readTs);
  }

  private write(key: Uint8Array, value: Uint8Array | undefined, operation: string): void {
    this.assertActive();
    if (this.readOnly) throw new ReadOnlyTransactionError(operation);
    const keyString = this.keyStringOf(key);
    const previous = this.buffer.get(keyString);
    const sinceTs = previous?.sinceTs ?? this.snapshotTs;
    if (this.writtenSince(keyString, sinceTs) && this.settings.faults.skipWriteWriteCheck !== true) {
      this.coordinator.failures++;
      throw new SerializationFailure('write-write');
    }
    const bytes = this.buffer.bytesAfter(keyString, key, value);
    if (bytes > this.settings.writeSetBytesMax) throw new WriteSetTooLargeError('writeSetBytesMax', bytes, this.settings.writeSetBytesMax);
    if (previous === undefined && this.buffer.size() >= this.settings.writeSetKeysMax) {
      throw new WriteSetTooLargeError('writeSetKeysMax', this.buffer.size() + 1, this.settings.writeSetKeysMax);
    }
    this.buffer.set(keyString, { key: previous?.key ?? pooledCopy(key), value, sinceTs });
    if (this.writePinTs === undefined) {
      this.writePinTs = this.snapshotTs;
      this.coordinator.pin(this.writePinTs);
    }
  }

  /**
   * toKeyString(key), reusing the last one made when it spells the same bytes (checked, not
   * assumed: callers may pass the same scratch buffer with other bytes).
   */
  private keyStringOf(key: Uint8Array): string {
    const last = this.lastKeyString;
    if (last !== undefined && key.length <= KEY_STRING_REUSE_BYTES_MAX && keyStringEquals(last, key)) return last;
    return (this.lastKeyString = toKeyString(key));
  }

  /**
   * The KeyTable entry of `keyString` (made when missing and `add`): the one fetched last when it
   * is for the same key and no sweep deleted it (then it is still the table's entry for it), so a
   * statement's read check, claim, write check and commit check of its row look the key up once.
   */
  private keyEntryOf(keyString: string, add: true): KeyEntry;
  private keyEntryOf(keyString: string, add: false): KeyEntry | undefined;
  private keyEntryOf(keyString: string, add: boolean): KeyEntry | undefined {
    const last = this.lastEntry;
    if (last !== undefined && keyString === last.key && !last.swept) return last;
    const table = this.coordinator.keys;
    const entry = add ? table.getOrAdd(keyString) : table.get(keyString);
    if (entry !== undefined) this.lastEntry = entry;
    return entry;
  }

  private findConflict(): SerializationFailure | undefined {
    const tracker = this.coordinator.tracker;
    const faults = this.settings.faults;
    if (faults.skipWriteWriteCheck !== true && this.buffer.someWrittenSince(this)) {
      return new SerializationFailure('write-write');
    }
    const readSet = this.readSet;
    if (readSet === undefined || readSet.isEmpty() || faults.skipReadWriteCheck === true) return undefined;
    for (const keyString of readSet.pointKeys()) {
      if (tracker.writtenSince(keyString, this.snapshotTs)) return new SerializationFailure('read-write');
    }
    if (readSet.rangeCount() === 0) return undefined;
    readSet.prepare();
    const hit = tracker.someKeyWrittenSince(this.snapshotTs, (keyString) => readSet.contains(keyString));
    return hit ? new SerializationFailure('read-write') : undefined;
  }

  private finish(state: TransactionState): void {
    this.endScans();
    this.unpinAll();
    this.coordinator.locks.releaseAll(this);
    this.stateValue = state;
  }

  private endScans(): void {
    const scans = this.scans;
    if (scans === undefined) return;
    for (const scan of scans) {
      scan.abandon();
      this.coordinator.unpin(scan.readTs);
    }
    scans.clear();
  }

  private unpinAll(): void {
    this.coordinator.unpinBoth(this.snapshotTs, this.writePinTs);
  }
}
