/**
 * Join ordering for a tree of inner / cross joins (FROM a, b, c WHERE … and INNER JOIN chains):
 * the tree is flattened into its inputs and the WHERE / ON conjuncts, then joined greedily —
 * start from the most filtered input, and repeatedly add an input connected to the joined set by
 * an equality (a hash join), falling back to a cross product only when none is connected. A
 * final Permute restores the row layout of the original tree.
 *
 * - Conjuncts on one input are pushed into it (and may pick its index); conjuncts become join
 *   conditions as soon as every input they read is joined.
 * - Not used when a conjunct holds a correlated subquery (its outer slots assume the original
 *   layout) or when there are fewer than three inputs.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { childrenOf, mapChildren, slotsRead } from '../bind/bound-expr.js';
import type { LogicalPlan } from './logical-plan.js';
import type { PhysicalPlan } from '../exec/operator.js';
import { HashJoinPlan } from '../exec/hash-join.js';
import { NestedLoopJoinPlan } from '../exec/nested-loop-join.js';
import { PermutePlan } from '../exec/permute.js';
import { joinConjuncts, readsOnly } from './conjuncts.js';

interface Leaf {
  readonly plan: LogicalPlan;
  readonly offset: number;
}

type JoinNode = Extract<LogicalPlan, { kind: 'join' }>;

function flatten(plan: LogicalPlan, offset: number, leaves: Leaf[], conjuncts: BoundExpr[], split: (e: BoundExpr | undefined) => BoundExpr[]): void {
  if (plan.kind === 'join' && (plan.type === 'inner' || plan.type === 'cross')) {
    flatten(plan.left, offset, leaves, conjuncts, split);
    flatten(plan.right, offset + plan.left.width, leaves, conjuncts, split);
    for (const c of split(plan.condition)) conjuncts.push(shift(c, offset));
    return;
  }
  leaves.push({ plan, offset });
}

function shift(e: BoundExpr, by: number): BoundExpr {
  if (by === 0) return e;
  if (e.kind === 'column') return { ...e, slot: e.slot + by };
  return mapChildren(e, (c) => shift(c, by));
}

function remap(e: BoundExpr, map: ReadonlyMap<number, number>): BoundExpr {
  if (e.kind === 'column') return { ...e, slot: map.get(e.slot) as number };
  return mapChildren(e, (c) => remap(c, map));
}

function hasCorrelatedSubquery(e: BoundExpr): boolean {
  if (e.kind === 'subquery' && e.correlated) return true;
  return childrenOf(e).some(hasCorrelatedSubquery);
}

export interface JoinOrderHooks {
  split(e: BoundExpr | undefined): BoundExpr[];
  /** Plans one input with the conjuncts that read only it (slots relative to the input). */
  planLeaf(plan: LogicalPlan, conjuncts: BoundExpr[]): PhysicalPlan;
}

/** A reordered physical plan for the join tree, or undefined when reordering does not apply. */
export function reorderJoins(join: JoinNode, extra: readonly BoundExpr[], hooks: JoinOrderHooks): PhysicalPlan | undefined {
  const leaves: Leaf[] = [];
  const conjuncts: BoundExpr[] = [...extra];
  flatten(join, 0, leaves, conjuncts, hooks.split);
  if (leaves.length < 3 || conjuncts.some(hasCorrelatedSubquery)) return undefined;
  const leafOf = (slot: number): number => leaves.findIndex((l) => slot >= l.offset && slot < l.offset + l.plan.width);
  const own: BoundExpr[][] = leaves.map(() => []);
  const pending: BoundExpr[] = [];
  for (const c of conjuncts) {
    const used = new Set([...slotsRead(c)].map(leafOf));
    if (used.size === 1) own[[...used][0] as number]?.push(c);
    else if (used.size === 0) own[0]?.push(c);
    else pending.push(c);
  }
  const physical = leaves.map((l, i) => hooks.planLeaf(l.plan, (own[i] as BoundExpr[]).map((c) => shift(c, -l.offset))));
  const start = own.reduce((best, list, i) => (list.length > (own[best] as BoundExpr[]).length ? i : best), 0);
  return new GreedyJoiner(leaves, physical, pending, leafOf).run(start);
}

class GreedyJoiner {
  private readonly map = new Map<number, number>();
  private readonly joined = new Set<number>();

  constructor(
    private readonly leaves: readonly Leaf[],
    private readonly physical: readonly PhysicalPlan[],
    private pending: BoundExpr[],
    private readonly leafOf: (slot: number) => number,
  ) {}

  private add(leaf: number, base: number): void {
    const l = this.leaves[leaf] as Leaf;
    for (let s = 0; s < l.plan.width; s++) this.map.set(l.offset + s, base + s);
    this.joined.add(leaf);
  }

  private leavesOf(c: BoundExpr): Set<number> {
    return new Set([...slotsRead(c)].map(this.leafOf));
  }

  private connected(leaf: number): boolean {
    return this.pending.some((c) => {
      const used = this.leavesOf(c);
      return used.has(leaf) && [...used].every((u) => u === leaf || this.joined.has(u));
    });
  }

  run(start: number): PhysicalPlan {
    let current = this.physical[start] as PhysicalPlan;
    this.add(start, 0);
    while (this.joined.size < this.leaves.length) {
      const candidates = this.leaves.map((_l, i) => i).filter((i) => !this.joined.has(i));
      const next = candidates.find((i) => this.connected(i)) ?? (candidates[0] as number);
      current = this.joinNext(current, next);
    }
    const total = this.leaves.reduce((n, l) => n + l.plan.width, 0);
    return new PermutePlan(current, Array.from({ length: total }, (_v, i) => this.map.get(i) as number));
  }

  private joinNext(current: PhysicalPlan, leaf: number): PhysicalPlan {
    const l = this.leaves[leaf] as Leaf;
    const right = this.physical[leaf] as PhysicalPlan;
    const leftWidth = current.width;
    const applicable = this.pending.filter((c) => [...this.leavesOf(c)].every((u) => u === leaf || this.joined.has(u)));
    this.pending = this.pending.filter((c) => !applicable.includes(c));
    const local = new Map<number, number>();
    for (let s = 0; s < l.plan.width; s++) local.set(l.offset + s, s);
    const leftKeys: BoundExpr[] = [];
    const rightKeys: BoundExpr[] = [];
    const residual: BoundExpr[] = [];
    for (const c of applicable) {
      const pair = this.equiPair(c, leaf);
      if (pair !== undefined) {
        leftKeys.push(remap(pair[0], this.map));
        rightKeys.push(remap(pair[1], local));
      } else residual.push(c);
    }
    this.add(leaf, leftWidth);
    const rest = joinConjuncts(residual.map((c) => remap(c, this.map)));
    if (leftKeys.length > 0) return new HashJoinPlan('inner', current, right, leftKeys, rightKeys, rest);
    return new NestedLoopJoinPlan(rest === undefined ? 'cross' : 'inner', current, right, rest);
  }

  /** `a = b` with one side over the joined set and the other over `leaf`, of one type. */
  private equiPair(c: BoundExpr, leaf: number): [BoundExpr, BoundExpr] | undefined {
    if (c.kind !== 'call' || c.name !== '=' || c.args.length !== 2) return undefined;
    const [a, b] = c.args as [BoundExpr, BoundExpr];
    if (a.type.oid !== b.type.oid) return undefined;
    const side = (e: BoundExpr): 'joined' | 'leaf' | undefined => {
      const used = this.leavesOf(e);
      if (used.size === 0) return undefined;
      if ([...used].every((u) => u === leaf)) return 'leaf';
      if ([...used].every((u) => this.joined.has(u))) return 'joined';
      return undefined;
    };
    const sa = side(a);
    const sb = side(b);
    if (sa === 'joined' && sb === 'leaf') return [a, b];
    if (sa === 'leaf' && sb === 'joined') return [b, a];
    return undefined;
  }
}

export { readsOnly };
