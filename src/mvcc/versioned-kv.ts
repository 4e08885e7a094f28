/**
 * The seam between transactions and storage (DESIGN.md, Layers): an ordered, versioned KV store.
 * Declared here by its consumer; the storage engine satisfies it structurally without importing
 * mvcc, so the SQL layer never depends on *this* LSM.
 *
 * Invariants the implementation keeps:
 * - A version written at commitTs is visible to a read at readTs >= commitTs and never to an
 *   earlier one.
 * - commit() is atomic: after any crash either every write of the call is present or none is.
 *   Its promise resolves only once the writes are durable (default mode) and visible, i.e. once
 *   visibleTs() >= commitTs.
 * - commitTs values passed to commit() strictly increase; visibleTs() only advances, and only to a
 *   ts whose commit and every earlier commit are applied (so a read at visibleTs() is stable).
 * - Versions shadowed below the safe point may be dropped by compaction; nothing else may.
 */

/** Logical timestamp. Monotonic, starts at 1; 0 means "before everything". Fits in 2^53. */
export type Ts = number;

/** One write of a commit: `value === undefined` deletes the key. */
export interface KvWrite {
  readonly key: Uint8Array;
  readonly value: Uint8Array | undefined;
}

export interface KvEntry {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** Key range: at most one lower bound (gte | gt) and one upper bound (lte | lt). */
export interface KvRange {
  readonly gte?: Uint8Array;
  readonly gt?: Uint8Array;
  readonly lte?: Uint8Array;
  readonly lt?: Uint8Array;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * An iterator over a scan. Entries it returns stay valid after next() (they are not reused views).
 * Consumers that stop early call return() (for..of does) so the pinned files are released.
 */
export type KvIterator = IterableIterator<KvEntry>;

export interface VersionedKv {
  /** Largest commitTs ever committed (recovered on open); the oracle starts after it. */
  lastTs(): Ts;
  /** Largest ts such that it and every earlier commit are applied and readable. */
  visibleTs(): Ts;
  /** The newest version of `key` with commitTs <= readTs, or undefined (absent or deleted). */
  get(key: Uint8Array, readTs: Ts): Uint8Array | undefined;
  /** Newest versions <= readTs of the keys in `range`, in key order (or reverse). */
  scan(range: KvRange, readTs: Ts): KvIterator;
  /** Atomically applies `writes` at `commitTs` (> every earlier commitTs). */
  commit(writes: readonly KvWrite[], commitTs: Ts): Promise<void>;
  /** No reader will ever read below `ts` again: versions shadowed at or below it may be dropped. */
  setSafePoint(ts: Ts): void;
}
