/**
 * RETURNING lists of INSERT / UPDATE / DELETE: bound over the target table's row like a select
 * list (with * expansion), giving the expressions and the output columns.
 */
import type { Node, ResTarget } from '../parse.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import type { Scope } from './scope.js';
import { toColumnExpr } from './scope.js';
import { bindExpr } from './bind-expr.js';
import { figureColumnName } from './column-name.js';
import { stringList } from './ast-util.js';
import type { OutputColumn } from '../plan/logical-plan.js';

export interface BoundReturning {
  readonly exprs: BoundExpr[];
  readonly columns: OutputColumn[];
}

export function bindReturning(ctx: BindContext, list: readonly Node[] | undefined, scope: Scope): BoundReturning | undefined {
  if (list === undefined || list.length === 0) return undefined;
  const exprs: BoundExpr[] = [];
  const columns: OutputColumn[] = [];
  const env = { ctx, scope, aggs: undefined, clause: 'RETURNING' };
  for (const item of list) {
    const rt = (item as { ResTarget: ResTarget }).ResTarget;
    const val = rt.val as Node;
    if ('ColumnRef' in val && val.ColumnRef.fields?.some((f) => 'A_Star' in f)) {
      const parts = stringList(val.ColumnRef.fields);
      const cols = parts.length === 1 ? scope.star() : (scope.entry(parts[parts.length - 2] as string)?.columns ?? []);
      for (const c of cols) {
        exprs.push(toColumnExpr(c));
        columns.push({ name: c.name, type: c.type, typmod: c.typmod, tableOid: c.tableOid, attnum: c.attnum });
      }
      continue;
    }
    const e = bindExpr(val, env);
    exprs.push(e);
    const source = e.kind === 'column' ? { tableOid: e.tableOid, attnum: e.attnum } : { tableOid: 0, attnum: 0 };
    columns.push({ name: rt.name ?? figureColumnName(val), type: e.type, typmod: 'typmod' in e ? e.typmod : -1, ...source });
  }
  return { exprs, columns };
}
