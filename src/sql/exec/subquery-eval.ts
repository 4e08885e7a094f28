/**
 * Evaluation of subqueries in expressions. The enclosing row is pushed on ExecContext.outerRows
 * while the subquery's plan runs (its OuterColumnExprs read it); an uncorrelated subquery runs
 * once per statement execution and its result is reused.
 *
 * - scalar: NULL for no row, 21000 for more than one row.
 * - ANY: true if a comparison is true, else NULL if one was NULL, else false; ALL dually.
 */
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError } from '../../util/index.js';
import type { SubqueryExpr } from '../bind/bound-expr.js';
import type { Evaluator, Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';

function collect(e: SubqueryExpr, row: Row, ctx: ExecContext, limit: number): Row[] {
  ctx.outerRows.push(row);
  const cursor = e.plan.open(ctx);
  try {
    const rows: Row[] = [];
    for (let r = cursor.next(); r !== undefined && rows.length < limit; r = cursor.next()) {
      ctx.checkCancel();
      rows.push(r);
    }
    return rows;
  } finally {
    cursor.close();
    ctx.outerRows.pop();
  }
}

function firstColumn(e: SubqueryExpr, row: Row, ctx: ExecContext, limit: number): Value[] | Row[] {
  if (e.correlated) return collect(e, row, ctx, limit);
  const cache = (ctx.subqueryCache ??= new Map<number, unknown>());
  const cached = cache.get(e.id) as Row[] | undefined;
  if (cached !== undefined) return cached;
  const rows = collect(e, row, ctx, limit);
  cache.set(e.id, rows);
  return rows;
}

export function compileSubquery(e: SubqueryExpr, test: Evaluator | undefined, compare: Evaluator | undefined): Evaluator {
  switch (e.mode) {
    case 'exists':
      return (row, ctx) => firstColumn(e, row, ctx, 1).length > 0;
    case 'scalar':
      return (row, ctx) => {
        const rows = firstColumn(e, row, ctx, 2) as Row[];
        if (rows.length > 1) throw new SqlError('21000', 'more than one row returned by a subquery used as an expression');
        return rows.length === 0 ? null : ((rows[0] as Row)[0] ?? null);
      };
    case 'array':
      return (row, ctx) => (firstColumn(e, row, ctx, Infinity) as Row[]).map((r) => r[0] ?? null);
    default: {
      const all = e.mode === 'all';
      const pair: Row = [null, null];
      return (row, ctx) => {
        const rows = firstColumn(e, row, ctx, Infinity) as Row[];
        const left = (test as Evaluator)(row, ctx);
        let sawNull = false;
        for (const r of rows) {
          pair[0] = left;
          pair[1] = r[0] ?? null;
          const v = (compare as Evaluator)(pair, ctx);
          if (v === null) sawNull = true;
          else if (v === !all) return !all;
        }
        return sawNull ? null : all;
      };
    }
  }
}
