/**
 * Whether PostgreSQL 15 lets a cursor declared without SCROLL or NO SCROLL scan backward: it
 * does when the plan it chose supports backward scans (ExecSupportsBackwardScan). stratadb's
 * plans differ from PostgreSQL's, so the answer is read from the query's shape, as PostgreSQL's
 * plan for that shape would give it (checked against PostgreSQL 15, cursors.sql):
 *
 * - ORDER BY puts a Sort (or an ordered index scan) on top: backward.
 * - One plain relation, subquery, CTE or function in FROM, filtered, limited or offset: backward.
 * - No FROM (a Result), one VALUES row, a join, an IN / EXISTS semi-join, aggregation, DISTINCT,
 *   window functions, set-returning functions in the select list, UNION (not ALL), FOR UPDATE:
 *   forward only. UNION ALL: backward when every arm is.
 */
import type { Node } from '../parse.js';

interface SelectShape {
  readonly op?: string;
  readonly all?: boolean;
  readonly larg?: SelectShape;
  readonly rarg?: SelectShape;
  readonly sortClause?: unknown[];
  readonly lockingClause?: unknown[];
  readonly valuesLists?: unknown[];
  readonly fromClause?: Node[];
  readonly groupClause?: unknown[];
  readonly havingClause?: unknown;
  readonly distinctClause?: unknown[];
  readonly windowClause?: unknown[];
  readonly targetList?: unknown[];
  readonly whereClause?: unknown;
}

/** Aggregates and set-returning functions whose presence in the select list changes the plan's top node. */
const PLAN_CHANGING_FUNCTIONS = new Set([
  'count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'bool_and', 'bool_or', 'every', 'json_agg', 'jsonb_agg',
  'json_object_agg', 'jsonb_object_agg', 'bit_and', 'bit_or', 'stddev', 'variance', 'generate_series', 'unnest',
  'regexp_matches', 'json_array_elements', 'jsonb_array_elements', 'json_each', 'jsonb_each', 'generate_subscripts',
]);

export function backwardScannable(query: Node): boolean {
  const select = (query as { SelectStmt?: SelectShape }).SelectStmt;
  return select !== undefined && selectScansBackward(select);
}

function selectScansBackward(s: SelectShape): boolean {
  if (s.lockingClause !== undefined) return false;
  if ((s.sortClause?.length ?? 0) > 0) return true;
  if (s.op !== undefined && s.op !== 'SETOP_NONE') {
    return s.op === 'SETOP_UNION' && s.all === true && s.larg !== undefined && s.rarg !== undefined && selectScansBackward(s.larg) && selectScansBackward(s.rarg);
  }
  if (s.valuesLists !== undefined) return s.valuesLists.length > 1;
  const from = s.fromClause ?? [];
  if (from.length !== 1) return false;
  if (s.groupClause !== undefined || s.havingClause !== undefined || s.distinctClause !== undefined || s.windowClause !== undefined) return false;
  if (mentions(s.targetList, (n) => callChangesPlan(n))) return false;
  if (mentions(s.whereClause, (n) => isSemiJoin(n))) return false;
  return fromItemScansBackward(from[0] as Node);
}

function fromItemScansBackward(item: Node): boolean {
  const node = item as { RangeVar?: unknown; RangeFunction?: unknown; RangeSubselect?: { subquery?: Node } };
  if (node.RangeVar !== undefined || node.RangeFunction !== undefined) return true;
  if (node.RangeSubselect?.subquery !== undefined) return backwardScannable(node.RangeSubselect.subquery);
  return false;
}

function callChangesPlan(node: Record<string, unknown>): boolean {
  const call = node['FuncCall'] as { funcname?: Array<{ String?: { sval?: string } }>; over?: unknown; agg_star?: boolean } | undefined;
  if (call === undefined) return false;
  if (call.over !== undefined || call.agg_star === true) return true;
  const name = call.funcname?.[call.funcname.length - 1]?.String?.sval ?? '';
  return PLAN_CHANGING_FUNCTIONS.has(name);
}

function isSemiJoin(node: Record<string, unknown>): boolean {
  const link = node['SubLink'] as { subLinkType?: string } | undefined;
  return link !== undefined && (link.subLinkType === 'EXISTS_SUBLINK' || link.subLinkType === 'ANY_SUBLINK');
}

/** Whether any node of `tree` (not descending into subqueries' own FROM lists) satisfies `test`. */
function mentions(tree: unknown, test: (node: Record<string, unknown>) => boolean): boolean {
  if (tree === null || typeof tree !== 'object') return false;
  if (Array.isArray(tree)) return tree.some((x) => mentions(x, test));
  const node = tree as Record<string, unknown>;
  if (test(node)) return true;
  if ('SelectStmt' in node) return false;
  return Object.values(node).some((v) => mentions(v, test));
}
