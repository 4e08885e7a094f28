/** pg_catalog.pg_database and pg_roles (shared across databases). */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_DATABASE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_database',
  oid: 1262,
  columns: typedColumns(
    'oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool datallowconn:bool ' +
      'datconnlimit:int4 datcollate:text datctype:text datacl:text[] daticulocale:text datcollversion:text dattablespace:oid',
  ),
  rows: (catalog) => catalog.databases().map((d) => [d.oid, d.name, d.ownerOid, 6, 'c', false, true, -1, 'C', 'C', null, null, null, 1663]),
};

export const PG_ROLES: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_roles',
  oid: 0,
  columns: typedColumns(
    'oid:oid rolname:name rolsuper:bool rolinherit:bool rolcreaterole:bool rolcreatedb:bool rolcanlogin:bool ' +
      'rolreplication:bool rolconnlimit:int4 rolpassword:text rolbypassrls:bool rolvaliduntil:timestamptz rolconfig:text',
  ),
  rows: (catalog) =>
    catalog.roles().map((r) => [r.oid, r.name, r.superuser, true, r.createRole, r.createDb, r.canLogin, r.superuser, -1, '********', r.superuser, null, null]),
};
