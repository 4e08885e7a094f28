/**
 * RowsSource: a plan over rows supplied at run time (COPY FROM's parsed data). The rows are
 * set before each run; the plan itself stays immutable in shape.
 */
import type { Row } from './compile-expr.js';
import { ArrayCursor, type ExplainNode, type PhysicalPlan, type RowCursor } from './operator.js';

export class RowsSourcePlan implements PhysicalPlan {
  rows: Row[] = [];

  constructor(public width: number) {}

  explain(): ExplainNode {
    return { label: 'Copy Source', details: [], children: [] };
  }

  open(): RowCursor {
    return new ArrayCursor(this.rows);
  }
}
