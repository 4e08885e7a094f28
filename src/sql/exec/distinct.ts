/**
 * Distinct (SELECT DISTINCT): passes the first row of each set of equal rows, in input order.
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { rowKey } from './row-key.js';

export class DistinctPlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly types: readonly SqlType[],
  ) {
    this.width = input.width;
  }

  explain(): ExplainNode {
    return { label: 'HashAggregate', details: ['Group Key: (all columns)'], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const seen = new Set<string>();
    const types = this.types;
    return {
      next(): Row | undefined {
        for (;;) {
          const row = input.next();
          if (row === undefined) return undefined;
          ctx.checkCancel();
          const key = rowKey(types, row);
          if (seen.has(key)) continue;
          seen.add(key);
          return row;
        }
      },
      close: () => input.close(),
    };
  }
}
