/**
 * SystemTable: a read-only relation of pg_catalog or information_schema generated from the
 * catalog snapshot of the reading transaction (so it is consistent with that snapshot, including
 * the transaction's own uncommitted DDL). One file per table, as pg-mem does.
 *
 * - Rows are generated for the current database only (shared tables: pg_database, pg_roles).
 * - Column values follow the executor's value representations (sql-type.ts): oid/int → number,
 *   name/text/"char" → string, bool → boolean.
 */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import { OID } from '../types/oids.js';

export interface SystemColumn {
  readonly name: string;
  readonly typeOid: number;
}

export interface SystemTable {
  readonly schema: 'pg_catalog' | 'information_schema';
  readonly name: string;
  /** Stable oid of the relation itself (PostgreSQL's where it has one). */
  readonly oid: number;
  readonly columns: readonly SystemColumn[];
  rows(catalog: Catalog, databaseOid: number): Value[][];
}

/** Shorthand column lists: 'name:type' pairs with type ∈ oid, name, text, char, bool, int2, int4, float4. */
export function columns(spec: string): SystemColumn[] {
  const types: Record<string, number> = {
    oid: OID.oid, name: OID.name, text: OID.text, char: OID.char, bool: OID.bool, int2: OID.int2, int4: OID.int4,
    float4: OID.float4, int8: OID.int8, varchar: OID.varchar,
  };
  return spec.split(/\s+/).filter((s) => s !== '').map((pair) => {
    const [name, type] = pair.split(':') as [string, string];
    const typeOid = types[type];
    if (typeOid === undefined) throw new Error(`unknown system column type ${type}`);
    return { name, typeOid };
  });
}

/** Schemas of a database as pg_namespace shows them: the real ones plus pg_catalog and information_schema. */
export function namespaces(catalog: Catalog, databaseOid: number): Array<{ oid: number; name: string; owner: number }> {
  return [
    { oid: 11, name: 'pg_catalog', owner: 10 },
    { oid: 13000, name: 'information_schema', owner: 10 },
    ...catalog.schemasOf(databaseOid).map((s) => ({ oid: s.oid, name: s.name, owner: s.ownerOid })),
  ];
}
