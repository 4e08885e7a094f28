/** pg_catalog.pg_namespace: schemas of the current database. */
import { namespaces, type SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_NAMESPACE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_namespace',
  oid: 2615,
  columns: typedColumns('oid:oid nspname:name nspowner:oid nspacl:text[]'),
  rows: (catalog, db) => namespaces(catalog, db).map((n) => [n.oid, n.name, n.owner, null]),
};
