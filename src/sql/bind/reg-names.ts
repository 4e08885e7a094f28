/**
 * regObjectName: the text output of the reg* object-identifier types over a catalog snapshot —
 * regclass as a relation name (schema-qualified when not visible on the search path; system
 * tables included), regnamespace as a schema name, regtype as format_type's name. Installed into the session's
 * TypeContext (TypeContext.regName) so that result values and `::text` casts print names, as
 * PostgreSQL does; an oid naming nothing prints as the number.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { OID } from '../../catalog/types/oids.js';
import { formatType, typeByOid } from '../../catalog/types/type-registry.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { systemTableByOid } from '../../catalog/system/index.js';
import { relationName } from './relation-name.js';

const SYSTEM_SCHEMAS: ReadonlyMap<number, string> = new Map([
  [11, 'pg_catalog'],
  [13000, 'information_schema'],
]);

/** A system table's name: bare when its schema is on the search path (pg_catalog always is). */
function systemRelationName(oid: number, searchPath: readonly string[]): string | undefined {
  const t = systemTableByOid(oid);
  if (t === undefined) return undefined;
  return t.schema === 'pg_catalog' || searchPath.includes(t.schema) ? t.name : `${t.schema}.${t.name}`;
}

export function regObjectName(catalog: Catalog, databaseName: string, searchPath: readonly string[], typeOid: number, oid: number): string | undefined {
  switch (typeOid) {
    case OID.regclass: {
      const db = catalog.database(databaseName);
      const name = db === undefined ? undefined : relationName(catalog, db.oid, oid, searchPath);
      return name ?? systemRelationName(oid, searchPath);
    }
    case OID.regnamespace: {
      const d = catalog.descriptor(oid);
      if (d?.kind === 'schema') return quoteIdentifier(d.name);
      const system = SYSTEM_SCHEMAS.get(oid);
      return system === undefined ? undefined : system;
    }
    case OID.regtype:
      return typeByOid(oid) === undefined ? undefined : formatType(oid, -1);
    default:
      return undefined;
  }
}

/** The oid of an index named by regclass input text (schema-qualified, or the first on the search path). */
export function indexOidByName(catalog: Catalog, databaseOid: number, schema: string | undefined, name: string, searchPath: readonly string[]): number | undefined {
  for (const s of schema === undefined ? searchPath : [schema]) {
    const found = catalog.schema(databaseOid, s);
    const index = found === undefined ? undefined : catalog.indexByName(found.oid, name);
    if (index !== undefined) return index.indexOid;
  }
  return undefined;
}
