/**
 * Helpers over predicates as lists of AND-ed conjuncts, used to push filters down and to find
 * index and hash-join conditions.
 */
import type { BoundExpr, ColumnExpr } from '../bind/bound-expr.js';
import { isVolatile, readsRow, slotsRead } from '../bind/bound-expr.js';
import { BOOL } from '../bind/resolve.js';
import { OID } from '../../catalog/types/oids.js';
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { findCast } from '../functions/index.js';

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

/**
 * `col op value` or `value op col` where value is constant per execution and of col's type, or
 * of a type that widens to it without loss (int4 to int8, int to numeric, varchar to text…), in
 * which case the value is cast to the column's type for the key.
 */
export function columnComparison(e: BoundExpr): ColumnComparison | undefined {
  if (e.kind !== 'call' || !COMPARISON_OPS.has(e.name) || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  if (a.kind === 'column' && isRuntimeConstant(b)) {
    const value = asColumnType(b, a.type);
    return value === undefined ? undefined : { column: a, op: e.name, value };
  }
  if (b.kind === 'column' && isRuntimeConstant(a)) {
    const value = asColumnType(a, b.type);
    return value === undefined ? undefined : { column: b, op: FLIPPED[e.name] as string, value };
  }
  return undefined;
}

const WIDENS: Record<number, readonly number[]> = {
  [OID.int2]: [OID.int4, OID.int8, OID.numeric, OID.float8],
  [OID.int4]: [OID.int8, OID.numeric, OID.float8],
  [OID.int8]: [OID.numeric],
  [OID.float4]: [OID.float8],
  [OID.varchar]: [OID.text],
  [OID.bpchar]: [OID.text],
  [OID.name]: [OID.text],
  [OID.date]: [OID.timestamp, OID.timestamptz],
};

function asColumnType(value: BoundExpr, type: SqlType): BoundExpr | undefined {
  if (value.type.oid === type.oid) return value;
  if (!(WIDENS[value.type.oid] ?? []).includes(type.oid)) return undefined;
  const cast = findCast(value.type, type, 'i');
  if (cast === undefined) return undefined;
  return {
    kind: 'call', name: `::${type.name}`, fn: (args, ctx) => cast(args[0] as Value, ctx.typeContext), args: [value],
    type, typmod: -1, strict: true, volatile: false,
  };
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
