/**
 * LockRows (SELECT … FOR UPDATE): claims each row it passes (ExecContext.claimRow, when the
 * statement runs with row claims: a row another transaction holds makes the statement wait and
 * re-run, as PostgreSQL's row locks do) and rewrites it, unchanged, under its key in the
 * statement's transaction, so that a concurrent change of the same row conflicts at commit (first
 * committer wins; see bind-locking.ts). Slots that are NULL (the outer side of a join) are skipped.
 */
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class LockRowsPlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly input: PhysicalPlan,
    readonly keySlots: readonly number[],
  ) {
    this.width = input.width;
  }

  explain(): ExplainNode {
    return { label: 'LockRows', details: [], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const slots = this.keySlots;
    return {
      next(): Row | undefined {
        const row = input.next();
        if (row === undefined) return undefined;
        for (const s of slots) {
          const key = row[s];
          if (!(key instanceof Uint8Array)) continue;
          ctx.claimRow?.(key);
          const value = ctx.txn.get(key);
          if (value !== undefined) ctx.txn.put(key, value);
        }
        return row;
      },
      close: () => input.close(),
    };
  }
}
