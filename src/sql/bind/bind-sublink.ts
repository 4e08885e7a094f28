/**
 * Subqueries in expressions (SubLink): scalar, EXISTS, IN / NOT IN, op ANY / ALL. The subquery is
 * bound with the current scope as its enclosing scope (correlated references become
 * OuterColumnExprs) and planned at once; its plan lives inside the bound expression.
 */
import type { Node, SubLink } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BoundExpr, ColumnExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { notSupported } from './bind-errors.js';
import { stringList } from './ast-util.js';
import { bindQuery } from './bind-select.js';
import { BOOL, bindOperator } from './resolve.js';
import { planPhysical } from '../plan/planner.js';
import type { ExprEnv } from './bind-expr.js';
import { arrayOf } from '../../catalog/types/type-registry.js';

let nextSubqueryId = 1;

export function bindSubLink(s: SubLink, env: ExprEnv, bindExpr: (n: Node, env: ExprEnv) => BoundExpr): BoundExpr {
  const correlated = { value: false };
  const reads: ColumnExpr[] = [];
  const child: BindContext = { ...env.ctx, outer: [...(env.ctx.outer ?? []), { scope: env.scope, correlated, reads }] };
  const query = bindQuery(child, s.subselect as Node);
  const plan = planPhysical(query.plan);
  const id = nextSubqueryId++;
  const base = reads.length === 0 ? { kind: 'subquery' as const, plan, id } : { kind: 'subquery' as const, plan, id, outerReads: reads };
  switch (s.subLinkType) {
    case 'EXISTS_SUBLINK':
      return { ...base, mode: 'exists', test: undefined, compare: undefined, correlated: correlated.value, type: BOOL(), typmod: -1 };
    case 'EXPR_SUBLINK': {
      const col = single(query.columns.length, s.location);
      const c = query.columns[col] as (typeof query.columns)[number];
      return { ...base, mode: 'scalar', test: undefined, compare: undefined, correlated: correlated.value, type: c.type, typmod: c.typmod };
    }
    case 'ARRAY_SUBLINK': {
      const c = query.columns[single(query.columns.length, s.location)] as (typeof query.columns)[number];
      const type = arrayOf(c.type);
      if (type === undefined) throw notSupported(`ARRAY() of type ${c.type.name}`, s.location);
      return { ...base, mode: 'array', test: undefined, compare: undefined, correlated: correlated.value, type, typmod: -1 };
    }
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      single(query.columns.length, s.location);
      const c = query.columns[0] as (typeof query.columns)[number];
      const test = bindExpr(s.testexpr as Node, env);
      if ('RowExpr' in (s.testexpr as Node)) throw notSupported('row comparison with a subquery', s.location);
      const op = s.operName === undefined ? '=' : (stringList(s.operName).pop() as string);
      const left: BoundExpr = { kind: 'column', slot: 0, type: test.type, typmod: -1, name: '', tableOid: 0, attnum: 0 };
      const right: BoundExpr = { kind: 'column', slot: 1, type: c.type, typmod: c.typmod, name: '', tableOid: 0, attnum: 0 };
      const compare = bindOperator(env.ctx, op, left, right, s.location);
      const mode = s.subLinkType === 'ALL_SUBLINK' ? 'all' : 'any';
      return { ...base, mode, test, compare, correlated: correlated.value, type: BOOL(), typmod: -1 };
    }
    default:
      throw notSupported(`subquery form ${String(s.subLinkType)}`, s.location);
  }
}

function single(columns: number, location: number | undefined): number {
  if (columns !== 1) {
    throw new SqlError(SQLSTATE.syntaxError, columns > 1 ? 'subquery must return only one column' : 'subquery has too few columns', {
      position: location === undefined ? undefined : location + 1,
    });
  }
  return 0;
}
