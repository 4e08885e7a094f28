/**
 * DmlPlan: an INSERT, UPDATE or DELETE ready to run. run() applies every change in the
 * statement's transaction and returns the affected row count and the RETURNING rows (if any).
 */
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { PhysicalPlan } from './operator.js';

export interface DmlResult {
  readonly count: number;
  readonly rows: Row[];
}

export interface DmlPlan {
  readonly command: 'INSERT' | 'UPDATE' | 'DELETE';
  /** The plan producing the rows to insert / the rows to change (for EXPLAIN). */
  readonly source: PhysicalPlan;
  readonly targetName: string;
  run(ctx: ExecContext): DmlResult;
}
