/**
 * Dependencies between catalog objects, for DROP … RESTRICT / CASCADE: foreign keys of other
 * tables that reference a table, views whose query names a relation, sequences owned by a table's
 * columns. View dependencies are found by the relation names in the view's stored query.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ConstraintDesc, RelationDesc, TableDesc, ViewDesc } from '../../catalog/descriptors.js';

export interface ForeignKeyDependent {
  readonly table: TableDesc;
  readonly constraint: ConstraintDesc;
}

/** Foreign keys of other tables referencing `table`. */
export function referencingForeignKeys(catalog: Catalog, table: TableDesc): ForeignKeyDependent[] {
  const out: ForeignKeyDependent[] = [];
  for (const d of catalog.all()) {
    if (d.kind !== 'table' || d.oid === table.oid) continue;
    for (const c of d.constraints) if (c.kind === 'f' && c.references?.tableOid === table.oid) out.push({ table: d, constraint: c });
  }
  return out;
}

/**
 * Views that read `rel`: by the oids recorded at CREATE VIEW (view-query.ts); a view stored before
 * those were recorded, by a mention of its name.
 */
export function dependentViews(catalog: Catalog, rel: RelationDesc): ViewDesc[] {
  return catalog.all().filter(
    (d): d is ViewDesc => d.kind === 'view' && d.oid !== rel.oid && (d.references !== undefined ? d.references.includes(rel.oid) : mentions(d.query.tree, rel.name)),
  );
}

function mentions(node: unknown, name: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  if ('RangeVar' in node) {
    const rv = (node as { RangeVar: { relname?: string } }).RangeVar;
    if (rv.relname === name) return true;
  }
  for (const v of Object.values(node)) if (mentions(v, name)) return true;
  return false;
}

/** Replaces column references to `from` by `to` in a stored parse tree (RENAME COLUMN). */
export function renameColumnRefs(node: unknown, from: string, to: string): unknown {
  if (Array.isArray(node)) return node.map((n) => renameColumnRefs(n, from, to));
  if (node === null || typeof node !== 'object') return node;
  if ('ColumnRef' in node) {
    const ref = (node as { ColumnRef: { fields?: Array<{ String?: { sval?: string } }> } }).ColumnRef;
    const fields = ref.fields ?? [];
    const last = fields[fields.length - 1];
    if (last?.String?.sval === from) {
      return { ColumnRef: { ...ref, fields: [...fields.slice(0, -1), { String: { sval: to } }] } };
    }
    return node;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = renameColumnRefs(v, from, to);
  return out;
}
