/**
 * Well-formedness of a recursive CTE's query (PostgreSQL's checkWellFormedRecursion in
 * parse_cte.c): where the CTE's own name may appear, checked on the raw parse tree.
 *
 * - The query must be `non-recursive-term UNION [ALL] recursive-term` when it references itself.
 * - The non-recursive term must not reference the CTE; the recursive term references it exactly
 *   once, and not inside a subquery expression (SubLink), the nullable side of an outer join,
 *   either side of INTERSECT ALL, the right side of EXCEPT or either side of EXCEPT ALL; the
 *   recursive term's own level calls no aggregate. Violations raise 42P19 (invalid_recursion) with PostgreSQL's messages.
 */
import { SqlError } from '../../util/index.js';
import { isAggregateName } from '../functions/resolve-aggregate.js';

const INVALID_RECURSION = '42P19';

type Place = 'ok' | 'a subquery' | 'an outer join' | 'INTERSECT' | 'EXCEPT';

interface RangeVarLike {
  readonly relname?: string;
  readonly schemaname?: string;
  readonly location?: number;
}

/** Whether the raw tree contains an unqualified reference to `name`. */
export function referencesName(tree: unknown, name: string): boolean {
  if (Array.isArray(tree)) return tree.some((t) => referencesName(t, name));
  if (tree === null || typeof tree !== 'object') return false;
  const rv = (tree as { RangeVar?: RangeVarLike }).RangeVar;
  if (rv !== undefined) return rv.schemaname === undefined && rv.relname === name;
  return Object.values(tree).some((v) => referencesName(v, name));
}

export function invalidRecursion(message: string, location?: number): SqlError {
  return new SqlError(INVALID_RECURSION, message, { position: location === undefined ? undefined : location + 1 });
}

/** Checks the recursive term (the UNION's right side) of the recursive CTE `name`. */
export function checkRecursiveTerm(tree: unknown, name: string): void {
  const state = { count: 0 };
  walk(tree, name, 'ok', state);
  const term = tree as { targetList?: unknown; havingClause?: unknown; op?: string };
  if ((term.op === undefined || term.op === 'SETOP_NONE') && (hasAggregate(term.targetList) || hasAggregate(term.havingClause))) {
    throw invalidRecursion("aggregate functions are not allowed in a recursive query's recursive term");
  }
}

/** An aggregate call at this query level (subqueries not entered, window calls not counted). */
function hasAggregate(tree: unknown): boolean {
  if (Array.isArray(tree)) return tree.some(hasAggregate);
  if (tree === null || typeof tree !== 'object') return false;
  if ('SubLink' in tree) return false;
  const call = (tree as { FuncCall?: { funcname?: Array<{ String?: { sval?: string } }>; over?: unknown } }).FuncCall;
  if (call !== undefined && call.over === undefined) {
    const last = call.funcname?.[call.funcname.length - 1]?.String?.sval;
    if (last !== undefined && isAggregateName(last)) return true;
  }
  return Object.values(tree).some(hasAggregate);
}

function walk(tree: unknown, name: string, place: Place, state: { count: number }): void {
  if (Array.isArray(tree)) {
    for (const t of tree) walk(t, name, place, state);
    return;
  }
  if (tree === null || typeof tree !== 'object') return;
  const o = tree as Record<string, unknown>;
  const rv = o['RangeVar'] as RangeVarLike | undefined;
  if (rv !== undefined) {
    if (rv.schemaname !== undefined || rv.relname !== name) return;
    if (place !== 'ok') throw invalidRecursion(`recursive reference to query "${name}" must not appear within ${place}`, rv.location);
    state.count++;
    if (state.count > 1) throw invalidRecursion(`recursive reference to query "${name}" must not appear more than once`, rv.location);
    return;
  }
  const sub = o['SubLink'] as { subselect?: unknown; testexpr?: unknown } | undefined;
  if (sub !== undefined) {
    walk(sub.testexpr, name, place, state);
    walk(sub.subselect, name, 'a subquery', state);
    return;
  }
  const join = o['JoinExpr'] as { jointype?: string; larg?: unknown; rarg?: unknown; quals?: unknown } | undefined;
  if (join !== undefined) {
    const t = join.jointype;
    walk(join.larg, name, t === 'JOIN_RIGHT' || t === 'JOIN_FULL' ? 'an outer join' : place, state);
    walk(join.rarg, name, t === 'JOIN_LEFT' || t === 'JOIN_FULL' ? 'an outer join' : place, state);
    walk(join.quals, name, place, state);
    return;
  }
  for (const [k, v] of Object.entries(o)) {
    walk(v, name, k === 'larg' || k === 'rarg' ? setOperandPlace(o, k, place) : place, state);
  }
}

/** As PostgreSQL: INTERSECT ALL forbids both sides, EXCEPT its right side (and with ALL its left). */
function setOperandPlace(stmt: Record<string, unknown>, side: 'larg' | 'rarg', place: Place): Place {
  const all = stmt['all'] === true;
  if (stmt['op'] === 'SETOP_INTERSECT') return all ? 'INTERSECT' : place;
  if (stmt['op'] === 'SETOP_EXCEPT') return all || side === 'rarg' ? 'EXCEPT' : place;
  return place;
}
