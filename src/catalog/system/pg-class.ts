/**
 * pg_catalog.pg_class: tables ('r'), views ('v'), sequences ('S') and indexes ('i') of the
 * current database's schemas.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const COLUMNS = typedColumns(
  'oid:oid relname:name relnamespace:oid reltype:oid relowner:oid relam:oid relfilenode:oid reltablespace:oid ' +
    'relpages:int4 reltuples:float4 relhasindex:bool relisshared:bool relpersistence:char relkind:char relnatts:int2 ' +
    'relchecks:int2 relhasrules:bool relhastriggers:bool relhassubclass:bool relrowsecurity:bool ' +
    'relforcerowsecurity:bool relispopulated:bool relreplident:char relispartition:bool relacl:text[] reloptions:text[] ' +
    'reltoastrelid:oid reloftype:oid relpartbound:text relrewrite:oid relfrozenxid:int4 relallvisible:int4 relminmxid:int4',
);

function row(oid: number, name: string, schema: number, owner: number, kind: string, natts: number, checks: number, hasIndex: boolean, hasTriggers = false): Value[] {
  const am = kind === 'r' ? 2 : kind === 'i' ? 403 : 0;
  // A view is its ON SELECT rule (pg_rewrite '_RETURN'): relhasrules, as PostgreSQL shows it.
  const hasRules = kind === 'v';
  return [oid, name, schema, 0, owner, am, oid, 0, 0, -1, hasIndex, false, 'p', kind, natts, checks, hasRules, hasTriggers, false, false, false, true, 'd', false, null, null, 0, 0, null, 0, 0, 0, 0];
}

/** Tables on either side of a foreign key: PostgreSQL enforces those with triggers (relhastriggers). */
function foreignKeyTables(catalog: Catalog, db: number): Set<number> {
  const out = new Set<number>();
  for (const schema of catalog.schemasOf(db)) {
    for (const t of catalog.tablesIn(schema.oid)) {
      for (const c of t.constraints) {
        if (c.references === undefined) continue;
        out.add(t.oid);
        out.add(c.references.tableOid);
      }
    }
  }
  return out;
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  const withTriggers = foreignKeyTables(catalog, db);
  for (const schema of catalog.schemasOf(db)) {
    for (const rel of catalog.relationsIn(schema.oid)) {
      if (rel.kind === 'table') {
        const live = rel.columns.length;
        const checks = rel.constraints.filter((c) => c.kind === 'c').length;
        const indexes = rel.hiddenRowId ? rel.indexes : [rel.primary, ...rel.indexes];
        out.push(row(rel.oid, rel.name, schema.oid, rel.ownerOid, 'r', live, checks, indexes.length > 0, withTriggers.has(rel.oid)));
        for (const i of indexes) out.push(row(i.oid, i.name, schema.oid, rel.ownerOid, 'i', i.columns.length, 0, false));
      } else if (rel.kind === 'view') out.push(row(rel.oid, rel.name, schema.oid, rel.ownerOid, 'v', rel.columns.length, 0, false));
      else out.push(row(rel.oid, rel.name, schema.oid, rel.ownerOid, 'S', 3, 0, false));
    }
  }
  return out;
}

export const PG_CLASS: SystemTable = { schema: 'pg_catalog', name: 'pg_class', oid: 1259, columns: COLUMNS, rows };
