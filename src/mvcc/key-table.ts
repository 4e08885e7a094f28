/**
 * KeyTable: what the coordinator knows of each recently touched key, in one entry per key — the
 * last remembered commit that wrote it (ConflictTracker) and its row-lock holder (KeyLocks).
 *
 * One map instead of one per concern: an UPDATE claims its row's key and checks it for a newer
 * commit, and each lookup of a key in a large Map costs a few cache misses (the bucket, the
 * entry, the stored key string), so sharing the entry halves them — and a transaction keeps the
 * entry of the key it works on (until a sweep marks it `swept`) for its later checks of the key.
 *
 * Invariants:
 * - An entry is live while its commitTs > forgottenTs (a remembered commit wrote it) or a live
 *   transaction holds it (holder.owner defined); otherwise it is stale: it answers "no newer
 *   commit" and "free", exactly as a missing entry would, and may be deleted by a sweep.
 * - committedKeys (ConflictTracker: keys over the remembered commits, with repeats) plus
 *   heldKeys (KeyLocks) bound the live entries; a sweep runs once the map holds more than
 *   `staleKeysMax` entries beyond that bound, so the map holds at most that many stale ones.
 * - Entries are deleted only by a sweep, which marks each one it deletes `swept`: an entry not
 *   marked is the map's entry for its `key` (a caller may keep one for later lookups of it).
 */
import type { Ts } from './versioned-kv.js';
import type { LockState } from './key-locks.js';

/**
 * Stale entries tolerated before a sweep. Small: a lookup in a Map of 100,000 string keys costs
 * ~1 µs of cache misses (the bucket, the entry, the stored key), in one of ~1,000 keys ~0.3 µs,
 * while a sweep costs about one delete per stale entry plus the map's shrink and regrowth,
 * amortized over the ~1,000 writes that made them stale (bench: YCSB update, 100,000 records).
 */
export const STALE_KEYS_MAX = 1024;

export class KeyEntry {
  /** The largest commitTs of a commit that wrote the key; stale at or below KeyTable.forgottenTs (0: none). */
  commitTs: Ts = 0;
  /** The row-lock holder's state; the key is free when undefined or released (owner undefined). */
  holder: LockState | undefined = undefined;
  /** Deleted from the table by a sweep: no longer the entry of `key`. */
  swept = false;

  constructor(readonly key: string) {}
}

export class KeyTable {
  private readonly entries = new Map<string, KeyEntry>();
  /** The largest commitTs the ConflictTracker forgot: an entry's commitTs at or below it is stale. */
  forgottenTs: Ts = 0;
  /** Keys over the commits the ConflictTracker remembers (a key written by two of them counts twice). */
  committedKeys = 0;
  /** Keys held by live transactions (KeyLocks). */
  heldKeys = 0;
  /** Sweeps so far (for tests). */
  sweeps = 0;

  constructor(private readonly staleKeysMax = STALE_KEYS_MAX) {}

  /** The entry of `key`, if the table has one (stale or not). */
  get(key: string): KeyEntry | undefined {
    return this.entries.get(key);
  }

  /** The entry of `key`, made (stale: no commit, free) when missing. */
  getOrAdd(key: string): KeyEntry {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = new KeyEntry(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /** Entries in the map, stale ones included (for tests of the sweep). */
  size(): number {
    return this.entries.size;
  }

  /** Deletes every stale entry once more than staleKeysMax of them may have piled up. */
  sweepIfDue(): void {
    if (this.entries.size <= this.committedKeys + this.heldKeys + this.staleKeysMax) return;
    const forgotten = this.forgottenTs;
    for (const [key, entry] of this.entries) {
      if (entry.commitTs <= forgotten && entry.holder?.owner === undefined) {
        entry.swept = true;
        this.entries.delete(key);
      }
    }
    this.sweeps++;
  }
}
