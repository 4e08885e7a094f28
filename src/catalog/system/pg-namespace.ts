/**
 * pg_catalog.pg_namespace: schemas of the current database.
 *
 * - nspacl is PostgreSQL's initial one for the schemas initdb creates (pg_catalog,
 *   information_schema, public); schemas created later have none (NULL: the owner's defaults).
 */
import { isInitialPublicSchema, namespaces, type SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const PUBLIC_SCHEMA_OID = 2200;
const SYSTEM_ACL: readonly string[] = ['postgres=UC/postgres', '=U/postgres'];
const PUBLIC_ACL: readonly string[] = ['pg_database_owner=UC/pg_database_owner', '=U/pg_database_owner'];

function initialAcl(n: { oid: number; name: string; owner: number }): string[] | null {
  if (n.oid === PUBLIC_SCHEMA_OID || isInitialPublicSchema(n)) return [...PUBLIC_ACL];
  return n.name === 'pg_catalog' || n.name === 'information_schema' ? [...SYSTEM_ACL] : null;
}

export const PG_NAMESPACE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_namespace',
  oid: 2615,
  columns: typedColumns('oid:oid nspname:name nspowner:oid nspacl:text[]'),
  rows: (catalog, db) => namespaces(catalog, db).map((n) => [n.oid, n.name, n.owner, initialAcl(n)]),
};
