/**
 * Permute: reorders the slots of each input row (out[i] = in[map[i]]). The join planner uses it
 * to give a reordered join the row layout the rest of the plan was bound against.
 */
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class PermutePlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly map: readonly number[],
  ) {
    this.width = map.length;
  }

  explain(): ExplainNode {
    return { label: 'Result', details: [], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const map = this.map;
    const n = map.length;
    return {
      next(): Row | undefined {
        const row = input.next();
        if (row === undefined) return undefined;
        const out: Row = new Array(n);
        for (let i = 0; i < n; i++) out[i] = row[map[i] as number] ?? null;
        return out;
      },
      close: () => input.close(),
    };
  }
}
