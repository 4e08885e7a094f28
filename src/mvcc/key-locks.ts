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
 */
import { DeadlockDetected, WriteSetTooLargeError } from './errors.js';

interface OwnerState {
  readonly keys: string[];
  waitingFor: object | undefined;
  readonly wakeups: Array<() => void>;
}

export class KeyLocks {
  private readonly holders = new Map<string, object>();
  private readonly owners = new Map<object, OwnerState>();

  constructor(private readonly keysMax: number) {}

  /** Claims `key` for `owner`: undefined when held now, else a promise for the holder's end. */
  acquire(owner: object, key: string): Promise<void> | undefined {
    const holder = this.holders.get(key);
    const state = this.stateOf(owner);
    if (holder === undefined) {
      if (state.keys.length >= this.keysMax) throw new WriteSetTooLargeError('writeSetKeysMax', state.keys.length + 1, this.keysMax);
      this.holders.set(key, owner);
      state.keys.push(key);
      return undefined;
    }
    if (holder === owner) return undefined;
    for (let at: object | undefined = holder; at !== undefined; at = this.owners.get(at)?.waitingFor) {
      if (at === owner) throw new DeadlockDetected();
    }
    state.waitingFor = holder;
    return new Promise<void>((resolve) => {
      this.stateOf(holder).wakeups.push(resolve);
    }).then(() => {
      const current = this.owners.get(owner);
      if (current !== undefined && current.waitingFor === holder) current.waitingFor = undefined;
    });
  }

  /** Releases every key of `owner` and wakes the transactions waiting for it. */
  releaseAll(owner: object): void {
    const state = this.owners.get(owner);
    if (state === undefined) return;
    this.owners.delete(owner);
    for (const key of state.keys) if (this.holders.get(key) === owner) this.holders.delete(key);
    for (const wake of state.wakeups) wake();
  }

  /** Number of keys held (for statistics and tests). */
  size(): number {
    return this.holders.size;
  }

  private stateOf(owner: object): OwnerState {
    let state = this.owners.get(owner);
    if (state === undefined) {
      state = { keys: [], waitingFor: undefined, wakeups: [] };
      this.owners.set(owner, state);
    }
    return state;
  }
}
