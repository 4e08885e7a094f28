/**
 * Binds a FROM clause into a logical plan and the Scope its columns are visible in: tables,
 * views (their stored query bound in place), subqueries with aliases, and joins (inner, left,
 * right, full, cross; ON, USING, NATURAL). Several FROM items are cross-joined.
 */
import { bindRangeFunction } from './bind-range-function.js';
import type { Node, RangeVar, JoinExpr, RangeSubselect } from '../parse.js';
import { nodeTag } from '../parse.js';
import type { TableDesc, ViewDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import { shiftSlots } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { Scope, type RangeEntry, type ScopeColumn } from './scope.js';
import { notSupported, undefinedTable, syntaxError } from './bind-errors.js';
import { lookupRelation } from './names.js';
import { stringList } from './ast-util.js';
import { bindExpr } from './bind-expr.js';
import { bindOperator, coerceToBool, BOOL, typeOfOid } from './resolve.js';
import type { JoinType, LogicalPlan } from '../plan/logical-plan.js';
import { bindQuery } from './bind-select.js';
import type { CteDefinition } from './bind-with.js';
import { systemTable, type SystemTable } from '../../catalog/system/index.js';
import { Catalog } from '../../catalog/catalog.js';
import { OID } from '../../catalog/types/oids.js';
import { bindSequenceRelation } from './bind-sequence-relation.js';
import { optionsToTableSubselect } from './options-to-table.js';

export interface BoundFrom {
  readonly plan: LogicalPlan;
  readonly scope: Scope;
}

const ONE_ROW: LogicalPlan = { kind: 'values', rows: [[]], width: 0 };

export function bindFromClause(ctx: BindContext, items: readonly Node[] | undefined): BoundFrom {
  if (items === undefined || items.length === 0) return { plan: ONE_ROW, scope: Scope.empty() };
  let acc: BoundFrom | undefined;
  for (const item of items) {
    const next = bindFromItem(ctx, item);
    acc = acc === undefined ? next : combine(acc, next, 'cross', undefined);
  }
  return acc as BoundFrom;
}

function bindFromItem(ctx: BindContext, item: Node): BoundFrom {
  const tag = nodeTag(item);
  if (tag === 'RangeVar') return bindRangeVar(ctx, (item as { RangeVar: RangeVar }).RangeVar);
  if (tag === 'JoinExpr') return bindJoin(ctx, (item as { JoinExpr: JoinExpr }).JoinExpr);
  if (tag === 'RangeSubselect') return bindSubselect(ctx, (item as { RangeSubselect: RangeSubselect }).RangeSubselect);
  if (tag === 'RangeFunction') {
    const node = (item as { RangeFunction: Parameters<typeof bindRangeFunction>[1] }).RangeFunction;
    const options = optionsToTableSubselect(node);
    return options === undefined ? bindRangeFunction(ctx, node) : bindSubselect(ctx, options);
  }
  throw notSupported(`FROM item ${tag}`);
}

function aliasColumns(alias: { colnames?: Node[] } | undefined): string[] {
  return stringList(alias?.colnames);
}

export function tableEntry(table: TableDesc, alias: string, schemaName: string | undefined, renames: string[] = []): RangeEntry {
  const columns: ScopeColumn[] = [];
  let visible = 0;
  table.columns.forEach((c, slot) => {
    if (c.dropped) return;
    const name = renames[visible] ?? c.name;
    visible++;
    columns.push({ name, slot, type: typeOfOid(c.typeOid), typmod: c.typmod, tableOid: table.oid, attnum: c.attnum });
  });
  const primaryKey = table.constraints.find((c) => c.kind === 'p');
  return primaryKey === undefined ? { alias, schemaName, columns } : { alias, schemaName, columns, primaryKeyAttnums: primaryKey.attnums };
}

function bindRangeVar(ctx: BindContext, rv: RangeVar): BoundFrom {
  if (rv.catalogname !== undefined && rv.catalogname !== ctx.databaseName) {
    throw new SqlError(SQLSTATE.featureNotSupported, `cross-database references are not implemented: "${rv.catalogname}.${rv.schemaname}.${rv.relname}"`);
  }
  const name = rv.relname ?? '';
  const cte = rv.schemaname === undefined ? ctx.ctes?.get(name) : undefined;
  if (cte !== undefined) return bindCteReference(cte, rv.alias?.aliasname ?? name, aliasColumns(rv.alias));
  const system = rv.schemaname === undefined || Catalog.isSystemSchema(rv.schemaname) ? systemTable(rv.schemaname ?? 'pg_catalog', name) : undefined;
  if (system !== undefined) return bindSystemTable(system, rv.alias?.aliasname ?? name, aliasColumns(rv.alias));
  const rel = lookupRelation(ctx, { schema: rv.schemaname, name });
  if (rel === undefined) {
    throw undefinedTable(rv.schemaname === undefined ? name : `${rv.schemaname}.${name}`, rv.location);
  }
  const alias = rv.alias?.aliasname ?? name;
  const renames = aliasColumns(rv.alias);
  if (rel.kind === 'table') {
    const entry = tableEntry(rel, alias, rv.schemaname, renames);
    return { plan: { kind: 'scan', table: rel, alias, width: rel.columns.length + 1 }, scope: new Scope([entry]) };
  }
  if (rel.kind === 'view') return bindView(ctx, rel, alias, renames);
  return bindSequenceRelation(rel, alias, rv.schemaname, renames);
}

function bindSystemTable(table: SystemTable, alias: string, renames: string[]): BoundFrom {
  const columns: ScopeColumn[] = table.columns.map((c, slot) => ({
    name: renames[slot] ?? c.name,
    slot,
    type: typeOfOid(c.typeOid),
    typmod: -1,
    tableOid: table.oid,
    attnum: slot + 1,
  }));
  // The scan appends the table's oid to every row: PostgreSQL's tableoid system column (pg_dump reads it).
  const tableoid: ScopeColumn = { name: 'tableoid', slot: columns.length, type: typeOfOid(OID.oid), typmod: -1, tableOid: table.oid, attnum: -6, systemColumn: true };
  return { plan: { kind: 'system', table, alias, width: columns.length + 1 }, scope: new Scope([{ alias, columns: [...columns, tableoid] }]) };
}

function bindCteReference(cte: CteDefinition, alias: string, renames: string[]): BoundFrom {
  const columns: ScopeColumn[] = cte.query.columns.map((c, slot) => ({
    name: renames[slot] ?? cte.columnNames[slot] ?? c.name,
    slot,
    type: c.type,
    typmod: c.typmod,
    tableOid: 0,
    attnum: 0,
  }));
  return { plan: cte.query.plan, scope: new Scope([{ alias, columns }]) };
}

function bindView(ctx: BindContext, view: ViewDesc, alias: string, renames: string[]): BoundFrom {
  const bound = bindViewQuery(ctx, view);
  const columns: ScopeColumn[] = bound.columns.map((c, slot) => ({
    name: renames[slot] ?? view.columns[slot]?.name ?? c.name,
    slot,
    type: c.type,
    typmod: c.typmod,
    tableOid: 0,
    attnum: 0,
  }));
  return { plan: bound.plan, scope: new Scope([{ alias, columns }]) };
}

/** The view's stored query; an error in it has no position in the statement being bound. */
function bindViewQuery(ctx: BindContext, view: ViewDesc): ReturnType<typeof bindQuery> {
  try {
    return bindQuery(ctx, view.query.tree as Node);
  } catch (error) {
    if (!(error instanceof SqlError) || error.position === undefined) throw error;
    throw new SqlError(error.code, error.message, { detail: error.detail, hint: error.hint, severity: error.severity, cause: error });
  }
}

function bindSubselect(ctx: BindContext, s: RangeSubselect): BoundFrom {
  if (s.lateral === true) throw notSupported('LATERAL');
  if (s.alias === undefined) throw syntaxError('subquery in FROM must have an alias');
  const bound = bindQuery(ctx, s.subquery as Node);
  const renames = aliasColumns(s.alias);
  const columns: ScopeColumn[] = bound.columns.map((c, slot) => ({
    name: renames[slot] ?? c.name,
    slot,
    type: c.type,
    typmod: c.typmod,
    tableOid: 0,
    attnum: 0,
  }));
  return { plan: bound.plan, scope: new Scope([{ alias: s.alias.aliasname ?? '', columns }]) };
}

function shiftEntry(e: RangeEntry, offset: number): RangeEntry {
  return { ...e, columns: e.columns.map((c) => ({ ...c, slot: c.slot + offset })) };
}

function combine(left: BoundFrom, right: BoundFrom, type: JoinType, condition: BoundExpr | undefined): BoundFrom {
  const offset = left.plan.width;
  const entries = [...left.scope.entries, ...right.scope.entries.map((e) => shiftEntry(e, offset))];
  const merged = [...left.scope.merged, ...right.scope.merged.map((c) => ({ ...c, slot: c.slot + offset }))];
  const plan: LogicalPlan = { kind: 'join', type, left: left.plan, right: right.plan, condition, width: offset + right.plan.width };
  return { plan, scope: new Scope(entries, merged) };
}

const JOIN_TYPES: Record<string, JoinType> = { JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'full' };

function bindJoin(ctx: BindContext, j: JoinExpr): BoundFrom {
  const type = JOIN_TYPES[j.jointype ?? 'JOIN_INNER'];
  if (type === undefined) throw notSupported(`join type ${String(j.jointype)}`);
  if (j.alias !== undefined) throw notSupported('alias on a join');
  const left = bindFromItem(ctx, j.larg as Node);
  const right = bindFromItem(ctx, j.rarg as Node);
  if (j.isNatural === true || j.usingClause !== undefined) return bindUsingJoin(ctx, j, type, left, right);
  const cross = combine(left, right, j.quals === undefined ? 'cross' : type, undefined);
  if (j.quals === undefined) return cross;
  const env = { ctx, scope: cross.scope, aggs: undefined, clause: 'JOIN conditions' };
  const condition = coerceToBool(ctx, bindExpr(j.quals, env), 'JOIN/ON', j.quals);
  return { ...cross, plan: { ...(cross.plan as Extract<LogicalPlan, { kind: 'join' }>), condition } };
}

function bindUsingJoin(ctx: BindContext, j: JoinExpr, type: JoinType, left: BoundFrom, right: BoundFrom): BoundFrom {
  const leftCols = left.scope.star();
  const rightCols = right.scope.star();
  const names =
    j.isNatural === true
      ? leftCols.filter((c) => rightCols.some((r) => r.name === c.name)).map((c) => c.name)
      : stringList(j.usingClause);
  const offset = left.plan.width;
  const conditions: BoundExpr[] = [];
  const mergedCols: ScopeColumn[] = [];
  const hideLeft = new Set<number>();
  const hideRight = new Set<number>();
  for (const name of names) {
    const l = leftCols.filter((c) => c.name === name);
    const r = rightCols.filter((c) => c.name === name);
    if (l.length !== 1) throw usingError(name, 'left', l.length);
    if (r.length !== 1) throw usingError(name, 'right', r.length);
    const lc = l[0] as ScopeColumn;
    const rc = { ...(r[0] as ScopeColumn), slot: (r[0] as ScopeColumn).slot + offset };
    const lExpr = columnOf(lc);
    const rExpr = columnOf(rc);
    conditions.push(bindOperator(ctx, '=', lExpr, rExpr));
    // The merged column: the left one for inner/left joins, the right one for right joins.
    // FULL joins would need COALESCE over both; it reads the left one (documented limitation).
    mergedCols.push(type === 'right' ? rc : lc);
    hideLeft.add(lc.slot);
    hideRight.add(rc.slot - offset);
  }
  const hide = (from: BoundFrom, slots: Set<number>): BoundFrom => ({
    plan: from.plan,
    scope: new Scope(
      from.scope.entries.map((e) => ({ ...e, columns: e.columns.map((c) => (slots.has(c.slot) ? { ...c, hiddenUnqualified: true } : c)) })),
      from.scope.merged,
    ),
  });
  const combined = combine(hide(left, hideLeft), hide(right, hideRight), type, undefined);
  const condition: BoundExpr | undefined =
    conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0] : { kind: 'and', args: conditions, type: BOOL() };
  const plan = { ...(combined.plan as Extract<LogicalPlan, { kind: 'join' }>), condition, type: condition === undefined && type === 'inner' ? 'cross' as const : type };
  return { plan, scope: new Scope(combined.scope.entries, [...mergedCols, ...combined.scope.merged]) };
}

function columnOf(c: ScopeColumn): BoundExpr {
  return { kind: 'column', slot: c.slot, type: c.type, typmod: c.typmod, name: c.name, tableOid: c.tableOid, attnum: c.attnum };
}

function usingError(name: string, side: string, count: number): SqlError {
  if (count === 0) {
    return new SqlError(SQLSTATE.undefinedColumn, `column "${name}" specified in USING clause does not exist in ${side} table`);
  }
  return new SqlError(SQLSTATE.ambiguousColumn, `common column name "${name}" appears more than once in ${side} table`);
}

export { shiftSlots };
