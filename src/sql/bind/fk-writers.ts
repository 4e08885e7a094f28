/**
 * The writers a DML statement's referential actions need, bound with the statement: every table
 * an ON DELETE / ON UPDATE CASCADE, SET NULL or SET DEFAULT can reach from the target table
 * (transitively: a cascade writes rows whose own referencing tables may act in turn), each with
 * its CHECK constraints compiled, and the column defaults SET DEFAULT assigns.
 *
 * - Built once per bound statement (plans are cached with their catalog version); undefined when
 *   no constraint reaching the target has an action, so plain DML pays nothing more.
 * - The writers share this object, so a chain of cascades and a self-referencing table resolve
 *   through the same map.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { compileExpr, type Evaluator, type Row } from '../exec/compile-expr.js';
import type { ExecContext } from '../exec/exec-context.js';
import { TableWriter, type RelatedWriters } from '../exec/table-writer.js';
import type { BindContext } from './bind-context.js';
import { bindColumnDefault, compileChecks } from './table-exprs.js';

const ACTING = new Set(['c', 'n', 'd']);

class BoundRelatedWriters implements RelatedWriters {
  readonly writers = new Map<number, TableWriter>();
  /** Per table oid: one default evaluator per column slot (tables with a SET DEFAULT action). */
  readonly defaults = new Map<number, Evaluator[]>();

  writer(table: TableDesc): TableWriter | undefined {
    return this.writers.get(table.oid);
  }

  defaultValue(table: TableDesc, attnum: number, row: Row, ctx: ExecContext): Value {
    const evaluate = this.defaults.get(table.oid)?.[table.columns.findIndex((c) => c.attnum === attnum)];
    return evaluate === undefined ? null : (evaluate(row, ctx) as Value);
  }
}

/** The writers referential actions from `target` reach, or undefined when no action can write. */
export function bindRelatedWriters(ctx: BindContext, target: TableDesc): RelatedWriters | undefined {
  const related = new BoundRelatedWriters();
  const pending: TableDesc[] = [target];
  const visited = new Set<number>([target.oid]);
  for (let table = pending.pop(); table !== undefined; table = pending.pop()) {
    for (const d of ctx.catalog.all()) {
      if (d.kind !== 'table') continue;
      for (const fk of d.constraints) {
        const ref = fk.references;
        if (fk.kind !== 'f' || ref?.tableOid !== table.oid) continue;
        if (!ACTING.has(ref.onDelete) && !ACTING.has(ref.onUpdate)) continue;
        if (!related.writers.has(d.oid)) related.writers.set(d.oid, new TableWriter(d, ctx.catalog, compileChecks(ctx, d), related));
        if ((ref.onDelete === 'd' || ref.onUpdate === 'd') && !related.defaults.has(d.oid)) {
          related.defaults.set(d.oid, d.columns.map((c) => compileExpr(bindColumnDefault(ctx, d, c))));
        }
        if (!visited.has(d.oid)) {
          visited.add(d.oid);
          pending.push(d);
        }
      }
    }
  }
  return related.writers.size === 0 ? undefined : related;
}
