/**
 * Access-path selection for a filtered table scan: picks the index whose leading columns are
 * best constrained by the predicate's conjuncts (equalities and IN lists first, then one range),
 * preferring the primary index on ties. Without a usable conjunct it is a sequential scan.
 *
 * - Equality and IN conjuncts the index matches are enforced exactly by the key ranges (equal
 *   values encode to equal bytes) and are consumed; every other conjunct, range conditions
 *   included (their ranges may admit NULLs), stays in a Filter above the scan.
 */
import type { IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import { IndexScanPlan, type IndexPredicate, type RangeBound } from '../exec/index-scan.js';
import { SeqScanPlan } from '../exec/seq-scan.js';
import type { PhysicalPlan } from '../exec/operator.js';
import { columnComparison, columnInList } from './conjuncts.js';

interface Candidate {
  readonly index: IndexDesc;
  readonly predicate: IndexPredicate;
  readonly score: number;
  readonly consumed: readonly BoundExpr[];
}

export interface ChosenScan {
  readonly plan: PhysicalPlan;
  /** Conjuncts the scan enforces exactly (no filter needed for them). */
  readonly consumed: readonly BoundExpr[];
}

export function chooseScan(table: TableDesc, alias: string, conjuncts: readonly BoundExpr[]): ChosenScan {
  const indexes = table.hiddenRowId ? table.indexes : [table.primary, ...table.indexes];
  let best: Candidate | undefined;
  for (const index of indexes) {
    const c = matchIndex(table, index, conjuncts);
    if (c !== undefined && (best === undefined || c.score > best.score)) best = c;
  }
  if (best === undefined) return { plan: new SeqScanPlan(table, alias), consumed: [] };
  return { plan: new IndexScanPlan(table, alias, best.index, best.predicate), consumed: best.consumed };
}

function slotOfAttnum(table: TableDesc, attnum: number): number {
  return table.columns.findIndex((c) => c.attnum === attnum);
}

function matchIndex(table: TableDesc, index: IndexDesc, conjuncts: readonly BoundExpr[]): Candidate | undefined {
  const equal: BoundExpr[][] = [];
  const conditions: BoundExpr[] = [];
  const consumed: BoundExpr[] = [];
  let lower: RangeBound | undefined;
  let upper: RangeBound | undefined;
  for (const col of index.columns) {
    const slot = slotOfAttnum(table, col.attnum);
    const eq = findEquality(conjuncts, slot);
    if (eq !== undefined) {
      equal.push(eq.values);
      conditions.push(eq.source);
      consumed.push(eq.source);
      continue;
    }
    for (const c of conjuncts) {
      const cmp = columnComparison(c);
      if (cmp === undefined || cmp.column.slot !== slot || cmp.op === '=') continue;
      const b = { expr: cmp.value, inclusive: cmp.op.endsWith('=') };
      if (cmp.op.startsWith('>') && lower === undefined) lower = b;
      else if (cmp.op.startsWith('<') && upper === undefined) upper = b;
      else continue;
      conditions.push(c);
    }
    break;
  }
  if (equal.length === 0 && lower === undefined && upper === undefined) return undefined;
  const full = equal.length === index.columns.length;
  const unique = index.primary || index.unique;
  // Score: a full unique match beats everything; then more equal columns; a range counts half.
  const score = (full && unique ? 1000 : 0) + equal.length * 10 + (lower !== undefined ? 3 : 0) + (upper !== undefined ? 3 : 0) + (index.primary ? 1 : 0);
  return { index, predicate: { equal, lower, upper, conditions }, score, consumed };
}

function findEquality(conjuncts: readonly BoundExpr[], slot: number): { values: BoundExpr[]; source: BoundExpr } | undefined {
  for (const c of conjuncts) {
    const cmp = columnComparison(c);
    if (cmp !== undefined && cmp.op === '=' && cmp.column.slot === slot) return { values: [cmp.value], source: c };
  }
  for (const c of conjuncts) {
    const list = columnInList(c);
    if (list !== undefined && list.column.slot === slot) return { values: list.values, source: c };
  }
  return undefined;
}
