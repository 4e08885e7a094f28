/**
 * SequenceStore: the values of sequences, non-transactional as in PostgreSQL — a value handed out
 * by nextval is never handed out again, even when the transaction that took it rolls back.
 *
 * How: the in-memory state (one per database process) is authoritative; every nextval/setval
 * marks the sequence dirty, and the session awaits flush() at the end of the statement, before
 * returning its results or committing. flush() writes the dirty values in an autonomous
 * transaction of its own. So a value that reached committed data (or a client) was persisted
 * first: after a crash nothing is reissued that anyone saw.
 *
 * - Flushes are chained (one at a time), so autonomous transactions never conflict with each other.
 * - The value key includes the sequence's nonce, so a rolled-back CREATE SEQUENCE whose oid is
 *   reused later cannot leak its state into the new sequence.
 */
import type { SequenceDesc } from './descriptors.js';
import { sequenceKey } from './catalog-keys.js';
import { decodeJson, encodeJson } from './catalog-store.js';
import type { KvTxn } from './kv-txn.js';
import { SqlError } from '../util/index.js';

interface SequenceState {
  last: bigint;
  called: boolean;
}

/** Opens a short autonomous transaction (TxnKv.begin). */
export interface AutonomousTxnSource {
  begin(): KvTxn & { commit(): Promise<void>; rollback(): void };
}

export class SequenceStore {
  private readonly states = new Map<string, SequenceState>();
  private readonly dirty = new Map<string, { key: Uint8Array; state: SequenceState }>();
  private chain: Promise<void> = Promise.resolve();
  /** Flushes started and not yet settled (isSettled()). */
  private flushesInFlight = 0;

  constructor(private readonly source: AutonomousTxnSource) {}

  private load(seq: SequenceDesc): SequenceState {
    const id = `${seq.oid}:${seq.nonce}`;
    let state = this.states.get(id);
    if (state !== undefined) return state;
    const txn = this.source.begin();
    try {
      const raw = txn.get(sequenceKey(seq.oid, seq.nonce));
      state = raw === undefined ? { last: seq.start, called: false } : decodeJson<SequenceState>(raw);
    } finally {
      txn.rollback();
    }
    this.states.set(id, state);
    return state;
  }

  private markDirty(seq: SequenceDesc, state: SequenceState): void {
    this.dirty.set(`${seq.oid}:${seq.nonce}`, { key: sequenceKey(seq.oid, seq.nonce), state });
  }

  nextval(seq: SequenceDesc): bigint {
    const state = this.load(seq);
    let next = state.called ? state.last + seq.increment : state.last;
    if (next > seq.max || next < seq.min) {
      if (!seq.cycle) {
        const which = next > seq.max ? 'maximum' : 'minimum';
        const limit = next > seq.max ? seq.max : seq.min;
        throw new SqlError('2200H', `nextval: reached ${which} value of sequence "${seq.name}" (${limit})`);
      }
      next = seq.increment > 0n ? seq.min : seq.max;
    }
    state.last = next;
    state.called = true;
    this.markDirty(seq, state);
    return next;
  }

  setval(seq: SequenceDesc, value: bigint, called: boolean): bigint {
    if (value > seq.max || value < seq.min) {
      throw new SqlError(
        '22003',
        `setval: value ${value} is out of bounds for sequence "${seq.name}" (${seq.min}..${seq.max})`,
      );
    }
    const state = this.load(seq);
    state.last = value;
    state.called = called;
    this.markDirty(seq, state);
    return value;
  }

  /** The last value and is_called (for SELECT * FROM seq and pg_sequences). */
  peek(seq: SequenceDesc): { last: bigint; called: boolean } {
    const s = this.load(seq);
    return { last: s.last, called: s.called };
  }

  hasDirty(): boolean {
    return this.dirty.size > 0;
  }

  /** Whether flush() would have nothing to wait for: nothing dirty and no flush in flight. */
  isSettled(): boolean {
    return this.dirty.size === 0 && this.flushesInFlight === 0;
  }

  /** Persists every dirty sequence; resolves once durable. */
  flush(): Promise<void> {
    if (this.dirty.size === 0) return this.chain;
    const writes = [...this.dirty.values()].map((d) => ({ key: d.key, value: encodeJson({ ...d.state }) }));
    this.dirty.clear();
    this.flushesInFlight++;
    const run = this.chain
      .then(async () => {
        const txn = this.source.begin();
        for (const w of writes) txn.put(w.key, w.value);
        await txn.commit();
      })
      .finally(() => {
        this.flushesInFlight--;
      });
    // A failed flush fails its statement but must not block later flushes.
    this.chain = run.catch(() => undefined);
    return run;
  }
}
