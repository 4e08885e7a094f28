/**
 * The comments users set with COMMENT ON (kept on the descriptors, descriptors.ts), as
 * pg_description rows: schemas under pg_namespace, relations and indexes under pg_class (columns
 * with objsubid = attnum), constraints under pg_constraint.
 */
import type { Catalog } from '../catalog.js';
import type { TableDesc } from '../descriptors.js';

export const PG_CLASS_CLASS_OID = 1259;
export const PG_NAMESPACE_CLASS_OID = 2615;
export const PG_CONSTRAINT_CLASS_OID = 2606;

export interface CommentRow {
  readonly objoid: number;
  readonly classoid: number;
  readonly objsubid: number;
  readonly description: string;
}

function tableComments(t: TableDesc, out: CommentRow[]): void {
  for (const i of t.hiddenRowId ? t.indexes : [t.primary, ...t.indexes]) {
    if (i.comment !== undefined) out.push({ objoid: i.oid, classoid: PG_CLASS_CLASS_OID, objsubid: 0, description: i.comment });
  }
  for (const c of t.constraints) {
    if (c.comment !== undefined) out.push({ objoid: c.oid, classoid: PG_CONSTRAINT_CLASS_OID, objsubid: 0, description: c.comment });
  }
}

/** Every user comment of one database. */
export function userComments(catalog: Catalog, databaseOid: number): CommentRow[] {
  const out: CommentRow[] = [];
  for (const schema of catalog.schemasOf(databaseOid)) {
    if (schema.comment !== undefined) out.push({ objoid: schema.oid, classoid: PG_NAMESPACE_CLASS_OID, objsubid: 0, description: schema.comment });
    for (const rel of catalog.relationsIn(schema.oid)) {
      if (rel.comment !== undefined) out.push({ objoid: rel.oid, classoid: PG_CLASS_CLASS_OID, objsubid: 0, description: rel.comment });
      if (rel.kind === 'sequence') continue;
      for (const c of rel.columns) {
        if (c.comment !== undefined && !c.dropped) out.push({ objoid: rel.oid, classoid: PG_CLASS_CLASS_OID, objsubid: c.attnum, description: c.comment });
      }
      if (rel.kind === 'table') tableComments(rel, out);
    }
  }
  return out;
}

/** The user comment on one object (obj_description, col_description), or undefined. */
export function userDescription(catalog: Catalog, classOid: number, objOid: number, objsubid = 0): string | undefined {
  const d = catalog.descriptor(objOid);
  if (classOid === PG_NAMESPACE_CLASS_OID) return d?.kind === 'schema' && objsubid === 0 ? d.comment : undefined;
  if (classOid === PG_CLASS_CLASS_OID) {
    if (d !== undefined && (d.kind === 'table' || d.kind === 'view')) {
      return objsubid === 0 ? d.comment : d.columns.find((c) => c.attnum === objsubid && !c.dropped)?.comment;
    }
    if (d?.kind === 'sequence') return objsubid === 0 ? d.comment : undefined;
    const t = catalog.tableOfIndex(objOid);
    return t === undefined || objsubid !== 0 ? undefined : [t.primary, ...t.indexes].find((i) => i.oid === objOid)?.comment;
  }
  if (classOid !== PG_CONSTRAINT_CLASS_OID) return undefined;
  for (const t of catalog.all()) {
    const c = t.kind === 'table' ? t.constraints.find((x) => x.oid === objOid) : undefined;
    if (c !== undefined) return c.comment;
  }
  return undefined;
}
