/**
 * qualifyViewQuery: a view's query with every table reference bound to the schema it resolves
 * to at CREATE VIEW, as PostgreSQL binds a view to its relations' oids — so the view keeps reading
 * the same tables whatever the search_path of the session that later uses it, and
 * pg_get_viewdef can print it under any search_path (pg_dump runs with an empty one).
 *
 * - A name that is a WITH query anywhere in the tree, or that resolves to no user relation
 *   (pg_catalog tables), is left as written.
 * - Also collects the oids of the relations the query reads: the view's dependencies (pg_depend).
 * - Returns a new tree; the parser's tree is not modified.
 */
import type { Node } from '../parse.js';
import type { BindContext } from '../bind/bind-context.js';
import { lookupRelation } from '../bind/names.js';

type Obj = Record<string, unknown>;

function cteNames(node: unknown, out: Set<string>): Set<string> {
  if (Array.isArray(node)) for (const n of node) cteNames(n, out);
  else if (typeof node === 'object' && node !== null) {
    const cte = (node as { CommonTableExpr?: { ctename?: string } }).CommonTableExpr;
    if (cte?.ctename !== undefined) out.add(cte.ctename);
    for (const v of Object.values(node)) cteNames(v, out);
  }
  return out;
}

interface Walk {
  readonly ctx: BindContext;
  readonly ctes: ReadonlySet<string>;
  readonly references: Set<number>;
}

function qualify(node: unknown, w: Walk): unknown {
  if (Array.isArray(node)) return node.map((n) => qualify(n, w));
  if (typeof node !== 'object' || node === null) return node;
  const rv = (node as { RangeVar?: Obj }).RangeVar;
  if (rv !== undefined && !(rv['schemaname'] === undefined && w.ctes.has(String(rv['relname'])))) {
    const schemaName = rv['schemaname'] as string | undefined;
    const rel = lookupRelation(w.ctx, { schema: schemaName, name: String(rv['relname'] ?? '') });
    const schema = rel === undefined ? undefined : w.ctx.catalog.descriptor(rel.schemaOid);
    if (rel !== undefined) w.references.add(rel.oid);
    if (schemaName === undefined && schema?.kind === 'schema') return { RangeVar: { ...rv, schemaname: schema.name } };
    return node;
  }
  const out: Obj = {};
  for (const [k, v] of Object.entries(node)) out[k] = qualify(v, w);
  return out;
}

/** The view's query with schema-qualified table references, and the oids of the relations it reads. */
export function qualifyViewQuery(ctx: BindContext, query: Node): { tree: Node; references: number[] } {
  const w: Walk = { ctx, ctes: cteNames(query, new Set()), references: new Set() };
  const tree = qualify(query, w) as Node;
  return { tree, references: [...w.references].sort((a, b) => a - b) };
}
