/**
 * Helpers over predicates as lists of AND-ed conjuncts, used to push filters down and to find
 * index and hash-join conditions.
 */
import type { BoundExpr, ColumnExpr, ScalarFn } from '../bind/bound-expr.js';
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
 *
 * As PostgreSQL's btree operator families allow, the column may sit under a cast that keeps its
 * order and equality: a relabel between varchar and text (same comparison, same key bytes; not
 * bpchar, whose cast to text trims spaces) or an integer widening (`int4col::int8 = $1`). An
 * integer value wider than the column (int4 col = int8 param) is narrowed for equalities only:
 * to the column's type when it fits, else to NULL, which matches no key (and `col = v` is then
 * never true).
 */
export function columnComparison(e: BoundExpr): ColumnComparison | undefined {
  if (e.kind !== 'call' || !COMPARISON_OPS.has(e.name) || e.args.length !== 2) return undefined;
  const [a, b] = e.args as [BoundExpr, BoundExpr];
  const left = indexedColumn(a);
  if (left !== undefined && isRuntimeConstant(b)) return comparison(left, e.name, b);
  const right = indexedColumn(b);
  if (right !== undefined && isRuntimeConstant(a)) return comparison(right, FLIPPED[e.name] as string, a);
  return undefined;
}

interface IndexedColumn {
  readonly column: ColumnExpr;
  /** Whether the column is under an integer widening cast (equalities only then). */
  readonly widened: boolean;
}

function comparison(side: IndexedColumn, op: string, other: BoundExpr): ColumnComparison | undefined {
  if (side.widened && op !== '=') return undefined;
  const value = asColumnType(other, side.column.type, op);
  return value === undefined ? undefined : { column: side.column, op, value };
}

const RELABELS: ReadonlySet<number> = new Set([OID.varchar, OID.text]);
const INT_WIDTH: Record<number, number> = { [OID.int2]: 2, [OID.int4]: 4, [OID.int8]: 8 };

/** A bare column, or one under a cast that preserves its order and equality. */
function indexedColumn(e: BoundExpr): IndexedColumn | undefined {
  if (e.kind === 'column') return { column: e, widened: false };
  if (e.kind !== 'call' || e.args.length !== 1 || e.typmod >= 0 || e.name !== `::${e.type.name}`) return undefined;
  const arg = e.args[0] as BoundExpr;
  if (arg.kind !== 'column') return undefined;
  if (RELABELS.has(arg.type.oid) && RELABELS.has(e.type.oid)) return { column: arg, widened: false };
  const from = INT_WIDTH[arg.type.oid];
  const to = INT_WIDTH[e.type.oid];
  if (from !== undefined && to !== undefined && from < to) return { column: arg, widened: true };
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

function asColumnType(value: BoundExpr, type: SqlType, op: string): BoundExpr | undefined {
  if (value.type.oid === type.oid) return value;
  if (RELABELS.has(value.type.oid) && RELABELS.has(type.oid)) return value;
  if (op === '=') {
    const narrowed = narrowInt(value, type);
    if (narrowed !== undefined) return narrowed;
  }
  if (!(WIDENS[value.type.oid] ?? []).includes(type.oid)) return undefined;
  const cast = findCast(value.type, type, 'i');
  if (cast === undefined) return undefined;
  return {
    kind: 'call', name: `::${type.name}`, fn: (args, ctx) => cast(args[0] as Value, ctx.typeContext), args: [value],
    type, typmod: -1, strict: true, volatile: false,
  };
}

const INT_RANGE: Record<number, readonly [number, number]> = {
  [OID.int2]: [-32768, 32767],
  [OID.int4]: [-2147483648, 2147483647],
};

/** A wider integer value as the narrower column type, NULL when out of its range. */
function narrowInt(value: BoundExpr, type: SqlType): BoundExpr | undefined {
  const range = INT_RANGE[type.oid];
  const from = INT_WIDTH[value.type.oid];
  if (range === undefined || from === undefined || from <= (INT_WIDTH[type.oid] as number)) return undefined;
  const [min, max] = range;
  const fn: ScalarFn = (args) => {
    const v = args[0];
    if (v === null || v === undefined) return null;
    const n = Number(v);
    return n >= min && n <= max ? n : null;
  };
  return { kind: 'call', name: `::${type.name}`, fn, args: [value], type, typmod: -1, strict: true, volatile: false };
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
