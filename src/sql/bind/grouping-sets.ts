/**
 * GROUP BY with GROUPING SETS, ROLLUP and CUBE, by rewriting the query before it is bound: one
 * plain GROUP BY branch per grouping set, joined by UNION ALL (UNION for SELECT DISTINCT), with
 * ORDER BY and LIMIT over the union.
 *
 * - The sets are PostgreSQL's (expand_grouping_sets): the GROUP BY items multiply (cross product);
 *   ROLLUP(a, b) is (a, b), (a), (); CUBE(a, b) is (a, b), (a), (b), (); GROUPING SETS nest; a
 *   parenthesized list is one element; an integer is a select-list position. Duplicate sets stay
 *   (their rows repeat, as in PostgreSQL). At most GROUPING_SETS_MAX sets (54001).
 * - In a branch, a grouping expression its set leaves out reads as NULL in the select list and
 *   HAVING, outside aggregate calls (whose arguments still see every input row); GROUPING(a, …) is
 *   the set's bit mask (bit set = left out, first argument highest).
 * - Every branch names its columns as the original select list does, so the union's names and
 *   types are the query's. ORDER BY may name a select-list expression, alias or position (it
 *   becomes the position); other expressions are 0A000.
 * - Rows come out set by set; without ORDER BY, PostgreSQL's order may differ.
 */
import type { Node, SelectStmt } from '../parse.js';
import { nodeTag } from '../parse.js';
import { SqlError } from '../../util/index.js';
import { notSupported } from './bind-errors.js';
import { figureColumnName } from './column-name.js';
import { AGGREGATE_NAMES } from './bind-expr.js';
import { firstNode, leftmostLocation, stringList } from './ast-util.js';

/** PostgreSQL's limit on the grouping sets one GROUP BY may expand to. */
const GROUPING_SETS_MAX = 4096;

type GroupingSet = Node[];

interface GroupingSetNode {
  readonly kind?: string;
  readonly content?: Node[];
  readonly location?: number;
}

interface ResTarget {
  readonly name?: string;
  readonly val?: Node;
  readonly location?: number;
}

/** True when the GROUP BY uses GROUPING SETS, ROLLUP or CUBE, or the query calls GROUPING(…). */
export function hasGroupingSets(s: SelectStmt): boolean {
  const group = s.groupClause;
  if (group === undefined || group.length === 0) return false;
  return group.some((n) => 'GroupingSet' in n) || firstNode([s.targetList, s.havingClause, s.sortClause], (n) => 'GroupingFunc' in n, isSubLink) !== undefined;
}

function isSubLink(node: object): boolean {
  return 'SubLink' in node;
}

function isWindowCall(node: object): boolean {
  return 'FuncCall' in node && (node.FuncCall as { over?: unknown }).over !== undefined;
}



/** The type name a left-out grouping expression's NULL is cast to (undefined: an untyped NULL). */
export type KeyTypeName = (key: Node) => Node | undefined;

/**
 * The UNION ALL of one plain GROUP BY per grouping set, with the ORDER BY and LIMIT of `s` on top.
 * `typeNameOf` types the NULLs, so every branch's column has the query's type.
 */
export function expandGroupingSets(s: SelectStmt, typeNameOf: KeyTypeName): SelectStmt {
  if (firstNode([s.targetList, s.havingClause, s.sortClause], isWindowCall, isSubLink) !== undefined) throw notSupported('a window function over GROUPING SETS');
  const targets = (s.targetList ?? []).map((n) => (n as { ResTarget: ResTarget }).ResTarget);
  const sets = groupingSets(s.groupClause ?? [], targets);
  const distinct = s.distinctClause !== undefined && s.distinctClause.every((n) => Object.keys(n).length === 0);
  if (s.distinctClause !== undefined && !distinct) throw notSupported('DISTINCT ON with GROUPING SETS');
  const named = targets.map((t) => ({ ...t, name: t.name ?? (t.val === undefined ? '?column?' : figureColumnName(t.val)) }));
  const keys = uniqueNodes(sets.flat());
  const nulls = new Map(keys.map((k) => [nodeKey(k), typedNull(typeNameOf(k))]));
  const branches = sets.map((set) => branchFor(s, named, nulls, set));
  const tail = { withClause: s.withClause, limitCount: s.limitCount, limitOffset: s.limitOffset, limitOption: s.limitOption };
  // One set: a plain grouped query, its ORDER BY as written.
  if (branches.length === 1) return { ...branches[0], ...tail, sortClause: s.sortClause, distinctClause: s.distinctClause } as SelectStmt;
  let union = branches[0] as SelectStmt;
  for (const branch of branches.slice(1)) union = { op: 'SETOP_UNION', all: !distinct, larg: union, rarg: branch, limitOption: 'LIMIT_OPTION_DEFAULT' } as SelectStmt;
  return { ...union, ...tail, sortClause: s.sortClause?.map((n) => positionalSort(n, named)) } as SelectStmt;
}

/** HAVING of a branch grouped by the empty set: it makes one group of all rows (one row, even for none). */
const TRUE: Node = { A_Const: { boolval: { boolval: true } } } as unknown as Node;

function typedNull(typeName: Node | undefined): Node {
  const value = { A_Const: { isnull: true } } as unknown as Node;
  return typeName === undefined ? value : ({ TypeCast: { arg: value, typeName: (typeName as { TypeName: unknown }).TypeName } } as unknown as Node);
}

/** `nulls`: each grouping expression's key → the NULL that stands for it where its set leaves it out. */
function branchFor(s: SelectStmt, targets: readonly ResTarget[], nulls: ReadonlyMap<string, Node>, set: GroupingSet): SelectStmt {
  const present = new Set(set.map(nodeKey));
  const absent = new Map([...nulls].filter(([k]) => !present.has(k)));
  const rewrite = (n: Node): Node => withoutKeys(n, absent, present) as Node;
  return {
    targetList: targets.map((t) => ({ ResTarget: { ...t, val: t.val === undefined ? undefined : rewrite(t.val) } })),
    fromClause: s.fromClause,
    whereClause: s.whereClause,
    groupClause: uniqueNodes(set),
    havingClause: s.havingClause === undefined ? (set.length === 0 ? TRUE : undefined) : rewrite(s.havingClause),
    windowClause: s.windowClause,
    op: 'SETOP_NONE',
    limitOption: 'LIMIT_OPTION_DEFAULT',
  } as SelectStmt;
}

/** Every grouping set of a GROUP BY list (the cross product of its items' sets). */
function groupingSets(items: readonly Node[], targets: readonly ResTarget[]): GroupingSet[] {
  let sets: GroupingSet[] = [[]];
  for (const item of items) {
    const own = setsOf(item, targets);
    sets = sets.flatMap((s) => own.map((t) => [...s, ...t]));
    if (sets.length > GROUPING_SETS_MAX) throw new SqlError('54001', `too many grouping sets present (maximum ${GROUPING_SETS_MAX})`);
  }
  return sets;
}

function setsOf(item: Node, targets: readonly ResTarget[]): GroupingSet[] {
  if (!('GroupingSet' in item)) return [elementOf(item, targets)];
  const g = item.GroupingSet as GroupingSetNode;
  const content = g.content ?? [];
  switch (g.kind) {
    case 'GROUPING_SET_EMPTY':
      return [[]];
    case 'GROUPING_SET_SETS':
      return content.flatMap((c) => setsOf(c, targets));
    case 'GROUPING_SET_ROLLUP': {
      const elements = content.map((c) => elementOf(c, targets));
      const out: GroupingSet[] = [];
      for (let n = elements.length; n >= 0; n--) out.push(elements.slice(0, n).flat());
      return out;
    }
    case 'GROUPING_SET_CUBE': {
      const elements = content.map((c) => elementOf(c, targets));
      if (elements.length > 12) throw new SqlError('54001', `CUBE is limited to 12 elements`);
      const out: GroupingSet[] = [];
      for (let mask = (1 << elements.length) - 1; mask >= 0; mask--) {
        out.push(elements.filter((_, i) => (mask & (1 << (elements.length - 1 - i))) !== 0).flat());
      }
      return out;
    }
    default:
      throw notSupported(`grouping set ${String(g.kind)}`, g.location);
  }
}

/** One element of a set: a parenthesized list's expressions, or one expression (a position names a select-list entry). */
function elementOf(node: Node, targets: readonly ResTarget[]): Node[] {
  if ('RowExpr' in node) {
    const row = node.RowExpr as { args?: Node[]; row_format?: string };
    if (row.row_format !== 'COERCE_EXPLICIT_CALL') return (row.args ?? []).map((a) => resolvePosition(a, targets));
  }
  return [resolvePosition(node, targets)];
}

function resolvePosition(node: Node, targets: readonly ResTarget[]): Node {
  const ival = (node as { A_Const?: { ival?: { ival?: number } } }).A_Const?.ival;
  if (ival === undefined) return node;
  const target = targets[(ival.ival ?? 0) - 1];
  if (target?.val === undefined) throw new SqlError('42P10', `GROUP BY position ${ival.ival ?? 0} is not in select list`);
  return target.val;
}

/** `node` with the absent grouping expressions as NULL and GROUPING(…) as the set's mask; aggregates and subqueries untouched. */
function withoutKeys(node: unknown, absent: ReadonlyMap<string, Node>, present: ReadonlySet<string>): unknown {
  if (Array.isArray(node)) return node.map((n) => withoutKeys(n, absent, present));
  if (node === null || typeof node !== 'object') return node;
  const tag = nodeTag(node as Node);
  if (tag === 'GroupingFunc') return groupingMask(node as Node, absent, present);
  const replacement = absent.size > 0 ? absent.get(nodeKey(node as Node)) : undefined;
  if (replacement !== undefined) return replacement;
  if (tag === 'SubLink' || (tag === 'FuncCall' && isAggregate(node as Node))) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = withoutKeys(v, absent, present);
  return out;
}

function groupingMask(node: Node, absent: ReadonlyMap<string, Node>, present: ReadonlySet<string>): Node {
  const g = (node as { GroupingFunc: { args?: Node[]; location?: number } }).GroupingFunc;
  const args = g.args ?? [];
  let mask = 0;
  for (const arg of args) {
    const key = nodeKey(arg);
    if (!absent.has(key) && !present.has(key)) {
      const at = leftmostLocation(arg) ?? g.location;
      throw new SqlError('42803', 'arguments to GROUPING must be grouping expressions of the associated query level', at === undefined ? {} : { position: at + 1 });
    }
    mask = mask * 2 + (absent.has(key) ? 1 : 0);
  }
  return { A_Const: { ival: { ival: mask } } } as unknown as Node;
}

function isAggregate(node: Node): boolean {
  const f = (node as { FuncCall: { funcname?: Node[]; agg_star?: boolean; over?: unknown } }).FuncCall;
  if (f.over !== undefined) return false;
  const names = stringList(f.funcname);
  return f.agg_star === true || AGGREGATE_NAMES.has(names[names.length - 1] ?? '');
}

/** ORDER BY over the union: a select-list expression or alias becomes its position. */
function positionalSort(n: Node, targets: readonly ResTarget[]): Node {
  const by = (n as { SortBy: { node?: Node; location?: number } }).SortBy;
  const sortNode = by.node as Node;
  if ('A_Const' in sortNode) return n;
  const key = nodeKey(sortNode);
  let at = targets.findIndex((t) => t.val !== undefined && nodeKey(t.val) === key);
  if (at < 0 && 'ColumnRef' in sortNode) {
    const names = stringList((sortNode.ColumnRef as { fields?: Node[] }).fields);
    if (names.length === 1) at = targets.findIndex((t) => t.name === names[0]);
  }
  if (at < 0) throw notSupported('ORDER BY an expression not in the select list with GROUPING SETS', by.location);
  return { SortBy: { ...by, node: { A_Const: { ival: { ival: at + 1 } } } } } as unknown as Node;
}

function uniqueNodes(nodes: readonly Node[]): Node[] {
  const seen = new Set<string>();
  return nodes.filter((n) => {
    const key = nodeKey(n);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The structure of an expression without its source positions. */
function nodeKey(node: Node): string {
  return JSON.stringify(node, (k, v: unknown) => (k === 'location' ? undefined : v));
}
