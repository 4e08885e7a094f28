/**
 * KeyLocks: PostgreSQL-style row locks emulated on keys, for the SQL layer (optional: a
 * transaction that never calls Transaction.lockKey() never touches them).
 *
 * A writer claims a key before writing it. A second claimant gets a promise that resolves once
 * the holder has ended — committed *and visible*, or rolled back — and then re-runs its
 * statement (READ COMMITTED: on a fresh snapshot that includes the holder's commit, so it updates
 * the new version instead of failing; REPEATABLE READ: its write then fails with 40001), which is
 * what PostgreSQL does after waiting for a row lock. (Transaction.lockKey adds the snapshot check:
 * a key changed after the statement's snapshot means "re-run" under READ COMMITTED, 40001 above.)
 *
 * Invariants:
 * - A key has at most one holder; a holder's keys are all released at once, when it ends.
 * - The wait-for graph (claimant → holder) stays acyclic: a claim that would close a cycle
 *   throws DeadlockDetected (40P01) instead of waiting.
 * - Memory is bounded by the keys held by live transactions (each at most `keysMax`) plus at
 *   most `staleKeysMax` released entries.
 * - An owner's state lives on the owner (LockOwner.lockState) from its first claim (or the first
 *   wait for it) until releaseAll(): a transaction that claims nothing costs nothing here.
 * - releaseAll() does not delete its keys from `holders` (a Map that loses its last entries
 *   reallocates its table: ~150 B per update): it marks the state released (owner undefined,
 *   references dropped) and such an entry counts as free; a later claim overwrites it in place.
 *   Past `staleKeysMax` stale entries they are swept in one pass.
 */
import { DeadlockDetected, WriteSetTooLargeError } from './errors.js';

/** What KeyLocks keeps of one owner, on the owner itself (no map from owners to their state). */
export class LockState {
  /** Number of keys held (the keys themselves are the `holders` entries naming this state). */
  keyCount = 0;
  /** The owner; undefined once released (then `holders` entries naming this state are stale). */
  owner: LockOwner | undefined;
  /** The owner this one waits for, if any. */
  waitingFor: LockOwner | undefined = undefined;
  /** Wakers of the owners waiting for this one (made by the first waiter). */
  wakeups: Array<() => void> | undefined = undefined;

  constructor(owner: LockOwner) {
    this.owner = owner;
  }
}

/** Released entries tolerated in the holders map before a sweep (each sweep lets the map shrink and regrow). */
const STALE_KEYS_MAX = 65_536;

/** A lock owner (a transaction): KeyLocks keeps its state in `lockState`. */
export interface LockOwner {
  lockState: LockState | undefined;
}

export class KeyLocks {
  /** Holders by key; an entry whose state has no owner is stale (released) and counts as free. */
  private readonly holders = new Map<string, LockState>();
  private heldCount = 0;

  constructor(
    private readonly keysMax: number,
    private readonly staleKeysMax = STALE_KEYS_MAX,
  ) {}

  /** Claims `key` for `owner`: undefined when held now, else a promise for the holder's end. */
  acquire(owner: LockOwner, key: string): Promise<void> | undefined {
    const holder = this.holders.get(key)?.owner;
    const state = (owner.lockState ??= new LockState(owner));
    if (holder === undefined) {
      if (state.keyCount >= this.keysMax) throw new WriteSetTooLargeError('writeSetKeysMax', state.keyCount + 1, this.keysMax);
      this.holders.set(key, state);
      state.keyCount++;
      this.heldCount++;
      return undefined;
    }
    if (holder === owner) return undefined;
    for (let at: LockOwner | undefined = holder; at !== undefined; at = at.lockState?.waitingFor) {
      if (at === owner) throw new DeadlockDetected();
    }
    state.waitingFor = holder;
    const holderState = (holder.lockState ??= new LockState(holder));
    return new Promise<void>((resolve) => {
      (holderState.wakeups ??= []).push(resolve);
    }).then(() => {
      const current = owner.lockState;
      if (current !== undefined && current.waitingFor === holder) current.waitingFor = undefined;
    });
  }

  /** Releases every key of `owner` and wakes the transactions waiting for it. */
  releaseAll(owner: LockOwner): void {
    const state = owner.lockState;
    if (state === undefined) return;
    owner.lockState = undefined;
    // Released: the holders entries naming this state become free (see the invariants).
    state.owner = undefined;
    state.waitingFor = undefined;
    this.heldCount -= state.keyCount;
    if (this.holders.size > this.heldCount + this.staleKeysMax) this.sweepStale();
    const wakeups = state.wakeups;
    state.wakeups = undefined;
    if (wakeups !== undefined) for (const wake of wakeups) wake();
  }

  /** Deletes every released entry (one pass; the map shrinks once). */
  private sweepStale(): void {
    for (const [key, state] of this.holders) if (state.owner === undefined) this.holders.delete(key);
  }

  /** Number of keys held (for statistics and tests). */
  size(): number {
    return this.heldCount;
  }

  /** Entries in the holders map, released ones included (for tests of the sweep). */
  mapSize(): number {
    return this.holders.size;
  }
}
