/**
 * Project: computes one output row of expressions per input row.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';

export class ProjectPlan implements PhysicalPlan {
  private readonly evaluators: readonly Evaluator[];
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly exprs: readonly BoundExpr[],
  ) {
    this.evaluators = exprs.map(compileExpr);
    this.width = exprs.length;
  }

  explain(): ExplainNode {
    return { label: 'Result', details: [`Output: ${this.exprs.map(formatExpr).join(', ')}`], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const evaluators = this.evaluators;
    const n = evaluators.length;
    return {
      next(): Row | undefined {
        const row = input.next();
        if (row === undefined) return undefined;
        const out: Row = new Array(n);
        for (let i = 0; i < n; i++) out[i] = (evaluators[i] as Evaluator)(row, ctx);
        return out;
      },
      close: () => input.close(),
    };
  }
}
