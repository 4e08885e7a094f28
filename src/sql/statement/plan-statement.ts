/**
 * Binds and plans one parsed statement into a StatementPlan. Queries and DML are planned now
 * (and may be cached); utility statements keep their AST and run through utility.ts.
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { BindContext } from '../bind/bind-context.js';
import { bindQuery } from '../bind/bind-select.js';
import { bindInsert, type BoundDml } from '../bind/bind-insert.js';
import { bindDelete, bindUpdate } from '../bind/bind-update.js';
import { notSupported } from '../bind/bind-errors.js';
import { TEXT } from '../bind/resolve.js';
import { planPhysical } from '../plan/planner.js';
import { explainDml, explainPlan } from '../plan/explain.js';
import type { StatementPlan } from './statement-plan.js';
import { utilityColumns, utilityTag } from './utility-info.js';
import { defArgText } from '../bind/ast-util.js';
import { fetchColumns } from './cursor-statements.js';

export function planStatement(ctx: BindContext, ast: Node): StatementPlan {
  const tag = nodeTag(ast);
  switch (tag) {
    case 'SelectStmt': {
      const into = (ast as { SelectStmt: { intoClause?: object } }).SelectStmt.intoClause;
      if (into !== undefined) return selectInto(ctx, ast, into);
      const q = bindQuery(ctx, ast);
      const locksRows = (ast as { SelectStmt: { lockingClause?: unknown } }).SelectStmt.lockingClause !== undefined;
      return { kind: 'rows', plan: planPhysical(q.plan), columns: q.columns, paramTypes: paramTypes(ctx), locksRows };
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      const d = bindDml(ctx, ast);
      return { kind: 'dml', dml: d.dml, columns: d.columns, paramTypes: paramTypes(ctx) };
    }
    case 'ExplainStmt':
      return planExplain(ctx, (ast as { ExplainStmt: { query?: Node; options?: Node[] } }).ExplainStmt);
    case 'DeclareCursorStmt': {
      // The query is bound now: its errors come first (as PostgreSQL's parse analysis) and $n get their types.
      const inner = planStatement(ctx, (ast as { DeclareCursorStmt: { query: Node } }).DeclareCursorStmt.query);
      return { kind: 'utility', ast, tag: 'DECLARE CURSOR', columns: undefined, paramTypes: inner.paramTypes };
    }
    case 'FetchStmt': {
      // FETCH returns its cursor's columns: the cursor is looked up when the statement is planned.
      const columns = fetchColumns((ast as { FetchStmt: object }).FetchStmt, ctx.cursorColumns);
      return { kind: 'utility', ast, tag: 'FETCH', columns, paramTypes: paramTypes(ctx) };
    }
    default:
      return { kind: 'utility', ast, tag: utilityTag(ast), columns: utilityColumns(ast), paramTypes: paramTypes(ctx) };
  }
}

/** SELECT … INTO t is CREATE TABLE t AS SELECT … (a utility statement). */
function selectInto(ctx: BindContext, ast: Node, into: object): StatementPlan {
  const select = { ...(ast as { SelectStmt: object }).SelectStmt, intoClause: undefined };
  const converted = { CreateTableAsStmt: { query: { SelectStmt: select }, into, objtype: 'OBJECT_TABLE' } } as unknown as Node;
  return { kind: 'utility', ast: converted, tag: 'SELECT', columns: undefined, paramTypes: paramTypes(ctx) };
}

function bindDml(ctx: BindContext, ast: Node): BoundDml {
  if ('InsertStmt' in ast) return bindInsert(ctx, ast.InsertStmt);
  if ('UpdateStmt' in ast) return bindUpdate(ctx, ast.UpdateStmt);
  if ('DeleteStmt' in ast) return bindDelete(ctx, ast.DeleteStmt);
  throw notSupported(nodeTag(ast));
}

/** Unknown parameter types default to text, as PostgreSQL does when nothing constrains them. */
function paramTypes(ctx: BindContext): SqlType[] {
  return ctx.paramTypes.map((t) => (t === undefined || t.oid === 705 ? TEXT() : t));
}

function planExplain(ctx: BindContext, e: { query?: Node; options?: Node[] }): StatementPlan {
  for (const o of e.options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    const value = (defArgText(d.arg) ?? 'true').toLowerCase();
    const off = value === 'false' || value === 'off' || value === '0';
    if (d.defname === 'costs' || d.defname === 'verbose' || d.defname === 'summary' || d.defname === 'timing') continue;
    if (d.defname === 'format' && value === 'text') continue;
    if (d.defname === 'analyze' && off) continue;
    throw notSupported(`EXPLAIN option ${String(d.defname)}${d.defname === 'format' ? ` ${value}` : ''}`);
  }
  const inner = planStatement(ctx, e.query as Node);
  let lines: readonly string[];
  if (inner.kind === 'rows') lines = explainPlan(inner.plan);
  else if (inner.kind === 'dml') lines = explainDml(inner.dml);
  else throw notSupported(`EXPLAIN of ${nodeTag(e.query as Node)}`);
  const column = { name: 'QUERY PLAN', type: TEXT(), typmod: -1, tableOid: 0, attnum: 0 };
  return { kind: 'explain', lines, columns: [column], paramTypes: inner.paramTypes };
}
