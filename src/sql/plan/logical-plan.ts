/**
 * The logical plan: a relational tree the binder builds from a query and the planner turns into
 * physical operators. Each node produces rows of `width` slots; expressions above a node read the
 * node's slots through ColumnExpr.slot.
 *
 * - scan: one slot per table column in TableDesc.columns order (dropped ones included, always
 *   null), then one trailing slot holding the row's encoded primary key (for UPDATE/DELETE).
 * - join: left slots then right slots. aggregate: group keys then aggregate results.
 * - project-set: per input row, as many rows as its longest call returns (shorter calls NULL).
 * - Nodes are immutable and carry no execution state.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import type { SystemTable } from '../../catalog/system/index.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import type { WindowCall } from '../bind/window-collector.js';

export interface AggregateFunction {
  init(): unknown;
  step(state: unknown, args: unknown[]): unknown;
  final(state: unknown): unknown;
}

export interface AggregateCall {
  readonly name: string;
  readonly args: readonly BoundExpr[];
  readonly distinct: boolean;
  /** FILTER (WHERE …) */
  readonly filter: BoundExpr | undefined;
  readonly impl: AggregateFunction;
  /** Whether NULL inputs are skipped (all standard aggregates except count(*)). */
  readonly strict: boolean;
  /** ORDER BY inside the call (string_agg(x, ',' ORDER BY x)): inputs are fed in this order. */
  readonly orderBy: readonly SortKey[];
  readonly type: SqlType;
  readonly typmod: number;
}

export interface SortKey {
  readonly expr: BoundExpr;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'cross';

export type LogicalPlan =
  | { readonly kind: 'scan'; readonly table: TableDesc; readonly alias: string; readonly width: number }
  | { readonly kind: 'system'; readonly table: SystemTable; readonly alias: string; readonly width: number }
  | { readonly kind: 'function'; readonly call: BoundExpr; readonly name: string; readonly alias: string; readonly ordinality: boolean; readonly width: number }
  | { readonly kind: 'values'; readonly rows: ReadonlyArray<readonly BoundExpr[]>; readonly width: number }
  | { readonly kind: 'filter'; readonly input: LogicalPlan; readonly predicate: BoundExpr; readonly width: number }
  | {
      readonly kind: 'join';
      readonly type: JoinType;
      readonly left: LogicalPlan;
      readonly right: LogicalPlan;
      readonly condition: BoundExpr | undefined;
      readonly width: number;
    }
  | {
      readonly kind: 'aggregate';
      readonly input: LogicalPlan;
      readonly groupKeys: readonly BoundExpr[];
      readonly aggregates: readonly AggregateCall[];
      readonly width: number;
    }
  /** Window function calls: the input's slots, then one slot per call. */
  | { readonly kind: 'window'; readonly input: LogicalPlan; readonly calls: readonly WindowCall[]; readonly width: number }
  | { readonly kind: 'project'; readonly input: LogicalPlan; readonly exprs: readonly BoundExpr[]; readonly width: number }
  /** Set-returning calls in lockstep (ProjectSet): the input's slots, then one slot per call. */
  | { readonly kind: 'project-set'; readonly input: LogicalPlan; readonly calls: readonly BoundExpr[]; readonly width: number }
  | { readonly kind: 'sort'; readonly input: LogicalPlan; readonly keys: readonly SortKey[]; readonly width: number }
  | {
      readonly kind: 'limit';
      readonly input: LogicalPlan;
      readonly limit: BoundExpr | undefined;
      readonly offset: BoundExpr | undefined;
      readonly width: number;
    }
  | { readonly kind: 'lock'; readonly input: LogicalPlan; readonly keySlots: readonly number[]; readonly width: number }
  | { readonly kind: 'distinct'; readonly input: LogicalPlan; readonly width: number; readonly keySlots?: readonly number[] }
  | { readonly kind: 'setop'; readonly op: 'union' | 'intersect' | 'except'; readonly all: boolean; readonly left: LogicalPlan; readonly right: LogicalPlan; readonly width: number }
  /** WITH RECURSIVE: nonRecursive, then recursive over the worktable (same workTableId) until empty. */
  | {
      readonly kind: 'recursive-union';
      readonly name: string;
      readonly all: boolean;
      readonly nonRecursive: LogicalPlan;
      readonly recursive: LogicalPlan;
      readonly workTableId: number;
      readonly types: readonly SqlType[];
      readonly width: number;
    }
  | { readonly kind: 'worktable'; readonly workTableId: number; readonly types: readonly SqlType[]; readonly width: number };

/** An output column of a query, for RowDescription. */
export interface OutputColumn {
  readonly name: string;
  readonly type: SqlType;
  readonly typmod: number;
  readonly tableOid: number;
  readonly attnum: number;
}
