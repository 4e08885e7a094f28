/**
 * regObjectName: the text output of the reg* object-identifier types over a catalog snapshot —
 * regclass as a relation name (schema-qualified when not visible on the search path),
 * regnamespace as a schema name, regtype as format_type's name. Installed into the session's
 * TypeContext (TypeContext.regName) so that result values and `::text` casts print names, as
 * PostgreSQL does; an oid naming nothing prints as the number.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { OID } from '../../catalog/types/oids.js';
import { formatType, typeByOid } from '../../catalog/types/type-registry.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { relationName } from './relation-name.js';

const SYSTEM_SCHEMAS: ReadonlyMap<number, string> = new Map([
  [11, 'pg_catalog'],
  [13000, 'information_schema'],
]);

export function regObjectName(catalog: Catalog, databaseName: string, searchPath: readonly string[], typeOid: number, oid: number): string | undefined {
  switch (typeOid) {
    case OID.regclass: {
      const db = catalog.database(databaseName);
      return db === undefined ? undefined : relationName(catalog, db.oid, oid, searchPath);
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
