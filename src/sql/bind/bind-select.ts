/**
 * Binds a SELECT (or VALUES, or a set operation) into a logical plan and its output columns:
 * FROM → WHERE → GROUP BY / aggregates → HAVING → select list → DISTINCT → ORDER BY → LIMIT.
 *
 * - The select list is computed by one Project node; ORDER BY expressions that are not output
 *   columns ride along as hidden trailing slots and are cut off by a final Project.
 * - In a grouped query every column reference outside an aggregate must be a GROUP BY expression
 *   (42803), as in PostgreSQL.
 */
import { rewriteTargetFunction } from './bind-range-function.js';
import type { Node, SelectStmt, ResTarget, SortBy } from '../parse.js';
import { nodeTag } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import { exprKey } from './bound-expr.js';
import { DependentColumns, regroup, sourceShapedRow } from './regroup.js';
import type { BindContext } from './bind-context.js';
import type { Scope } from './scope.js';
import { toColumnExpr } from './scope.js';
import { notSupported, withPosition } from './bind-errors.js';
import { bindExpr, locationOf, type ExprEnv } from './bind-expr.js';
import { AggCollector } from './agg-collector.js';
import { WindowCollector, placeWindowRefs } from './window-collector.js';
import { SrfCollector } from './srf-collector.js';
import { bindFromClause } from './bind-from.js';
import { coerce, coerceToBool, commonType, INT8, TEXT, typeOfOid } from './resolve.js';
import type { LogicalPlan, OutputColumn, SortKey } from '../plan/logical-plan.js';
import { figureColumnName } from './column-name.js';
import { intOf, stringList } from './ast-util.js';
import { bindSetOperation } from './bind-setop.js';
import { bindWith } from './bind-with.js';
import { bindLocking } from './bind-locking.js';
import { expandGroupingSets, hasGroupingSets, type KeyTypeName } from './grouping-sets.js';
import { FIRST_USER_OID } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';

const INVALID_COLUMN_REFERENCE = '42P10';

export interface BoundQuery {
  readonly plan: LogicalPlan;
  readonly columns: readonly OutputColumn[];
}

export function bindQuery(ctx: BindContext, node: Node): BoundQuery {
  if (!('SelectStmt' in node)) throw notSupported(`${nodeTag(node)} as a query`);
  return bindSelect(ctx, node.SelectStmt);
}

/** keepUnknown: leave unknown-typed outputs for a set operation to resolve (PostgreSQL's rule). */
export function bindSelect(outerCtx: BindContext, s: SelectStmt, keepUnknown = false): BoundQuery {
  if ((s.op === undefined || s.op === 'SETOP_NONE') && hasGroupingSets(s)) return bindSelect(outerCtx, expandGroupingSets(s, keyTypeNames(outerCtx, s)), keepUnknown);
  const ctx = s.withClause === undefined ? outerCtx : bindWith(outerCtx, s.withClause, bindQuery);
  if (s.intoClause !== undefined) throw notSupported('SELECT INTO here');
  if (s.lockingClause !== undefined && ((s.op !== undefined && s.op !== 'SETOP_NONE') || s.valuesLists !== undefined)) {
    throw new SqlError(SQLSTATE.featureNotSupported, 'FOR UPDATE is not allowed with UNION/INTERSECT/EXCEPT');
  }
  if (s.op !== undefined && s.op !== 'SETOP_NONE') return bindSetOperation(ctx, s);
  if (s.valuesLists !== undefined) return finishQuery(ctx, s, bindValues(ctx, s.valuesLists));
  return bindPlainSelect(ctx, s, keepUnknown);
}

/**
 * The built-in type of each GROUP BY key over the FROM clause, so a grouping set that leaves the key
 * out reads a NULL of its type (grouping-sets.ts); undefined (an untyped NULL) when it is not
 * built in or does not bind on its own (a select-list alias).
 */
function keyTypeNames(ctx: BindContext, s: SelectStmt): KeyTypeName {
  const withCtx = s.withClause === undefined ? ctx : bindWith(ctx, s.withClause, bindQuery);
  const scope = bindFromClause(withCtx, s.fromClause).scope;
  const env: ExprEnv = { ctx: withCtx, scope, aggs: undefined, clause: 'GROUP BY' };
  return (key) => {
    let type;
    try {
      type = bindExpr(key, env).type;
    } catch {
      return undefined;
    }
    if (type.oid >= FIRST_USER_OID || type.oid === OID.unknown) return undefined;
    return { TypeName: { names: [{ String: { sval: 'pg_catalog' } }, { String: { sval: type.name } }], typemod: -1 } } as unknown as Node;
  };
}

/** ORDER BY / LIMIT applied on top of a VALUES list or a set operation (output columns only). */
export function finishQuery(ctx: BindContext, s: SelectStmt, inner: BoundQuery): BoundQuery {
  let plan = inner.plan;
  if (s.sortClause !== undefined) {
    const keys = s.sortClause.map((n) => outputSortKey(n, inner.columns));
    plan = { kind: 'sort', input: plan, keys, width: plan.width };
  }
  plan = applyLimit(ctx, s, plan);
  return { plan, columns: inner.columns };
}

function outputSortKey(n: Node, columns: readonly OutputColumn[]): SortKey {
  const by = (n as { SortBy: SortBy }).SortBy;
  const slot = outputSlot(by.node as Node, columns);
  if (slot === undefined) throw notSupported('ORDER BY expression on a set operation or VALUES', by.location);
  const col = columns[slot] as OutputColumn;
  return sortKey(by, { kind: 'column', slot, type: col.type, typmod: col.typmod, name: col.name, tableOid: 0, attnum: 0 });
}

function bindValues(ctx: BindContext, lists: Node[]): BoundQuery {
  const env: ExprEnv = { ctx, scope: emptyScopeFor(), aggs: undefined, clause: 'VALUES' };
  const rows = lists.map((l) => ((l as { List: { items?: Node[] } }).List.items ?? []).map((n) => bindExpr(n, env)));
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) throw new SqlError(SQLSTATE.syntaxError, 'VALUES lists must all be the same length');
  const columns: OutputColumn[] = [];
  const typed = rows.map((r) => [...r]);
  for (let c = 0; c < width; c++) {
    const { type, typmod } = commonType(ctx, rows.map((r) => r[c] as BoundExpr), 'VALUES');
    for (const r of typed) r[c] = coerce(ctx, r[c] as BoundExpr, type, typmod, 'implicit');
    columns.push({ name: `column${c + 1}`, type, typmod, tableOid: 0, attnum: 0 });
  }
  return { plan: { kind: 'values', rows: typed, width }, columns };
}

let emptyScope: Scope | undefined;
function emptyScopeFor(): Scope {
  emptyScope ??= bindFromClause({} as BindContext, []).scope;
  return emptyScope;
}

interface Target {
  readonly expr: BoundExpr;
  readonly name: string;
}

function bindPlainSelect(ctx: BindContext, statement: SelectStmt, keepUnknown: boolean): BoundQuery {
  const s = rewriteTargetFunction(statement);
  const from = bindFromClause(ctx, s.fromClause);
  let plan = from.plan;
  if (s.whereClause !== undefined) {
    const env: ExprEnv = { ctx, scope: from.scope, aggs: undefined, clause: 'WHERE' };
    plan = { kind: 'filter', input: plan, predicate: coerceToBool(ctx, bindExpr(s.whereClause, env), 'WHERE', s.whereClause), width: plan.width };
  }
  const aggs = new AggCollector();
  const windows = new WindowCollector(s.windowClause);
  const srfs = new SrfCollector();
  const env: ExprEnv = { ctx, scope: from.scope, aggs, windows, srfs, clause: 'select list' };
  const targets = bindTargets(s.targetList ?? [], env, keepUnknown);
  const groupExprs = (s.groupClause ?? []).map((g) => bindGroupKey(g, env, targets, 'GROUP BY'));
  const havingEnv: ExprEnv = { ...env, windows: undefined, srfs: undefined, clause: 'HAVING' };
  const having = s.havingClause === undefined ? undefined : coerceToBool(ctx, bindExpr(s.havingClause, havingEnv), 'HAVING', s.havingClause);
  const sort = bindSortClause(s.sortClause ?? [], env, targets);
  const distinctOn = (s.distinctClause ?? []).filter((n) => Object.keys(n).length > 0).map((n) => bindGroupKey(n, env, targets, 'DISTINCT ON'));
  const grouped = groupExprs.length > 0 || aggs.calls.length > 0 || having !== undefined;
  if (s.lockingClause !== undefined) plan = bindLocking(s.lockingClause, plan, grouped, s.distinctClause !== undefined, srfs.calls.length > 0);
  const parts: SelectParts = { plan, targets, sortExprs: sort.map((k) => k.expr), distinctOn };
  if (grouped) applyGrouping(parts, groupExprs, having, aggs, windows, srfs, from.scope);
  applyWindows(parts, windows, srfs);
  if (srfs.pending) placeSets(parts, srfs.placeSrfs(parts.plan), windows, srfs);
  return projectSortLimit(ctx, s, parts.plan, parts.targets, sort, parts.sortExprs, parts.distinctOn);
}

/** What a SELECT computes above its plan so far; rewritten as nodes are stacked under it. */
interface SelectParts {
  plan: LogicalPlan;
  targets: Target[];
  sortExprs: BoundExpr[];
  distinctOn: BoundExpr[];
}

/** Applies `f` to every expression above the plan, and to the window and SRF calls still to place. */
function rewriteParts(parts: SelectParts, f: (e: BoundExpr) => BoundExpr, windows: WindowCollector | undefined, srfs: SrfCollector): void {
  parts.targets = parts.targets.map((t) => ({ name: t.name, expr: f(t.expr) }));
  parts.sortExprs = parts.sortExprs.map(f);
  parts.distinctOn = parts.distinctOn.map(f);
  windows?.rewrite(f);
  srfs.rewrite(f);
}

/** Puts ProjectSet nodes (from SrfCollector.placeSrfs) under the parts. */
function placeSets(parts: SelectParts, placed: ReturnType<SrfCollector['placeSrfs']>, windows: WindowCollector | undefined, srfs: SrfCollector): void {
  parts.plan = placed.plan;
  rewriteParts(parts, placed.place, windows, srfs);
}

/** The Aggregate (and HAVING filter); set-returning calls a GROUP BY key reads run below it. */
function applyGrouping(
  parts: SelectParts,
  groupExprs: readonly BoundExpr[],
  having: BoundExpr | undefined,
  aggs: AggCollector,
  windows: WindowCollector,
  srfs: SrfCollector,
  scope: Scope,
): void {
  let keyExprs = groupExprs;
  const lower = srfs.readBy(groupExprs);
  if (lower.size > 0) {
    const placed = srfs.placeSrfs(parts.plan, lower);
    keyExprs = groupExprs.map(placed.place);
    placeSets(parts, placed, windows, srfs);
  }
  const dependent = new DependentColumns(new Set(keyExprs.map(exprKey)), scope);
  const visit = (e: BoundExpr): BoundExpr => dependent.visit(e);
  rewriteParts(parts, visit, windows, srfs);
  if (having !== undefined) visit(having);
  keyExprs = [...keyExprs, ...dependent.columns];
  const keys = keyExprs.map(exprKey);
  const sourceWidth = parts.plan.width;
  const base = dependent.readsSourceRow ? sourceWidth : 0;
  const rewrite = (e: BoundExpr): BoundExpr => regroup(e, keys, keyExprs, scope, base);
  rewriteParts(parts, rewrite, windows, srfs);
  let width = keyExprs.length + aggs.calls.length;
  parts.plan = { kind: 'aggregate', input: parts.plan, groupKeys: keyExprs, aggregates: aggs.calls, width };
  if (dependent.readsSourceRow) {
    const exprs = sourceShapedRow(keyExprs, aggs.calls.map((c) => c.type), sourceWidth);
    width = exprs.length;
    parts.plan = { kind: 'project', input: parts.plan, exprs, width };
  }
  if (having !== undefined) parts.plan = { kind: 'filter', input: parts.plan, predicate: rewrite(having), width };
}

/** The WindowAgg; set-returning calls a window's PARTITION BY / ORDER BY reads run below it. */
function applyWindows(parts: SelectParts, windows: WindowCollector, srfs: SrfCollector): void {
  if (windows.calls.length === 0) return;
  const lower = srfs.readBy(windows.calls.flatMap((c) => [...c.partition, ...c.order.map((k) => k.expr)]));
  if (lower.size > 0) placeSets(parts, srfs.placeSrfs(parts.plan, lower), windows, srfs);
  const base = parts.plan.width;
  parts.plan = { kind: 'window', input: parts.plan, calls: windows.calls, width: base + windows.calls.length };
  rewriteParts(parts, (e) => placeWindowRefs(e, base), undefined, srfs);
}

function projectSortLimit(
  ctx: BindContext,
  s: SelectStmt,
  input: LogicalPlan,
  targets: readonly Target[],
  sort: readonly SortKey[],
  sortExprs: readonly BoundExpr[],
  distinctOn: readonly BoundExpr[],
): BoundQuery {
  const distinct = s.distinctClause !== undefined;
  const exprs = targets.map((t) => t.expr);
  const slotOf = (e: BoundExpr, hiddenOk: boolean): number => {
    const at = exprs.map(exprKey).indexOf(exprKey(e));
    if (at >= 0) return at;
    if (!hiddenOk) {
      throw withPosition('for SELECT DISTINCT, ORDER BY expressions must appear in select list', INVALID_COLUMN_REFERENCE);
    }
    exprs.push(e);
    return exprs.length - 1;
  };
  const sortSlots = sortExprs.map((e) => slotOf(e, !distinct || distinctOn.length > 0));
  const onSlots = distinctOn.map((e) => slotOf(e, true));
  if (distinctOn.length > 0) checkDistinctOnOrder(onSlots, sortSlots);
  let plan: LogicalPlan = { kind: 'project', input, exprs, width: exprs.length };
  const columnAt = (slot: number): BoundExpr => {
    const e = exprs[slot] as BoundExpr;
    return { kind: 'column', slot, type: e.type, typmod: -1, name: '', tableOid: 0, attnum: 0 };
  };
  if (distinct && distinctOn.length === 0) plan = { kind: 'distinct', input: plan, width: plan.width };
  if (sort.length > 0) {
    const keys = sort.map((k, i) => ({ ...k, expr: columnAt(sortSlots[i] as number) }));
    plan = { kind: 'sort', input: plan, keys, width: plan.width };
  }
  if (distinctOn.length > 0) plan = { kind: 'distinct', input: plan, width: plan.width, keySlots: onSlots };
  plan = applyLimit(ctx, s, plan);
  if (exprs.length > targets.length) {
    const visible = targets.map((t, slot) => ({ kind: 'column', slot, type: t.expr.type, typmod: -1, name: t.name, tableOid: 0, attnum: 0 }) as BoundExpr);
    plan = { kind: 'project', input: plan, exprs: visible, width: visible.length };
  }
  return { plan, columns: targets.map(outputColumn) };
}

/** SELECT DISTINCT ON expressions must match the leftmost ORDER BY expressions (42P10). */
function checkDistinctOnOrder(onSlots: readonly number[], sortSlots: readonly number[]): void {
  const lead = sortSlots.slice(0, onSlots.length);
  const ok = lead.every((s) => onSlots.includes(s)) && (sortSlots.length === 0 || lead.length === Math.min(onSlots.length, sortSlots.length));
  if (!ok) throw withPosition('SELECT DISTINCT ON expressions must match initial ORDER BY expressions', INVALID_COLUMN_REFERENCE);
}

function outputColumn(t: Target): OutputColumn {
  const e = t.expr;
  const typmod = 'typmod' in e ? e.typmod : -1;
  const source = e.kind === 'column' ? { tableOid: e.tableOid, attnum: e.attnum } : { tableOid: 0, attnum: 0 };
  return { name: t.name, type: e.type, typmod, ...source };
}

function applyLimit(ctx: BindContext, s: SelectStmt, plan: LogicalPlan): LogicalPlan {
  if (s.limitCount === undefined && s.limitOffset === undefined) return plan;
  if (s.limitOption === 'LIMIT_OPTION_WITH_TIES') throw notSupported('FETCH … WITH TIES');
  const bindCount = (n: Node | undefined, clause: 'LIMIT' | 'OFFSET'): BoundExpr | undefined => {
    if (n === undefined) return undefined;
    if ('A_Const' in n && n.A_Const.isnull === true) return undefined;
    const env: ExprEnv = { ctx, scope: emptyScopeFor(), aggs: undefined, clause };
    return coerce(ctx, bindExpr(n, env), INT8(), -1, 'implicit', locationOf(n));
  };
  return { kind: 'limit', input: plan, limit: bindCount(s.limitCount, 'LIMIT'), offset: bindCount(s.limitOffset, 'OFFSET'), width: plan.width };
}

function bindTargets(list: readonly Node[], env: ExprEnv, keepUnknown: boolean): Target[] {
  const out: Target[] = [];
  for (const item of list) {
    const rt = (item as { ResTarget: ResTarget }).ResTarget;
    const val = rt.val as Node;
    if ('ColumnRef' in val && val.ColumnRef.fields?.some((f) => 'A_Star' in f)) {
      out.push(...expandStar(val.ColumnRef.fields ?? [], env, val.ColumnRef.location));
      continue;
    }
    if (rt.indirection !== undefined) throw notSupported('indirection in select list', rt.location);
    const expr = bindExpr(val, env);
    // An output column still of type unknown ('abc', NULL) becomes text, as in PostgreSQL.
    const typed = expr.type.oid === 705 && !keepUnknown ? coerce(env.ctx, expr, TEXT(), -1, 'implicit') : expr;
    out.push({ expr: typed, name: rt.name ?? figureColumnName(val) });
  }
  return out;
}

function expandStar(fields: readonly Node[], env: ExprEnv, location: number | undefined): Target[] {
  const parts = stringList(fields);
  if (parts.length === 1) {
    const cols = env.scope.star();
    if (cols.length === 0 && env.scope.entries.length === 0) {
      throw withPosition('SELECT * with no tables specified is not valid', SQLSTATE.syntaxError, location);
    }
    return cols.map((c) => ({ expr: toColumnExpr(c, location), name: c.name }));
  }
  const alias = parts[parts.length - 2] as string;
  const entry = env.scope.entry(alias);
  if (entry === undefined) {
    throw withPosition(`missing FROM-clause entry for table "${alias}"`, SQLSTATE.undefinedTable, location);
  }
  return entry.columns.filter((c) => c.systemColumn !== true).map((c) => ({ expr: toColumnExpr(c, location), name: c.name }));
}

/**
 * GROUP BY or DISTINCT ON item: an output ordinal, an output alias, or an expression over the FROM
 * scope (set-returning calls included, as in PostgreSQL).
 */
function bindGroupKey(node: Node, env: ExprEnv, targets: readonly Target[], clause: 'GROUP BY' | 'DISTINCT ON'): BoundExpr {
  const ordinal = ordinalOf(node);
  if (ordinal !== undefined) {
    const t = targets[ordinal - 1];
    if (t === undefined) throw withPosition(`${clause} position ${ordinal} is not in select list`, INVALID_COLUMN_REFERENCE, locationOf(node));
    return t.expr;
  }
  const alias = singleName(node);
  if (alias !== undefined && !scopeHas(env.scope, alias)) {
    const t = targets.find((x) => x.name === alias);
    if (t !== undefined) return t.expr;
  }
  return bindExpr(node, { ...env, aggs: undefined, windows: undefined, clause });
}

function bindSortClause(list: readonly Node[], env: ExprEnv, targets: readonly Target[]): SortKey[] {
  return list.map((n) => {
    const by = (n as { SortBy: SortBy }).SortBy;
    if (by.useOp !== undefined) throw notSupported('ORDER BY … USING', by.location);
    const node = by.node as Node;
    const ordinal = ordinalOf(node);
    if (ordinal !== undefined) {
      const t = targets[ordinal - 1];
      if (t === undefined) throw withPosition(`ORDER BY position ${ordinal} is not in select list`, INVALID_COLUMN_REFERENCE, locationOf(node));
      return sortKey(by, t.expr);
    }
    const alias = singleName(node);
    if (alias !== undefined) {
      const matches = targets.filter((x) => x.name === alias);
      if (matches.length === 1) return sortKey(by, (matches[0] as Target).expr);
    }
    return sortKey(by, bindExpr(node, { ...env, clause: 'ORDER BY' }));
  });
}

export function sortKey(by: SortBy, expr: BoundExpr): SortKey {
  const descending = by.sortby_dir === 'SORTBY_DESC';
  const nulls = by.sortby_nulls;
  const nullsFirst = nulls === 'SORTBY_NULLS_FIRST' ? true : nulls === 'SORTBY_NULLS_LAST' ? false : descending;
  return { expr, descending, nullsFirst };
}

function ordinalOf(node: Node): number | undefined {
  if ('A_Const' in node && node.A_Const.ival !== undefined) return intOf(node);
  return undefined;
}

function singleName(node: Node): string | undefined {
  if (!('ColumnRef' in node)) return undefined;
  const f = node.ColumnRef.fields ?? [];
  return f.length === 1 && 'String' in (f[0] as Node) ? ((f[0] as { String: { sval?: string } }).String.sval ?? '') : undefined;
}

function scopeHas(scope: Scope, name: string): boolean {
  return scope.star().some((c) => c.name === name) || scope.entries.some((e) => e.columns.some((c) => c.name === name));
}

function outputSlot(node: Node, columns: readonly OutputColumn[]): number | undefined {
  const ordinal = ordinalOf(node);
  if (ordinal !== undefined) {
    if (ordinal < 1 || ordinal > columns.length) {
      throw withPosition(`ORDER BY position ${ordinal} is not in select list`, INVALID_COLUMN_REFERENCE, locationOf(node));
    }
    return ordinal - 1;
  }
  const name = singleName(node);
  const at = name === undefined ? -1 : columns.findIndex((c) => c.name === name);
  return at < 0 ? undefined : at;
}

export { typeOfOid };
