/**
 * Deferred foreign-key checks (DEFERRABLE constraints, SET CONSTRAINTS), per transaction: a
 * check of a constraint that is deferred when its statement ends waits here until COMMIT or
 * until SET CONSTRAINTS makes the constraint immediate again, as PostgreSQL's deferred AFTER
 * triggers do.
 *
 * - Only the checks PostgreSQL defers are: the referencing side's "key exists" check and the
 *   referenced side's NO ACTION check. RESTRICT, CASCADE, SET NULL and SET DEFAULT act at the end
 *   of their statement even on a DEFERRABLE constraint (their triggers are never deferrable).
 * - Whether a constraint is deferred: its SET CONSTRAINTS name entry, else SET CONSTRAINTS ALL,
 *   else INITIALLY DEFERRED — PostgreSQL's afterTriggerCheckState.
 * - State is keyed by the transaction object and dies with it; a transaction that never touched a
 *   deferrable constraint has none (commit looks it up once).
 * - A deferred check runs with the ExecContext of the statement that queued it, as PostgreSQL
 *   runs it in the transaction's latest snapshot: it reads the transaction's own writes.
 */
import type { ConstraintDesc } from '../../catalog/descriptors.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { TableWriter } from './table-writer.js';

export type DeferredCheck =
  | { readonly kind: 'check'; readonly writer: TableWriter; readonly fk: ConstraintDesc; readonly row: readonly Value[]; readonly key: Uint8Array; readonly ctx: ExecContext }
  | {
      readonly kind: 'noAction';
      readonly writer: TableWriter;
      readonly child: ConstraintOwner;
      readonly fk: ConstraintDesc;
      readonly oldRow: Row;
      readonly ctx: ExecContext;
    };

type ConstraintOwner = TableWriter['referencing'][number]['child'];

interface DeferredState {
  /** SET CONSTRAINTS ALL … (undefined until used). */
  all: boolean | undefined;
  /** SET CONSTRAINTS name … by constraint oid. */
  readonly byOid: Map<number, boolean>;
  pending: DeferredCheck[];
}

const states = new WeakMap<object, DeferredState>();

function stateOf(txn: object): DeferredState {
  let state = states.get(txn);
  if (state === undefined) {
    state = { all: undefined, byOid: new Map(), pending: [] };
    states.set(txn, state);
  }
  return state;
}

/** Whether `fk`'s checks wait for COMMIT in `txn` now. */
export function isDeferred(fk: ConstraintDesc, txn: object): boolean {
  if (fk.deferrable !== true) return false;
  const state = states.get(txn);
  return state?.byOid.get(fk.oid) ?? state?.all ?? fk.initiallyDeferred === true;
}

export function deferCheck(txn: object, check: DeferredCheck): void {
  stateOf(txn).pending.push(check);
}

/**
 * SET CONSTRAINTS: `oids` (undefined: ALL) become deferred or immediate; returns the checks
 * that became immediate, which the caller runs now (PostgreSQL fires them at the statement).
 */
export function setConstraintsMode(txn: object, oids: readonly number[] | undefined, deferred: boolean): DeferredCheck[] {
  const state = stateOf(txn);
  if (oids === undefined) {
    state.all = deferred;
    state.byOid.clear();
  } else {
    for (const oid of oids) state.byOid.set(oid, deferred);
  }
  if (deferred) return [];
  return takePending(state, (c) => !isDeferred(c.fk, txn));
}

const NO_CHECKS: readonly DeferredCheck[] = Object.freeze([]);

/** The checks still waiting in `txn`, removed from it (COMMIT runs them; most transactions have none). */
export function takeDeferredChecks(txn: object): readonly DeferredCheck[] {
  const state = states.get(txn);
  return state === undefined || state.pending.length === 0 ? NO_CHECKS : takePending(state, () => true);
}

function takePending(state: DeferredState, due: (c: DeferredCheck) => boolean): DeferredCheck[] {
  const now = state.pending.filter(due);
  state.pending = state.pending.filter((c) => !due(c));
  return now;
}
