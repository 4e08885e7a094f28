/**
 * FunctionScan: the rows of a set-returning function in FROM (unnest, generate_series,
 * pg_partition_ancestors), one column per row plus the ordinal when WITH ORDINALITY.
 *
 * - The call is evaluated at open(), against the enclosing rows of a correlated subquery
 *   (ExecContext.outerRows), so `array(select … from unnest(outer.col))` works.
 * - A NULL result (strict function, NULL argument) is the empty set, as in PostgreSQL.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';

export class FunctionScanPlan implements PhysicalPlan {
  private readonly call: Evaluator;
  readonly width: number;

  constructor(
    call: BoundExpr,
    readonly name: string,
    readonly alias: string,
    readonly ordinality: boolean,
  ) {
    this.call = compileExpr(call);
    this.width = ordinality ? 2 : 1;
  }

  explain(): ExplainNode {
    const alias = this.alias === this.name ? '' : ` ${this.alias}`;
    return { label: `Function Scan on ${this.name}${alias}`, details: [], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    const result = this.call([], ctx);
    const iterator = result === null ? undefined : (result as Iterable<Value>)[Symbol.iterator]();
    const ordinality = this.ordinality;
    let ordinal = 0n;
    let done = iterator === undefined;
    return {
      next(): Row | undefined {
        if (done || iterator === undefined) return undefined;
        ctx.checkCancel();
        const step = iterator.next();
        if (step.done === true) {
          done = true;
          return undefined;
        }
        ordinal++;
        return ordinality ? [step.value, ordinal] : [step.value];
      },
      close(): void {
        done = true;
      },
    };
  }
}
