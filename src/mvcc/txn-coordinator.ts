/**
 * TxnCoordinator: the oracle and the shared state of all transactions over one VersionedKv —
 * timestamps, the conflict tracker and the key locks (over one KeyTable), the live snapshots and
 * the safe point.
 *
 * Invariants:
 * - commitTs values strictly increase and exceed kv.lastTs() at open (the oracle starts there).
 * - allocate → record in the tracker → kv.commit() happen in one synchronous step, so the
 *   tracker knows every commit with a smaller commitTs before any later conflict check, and the
 *   kv receives commits in commitTs order.
 * - Snapshot timestamps come from kv.visibleTs(), so every commit at or below them is applied.
 * - safePoint() = min(oldest pinned ts, kv.visibleTs()); it only advances; every advance is
 *   passed to kv.setSafePoint() and releases tracker entries at or below it. No live transaction
 *   checks or reads below its pinned ts, and a future one starts at >= kv.visibleTs().
 */
import type { KvWrite, Ts, VersionedKv } from './versioned-kv.js';
import { ConflictTracker, type KeyStrings } from './conflict-tracker.js';
import { LiveSnapshots } from './live-snapshots.js';
import { TxnKvClosedError } from './errors.js';
import { KeyLocks } from './key-locks.js';
import { KeyTable, STALE_KEYS_MAX } from './key-table.js';
import { CommitWatch } from './commit-watch.js';

/** A transaction whose commit is in flight: told when the kv's promise settled, before its committer resumes. */
export interface CommitWaiter {
  commitSettled(committed: boolean): void;
}

export class TxnCoordinator {
  readonly tracker: ConflictTracker;
  readonly locks: KeyLocks;
  /** The entries of both, one per key. */
  readonly keys: KeyTable;
  private readonly live = new LiveSnapshots();
  private last: Ts;
  private safe: Ts;
  /** Commit promises handed out by the kv and not yet settled (distinct ones: see commit()). */
  private inFlight = 0;
  private lastDone: Promise<void> | undefined = undefined;
  /** The transactions committing with lastDone (the kv's group commit shares one promise). */
  private lastWaiters: CommitWaiter[] = [];
  private drainWaiters: Array<() => void> = [];
  private readonly watches = new Map<string, CommitWatch>();
  private commitCount = 0;
  private closed = false;
  /** Serialization failures raised by any transaction (statistics). */
  failures = 0;

  constructor(
    readonly kv: VersionedKv,
    conflictKeysMax: number,
    lockKeysMax: number,
  ) {
    // One entry per key for both (key-table.ts): a claim and its conflict check share a lookup.
    this.keys = new KeyTable(Math.min(conflictKeysMax, STALE_KEYS_MAX));
    this.tracker = new ConflictTracker(conflictKeysMax, STALE_KEYS_MAX, this.keys);
    this.locks = new KeyLocks(lockKeysMax, STALE_KEYS_MAX, this.keys);
    this.last = kv.lastTs();
    this.safe = kv.visibleTs();
  }

  /** A new read snapshot, pinned until unpin(). */
  pinSnapshot(): Ts {
    const ts = this.kv.visibleTs();
    this.live.pin(ts);
    return ts;
  }

  pin(ts: Ts): void {
    this.live.pin(ts);
  }

  unpin(ts: Ts): void {
    this.live.unpin(ts);
    this.refreshSafePoint();
  }

  /** unpin(ts) and, when given, unpin(otherTs), with one safe-point refresh (a transaction's end). */
  unpinBoth(ts: Ts, otherTs: Ts | undefined): void {
    this.live.unpin(ts);
    if (otherTs !== undefined) this.live.unpin(otherTs);
    this.refreshSafePoint();
  }

  /**
   * Allocates a commitTs, records the keys and hands the batch to the kv — synchronously. Returns
   * the kv's promise; `waiter` is told when it settled, before anything awaiting it resumes.
   */
  commit(writes: readonly KvWrite[], keyStrings: KeyStrings, waiter: CommitWaiter): Promise<void> {
    if (this.closed) throw new TxnKvClosedError();
    const commitTs = Math.max(this.last, this.kv.lastTs()) + 1;
    this.last = commitTs;
    this.tracker.record(commitTs, keyStrings);
    if (this.watches.size > 0) this.noteWatched(keyStrings, commitTs);
    this.commitCount++;
    const done = this.kv.commit(writes, commitTs);
    // Commits of one group may share a promise (the storage engine's group commit): watched once,
    // with one reaction (registered before any committer awaits it) for all its transactions.
    if (done === this.lastDone) {
      this.lastWaiters.push(waiter);
      return done;
    }
    this.lastDone = done;
    const waiters = [waiter];
    this.lastWaiters = waiters;
    this.inFlight++;
    done.then(
      () => this.settled(waiters, true),
      () => this.settled(waiters, false),
    );
    return done;
  }

  /** A commit promise settled: its transactions first, then the safe point and drain(). */
  private settled(waiters: readonly CommitWaiter[], committed: boolean): void {
    for (let i = 0; i < waiters.length; i++) (waiters[i] as CommitWaiter).commitSettled(committed);
    this.inFlight--;
    this.refreshSafePoint();
    if (this.inFlight === 0 && this.drainWaiters.length > 0) {
      const wake = this.drainWaiters;
      this.drainWaiters = [];
      for (const resolve of wake) resolve();
    }
  }

  /** The watch of one key (one per key string, shared by every caller). */
  watch(keyString: string): CommitWatch {
    let watch = this.watches.get(keyString);
    if (watch === undefined) {
      watch = new CommitWatch(keyString);
      this.watches.set(keyString, watch);
    }
    return watch;
  }

  private noteWatched(keyStrings: KeyStrings, commitTs: Ts): void {
    if (typeof keyStrings === 'string') {
      const watch = this.watches.get(keyStrings);
      if (watch !== undefined) watch.lastCommitTs = commitTs;
      return;
    }
    for (const keyString of keyStrings) {
      const watch = this.watches.get(keyString);
      if (watch !== undefined) watch.lastCommitTs = commitTs;
    }
  }

  safePoint(): Ts {
    return this.safe;
  }

  lastTs(): Ts {
    return this.last;
  }

  /** Number of pinned snapshots (live transactions, open scans of RC statements, snapshots). */
  liveCount(): number {
    return this.live.size();
  }

  commits(): number {
    return this.commitCount;
  }

  /** Refuses every later commit (TxnKvClosedError) and waits for those in flight. */
  async close(): Promise<void> {
    this.closed = true;
    await this.drain();
  }

  /** Resolves once no commit handed to the kv is in flight (every one so far, and any made meanwhile, settled). */
  async drain(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
  }

  refreshSafePoint(): void {
    const visible = this.kv.visibleTs();
    const oldest = this.live.oldest();
    const next = oldest === undefined ? visible : Math.min(oldest, visible);
    if (next <= this.safe) return;
    this.safe = next;
    this.tracker.release(next);
    this.kv.setSafePoint(next);
  }
}
