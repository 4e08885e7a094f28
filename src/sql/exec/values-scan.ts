/**
 * ValuesScan: the rows of a VALUES list (or the single empty row of a SELECT without FROM).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class ValuesScanPlan implements PhysicalPlan {
  private readonly rows: ReadonlyArray<readonly Evaluator[]>;

  constructor(
    rows: ReadonlyArray<readonly BoundExpr[]>,
    readonly width: number,
  ) {
    this.rows = rows.map((r) => r.map(compileExpr));
  }

  explain(): ExplainNode {
    if (this.rows.length === 1 && this.width === 0) return { label: 'Result', details: [], children: [] };
    return { label: 'Values Scan on "*VALUES*"', details: [], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    const rows = this.rows;
    let at = 0;
    const empty: Row = [];
    return {
      next(): Row | undefined {
        const r = rows[at++];
        if (r === undefined) return undefined;
        if (r.length === 0) return empty;
        return r.map((e) => e(empty, ctx));
      },
      close(): void {
        at = rows.length;
      },
    };
  }
}
