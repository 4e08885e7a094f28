/**
 * StatementPlan: a statement after binding and planning, ready to execute any number of times
 * with different parameters. Plans are immutable and hold no transaction state, so one plan may be
 * cached and shared (plan-cache.ts).
 *
 * - 'rows': a query; 'dml': INSERT/UPDATE/DELETE (rows only with RETURNING); 'explain': the plan
 *   text of another statement; 'utility': everything else (DDL, SET, SHOW, transaction control),
 *   bound when it runs because it reads and changes the catalog and session state.
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { Node } from '../parse.js';
import type { OutputColumn } from '../plan/logical-plan.js';
import type { PhysicalPlan } from '../exec/operator.js';
import type { DmlPlan } from '../exec/dml-plan.js';

interface PlanBase {
  /** Parameter types (unknown ones resolved to text). */
  readonly paramTypes: readonly SqlType[];
  /** Result columns, or undefined when the statement returns no rows. */
  readonly columns: readonly OutputColumn[] | undefined;
}

export type StatementPlan =
  | (PlanBase & { readonly kind: 'rows'; readonly plan: PhysicalPlan; /** SELECT … FOR UPDATE/SHARE. */ readonly locksRows: boolean })
  | (PlanBase & { readonly kind: 'dml'; readonly dml: DmlPlan })
  | (PlanBase & { readonly kind: 'explain'; readonly lines: readonly string[] })
  | (PlanBase & { readonly kind: 'utility'; readonly ast: Node; readonly tag: string });
