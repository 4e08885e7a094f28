/**
 * AggCollector: gathers the aggregate calls of a grouped query while its select list, HAVING and
 * ORDER BY are bound, replacing each by an AggRefExpr (its index among the query's aggregates).
 * Identical calls (same function, arguments, DISTINCT, FILTER) share one aggregate.
 */
import type { FuncCall, Node, SortBy } from '../parse.js';
import { sortKey } from './bind-select.js';
import { SQLSTATE } from '../../util/index.js';
import type { AggRefExpr, BoundExpr } from './bound-expr.js';
import { exprKey } from './bound-expr.js';
import type { AggregateCall } from '../plan/logical-plan.js';
import { withPosition } from './bind-errors.js';
import { bindExpr, type ExprEnv } from './bind-expr.js';
import { resolveAggregate, coerceToBool } from './resolve.js';

export class AggCollector {
  readonly calls: AggregateCall[] = [];
  private readonly keys: string[] = [];

  add(f: FuncCall, name: string, env: ExprEnv): AggRefExpr {
    const inner: ExprEnv = { ...env, aggs: undefined, windows: undefined, srfs: undefined, clause: 'aggregate function calls' };
    const filterEnv: ExprEnv = { ...inner, clause: 'FILTER' };
    const args = f.agg_star === true ? [] : (f.args ?? []).map((a: Node) => bindNested(a, inner, f.location));
    const filter = f.agg_filter === undefined ? undefined : coerceToBool(env.ctx, bindExpr(f.agg_filter, filterEnv), 'FILTER', f.agg_filter);
    const spec = resolveAggregate(env.ctx, name, args, f.agg_star === true, f.location);
    const distinct = f.agg_distinct === true;
    const orderBy = (f.agg_order ?? []).map((n) => {
      const by = (n as { SortBy: SortBy }).SortBy;
      return sortKey(by, bindNested(by.node as Node, inner, f.location));
    });
    if (distinct && orderBy.some((k) => !spec.args.some((a) => exprKey(a) === exprKey(k.expr)))) {
      throw withPosition('in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list', '42P10', f.location);
    }
    const order = orderBy.map((k) => `${exprKey(k.expr)}:${k.descending}:${k.nullsFirst}`).join(',');
    const key = `${name}|${distinct}|${spec.args.map(exprKey).join(',')}|${filter === undefined ? '' : exprKey(filter)}|${order}`;
    let index = this.keys.indexOf(key);
    if (index < 0) {
      index = this.calls.length;
      this.keys.push(key);
      this.calls.push({ name, args: spec.args, distinct, filter, impl: spec.impl, strict: spec.strict, type: spec.type, typmod: -1, orderBy });
    }
    return { kind: 'aggref', index, type: spec.type, typmod: -1 };
  }
}

function bindNested(node: Node, env: ExprEnv, location: number | undefined): BoundExpr {
  try {
    return bindExpr(node, env);
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === SQLSTATE.groupingError) {
      throw withPosition('aggregate function calls cannot be nested', SQLSTATE.groupingError, location);
    }
    throw error;
  }
}
