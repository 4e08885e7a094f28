/**
 * CommitWatch: the commitTs of the newest commit that wrote one chosen key, kept by the oracle so
 * that a reader can tell, without a read, whether a cached copy of that key is still current.
 *
 * Invariants:
 * - lastCommitTs is raised when the commitTs is allocated, before the write can be visible; every
 *   snapshot taken earlier has a smaller ts (timestamps are monotonic). So a snapshot at readTs
 *   with readTs >= lastCommitTs sees the newest write of the key, and for two snapshots both at or
 *   above lastCommitTs the key holds the same value.
 * - A commit that later fails still raised lastCommitTs: watchers then re-read (never a stale hit).
 * - 0 means "no write since the TxnKv opened": every earlier write is below any snapshot taken now.
 */
import type { Ts } from './versioned-kv.js';

export class CommitWatch {
  lastCommitTs: Ts = 0;

  constructor(readonly keyString: string) {}
}
