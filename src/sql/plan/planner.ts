/**
 * The planner: turns a logical plan into physical operators.
 *
 * - Filters over inner/cross joins are split into conjuncts: those reading one side only are
 *   pushed into that side, the rest become the join condition.
 * - A filter over a table scan picks an access path (access-path.ts).
 * - A join with equalities between its sides whose types match becomes a hash join (the other
 *   conjuncts a residual); otherwise a nested loop.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { shiftSlots } from '../bind/bound-expr.js';
import type { LogicalPlan } from './logical-plan.js';
import type { PhysicalPlan } from '../exec/operator.js';
import { FilterPlan } from '../exec/filter.js';
import { ProjectPlan } from '../exec/project.js';
import { ProjectSetPlan } from '../exec/project-set.js';
import { ValuesScanPlan } from '../exec/values-scan.js';
import { LimitPlan } from '../exec/limit.js';
import { SortPlan } from '../exec/sort.js';
import { DistinctPlan } from '../exec/distinct.js';
import { HashAggregatePlan } from '../exec/hash-aggregate.js';
import { NestedLoopJoinPlan } from '../exec/nested-loop-join.js';
import { HashJoinPlan } from '../exec/hash-join.js';
import { SetOpPlan } from '../exec/set-op.js';
import { SeqScanPlan } from '../exec/seq-scan.js';
import { chooseScan } from './access-path.js';
import { reorderJoins } from './join-order.js';
import { SystemScanPlan } from '../exec/system-scan.js';
import { FunctionScanPlan } from '../exec/function-scan.js';
import { LockRowsPlan } from '../exec/lock-rows.js';
import { WindowAggPlan } from '../exec/window.js';
import { joinConjuncts, readsOnly, splitConjuncts } from './conjuncts.js';
import { planRecursiveUnion, planWorkTable } from './plan-recursive.js';

export function planPhysical(plan: LogicalPlan): PhysicalPlan {
  switch (plan.kind) {
    case 'scan':
      return new SeqScanPlan(plan.table, plan.alias);
    case 'values':
      return new ValuesScanPlan(plan.rows, plan.width);
    case 'system':
      return new SystemScanPlan(plan.table, plan.alias);
    case 'function':
      return new FunctionScanPlan(plan.call, plan.name, plan.alias, plan.ordinality);
    case 'filter':
      return planFilter(plan.input, splitConjuncts(plan.predicate));
    case 'join':
      return planJoin(plan, []);
    case 'aggregate':
      return new HashAggregatePlan(planPhysical(plan.input), plan.groupKeys, plan.aggregates);
    case 'window':
      return new WindowAggPlan(planPhysical(plan.input), plan.calls);
    case 'project':
      return new ProjectPlan(planPhysical(plan.input), plan.exprs);
    case 'project-set':
      return new ProjectSetPlan(planPhysical(plan.input), plan.calls);
    case 'sort':
      return new SortPlan(planPhysical(plan.input), plan.keys);
    case 'limit':
      return new LimitPlan(planPhysical(plan.input), plan.limit, plan.offset);
    case 'lock':
      return new LockRowsPlan(planPhysical(plan.input), plan.keySlots);
    case 'distinct':
      return new DistinctPlan(planPhysical(plan.input), columnTypes(plan.input), plan.keySlots);
    case 'setop':
      return new SetOpPlan(plan.op, plan.all, planPhysical(plan.left), planPhysical(plan.right), columnTypes(plan.left));
    case 'recursive-union':
      return planRecursiveUnion(plan, planPhysical);
    case 'worktable':
      return planWorkTable(plan);
  }
}

function columnTypes(plan: LogicalPlan): BoundExpr['type'][] {
  if (plan.kind === 'project') return plan.exprs.map((e) => e.type);
  if (plan.kind === 'distinct' || plan.kind === 'sort' || plan.kind === 'limit' || plan.kind === 'filter') return columnTypes(plan.input);
  if (plan.kind === 'setop') return columnTypes(plan.left);
  if (plan.kind === 'recursive-union' || plan.kind === 'worktable') return [...plan.types];
  if (plan.kind === 'values') return (plan.rows[0] ?? []).map((e) => e.type);
  throw new Error(`column types of ${plan.kind}`);
}

function planFilter(input: LogicalPlan, conjuncts: BoundExpr[]): PhysicalPlan {
  if (conjuncts.length === 0) return planPhysical(input);
  if (input.kind === 'scan') {
    const chosen = chooseScan(input.table, input.alias, conjuncts);
    const residual = joinConjuncts(conjuncts.filter((c) => !chosen.consumed.includes(c)));
    return residual === undefined ? chosen.plan : new FilterPlan(chosen.plan, residual);
  }
  if (input.kind === 'filter') return planFilter(input.input, [...splitConjuncts(input.predicate), ...conjuncts]);
  if (input.kind === 'join' && (input.type === 'inner' || input.type === 'cross')) return planJoin(input, conjuncts);
  return new FilterPlan(planPhysical(input), joinConjuncts(conjuncts) as BoundExpr);
}

function planJoin(join: Extract<LogicalPlan, { kind: 'join' }>, extra: BoundExpr[]): PhysicalPlan {
  if (join.type === 'inner' || join.type === 'cross') {
    const reordered = reorderJoins(join, extra, { split: splitConjuncts, planLeaf: planFilter });
    if (reordered !== undefined) return reordered;
  }
  const leftWidth = join.left.width;
  const inner = join.type === 'inner' || join.type === 'cross';
  const all = [...splitConjuncts(join.condition), ...extra];
  const leftOnly: BoundExpr[] = [];
  const rightOnly: BoundExpr[] = [];
  const both: BoundExpr[] = [];
  for (const c of all) {
    if (inner && readsOnly(c, 0, leftWidth)) leftOnly.push(c);
    else if ((inner || join.type === 'left') && readsOnly(c, leftWidth, join.width) && !extra.includes(c)) {
      rightOnly.push(shiftSlots(c, -leftWidth));
    } else if (inner && readsOnly(c, leftWidth, join.width)) rightOnly.push(shiftSlots(c, -leftWidth));
    else both.push(c);
  }
  const left = planFilter(join.left, leftOnly);
  const right = planFilter(join.right, rightOnly);
  const type = join.type === 'cross' && both.length > 0 ? 'inner' : join.type;
  const leftKeys: BoundExpr[] = [];
  const rightKeys: BoundExpr[] = [];
  const residual: BoundExpr[] = [];
  for (const c of both) {
    const pair = equiPair(c, leftWidth, join.width);
    if (pair === undefined) residual.push(c);
    else {
      leftKeys.push(pair[0]);
      rightKeys.push(shiftSlots(pair[1], -leftWidth));
    }
  }
  if (leftKeys.length > 0) return new HashJoinPlan(type, left, right, leftKeys, rightKeys, joinConjuncts(residual));
  return new NestedLoopJoinPlan(type, left, right, joinConjuncts(residual));
}

/** `l = r` with l over the left side, r over the right side, both of one type. */
function equiPair(c: BoundExpr, leftWidth: number, width: number): [BoundExpr, BoundExpr] | undefined {
  if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) return undefined;
  const [a, b] = c.args as [BoundExpr, BoundExpr];
  if (a.type.oid !== b.type.oid) return undefined;
  if (readsOnly(a, 0, leftWidth) && readsOnly(b, leftWidth, width) && !readsOnly(b, 0, leftWidth)) {
    if (readsOnly(a, leftWidth, width)) return undefined;
    return [a, b];
  }
  if (readsOnly(b, 0, leftWidth) && readsOnly(a, leftWidth, width) && !readsOnly(a, 0, leftWidth)) {
    if (readsOnly(b, leftWidth, width)) return undefined;
    return [b, a];
  }
  return undefined;
}
