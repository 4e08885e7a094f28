/** pg_catalog.pg_tablespace: PostgreSQL's two built-in tablespaces (stratadb has no others). */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_TABLESPACE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_tablespace',
  oid: 1213,
  columns: typedColumns('oid:oid spcname:name spcowner:oid spcacl:text[] spcoptions:text[]'),
  rows: () => [
    [1663, 'pg_default', 10, null, null],
    [1664, 'pg_global', 10, null, null],
  ],
};
