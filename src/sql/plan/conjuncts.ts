/**
 * Helpers over predicates as lists of AND-ed conjuncts, used to push filters down and to find
 * index and hash-join conditions.
 */
import type { BoundExpr, ColumnExpr } from '../bind/bound-expr.js';
import { isVolatile, readsRow, slotsRead } from '../bind/bound-expr.js';
import { BOOL } from '../bind/resolve.js';

export function splitConjuncts(e: BoundExpr | undefined): BoundExpr[] {
  if (e === undefined) return [];
  if (e.kind === 'and') return e.args.flatMap((a) => splitConjuncts(a));
  return [e];
}

export function joinConjuncts(list: readonly BoundExpr[]): BoundExpr | undefined {
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return { kind: 'and', args: list, type: BOOL() };
}

/** Whether every slot the expression reads is in [from, to). */
export function readsOnly(e: BoundExpr, from: number, to: number): boolean {
  for (const s of slotsRead(e)) if (s < from || s >= to) return false;
  return true;
}

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);
const FLIPPED: Record<string, string> = { '=': '=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export interface ColumnComparison {
  readonly column: ColumnExpr;
  readonly op: string;
  /** The other side: constant for the execution (no row reads, not volatile). */
  readonly value: BoundExpr;
}

/** `col op value` or `value op col` where value is constant per execution and of col's type. */
export function columnComparison(e: BoundExpr): ColumnComparison | undefined {
  if (e.kind !== 'call' || !COMPARISON_OPS.has(e.name) || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  if (a.kind === 'column' && isRuntimeConstant(b) && b.type.oid === a.type.oid) return { column: a, op: e.name, value: b };
  if (b.kind === 'column' && isRuntimeConstant(a) && a.type.oid === b.type.oid) {
    return { column: b, op: FLIPPED[e.name] as string, value: a };
  }
  return undefined;
}

export function isRuntimeConstant(e: BoundExpr): boolean {
  return !readsRow(e) && !isVolatile(e);
}

/** `col IN (v1, v2, …)` with every comparison `col = vi`: the column and the values. */
export function columnInList(e: BoundExpr): { column: ColumnExpr; values: BoundExpr[] } | undefined {
  if (e.kind !== 'in' || e.negate) return undefined;
  let column: ColumnExpr | undefined;
  const values: BoundExpr[] = [];
  for (const c of e.comparisons) {
    const cmp = columnComparison(c);
    if (cmp === undefined || cmp.op !== '=') return undefined;
    if (column !== undefined && column.slot !== cmp.column.slot) return undefined;
    column = cmp.column;
    values.push(cmp.value);
  }
  return column === undefined ? undefined : { column, values };
}
