/**
 * ProjectSet: set-returning function calls of a select list, evaluated in lockstep (PostgreSQL
 * 10+). For each input row every call is evaluated once; the node then emits rows until every
 * call's rows are used up, each the input row followed by one value per call — NULL for a call
 * whose rows ran out first. A row whose calls all return no rows emits nothing.
 *
 * - A call's value is an iterable of its rows, or NULL (a strict call with a NULL argument): the
 *   empty set, as in PostgreSQL.
 * - Rows are fresh arrays (consumers may keep them).
 * - Cancellation is checked once per output row: one input row may expand to very many.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class ProjectSetPlan implements PhysicalPlan {
  readonly width: number;
  private readonly evaluators: readonly Evaluator[];

  constructor(
    readonly input: PhysicalPlan,
    readonly calls: readonly BoundExpr[],
  ) {
    this.width = input.width + calls.length;
    this.evaluators = calls.map(compileExpr);
  }

  explain(): ExplainNode {
    return { label: 'ProjectSet', details: [], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    return new ProjectSetCursor(this.input.open(ctx), this.evaluators, this.width, ctx);
  }
}

class ProjectSetCursor implements RowCursor {
  /** The input row being expanded, or undefined when the next one must be read. */
  private row: Row | undefined;
  private readonly iterators: Array<Iterator<Value> | undefined>;

  constructor(
    private readonly input: RowCursor,
    private readonly evaluators: readonly Evaluator[],
    private readonly width: number,
    private readonly ctx: ExecContext,
  ) {
    this.iterators = new Array<Iterator<Value> | undefined>(evaluators.length);
  }

  next(): Row | undefined {
    this.ctx.checkCancel();
    for (;;) {
      if (this.row === undefined && !this.advance()) return undefined;
      const out = this.step(this.row as Row);
      if (out !== undefined) return out;
      this.row = undefined;
    }
  }

  close(): void {
    this.row = undefined;
    this.input.close();
  }

  /** Reads the next input row and starts every call on it; false at the end of the input. */
  private advance(): boolean {
    const row = this.input.next();
    if (row === undefined) return false;
    for (let i = 0; i < this.evaluators.length; i++) {
      const result = (this.evaluators[i] as Evaluator)(row, this.ctx);
      this.iterators[i] = result === null ? undefined : (result as Iterable<Value>)[Symbol.iterator]();
    }
    this.row = row;
    return true;
  }

  /** The next output row for `row`, or undefined once every call is used up. */
  private step(row: Row): Row | undefined {
    const base = this.width - this.iterators.length;
    const out: Row = row.slice();
    out.length = this.width;
    let live = false;
    for (let i = 0; i < this.iterators.length; i++) {
      const iterator = this.iterators[i];
      const item = iterator?.next();
      if (item === undefined || item.done === true) {
        this.iterators[i] = undefined;
        out[base + i] = null;
      } else {
        live = true;
        out[base + i] = item.value;
      }
    }
    return live ? out : undefined;
  }
}
