/**
 * SessionSequences: a session's door to the sequence store — nextval/setval resolve the sequence
 * descriptor in the current catalog, and currval answers from this session's own history
 * (55000 before the first nextval in the session, as PostgreSQL).
 *
 * - `used` tells the session that the running statement touched a sequence, so the statement
 *   waits for the store's flush before it returns; a statement that touched none does not wait.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { SequenceDesc } from '../../catalog/descriptors.js';
import type { SequenceStore } from '../../catalog/sequence-store.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { SequenceAccess } from '../exec/exec-context.js';

export class SessionSequences implements SequenceAccess {
  private readonly last = new Map<number, bigint>();
  /** Set by every call; the session clears it when a statement starts and flushes if it is set at the end. */
  used = false;

  constructor(
    private readonly store: SequenceStore,
    private readonly catalog: () => Catalog,
  ) {}

  private descriptor(oid: number): SequenceDesc {
    const seq = this.catalog().sequence(oid);
    if (seq === undefined) throw new SqlError(SQLSTATE.undefinedTable, `could not open relation with OID ${oid}`);
    return seq;
  }

  nextval(oid: number): bigint {
    this.used = true;
    const v = this.store.nextval(this.descriptor(oid));
    this.last.set(oid, v);
    return v;
  }

  currval(oid: number): bigint {
    this.used = true;
    const v = this.last.get(oid);
    if (v === undefined) {
      const seq = this.descriptor(oid);
      throw new SqlError('55000', `currval of sequence "${seq.name}" is not yet defined in this session`);
    }
    return v;
  }

  peek(oid: number): { readonly last: bigint; readonly called: boolean } {
    this.used = true;
    return this.store.peek(this.descriptor(oid));
  }

  setval(oid: number, value: bigint, isCalled: boolean): bigint {
    this.used = true;
    const v = this.store.setval(this.descriptor(oid), value, isCalled);
    if (isCalled) this.last.set(oid, v);
    return v;
  }
}
