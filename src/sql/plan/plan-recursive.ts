/**
 * Planning of WITH RECURSIVE: a recursive-union node becomes a RecursiveUnionPlan whose recursive
 * term reads the union's WorkTableScanPlan wherever the logical plan has the matching worktable
 * node.
 *
 * - Worktable nodes are resolved by id against the recursive unions being planned (a stack, as
 *   planning is synchronous); a worktable outside its union is a binder bug and throws.
 */
import type { LogicalPlan } from './logical-plan.js';
import type { PhysicalPlan } from '../exec/operator.js';
import { RecursiveUnionPlan, WorkTableScanPlan } from '../exec/recursive-union.js';

type RecursiveUnionNode = Extract<LogicalPlan, { kind: 'recursive-union' }>;
type WorkTableNode = Extract<LogicalPlan, { kind: 'worktable' }>;

const active = new Map<number, WorkTableScanPlan>();

export function planRecursiveUnion(plan: RecursiveUnionNode, planPhysical: (p: LogicalPlan) => PhysicalPlan): PhysicalPlan {
  const nonRecursive = planPhysical(plan.nonRecursive);
  const workTable = new WorkTableScanPlan(plan.name, plan.width);
  const previous = active.get(plan.workTableId);
  active.set(plan.workTableId, workTable);
  let recursive: PhysicalPlan;
  try {
    recursive = planPhysical(plan.recursive);
  } finally {
    if (previous === undefined) active.delete(plan.workTableId);
    else active.set(plan.workTableId, previous);
  }
  return new RecursiveUnionPlan(plan.name, plan.all, nonRecursive, recursive, workTable, plan.types);
}

export function planWorkTable(plan: WorkTableNode): PhysicalPlan {
  const workTable = active.get(plan.workTableId);
  if (workTable === undefined) throw new Error(`worktable ${plan.workTableId} outside its recursive union`);
  return workTable;
}

