/**
 * SELECT … FOR UPDATE / NO KEY UPDATE / SHARE / KEY SHARE [OF t]: the rows a query reads from
 * its tables are claimed (the statement waits for a transaction holding one, as PostgreSQL's row
 * locks make it wait; exec/lock-rows.ts, session/portal.ts) and rewritten unchanged in the
 * transaction, so a concurrent change that did not wait still fails with 40001 at commit. Every
 * strength locks exclusively (FOR SHARE too: documented in the README).
 *
 * - NOWAIT and SKIP LOCKED are 0A000; so is locking in grouped / DISTINCT / set-operation queries
 *   and with set-returning functions in the select list (PostgreSQL rejects those too).
 */
import type { LockingClause, Node } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported } from './bind-errors.js';
import type { LogicalPlan } from '../plan/logical-plan.js';

interface LockTarget {
  readonly alias: string;
  readonly keySlot: number;
}

function targets(plan: LogicalPlan, offset: number, out: LockTarget[]): void {
  if (plan.kind === 'scan') out.push({ alias: plan.alias, keySlot: offset + plan.table.columns.length });
  else if (plan.kind === 'join') {
    targets(plan.left, offset, out);
    targets(plan.right, offset + plan.left.width, out);
  } else if (plan.kind === 'filter') targets(plan.input, offset, out);
}

export function bindLocking(clauses: readonly Node[], from: LogicalPlan, grouped: boolean, distinct: boolean, setReturning = false): LogicalPlan {
  const all: LockTarget[] = [];
  targets(from, 0, all);
  const chosen = new Set<number>();
  for (const n of clauses) {
    const c = (n as { LockingClause: LockingClause }).LockingClause;
    if (c.waitPolicy === 'LockWaitSkip') throw notSupported('SKIP LOCKED');
    if (c.waitPolicy === 'LockWaitError') throw notSupported('NOWAIT');
    const what = c.strength === 'LCS_FORSHARE' || c.strength === 'LCS_FORKEYSHARE' ? 'FOR SHARE' : 'FOR UPDATE';
    if (grouped) throw new SqlError(SQLSTATE.featureNotSupported, `${what} is not allowed with aggregate functions`);
    if (distinct) throw new SqlError(SQLSTATE.featureNotSupported, `${what} is not allowed with DISTINCT clause`);
    if (setReturning) throw new SqlError(SQLSTATE.featureNotSupported, `${what} is not allowed with set-returning functions in the target list`);
    const names = (c.lockedRels ?? []).map((r) => (r as { RangeVar: { relname?: string } }).RangeVar.relname ?? '');
    for (const name of names) {
      const t = all.find((x) => x.alias === name);
      if (t === undefined) throw new SqlError(SQLSTATE.undefinedTable, `relation "${name}" in ${what} clause not found in FROM clause`);
      chosen.add(t.keySlot);
    }
    if (names.length === 0) for (const t of all) chosen.add(t.keySlot);
  }
  return { kind: 'lock', input: from, keySlots: [...chosen], width: from.width };
}
