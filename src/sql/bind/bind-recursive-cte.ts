/**
 * WITH RECURSIVE: binds a self-referencing CTE `non-recursive-term UNION [ALL] recursive-term`
 * into a recursive-union plan, as PostgreSQL's parse_cte.c does.
 *
 * - The CTE's column types are those of the non-recursive term (unknown literals resolved to
 *   text); the recursive term is bound seeing the CTE as a worktable of those types.
 * - Per column, the UNION's common type of both terms must equal the non-recursive term's type
 *   and typmod, else 42804 (datatype_mismatch) with PostgreSQL's message and hint; the recursive
 *   term's outputs are then coerced to those types.
 * - Where the self-reference may appear is checked on the raw tree (recursive-reference-check.ts);
 *   ORDER BY / LIMIT / OFFSET / FOR UPDATE on the recursive query are 0A000 as in PostgreSQL.
 */
import type { CommonTableExpr, SelectStmt } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { bindSelect } from './bind-select.js';
import { coerce, commonType } from './resolve.js';
import { stringList } from './ast-util.js';
import type { CteDefinition } from './bind-with.js';
import type { LogicalPlan, OutputColumn } from '../plan/logical-plan.js';
import { checkRecursiveTerm, invalidRecursion, referencesName } from './recursive-reference-check.js';

let nextWorkTableId = 1;

/** Whether the CTE must be bound as recursive (WITH RECURSIVE and it references itself). */
export function isSelfReferencing(c: CommonTableExpr): boolean {
  return referencesName(c.ctequery, c.ctename ?? '');
}

export function bindRecursiveCte(ctx: BindContext, c: CommonTableExpr, ctes: ReadonlyMap<string, CteDefinition>): CteDefinition {
  const name = c.ctename ?? '';
  const s = (c.ctequery as { SelectStmt: SelectStmt }).SelectStmt;
  if (s.op !== 'SETOP_UNION') {
    throw invalidRecursion(`recursive query "${name}" does not have the form non-recursive-term UNION [ALL] recursive-term`, c.location);
  }
  rejectClauses(s);
  if (referencesName(s.larg, name)) {
    throw invalidRecursion(`recursive reference to query "${name}" must not appear within its non-recursive term`, firstLocation(s.larg, name));
  }
  checkRecursiveTerm(s.rarg, name);
  const left = bindSelect({ ...ctx, ctes }, s.larg as SelectStmt);
  const aliases = stringList(c.aliascolnames);
  if (aliases.length > left.columns.length) {
    throw new SqlError(SQLSTATE.syntaxError, `WITH query "${name}" has ${left.columns.length} columns available but ${aliases.length} columns specified`);
  }
  const columnNames = left.columns.map((col, i) => aliases[i] ?? col.name);
  const types = left.columns.map((col) => col.type);
  const width = left.columns.length;
  const workTableId = nextWorkTableId++;
  const workColumns: OutputColumn[] = left.columns.map((col, i) => ({ ...col, name: columnNames[i] ?? col.name, tableOid: 0, attnum: 0 }));
  const workTable: CteDefinition = { query: { plan: { kind: 'worktable', workTableId, types, width }, columns: workColumns }, columnNames };
  const right = bindSelect({ ...ctx, ctes: new Map(ctes).set(name, workTable) }, s.rarg as SelectStmt, true);
  if (right.columns.length !== width) {
    throw new SqlError(SQLSTATE.syntaxError, 'each UNION query must have the same number of columns');
  }
  const rightExprs: BoundExpr[] = right.columns.map((rc, slot) => {
    const lc = left.columns[slot] as OutputColumn;
    const l = columnAt(slot, lc);
    const r = columnAt(slot, rc);
    const common = commonType(ctx, [l, r], 'UNION');
    const typmod = lc.typmod === rc.typmod ? common.typmod : -1;
    if (common.type.oid !== lc.type.oid || typmod !== lc.typmod) {
      throw new SqlError(
        SQLSTATE.datatypeMismatch,
        `recursive query "${name}" column ${slot + 1} has type ${lc.type.sqlName} in non-recursive term but type ${common.type.sqlName} overall`,
        { hint: 'Cast the output of the non-recursive term to the correct type.' },
      );
    }
    return coerce(ctx, r, lc.type, lc.typmod, 'implicit');
  });
  const leftExprs = left.columns.map((lc, slot) => columnAt(slot, lc));
  const plan: LogicalPlan = {
    kind: 'recursive-union',
    name,
    all: s.all === true,
    nonRecursive: { kind: 'project', input: left.plan, exprs: leftExprs, width },
    recursive: { kind: 'project', input: right.plan, exprs: rightExprs, width },
    workTableId,
    types,
    width,
  };
  return { query: { plan, columns: workColumns }, columnNames };
}

function rejectClauses(s: SelectStmt): void {
  const clauses: Array<[unknown, string]> = [
    [s.sortClause, 'ORDER BY'],
    [s.limitOffset, 'OFFSET'],
    [s.limitCount, 'LIMIT'],
    [s.lockingClause, 'FOR UPDATE/SHARE'],
  ];
  for (const [clause, label] of clauses) {
    if (clause !== undefined) throw new SqlError(SQLSTATE.featureNotSupported, `${label} in a recursive query is not implemented`);
  }
}

function firstLocation(tree: unknown, name: string): number | undefined {
  if (Array.isArray(tree)) {
    for (const t of tree) {
      const at = firstLocation(t, name);
      if (at !== undefined) return at;
    }
    return undefined;
  }
  if (tree === null || typeof tree !== 'object') return undefined;
  const rv = (tree as { RangeVar?: { relname?: string; schemaname?: string; location?: number } }).RangeVar;
  if (rv !== undefined) return rv.schemaname === undefined && rv.relname === name ? rv.location : undefined;
  return firstLocation(Object.values(tree), name);
}

function columnAt(slot: number, c: OutputColumn): BoundExpr {
  return { kind: 'column', slot, type: c.type, typmod: c.typmod, name: c.name, tableOid: 0, attnum: 0 };
}
