/**
 * Filter: passes the rows for which the predicate is true (null and false drop the row).
 * Checks for cancellation on every input row, so a long scan that filters everything out still
 * stops on cancel / statement_timeout.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';

export class FilterPlan implements PhysicalPlan {
  private readonly evaluate: Evaluator;
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly predicate: BoundExpr,
  ) {
    this.evaluate = compileExpr(predicate);
    this.width = input.width;
  }

  explain(): ExplainNode {
    return { label: 'Filter', details: [`Filter: ${formatExpr(this.predicate)}`], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const evaluate = this.evaluate;
    return {
      next(): Row | undefined {
        for (;;) {
          const row = input.next();
          if (row === undefined) return undefined;
          ctx.checkCancel();
          if (evaluate(row, ctx) === true) return row;
        }
      },
      close: () => input.close(),
    };
  }
}
