/**
 * Distinct (SELECT DISTINCT, DISTINCT ON): passes the first row of each set of rows equal on the
 * key slots (all slots for plain DISTINCT), in input order — after a sort, the first per key.
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
    /** Key slots (DISTINCT ON); undefined = every slot. */
    readonly keySlots?: readonly number[],
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
    const slots = this.keySlots;
    const keyTypes = slots === undefined ? types : slots.map((s) => types[s] as SqlType);
    return {
      next(): Row | undefined {
        for (;;) {
          const row = input.next();
          if (row === undefined) return undefined;
          ctx.checkCancel();
          const key = slots === undefined ? rowKey(keyTypes, row) : rowKey(keyTypes, slots.map((s) => row[s] ?? null));
          if (seen.has(key)) continue;
          seen.add(key);
          return row;
        }
      },
      close: () => input.close(),
    };
  }
}
