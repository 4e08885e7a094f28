/**
 * SetOp: UNION / INTERSECT / EXCEPT, with or without ALL, over two inputs of the same width and
 * column types. UNION ALL streams; the others hash rows by value (NULLs equal, as in PostgreSQL's
 * set operations).
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';
import { materialize } from './nested-loop-join.js';
import { rowKey } from './row-key.js';

export class SetOpPlan implements PhysicalPlan {
  readonly width: number;

  constructor(
    readonly op: 'union' | 'intersect' | 'except',
    readonly all: boolean,
    readonly left: PhysicalPlan,
    readonly right: PhysicalPlan,
    readonly types: readonly SqlType[],
  ) {
    this.width = left.width;
  }

  explain(): ExplainNode {
    const label = this.op === 'union' ? (this.all ? 'Append' : 'HashAggregate') : `HashSetOp ${this.op === 'intersect' ? 'Intersect' : 'Except'}${this.all ? ' All' : ''}`;
    return { label, details: [], children: [this.left, this.right] };
  }

  open(ctx: ExecContext): RowCursor {
    const leftRows = materialize(this.left, ctx);
    const rightRows = materialize(this.right, ctx);
    const key = (r: Row): string => rowKey(this.types, r);
    if (this.op === 'union') {
      const all = leftRows.concat(rightRows);
      if (this.all) return new ArrayCursor(all);
      const seen = new Set<string>();
      return new ArrayCursor(all.filter((r) => (seen.has(key(r)) ? false : (seen.add(key(r)), true))));
    }
    const counts = new Map<string, number>();
    for (const r of rightRows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    const out: Row[] = [];
    const emitted = new Set<string>();
    for (const r of leftRows) {
      const k = key(r);
      const n = counts.get(k) ?? 0;
      const keep = this.op === 'intersect' ? n > 0 : n === 0;
      if (this.all) {
        if (this.op === 'intersect' && n > 0) {
          counts.set(k, n - 1);
          out.push(r);
        } else if (this.op === 'except') {
          if (n > 0) counts.set(k, n - 1);
          else out.push(r);
        }
      } else if (keep && !emitted.has(k)) {
        emitted.add(k);
        out.push(r);
      }
    }
    return new ArrayCursor(out);
  }
}
