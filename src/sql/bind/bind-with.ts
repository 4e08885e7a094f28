/**
 * WITH (common table expressions) on SELECT: each CTE is bound in order (later ones see earlier
 * ones) and referenced by name from FROM like a table; every reference plans its own copy of the
 * CTE's query (inlined, as PostgreSQL 12+ does for side-effect-free CTEs). Under WITH RECURSIVE a
 * self-referencing CTE is bound by bind-recursive-cte.ts.
 */
import type { CommonTableExpr, Node, WithClause } from '../parse.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BindContext } from './bind-context.js';
import { notSupported } from './bind-errors.js';
import { stringList } from './ast-util.js';
import type { BoundQuery } from './bind-select.js';
import { bindRecursiveCte, isSelfReferencing } from './bind-recursive-cte.js';

export interface CteDefinition {
  readonly query: BoundQuery;
  readonly columnNames: readonly string[];
}

export function bindWith(ctx: BindContext, w: WithClause, bindQuery: (ctx: BindContext, node: Node) => BoundQuery): BindContext {
  const ctes = new Map(ctx.ctes ?? []);
  const seen = new Set<string>();
  for (const n of w.ctes ?? []) {
    const c = (n as { CommonTableExpr: CommonTableExpr }).CommonTableExpr;
    const name = c.ctename ?? '';
    if (seen.has(name)) {
      throw new SqlError('42712', `WITH query name "${name}" specified more than once`, { position: c.location === undefined ? undefined : c.location + 1 });
    }
    seen.add(name);
    const q = c.ctequery as Node;
    if (!('SelectStmt' in q)) throw notSupported('data-modifying statement in WITH', c.location);
    if (w.recursive === true && isSelfReferencing(c)) {
      ctes.set(name, bindRecursiveCte(ctx, c, ctes));
      continue;
    }
    const query = bindQuery({ ...ctx, ctes }, q);
    const aliases = stringList(c.aliascolnames);
    if (aliases.length > query.columns.length) {
      throw new SqlError(SQLSTATE.syntaxError, `WITH query "${name}" has ${query.columns.length} columns available but ${aliases.length} columns specified`);
    }
    ctes.set(name, { query, columnNames: query.columns.map((col, i) => aliases[i] ?? col.name) });
  }
  return { ...ctx, ctes };
}
