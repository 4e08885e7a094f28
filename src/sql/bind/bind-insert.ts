/**
 * INSERT: target columns, the row source (VALUES with DEFAULT, or a query), defaults for the
 * columns not given, assignment casts to the column types, ON CONFLICT and RETURNING.
 *
 * - The source is projected to full table rows (TableDesc.columns order) before the writer sees it.
 * - GENERATED ALWAYS identity columns reject explicit values (428C9) unless OVERRIDING SYSTEM VALUE.
 * - ON CONFLICT treats a conflict on any unique index as the arbiter (the inference clause is
 *   checked to name existing columns but does not narrow it).
 */
import type { InsertStmt, Node, ResTarget, SelectStmt } from '../parse.js';
import type { ColumnDesc, IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { notSupported, withPosition } from './bind-errors.js';
import { bindExpr } from './bind-expr.js';
import { SrfCollector } from './srf-collector.js';
import { bindSelect } from './bind-select.js';
import { coerce, typeOfOid, UNKNOWN } from './resolve.js';
import type { RowsSourcePlan } from '../exec/rows-source.js';
import { bindColumnDefault, tableScope } from './table-exprs.js';
import { bindReturning } from './bind-returning.js';
import { bindDmlTarget, type DmlTarget } from './dml-target.js';
import { Scope } from './scope.js';
import { tableEntry } from './bind-from.js';
import { InsertPlan, type OnConflict } from '../exec/insert.js';
import { ValuesScanPlan } from '../exec/values-scan.js';
import { ProjectPlan } from '../exec/project.js';
import { planPhysical } from '../plan/planner.js';
import type { DmlPlan } from '../exec/dml-plan.js';
import type { OutputColumn } from '../plan/logical-plan.js';

export interface BoundDml {
  readonly dml: DmlPlan;
  readonly columns: readonly OutputColumn[] | undefined;
}

export function bindInsert(ctx: BindContext, s: InsertStmt): BoundDml {
  if (s.withClause !== undefined) throw notSupported('WITH');
  const target = bindDmlTarget(ctx, s.relation, 'insert into');
  const columns = targetColumns(target.table, s.cols);
  const overriding = s.override === 'OVERRIDING_SYSTEM_VALUE';
  const source = bindSource(ctx, target, columns, s.cols !== undefined, s.selectStmt, overriding);
  const scope = tableScope(target.table, target.alias);
  const returning = bindReturning(ctx, s.returningClause?.exprs, scope);
  const onConflict = s.onConflictClause === undefined ? undefined : bindOnConflict(ctx, target, s.onConflictClause);
  return { dml: new InsertPlan(target.writer, source, onConflict, returning?.exprs), columns: returning?.columns };
}

/**
 * INSERT of rows that arrive as text (COPY FROM): `source` yields one unknown-typed text value
 * per named column (all columns when `columnNames` is undefined); each is converted with its
 * column type's input function, and the other columns get their defaults.
 */
export function bindTextRowsInsert(ctx: BindContext, target: DmlTarget, columnNames: readonly string[] | undefined, source: RowsSourcePlan): InsertPlan {
  const table = target.table;
  const cols = columnNames === undefined ? undefined : columnNames.map((name) => ({ ResTarget: { name } }) as Node);
  const columns = targetColumns(table, cols);
  const given: BoundExpr[] = columns.map((c, slot) => ({ kind: 'column', slot, type: UNKNOWN(), typmod: -1, name: c.name, tableOid: 0, attnum: 0 }));
  source.width = columns.length;
  // COPY FROM stores GENERATED ALWAYS identity values as given, as PostgreSQL's COPY does (pg_dump's data).
  return new InsertPlan(target.writer, new ProjectPlan(source, fullRow(ctx, table, columns, given, true)), undefined, undefined);
}

export function copyTargetWidth(table: TableDesc, columnNames: readonly string[] | undefined): number {
  return columnNames?.length ?? table.columns.filter((c) => !c.dropped).length;
}

function targetColumns(table: TableDesc, cols: Node[] | undefined): ColumnDesc[] {
  const live = table.columns.filter((c) => !c.dropped);
  if (cols === undefined) return live;
  return explicitColumns(table, live, cols);
}

/** Without a column list, a source narrower than the table fills its leading columns. */
function leadingColumns(columns: ColumnDesc[], explicit: boolean, width: number): ColumnDesc[] {
  return explicit || width >= columns.length ? columns : columns.slice(0, width);
}

function explicitColumns(table: TableDesc, live: ColumnDesc[], cols: Node[]): ColumnDesc[] {
  const out: ColumnDesc[] = [];
  for (const n of cols) {
    const rt = (n as { ResTarget: ResTarget }).ResTarget;
    if (rt.indirection !== undefined) throw notSupported('INSERT into a subfield or array element', rt.location);
    const c = live.find((x) => x.name === rt.name);
    if (c === undefined) {
      throw withPosition(`column "${rt.name}" of relation "${table.name}" does not exist`, SQLSTATE.undefinedColumn, rt.location);
    }
    if (out.includes(c)) throw withPosition(`column "${c.name}" specified more than once`, SQLSTATE.duplicateColumn, rt.location);
    out.push(c);
  }
  return out;
}

function identityCheck(table: TableDesc, c: ColumnDesc, overriding: boolean): void {
  if (c.identity === 'a' && !overriding) {
    throw new SqlError('428C9', `cannot insert a non-DEFAULT value into column "${c.name}"`, {
      detail: `Column "${c.name}" is an identity column defined as GENERATED ALWAYS.`,
      hint: 'Use OVERRIDING SYSTEM VALUE to override.',
    });
  }
  void table;
}

/** Full table rows: given values at their columns, defaults elsewhere. */
function fullRow(ctx: BindContext, table: TableDesc, columns: ColumnDesc[], given: Array<BoundExpr | 'default'>, overriding: boolean): BoundExpr[] {
  return table.columns.map((c) => {
    const at = columns.indexOf(c);
    const value = at < 0 ? 'default' : (given[at] as BoundExpr | 'default');
    if (value === 'default' || c.dropped) return bindColumnDefault(ctx, table, c);
    identityCheck(table, c, overriding);
    return coerce(ctx, value, typeOfOid(c.typeOid), c.typmod, 'assignment');
  });
}

function bindSource(
  ctx: BindContext,
  target: DmlTarget,
  allColumns: ColumnDesc[],
  explicit: boolean,
  select: Node | undefined,
  overriding: boolean,
): InsertPlan['source'] {
  const table = target.table;
  if (select === undefined) return new ValuesScanPlan([fullRow(ctx, table, [], [], overriding)], table.columns.length);
  const stmt = (select as { SelectStmt: SelectStmt }).SelectStmt;
  const plain = stmt.valuesLists !== undefined && stmt.sortClause === undefined && stmt.limitCount === undefined;
  if (plain) {
    // A single VALUES row may hold set-returning functions, as a select list may (PostgreSQL's VALUES_SINGLE).
    const srfs = stmt.valuesLists?.length === 1 ? new SrfCollector() : undefined;
    const env = { ctx, scope: Scope.empty(), aggs: undefined, srfs, clause: 'VALUES' };
    const rows = (stmt.valuesLists ?? []).map((l) => {
      const items = (l as { List: { items?: Node[] } }).List.items ?? [];
      const columns = leadingColumns(allColumns, explicit, items.length);
      checkArity(items.length, columns.length);
      const given = items.map((n) => ('SetToDefault' in n ? ('default' as const) : bindExpr(n, env)));
      return fullRow(ctx, table, columns, given, overriding);
    });
    if (srfs !== undefined && srfs.calls.length > 0) {
      const placed = srfs.placeSrfs({ kind: 'values', rows: [[]], width: 0 });
      return new ProjectPlan(planPhysical(placed.plan), (rows[0] ?? []).map(placed.place));
    }
    return new ValuesScanPlan(rows, table.columns.length);
  }
  const query = bindSelect(ctx, stmt);
  const columns = leadingColumns(allColumns, explicit, query.columns.length);
  checkArity(query.columns.length, columns.length);
  const given: BoundExpr[] = query.columns.map((c, slot) => ({ kind: 'column', slot, type: c.type, typmod: c.typmod, name: c.name, tableOid: 0, attnum: 0 }));
  return new ProjectPlan(planPhysical(query.plan), fullRow(ctx, table, columns, given, overriding));
}

function checkArity(values: number, columns: number): void {
  if (values > columns) throw new SqlError(SQLSTATE.syntaxError, 'INSERT has more expressions than target columns');
  if (values < columns) throw new SqlError(SQLSTATE.syntaxError, 'INSERT has more target columns than expressions');
}

function bindOnConflict(ctx: BindContext, target: DmlTarget, c: NonNullable<InsertStmt['onConflictClause']>): OnConflict {
  const table = target.table;
  const arbiter = c.infer === undefined ? undefined : arbiterIndex(table, c.infer);
  if (c.action === 'ONCONFLICT_NOTHING') return { action: 'nothing', arbiter, set: [], where: undefined };
  if (c.infer === undefined) {
    throw new SqlError(SQLSTATE.syntaxError, 'ON CONFLICT DO UPDATE requires inference specification or constraint name', {
      hint: 'For example, ON CONFLICT (column_name).',
    });
  }
  const width = table.columns.length + 1;
  const excluded = tableEntry(table, 'excluded', undefined);
  const scope = new Scope([
    tableEntry(table, target.alias, undefined),
    { ...excluded, columns: excluded.columns.map((col) => ({ ...col, slot: col.slot + width })) },
  ]);
  const env = { ctx, scope, aggs: undefined, clause: 'ON CONFLICT DO UPDATE' };
  const set: BoundExpr[] = table.columns.map((col, slot) => ({ kind: 'column', slot, type: typeOfOid(col.typeOid), typmod: col.typmod, name: col.name, tableOid: table.oid, attnum: col.attnum }));
  for (const n of c.targetList ?? []) {
    const rt = (n as { ResTarget: ResTarget }).ResTarget;
    const slot = table.columns.findIndex((col) => !col.dropped && col.name === rt.name);
    if (slot < 0) throw withPosition(`column "${rt.name}" of relation "${table.name}" does not exist`, SQLSTATE.undefinedColumn, rt.location);
    const col = table.columns[slot] as ColumnDesc;
    const val = rt.val as Node;
    set[slot] = 'SetToDefault' in val ? bindColumnDefault(ctx, table, col) : coerce(ctx, bindExpr(val, env), typeOfOid(col.typeOid), col.typmod, 'assignment');
  }
  const where = c.whereClause === undefined ? undefined : bindExpr(c.whereClause, env);
  return { action: 'update', arbiter, set, where };
}

/** The unique index an ON CONFLICT inference clause names (42P10 when none matches). */
function arbiterIndex(table: TableDesc, infer: NonNullable<NonNullable<InsertStmt['onConflictClause']>['infer']>): IndexDesc {
  const candidates = table.hiddenRowId ? table.indexes : [table.primary, ...table.indexes];
  if (infer.conname !== undefined) {
    const c = table.constraints.find((x) => x.name === infer.conname);
    if (c === undefined) throw new SqlError(SQLSTATE.undefinedObject, `constraint "${infer.conname}" for table "${table.name}" does not exist`);
    const index = candidates.find((i) => i.oid === c.indexOid);
    if (index === undefined) throw new SqlError('42809', `constraint in ON CONFLICT clause has no associated index`);
    return index;
  }
  if (infer.whereClause !== undefined) throw notSupported('ON CONFLICT with a partial-index predicate');
  const names = (infer.indexElems ?? []).map((n) => (n as { IndexElem: { name?: string; expr?: Node } }).IndexElem);
  if (names.some((e) => e.name === undefined)) throw notSupported('ON CONFLICT on an expression');
  const attnums = names.map((e) => table.columns.find((col) => !col.dropped && col.name === e.name)?.attnum ?? -1);
  const found = candidates.find(
    (i) => (i.primary || i.unique) && i.columns.length === attnums.length && i.columns.every((ic) => attnums.includes(ic.attnum)),
  );
  if (found === undefined) {
    throw new SqlError('42P10', 'there is no unique or exclusion constraint matching the ON CONFLICT specification');
  }
  return found;
}
