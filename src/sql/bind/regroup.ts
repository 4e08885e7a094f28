/**
 * The grouping check of a grouped SELECT and the rewrite of its expressions onto the aggregate's
 * output row (GROUP BY keys, then aggregate results), as PostgreSQL's parseCheckAggregates does.
 *
 * - A column outside an aggregate must be a GROUP BY expression, or functionally dependent on the
 *   GROUP BY: a column of a plain table whose PRIMARY KEY columns all appear as plain GROUP BY
 *   columns (PostgreSQL 9.1+; unique constraints, views and subqueries do not count).
 * - A functionally dependent column becomes an extra grouping key: it cannot split a group, and
 *   the aggregate then carries its value.
 * - Otherwise 42803 `column "alias.name" must appear in the GROUP BY clause …`, qualified by the
 *   FROM entry's alias and positioned at the first offending reference, in PostgreSQL's order
 *   (select list, ORDER BY, …, then HAVING: the caller's walk order).
 * - A correlated subquery above the aggregate reads the outer row at FROM-row slots (its plan is
 *   already built): its outer columns are checked like the query's own (42803 `subquery uses
 *   ungrouped column …`), and a Project then puts each grouping key back at its FROM slot, in
 *   front of the aggregate's row (`sourceShapedRow`; `regroup`'s `base`).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr, ColumnExpr } from './bound-expr.js';
import { childrenOf, exprKey, mapChildren } from './bound-expr.js';
import { withPosition } from './bind-errors.js';
import type { RangeEntry, Scope } from './scope.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import { INT4 } from './resolve.js';

/** The FROM entry a column slot belongs to (hidden USING duplicates included). */
function entryOfSlot(scope: Scope, slot: number): RangeEntry | undefined {
  return scope.entries.find((e) => e.columns.some((c) => c.slot === slot));
}

/** Whether `col` is a column of a table whose whole primary key is among the plain GROUP BY columns. */
function dependsOnKey(col: ColumnExpr, keys: ReadonlySet<string>, scope: Scope): boolean {
  const entry = entryOfSlot(scope, col.slot);
  const primaryKey = entry?.primaryKeyAttnums;
  if (entry === undefined || primaryKey === undefined || primaryKey.length === 0) return false;
  return primaryKey.every((attnum) => {
    const keyColumn = entry.columns.find((c) => c.attnum === attnum && c.systemColumn !== true);
    return keyColumn !== undefined && keys.has(`col:${keyColumn.slot}`);
  });
}

/** 42803 for an ungrouped column, named `alias.column` as PostgreSQL prints it. */
export function ungroupedColumn(col: ColumnExpr, scope: Scope | undefined, inSubquery = false): SqlError {
  const entry = scope === undefined ? undefined : entryOfSlot(scope, col.slot);
  const name = entry === undefined || entry.alias === '' ? col.name : `${entry.alias}.${col.name}`;
  const message = inSubquery
    ? `subquery uses ungrouped column "${name}" from outer query`
    : `column "${name}" must appear in the GROUP BY clause or be used in an aggregate function`;
  return withPosition(message, SQLSTATE.groupingError, col.location);
}

/**
 * Collects, while walking expressions, the ungrouped columns that are functionally dependent on
 * the GROUP BY keys; throws 42803 at the first ungrouped column that is not.
 */
export class DependentColumns {
  readonly columns: ColumnExpr[] = [];
  /** A correlated subquery above the aggregate reads FROM columns at their FROM-row slots. */
  readsSourceRow = false;
  private readonly seen = new Set<string>();

  constructor(
    private readonly keys: ReadonlySet<string>,
    private readonly scope: Scope,
  ) {}

  /** Walks `e` (returned unchanged, so it can serve as a rewrite function). */
  visit(e: BoundExpr): BoundExpr {
    const key = exprKey(e);
    if (this.keys.has(key) || e.kind === 'aggref') return e;
    if (e.kind === 'column') {
      if (e.slot >= 0) this.add(e, false); // slot < 0: a window call's placeholder (window-collector.ts)
      return e;
    }
    if (e.kind === 'subquery' && e.outerReads !== undefined) {
      this.readsSourceRow = true;
      for (const col of e.outerReads) if (!this.keys.has(exprKey(col))) this.add(col, true);
    }
    for (const c of childrenOf(e)) this.visit(c);
    return e;
  }

  private add(col: ColumnExpr, inSubquery: boolean): void {
    if (!dependsOnKey(col, this.keys, this.scope)) throw ungroupedColumn(col, this.scope, inSubquery);
    const key = exprKey(col);
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.columns.push(col);
  }
}

/**
 * The aggregate's output row as correlated subqueries above it read it: every GROUP BY column at
 * its FROM-row slot (other slots NULL, never read), then the aggregate's own row (keys, then
 * aggregate results of types `aggregateTypes`) from slot `sourceWidth` on.
 */
export function sourceShapedRow(keyExprs: readonly BoundExpr[], aggregateTypes: readonly SqlType[], sourceWidth: number): BoundExpr[] {
  const exprs: BoundExpr[] = [];
  const unused: BoundExpr = { kind: 'const', type: INT4(), typmod: -1, value: null, literal: false };
  for (let slot = 0; slot < sourceWidth; slot++) {
    const at = keyExprs.findIndex((k) => k.kind === 'column' && k.slot === slot);
    const k = keyExprs[at];
    exprs.push(k === undefined ? unused : { ...(k as ColumnExpr), slot: at });
  }
  const types = [...keyExprs.map((k) => k.type), ...aggregateTypes];
  types.forEach((type, slot) => exprs.push({ kind: 'column', slot, type, typmod: -1, name: '', tableOid: 0, attnum: 0 }));
  return exprs;
}

/** Rewrites an expression over the FROM row into one over the aggregate's output row, found at slot `base`. */
export function regroup(e: BoundExpr, keys: readonly string[], groupExprs: readonly BoundExpr[], scope: Scope, base: number): BoundExpr {
  const at = keys.indexOf(exprKey(e));
  if (at >= 0) {
    const g = groupExprs[at] as BoundExpr;
    const name = g.kind === 'column' ? g.name : '';
    const source = g.kind === 'column' ? { tableOid: g.tableOid, attnum: g.attnum } : { tableOid: 0, attnum: 0 };
    return { kind: 'column', slot: base + at, type: g.type, typmod: 'typmod' in g ? g.typmod : -1, name, ...source };
  }
  if (e.kind === 'aggref') return { kind: 'column', slot: base + keys.length + e.index, type: e.type, typmod: e.typmod, name: '', tableOid: 0, attnum: 0 };
  if (e.kind === 'column' && e.slot < 0) return e; // a window call's placeholder (window-collector.ts)
  if (e.kind === 'column') throw ungroupedColumn(e, scope);
  return mapChildren(e, (c) => regroup(c, keys, groupExprs, scope, base));
}
