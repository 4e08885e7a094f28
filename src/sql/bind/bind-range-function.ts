/**
 * Functions in FROM (RangeFunction): `FROM unnest(a) x`, `FROM generate_series(1, n) s`,
 * `FROM pg_partition_ancestors(r) WITH ORDINALITY AS a(relid, depth)`, and a lone
 * `SELECT pg_partition_ancestors(r)` without FROM, rewritten to the FROM form.
 *
 * - Arguments may reference enclosing queries (correlated subqueries), not sibling FROM items
 *   (LATERAL is not supported: such a reference fails as an unknown column).
 * - Column names follow PostgreSQL: the alias's column list, else the alias (a function returning
 *   a scalar), else the function's name; the ordinal column is "ordinality" (bigint).
 * - A scalar (non-set-returning) function in FROM yields its one value as one row.
 * - pg_partition_ancestors is empty: stratadb has no partitioned tables.
 */
import type { Node, SelectStmt } from '../parse.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import * as functions from '../functions/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import type { BoundFrom } from './bind-from.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { notSupported } from './bind-errors.js';
import { stringList } from './ast-util.js';
import { INT8, coerce, typeOfOid } from './resolve.js';
import { Scope, type ScopeColumn } from './scope.js';

type Obj = Record<string, unknown>;

interface RangeFunctionNode {
  readonly ordinality?: boolean;
  readonly lateral?: boolean;
  readonly is_rowsfrom?: boolean;
  readonly functions?: Node[];
  readonly alias?: { aliasname?: string; colnames?: Node[] };
  readonly coldeflist?: Node[];
}

const EMPTY: readonly Value[] = [];

function bindCall(ctx: BindContext, call: Obj, location: number | undefined): { expr: BoundExpr; name: string } {
  const parts = stringList(call['funcname'] as Node[]);
  const name = parts[parts.length - 1] ?? '';
  if (parts.length === 2 && parts[0] !== 'pg_catalog') throw notSupported(`function ${parts.join('.')} in FROM`, location);
  const env: ExprEnv = { ctx, scope: Scope.empty(), aggs: undefined, clause: 'functions in FROM' };
  const args = ((call['args'] as Node[] | undefined) ?? []).map((a) => bindExpr(a, env));
  if (name === 'pg_partition_ancestors' && args.length === 1) {
    const arg = coerce(ctx, args[0] as BoundExpr, typeOfOid(OID.regclass), -1, 'implicit', location);
    return { expr: { kind: 'call', name, fn: () => EMPTY, args: [arg], type: typeOfOid(OID.regclass), typmod: -1, strict: true, volatile: true }, name };
  }
  const match = functions.resolveFunction(name, args.map((a) => a.type));
  const coerced = args.map((a, i) => coerce(ctx, a, match.argTypes[i] ?? a.type, -1, 'implicit', location));
  const impl = match.impl;
  const fn = match.setReturning
    ? (values: Value[], c: { typeContext: BindContext['typeContext'] }): Value => impl(values, c.typeContext)
    : (values: Value[], c: { typeContext: BindContext['typeContext'] }): Value => [impl(values, c.typeContext)];
  const expr: BoundExpr = { kind: 'call', name, fn, args: coerced, type: match.resultType, typmod: -1, strict: match.strict, volatile: true };
  return { expr, name };
}

export function bindRangeFunction(ctx: BindContext, node: RangeFunctionNode): BoundFrom {
  const list = node.functions ?? [];
  const items = (list[0] as { List?: { items?: Node[] } } | undefined)?.List?.items ?? [];
  const call = (items[0] as { FuncCall?: Obj } | undefined)?.FuncCall;
  if (list.length !== 1 || call === undefined || node.is_rowsfrom === true) throw notSupported('ROWS FROM with several functions');
  if (node.coldeflist !== undefined || node.lateral === true) throw notSupported('LATERAL or a column definition list in FROM');
  const location = call['location'] as number | undefined;
  const { expr, name } = bindCall(ctx, call, location);
  const ordinality = node.ordinality === true;
  const alias = node.alias?.aliasname ?? name;
  const colnames = stringList(node.alias?.colnames);
  const first = colnames[0] ?? (node.alias?.aliasname !== undefined && name !== 'pg_partition_ancestors' ? alias : name === 'pg_partition_ancestors' ? 'relid' : name);
  const columns: ScopeColumn[] = [{ name: first, slot: 0, type: expr.type, typmod: -1, tableOid: 0, attnum: 0 }];
  if (ordinality) columns.push({ name: colnames[1] ?? 'ordinality', slot: 1, type: INT8(), typmod: -1, tableOid: 0, attnum: 0 });
  return { plan: { kind: 'function', call: expr, name, alias, ordinality, width: columns.length }, scope: new Scope([{ alias, columns }]) };
}

/**
 * `SELECT pg_partition_ancestors(r)` without FROM, GROUP BY or other targets → `SELECT * FROM
 * pg_partition_ancestors(r) AS name` (same rows and column name; it is no catalog function, so
 * the select list cannot run it); any other statement is returned unchanged. Other set-returning
 * functions in a select list run in a ProjectSet (srf-collector.ts).
 */
export function rewriteTargetFunction(s: SelectStmt): SelectStmt {
  if ((s.fromClause?.length ?? 0) > 0 || s.targetList?.length !== 1 || s.groupClause !== undefined) return s;
  const target = (s.targetList[0] as { ResTarget?: { name?: string; val?: Node } }).ResTarget;
  const call = (target?.val as { FuncCall?: Obj } | undefined)?.FuncCall;
  if (call === undefined || call['over'] !== undefined) return s;
  const parts = stringList(call['funcname'] as Node[]);
  const name = parts[parts.length - 1] ?? '';
  if (name !== 'pg_partition_ancestors') return s;
  const alias = target?.name ?? name;
  const colnames = [{ String: { sval: alias } }] as unknown as Node[];
  const from = { RangeFunction: { functions: [{ List: { items: [{ FuncCall: call }, {}] } }], alias: { aliasname: alias, colnames } } };
  const star = { ResTarget: { val: { ColumnRef: { fields: [{ A_Star: {} }] } } } };
  return { ...s, fromClause: [from as unknown as Node], targetList: [star as unknown as Node] };
}
