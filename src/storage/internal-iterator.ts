/**
 * The iterator every sorted source of internal keys implements (memtable, block, table, merging).
 *
 * Invariants:
 * - Entries are visited in compareInternalKeys order (forward) or its reverse (backward).
 * - key() and value() return views that are valid only until the next call that moves the
 *   iterator (seek*, next, prev) or close(); copy them to keep them.
 * - key() and value() may only be called while valid() is true.
 * - A source whose bytes fail a check throws CorruptionError from the moving call.
 */
export interface InternalIterator {
  valid(): boolean;
  seekToFirst(): void;
  seekToLast(): void;
  /** Positions at the first entry >= ikey (or invalid). */
  seek(ikey: Uint8Array): void;
  /** Positions at the last entry <= ikey (or invalid). */
  seekForPrev(ikey: Uint8Array): void;
  next(): void;
  prev(): void;
  /** The internal key at the position: a view valid until the next move. */
  key(): Uint8Array;
  /** The value at the position: a view valid until the next move. */
  value(): Uint8Array;
  /** Releases what the iterator pins; it must not be used afterwards. */
  close(): void;
}
