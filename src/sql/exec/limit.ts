/**
 * Limit: skips OFFSET rows and stops after LIMIT rows; both are evaluated once at open (they may
 * be parameters). Negative values are errors as in PostgreSQL (2201W / 2201X).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { SqlError } from '../../util/index.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class LimitPlan implements PhysicalPlan {
  private readonly limitEval: Evaluator | undefined;
  private readonly offsetEval: Evaluator | undefined;
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    limit: BoundExpr | undefined,
    offset: BoundExpr | undefined,
  ) {
    this.limitEval = limit === undefined ? undefined : compileExpr(limit);
    this.offsetEval = offset === undefined ? undefined : compileExpr(offset);
    this.width = input.width;
  }

  explain(): ExplainNode {
    return { label: 'Limit', details: [], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const none: Row = [];
    const limitValue = this.limitEval === undefined ? null : this.limitEval(none, ctx);
    const offsetValue = this.offsetEval === undefined ? null : this.offsetEval(none, ctx);
    const limit = limitValue === null ? Infinity : Number(limitValue as bigint);
    let skip = offsetValue === null ? 0 : Number(offsetValue as bigint);
    if (limit < 0) throw new SqlError('2201W', 'LIMIT must not be negative');
    if (skip < 0) throw new SqlError('2201X', 'OFFSET must not be negative');
    const input = this.input.open(ctx);
    let returned = 0;
    return {
      next(): Row | undefined {
        if (returned >= limit) return undefined;
        while (skip > 0) {
          if (input.next() === undefined) return undefined;
          skip--;
        }
        const row = input.next();
        if (row !== undefined) returned++;
        return row;
      },
      close: () => input.close(),
    };
  }
}
