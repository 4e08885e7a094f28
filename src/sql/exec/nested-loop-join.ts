/**
 * NestedLoopJoin: joins every left row with the materialized right side, keeping the pairs for
 * which the condition is true. Supports inner, left, right, full and cross joins (outer sides are
 * padded with NULLs). Used when no equality between the two sides is available for a hash join.
 *
 * - The right side is materialized once per open, up to JOIN_ROWS_MAX rows (53200 past it).
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { JoinType } from '../plan/logical-plan.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';
import { JoinEmitter, joinLabel } from './join-emitter.js';

export const JOIN_ROWS_MAX = 5_000_000;

export function materialize(plan: PhysicalPlan, ctx: ExecContext): Row[] {
  const cursor = plan.open(ctx);
  const rows: Row[] = [];
  try {
    for (let row = cursor.next(); row !== undefined; row = cursor.next()) {
      ctx.checkCancel();
      if (rows.length >= JOIN_ROWS_MAX) throw new SqlError(SQLSTATE.outOfMemory, `join input exceeds ${JOIN_ROWS_MAX} rows`);
      rows.push(row);
    }
  } finally {
    cursor.close();
  }
  return rows;
}

export class NestedLoopJoinPlan implements PhysicalPlan {
  private readonly evaluate: Evaluator | undefined;
  readonly width: number;

  constructor(
    readonly type: JoinType,
    readonly left: PhysicalPlan,
    readonly right: PhysicalPlan,
    readonly condition: BoundExpr | undefined,
  ) {
    this.evaluate = condition === undefined ? undefined : compileExpr(condition);
    this.width = left.width + right.width;
  }

  explain(): ExplainNode {
    const details = this.condition === undefined ? [] : [`Join Filter: ${formatExpr(this.condition)}`];
    return { label: `Nested Loop${joinLabel(this.type)}`, details, children: [this.left, this.right] };
  }

  open(ctx: ExecContext): RowCursor {
    const rightRows = materialize(this.right, ctx);
    const left = this.left.open(ctx);
    const evaluate = this.evaluate;
    const emitter = new JoinEmitter(this.type, this.left.width, this.right.width, rightRows.length);
    let current: Row | undefined;
    let at = 0;
    let matched = false;
    return {
      next(): Row | undefined {
        for (;;) {
          if (current === undefined) {
            current = left.next();
            if (current === undefined) return emitter.nextUnmatchedRight(rightRows);
            at = 0;
            matched = false;
          }
          while (at < rightRows.length) {
            const i = at++;
            const r = rightRows[i] as Row;
            const row = current.concat(r);
            ctx.checkCancel();
            if (evaluate === undefined || evaluate(row, ctx) === true) {
              matched = true;
              emitter.markRight(i);
              return row;
            }
          }
          const l = current;
          current = undefined;
          if (!matched && emitter.keepsUnmatchedLeft) return emitter.padLeft(l);
        }
      },
      close: () => left.close(),
    };
  }
}
