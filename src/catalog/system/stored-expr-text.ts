/**
 * The text form of a stored expression as the pg_node_tree columns (pg_attrdef.adbin,
 * pg_constraint.conbin) hold it: JSON of { type, text, tree } — the result type, the display text
 * when the catalog has one ('' otherwise) and the opaque stored tree. pg_get_expr (in the SQL
 * layer, which alone interprets trees) turns it back into SQL.
 */
import type { StoredExpr } from '../descriptors.js';

export interface StoredExprJson {
  readonly type: number;
  readonly text: string;
  readonly tree: unknown;
}

export function storedExprText(expr: StoredExpr, typeOid: number): string {
  return JSON.stringify({ type: typeOid, text: expr.text, tree: expr.tree });
}

/** Inverse of storedExprText; undefined when `text` is not one. */
export function parseStoredExprText(text: string): StoredExprJson | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v !== 'object' || v === null || !('tree' in v) || !('type' in v) || !('text' in v)) return undefined;
    if (typeof v.type !== 'number' || typeof v.text !== 'string') return undefined;
    return { type: v.type, text: v.text, tree: v.tree };
  } catch {
    return undefined;
  }
}
