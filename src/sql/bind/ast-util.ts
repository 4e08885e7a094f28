/**
 * Small readers over parser AST fragments (lists of String nodes, integer constants, DefElem
 * arguments). Binder-only: nothing outside src/sql/bind and src/sql/ddl reads the AST.
 */
import type { Node } from '../parse.js';
import { notSupported } from './bind-errors.js';

/** ['pg_catalog', 'int4'] from a list of String nodes; other node kinds are rejected. */
export function stringList(nodes: readonly Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    if ('String' in n) out.push(n.String.sval ?? '');
    else if ('A_Star' in n) out.push('*');
    else throw notSupported('name form');
  }
  return out;
}

/** The integer of an A_Const / Integer node (typmods, sequence options), or undefined. */
export function intOf(node: Node | undefined): number | undefined {
  if (node === undefined) return undefined;
  if ('Integer' in node) return node.Integer.ival ?? 0;
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.ival !== undefined) return c.ival.ival ?? 0;
    if (c.fval !== undefined) return Number(c.fval.fval);
  }
  if ('Float' in node) return Number(node.Float.fval);
  return undefined;
}

/** A DefElem argument as text (String, Integer, Float, TypeName's last name, A_Const). */
export function defArgText(node: Node | undefined): string | undefined {
  if (node === undefined) return undefined;
  if ('String' in node) return node.String.sval ?? '';
  if ('Integer' in node) return String(node.Integer.ival ?? 0);
  if ('Float' in node) return node.Float.fval ?? '0';
  if ('Boolean' in node) return node.Boolean.boolval === true ? 'true' : 'false';
  if ('A_Const' in node) {
    const c = node.A_Const;
    if (c.sval !== undefined) return c.sval.sval ?? '';
    if (c.ival !== undefined) return String(c.ival.ival ?? 0);
    if (c.fval !== undefined) return c.fval.fval ?? '0';
    if (c.boolval !== undefined) return c.boolval.boolval === true ? 'true' : 'false';
  }
  if ('TypeName' in node) return stringList(node.TypeName.names).join('.');
  return undefined;
}

/** A bigint DefElem argument (sequence options allow values past 2^53). */
export function defArgBigInt(node: Node | undefined): bigint | undefined {
  const text = defArgText(node);
  return text === undefined ? undefined : BigInt(text);
}

/**
 * The leftmost token position inside an expression node (0-based), as PostgreSQL's exprLocation
 * reports it for error positions: the smallest `location` in the subtree (subqueries excluded).
 */
export function leftmostLocation(node: unknown): number | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  let best: number | undefined;
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (key === 'subselect') continue;
    const at = key === 'location' ? (typeof value === 'number' && value >= 0 ? value : undefined) : leftmostLocation(value);
    if (at !== undefined && (best === undefined || at < best)) best = at;
  }
  return best;
}

/**
 * The first node (depth first, in source order) for which `match` holds, not looking inside nodes
 * for which `skip` holds (a subquery, say). An AST is a tree of plain objects and arrays.
 */
export function firstNode(tree: unknown, match: (node: object) => boolean, skip?: (node: object) => boolean): Node | undefined {
  if (Array.isArray(tree)) {
    for (const item of tree) {
      const found = firstNode(item, match, skip);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (tree === null || typeof tree !== 'object') return undefined;
  if (match(tree)) return tree as Node;
  if (skip?.(tree) === true) return undefined;
  return firstNode(Object.values(tree), match, skip);
}
