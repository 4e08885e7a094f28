/**
 * pg_catalog.pg_database and pg_roles (shared across databases).
 *
 * - pg_database also lists PostgreSQL's template databases (template1 oid 1, template0 oid 4) with
 *   their default ACLs, as every PostgreSQL cluster has them; stratadb creates databases empty and
 *   does not accept connections to them. A real database of the same name hides the row.
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const TEMPLATE_ACL: readonly string[] = ['=c/postgres', 'postgres=CTc/postgres'];

function templateRow(oid: number, name: string, allowConnections: boolean): Value[] {
  return [oid, name, 10, 6, 'c', true, allowConnections, -1, 'C', 'C', [...TEMPLATE_ACL], null, null, 1663, 0, 1];
}

export const PG_DATABASE: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_database',
  oid: 1262,
  columns: typedColumns(
    'oid:oid datname:name datdba:oid encoding:int4 datlocprovider:char datistemplate:bool datallowconn:bool ' +
      'datconnlimit:int4 datcollate:text datctype:text datacl:text[] daticulocale:text datcollversion:text dattablespace:oid ' +
      'datfrozenxid:int4 datminmxid:int4',
  ),
  rows: (catalog): Value[][] => {
    const real = catalog.databases().map((d): Value[] => [d.oid, d.name, d.ownerOid, 6, 'c', false, true, -1, 'C', 'C', null, null, null, 1663, 0, 1]);
    const names = new Set(catalog.databases().map((d) => d.name));
    const templates = [templateRow(1, 'template1', true), templateRow(4, 'template0', false)].filter((r) => !names.has(r[1] as string));
    return [...real, ...templates];
  },
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
