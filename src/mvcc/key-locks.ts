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
 * - Memory is bounded by the keys held by live transactions (each at most `keysMax`).
 * - An owner's state lives on the owner (LockOwner.lockState) from its first claim (or the first
 *   wait for it) until releaseAll(): a transaction that claims nothing costs nothing here.
 */
import { DeadlockDetected, WriteSetTooLargeError } from './errors.js';

/** What KeyLocks keeps of one owner, on the owner itself (no map from owners to their state). */
export class LockState {
  /** The keys held. */
  readonly keys: string[] = [];
  /** The owner this one waits for, if any. */
  waitingFor: LockOwner | undefined = undefined;
  /** Wakers of the owners waiting for this one (made by the first waiter). */
  wakeups: Array<() => void> | undefined = undefined;
}

/** A lock owner (a transaction): KeyLocks keeps its state in `lockState`. */
export interface LockOwner {
  lockState: LockState | undefined;
}

export class KeyLocks {
  private readonly holders = new Map<string, LockOwner>();

  constructor(private readonly keysMax: number) {}

  /** Claims `key` for `owner`: undefined when held now, else a promise for the holder's end. */
  acquire(owner: LockOwner, key: string): Promise<void> | undefined {
    const holder = this.holders.get(key);
    const state = (owner.lockState ??= new LockState());
    if (holder === undefined) {
      if (state.keys.length >= this.keysMax) throw new WriteSetTooLargeError('writeSetKeysMax', state.keys.length + 1, this.keysMax);
      this.holders.set(key, owner);
      state.keys.push(key);
      return undefined;
    }
    if (holder === owner) return undefined;
    for (let at: LockOwner | undefined = holder; at !== undefined; at = at.lockState?.waitingFor) {
      if (at === owner) throw new DeadlockDetected();
    }
    state.waitingFor = holder;
    const holderState = (holder.lockState ??= new LockState());
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
    const keys = state.keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      if (this.holders.get(key) === owner) this.holders.delete(key);
    }
    if (state.wakeups !== undefined) for (const wake of state.wakeups) wake();
  }

  /** Number of keys held (for statistics and tests). */
  size(): number {
    return this.holders.size;
  }
}
