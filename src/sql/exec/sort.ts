/**
 * Sort: materializes its input and sorts it by keys (each ASC/DESC, NULLS FIRST/LAST) using the
 * types' btree order. The sort is stable, so equal rows keep their input order.
 *
 * - Rows are held in memory up to `sortRowsMax` (ExecLimits); past it the statement fails with
 *   53200 rather than growing without bound (no spill to disk yet).
 */
import type { SqlType, Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { SortKey } from '../plan/logical-plan.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';

export const SORT_ROWS_MAX = 5_000_000;

interface CompiledKey {
  readonly evaluate: Evaluator;
  readonly type: SqlType;
  readonly direction: number;
  readonly nullsFirst: boolean;
}

export class SortPlan implements PhysicalPlan {
  private readonly compiled: readonly CompiledKey[];
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly keys: readonly SortKey[],
  ) {
    this.compiled = keys.map((k) => ({
      evaluate: compileExpr(k.expr),
      type: k.expr.type,
      direction: k.descending ? -1 : 1,
      nullsFirst: k.nullsFirst,
    }));
    this.width = input.width;
  }

  explain(): ExplainNode {
    const key = this.keys.map((k) => `${formatExpr(k.expr)}${k.descending ? ' DESC' : ''}${k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`);
    return { label: 'Sort', details: [`Sort Key: ${key.join(', ')}`], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const entries: Array<{ row: Row; keys: Value[] }> = [];
    try {
      for (let row = input.next(); row !== undefined; row = input.next()) {
        ctx.checkCancel();
        if (entries.length >= SORT_ROWS_MAX) {
          throw new SqlError(SQLSTATE.outOfMemory, `sort exceeds ${SORT_ROWS_MAX} rows (no spill to disk)`);
        }
        entries.push({ row, keys: this.compiled.map((k) => k.evaluate(row, ctx)) });
      }
    } finally {
      input.close();
    }
    const keys = this.compiled;
    entries.sort((a, b) => compareKeys(keys, a.keys, b.keys));
    return new ArrayCursor(entries.map((e) => e.row));
  }
}

function compareKeys(keys: readonly CompiledKey[], a: Value[], b: Value[]): number {
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as CompiledKey;
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === null || y === null) {
      if (x === y) continue;
      return (x === null) === k.nullsFirst ? -1 : 1;
    }
    const c = k.type.compare(x, y);
    if (c !== 0) return c * k.direction;
  }
  return 0;
}
