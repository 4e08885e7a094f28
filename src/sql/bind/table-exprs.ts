/**
 * Binding of the expressions a table stores in the catalog: column defaults (identity columns
 * default to nextval of their sequence) and CHECK constraints, compiled for the DML that needs
 * them. Stored expressions are re-bound against the current catalog each time a plan is built.
 */
import type { Node } from '../parse.js';
import type { ColumnDesc, TableDesc } from '../../catalog/descriptors.js';
import type { BoundExpr } from './bound-expr.js';
import type { BindContext } from './bind-context.js';
import { Scope } from './scope.js';
import { bindExpr, nullConst } from './bind-expr.js';
import { coerce, coerceToBool, typeOfOid, INT8 } from './resolve.js';
import { tableEntry } from './bind-from.js';
import { compileExpr } from '../exec/compile-expr.js';
import type { CompiledCheck } from '../exec/table-writer.js';

/** The DEFAULT of a column as a bound expression of the column's type (NULL when none). */
export function bindColumnDefault(ctx: BindContext, table: TableDesc, column: ColumnDesc): BoundExpr {
  const type = typeOfOid(column.typeOid);
  if (column.identity !== '') {
    const seq = ctx.catalog
      .all()
      .find((d) => d.kind === 'sequence' && d.ownedBy?.tableOid === table.oid && d.ownedBy.attnum === column.attnum);
    if (seq !== undefined) {
      const oid = seq.oid;
      const call: BoundExpr = {
        kind: 'call',
        name: 'nextval',
        fn: (_a, c) => c.sequences.nextval(oid),
        args: [],
        type: INT8(),
        typmod: -1,
        strict: false,
        volatile: true,
      };
      return coerce(ctx, call, type, column.typmod, 'assignment');
    }
  }
  if (column.default === undefined) return nullConst(type);
  const env = { ctx, scope: Scope.empty(), aggs: undefined, clause: 'DEFAULT expressions' };
  return coerce(ctx, bindExpr(column.default.tree as Node, env), type, column.typmod, 'assignment');
}

/** Scope of one table's row (slots = TableDesc.columns positions). */
export function tableScope(table: TableDesc, alias: string): Scope {
  return new Scope([tableEntry(table, alias, undefined)]);
}

/** The table's CHECK constraints, bound over its row and compiled. */
export function compileChecks(ctx: BindContext, table: TableDesc): CompiledCheck[] {
  const scope = tableScope(table, table.name);
  const out: CompiledCheck[] = [];
  for (const c of table.constraints) {
    if (c.kind !== 'c' || c.check === undefined) continue;
    const env = { ctx, scope, aggs: undefined, clause: 'check constraints' };
    const expr = coerceToBool(ctx, bindExpr(c.check.tree as Node, env), 'CHECK');
    out.push({ name: c.name, evaluate: compileExpr(expr) });
  }
  return out;
}
