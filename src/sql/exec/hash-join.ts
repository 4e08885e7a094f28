/**
 * HashJoin: builds a hash table on the right side's key expressions and probes it with each left
 * row's keys; a residual condition (the rest of the ON clause) filters the candidate pairs.
 * NULL keys never match (SQL equality). Supports inner, left, right and full joins.
 *
 * - Key expressions on both sides have the same type (the planner only builds a hash join from
 *   an equality whose sides share a type), so equal values give equal row keys.
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import type { JoinType } from '../plan/logical-plan.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';
import { JoinEmitter, joinLabel } from './join-emitter.js';
import { materialize } from './nested-loop-join.js';
import { rowKey } from './row-key.js';

export class HashJoinPlan implements PhysicalPlan {
  private readonly leftEvals: readonly Evaluator[];
  private readonly rightEvals: readonly Evaluator[];
  private readonly keyTypes: readonly SqlType[];
  private readonly residualEval: Evaluator | undefined;
  readonly width: number;

  constructor(
    readonly type: JoinType,
    readonly left: PhysicalPlan,
    readonly right: PhysicalPlan,
    /** Left key expressions over the left row. */
    readonly leftKeys: readonly BoundExpr[],
    /** Right key expressions over the right row (slots relative to the right input). */
    readonly rightKeys: readonly BoundExpr[],
    /** The rest of the condition, over the joined row. */
    readonly residual: BoundExpr | undefined,
  ) {
    this.leftEvals = leftKeys.map(compileExpr);
    this.rightEvals = rightKeys.map(compileExpr);
    this.keyTypes = leftKeys.map((k) => k.type);
    this.residualEval = residual === undefined ? undefined : compileExpr(residual);
    this.width = left.width + right.width;
  }

  explain(): ExplainNode {
    const cond = this.leftKeys.map((k, i) => `${formatExpr(k)} = ${formatExpr(this.rightKeys[i] as BoundExpr)}`);
    const details = [`Hash Cond: (${cond.join(' AND ')})`];
    if (this.residual !== undefined) details.push(`Join Filter: ${formatExpr(this.residual)}`);
    return { label: `Hash Join${joinLabel(this.type)}`, details, children: [this.left, this.right] };
  }

  open(ctx: ExecContext): RowCursor {
    const rightRows = materialize(this.right, ctx);
    const table = new Map<string, number[]>();
    rightRows.forEach((r, i) => {
      const keys = this.rightEvals.map((e) => e(r, ctx));
      if (keys.some((k) => k === null)) return;
      const key = rowKey(this.keyTypes, keys);
      const bucket = table.get(key);
      if (bucket === undefined) table.set(key, [i]);
      else bucket.push(i);
    });
    const left = this.left.open(ctx);
    const emitter = new JoinEmitter(this.type, this.left.width, this.right.width, rightRows.length);
    const residual = this.residualEval;
    const leftEvals = this.leftEvals;
    const keyTypes = this.keyTypes;
    let current: Row | undefined;
    let bucket: number[] | undefined;
    let at = 0;
    let matched = false;
    return {
      next(): Row | undefined {
        for (;;) {
          if (current === undefined) {
            current = left.next();
            if (current === undefined) return emitter.nextUnmatchedRight(rightRows);
            ctx.checkCancel();
            const keys = leftEvals.map((e) => e(current as Row, ctx));
            bucket = keys.some((k) => k === null) ? undefined : table.get(rowKey(keyTypes, keys));
            at = 0;
            matched = false;
          }
          while (bucket !== undefined && at < bucket.length) {
            const i = bucket[at++] as number;
            const row = current.concat(rightRows[i] as Row);
            if (residual === undefined || residual(row, ctx) === true) {
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
