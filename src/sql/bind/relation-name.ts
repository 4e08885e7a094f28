/**
 * relationName: how PostgreSQL names a relation in generated text (regclass output,
 * pg_get_constraintdef, pg_get_indexdef): bare when the name is visible on the search path (the
 * first schema of the path holding a relation of that name is the relation's own), else
 * schema-qualified; identifiers quoted as quote_identifier does. Indexes count as relations.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { SchemaDesc } from '../../catalog/descriptors.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

interface Located {
  readonly name: string;
  readonly schemaOid: number;
}

/** A table, view, sequence or index by oid, with the schema it lives in. */
export function locateRelation(catalog: Catalog, oid: number): Located | undefined {
  const d = catalog.descriptor(oid);
  if (d !== undefined && (d.kind === 'table' || d.kind === 'view' || d.kind === 'sequence')) return d;
  const t = catalog.tableOfIndex(oid);
  if (t === undefined) return undefined;
  const index = t.primary.oid === oid ? t.primary : t.indexes.find((i) => i.oid === oid);
  return index === undefined ? undefined : { name: index.name, schemaOid: t.schemaOid };
}

function schemaOf(catalog: Catalog, oid: number): SchemaDesc | undefined {
  const d = catalog.descriptor(oid);
  return d?.kind === 'schema' ? d : undefined;
}

export function isVisible(catalog: Catalog, databaseOid: number, rel: Located, searchPath: readonly string[]): boolean {
  for (const schemaName of searchPath) {
    const schema = catalog.schema(databaseOid, schemaName);
    if (schema === undefined) continue;
    if (catalog.relation(schema.oid, rel.name) !== undefined || catalog.indexByName(schema.oid, rel.name) !== undefined) {
      return schema.oid === rel.schemaOid;
    }
  }
  return false;
}

/** The relation's name as generated SQL shows it, or undefined for an unknown oid. */
export function relationName(catalog: Catalog, databaseOid: number, oid: number, searchPath: readonly string[]): string | undefined {
  const rel = locateRelation(catalog, oid);
  if (rel === undefined) return undefined;
  if (isVisible(catalog, databaseOid, rel, searchPath)) return quoteIdentifier(rel.name);
  return qualifiedName(catalog, rel);
}

/** schema.name, both quoted as needed (pg_get_indexdef without pretty always qualifies). */
export function qualifiedName(catalog: Catalog, rel: Located): string {
  const schema = schemaOf(catalog, rel.schemaOid);
  return `${quoteIdentifier(schema?.name ?? '?')}.${quoteIdentifier(rel.name)}`;
}
