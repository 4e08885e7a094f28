/** pg_catalog.pg_user: the login roles, as PostgreSQL's view over pg_authid shows them (password masked). */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_USER: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_user',
  oid: 0,
  columns: typedColumns(
    'usename:name usesysid:oid usecreatedb:bool usesuper:bool userepl:bool usebypassrls:bool passwd:text valuntil:timestamptz useconfig:text[]',
  ),
  rows: (catalog) =>
    catalog.roles().filter((r) => r.canLogin).map((r) => [r.name, r.oid, r.createDb, r.superuser, r.superuser, r.superuser, '********', null, null]),
};
