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
 * - A key's holder is the `holder` of its KeyTable entry (key-table.ts), shared with the
 *   ConflictTracker: a claim and the check for a newer commit of the same key find one entry.
 * - Memory is bounded by the keys held by live transactions (each at most `keysMax`) plus at
 *   most `staleKeysMax` stale entries.
 * - An owner's state lives on the owner (LockOwner.lockState) from its first claim (or the first
 *   wait for it) until releaseAll(): a transaction that claims nothing costs nothing here.
 * - releaseAll() does not clear its keys' entries (a Map that loses its last entries
 *   reallocates its table: ~150 B per update): it marks the state released (owner undefined,
 *   references dropped) and an entry naming it counts as free; a later claim overwrites it in
 *   place. Past `staleKeysMax` stale entries they are swept in one pass (KeyTable.sweepIfDue).
 */
import { DeadlockDetected, WriteSetTooLargeError } from './errors.js';
import { KeyTable, STALE_KEYS_MAX, type KeyEntry } from './key-table.js';

/** What KeyLocks keeps of one owner, on the owner itself (no map from owners to their state). */
export class LockState {
  /** Number of keys held (the keys themselves are the KeyTable entries naming this state). */
  keyCount = 0;
  /** The owner; undefined once released (then the KeyTable entries naming this state are free). */
  owner: LockOwner | undefined;
  /** The owner this one waits for, if any. */
  waitingFor: LockOwner | undefined = undefined;
  /** Wakers of the owners waiting for this one (made by the first waiter). */
  wakeups: Array<() => void> | undefined = undefined;

  constructor(owner: LockOwner) {
    this.owner = owner;
  }
}

/** A lock owner (a transaction): KeyLocks keeps its state in `lockState`. */
export interface LockOwner {
  lockState: LockState | undefined;
}

export class KeyLocks {
  /** Holders by key (KeyEntry.holder); an entry whose state has no owner is released and counts as free. */
  readonly table: KeyTable;

  /** `table`: one shared with the ConflictTracker; by default a table of its own, sweeping past `staleKeysMax` stale entries. */
  constructor(
    private readonly keysMax: number,
    staleKeysMax = STALE_KEYS_MAX,
    table?: KeyTable,
  ) {
    this.table = table ?? new KeyTable(staleKeysMax);
  }

  /** Claims `key` for `owner`: undefined when held now, else a promise for the holder's end. */
  acquire(owner: LockOwner, key: string): Promise<void> | undefined {
    return this.acquireAt(owner, this.table.getOrAdd(key));
  }

  /** acquire() of the key whose table entry is `entry` (from this table: getOrAdd). */
  acquireAt(owner: LockOwner, entry: KeyEntry): Promise<void> | undefined {
    const holder = entry.holder?.owner;
    const state = (owner.lockState ??= new LockState(owner));
    if (holder === undefined) {
      if (state.keyCount >= this.keysMax) throw new WriteSetTooLargeError('writeSetKeysMax', state.keyCount + 1, this.keysMax);
      entry.holder = state;
      state.keyCount++;
      this.table.heldKeys++;
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
    // Released: the entries naming this state become free (see the invariants).
    state.owner = undefined;
    state.waitingFor = undefined;
    this.table.heldKeys -= state.keyCount;
    this.table.sweepIfDue();
    const wakeups = state.wakeups;
    state.wakeups = undefined;
    if (wakeups !== undefined) for (const wake of wakeups) wake();
  }

  /** Number of keys held (for statistics and tests). */
  size(): number {
    return this.table.heldKeys;
  }

  /** Entries in the key table, released ones included (for tests of the sweep). */
  mapSize(): number {
    return this.table.size();
  }
}
