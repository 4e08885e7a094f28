/**
 * information_schema.columns with PostgreSQL 15's 44 columns in its order (ORMs select * from
 * it): type facts (lengths, precisions, scales) derived from the type and typmod as PostgreSQL's
 * _pg_char_max_length / _pg_numeric_precision / _pg_datetime_precision do.
 *
 * - ordinal_position is the column's attnum (gaps after DROP COLUMN, as in PostgreSQL).
 * - column_default is the catalog's display text of the default (NULL when it has none).
 * - Views are reported not updatable (stratadb does not write through views).
 */
import type { Catalog } from '../catalog.js';
import type { ColumnDesc, RelationDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import { OID } from '../types/oids.js';
import { formatType, typeByOid } from '../types/type-registry.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const COLUMNS = typedColumns(
  'table_catalog:name table_schema:name table_name:name column_name:name ordinal_position:int4 column_default:varchar ' +
    'is_nullable:varchar data_type:varchar character_maximum_length:int4 character_octet_length:int4 numeric_precision:int4 ' +
    'numeric_precision_radix:int4 numeric_scale:int4 datetime_precision:int4 interval_type:varchar interval_precision:int4 ' +
    'character_set_catalog:name character_set_schema:name character_set_name:name collation_catalog:name collation_schema:name ' +
    'collation_name:name domain_catalog:name domain_schema:name domain_name:name udt_catalog:name udt_schema:name udt_name:name ' +
    'scope_catalog:name scope_schema:name scope_name:name maximum_cardinality:int4 dtd_identifier:name is_self_referencing:varchar ' +
    'is_identity:varchar identity_generation:varchar identity_start:varchar identity_increment:varchar identity_maximum:varchar ' +
    'identity_minimum:varchar identity_cycle:varchar is_generated:varchar generation_expression:varchar is_updatable:varchar',
);

const CHAR_TYPES: readonly number[] = [OID.varchar, OID.bpchar];
const DATETIME_TYPES: readonly number[] = [OID.timestamp, OID.timestamptz, OID.time, 1266, OID.interval];
const BINARY_PRECISION: ReadonlyMap<number, number> = new Map([[OID.int2, 16], [OID.int4, 32], [OID.int8, 64], [OID.float4, 24], [OID.float8, 53]]);

/** [character_maximum_length, character_octet_length, numeric_precision, radix, numeric_scale, datetime_precision]. */
export function typeFacts(typeOid: number, typmod: number): Value[] {
  if (CHAR_TYPES.includes(typeOid)) {
    return typmod >= 4 ? [typmod - 4, (typmod - 4) * 4, null, null, null, null] : [null, 1073741824, null, null, null, null];
  }
  if (typeOid === OID.text) return [null, 1073741824, null, null, null, null];
  const bits = BINARY_PRECISION.get(typeOid);
  if (bits !== undefined) return [null, null, bits, 2, typeOid === OID.float4 || typeOid === OID.float8 ? null : 0, null];
  if (typeOid === OID.numeric) {
    return typmod >= 4 ? [null, null, ((typmod - 4) >> 16) & 0xffff, 10, (typmod - 4) & 0xffff, null] : [null, null, null, 10, null, null];
  }
  if (typeOid === OID.date) return [null, null, null, null, null, 0];
  if (DATETIME_TYPES.includes(typeOid)) return [null, null, null, null, null, typmod >= 0 ? typmod : 6];
  return [null, null, null, null, null, null];
}

function dataType(typeOid: number): string {
  const type = typeByOid(typeOid);
  if (type?.element !== undefined) return 'ARRAY';
  return formatType(typeOid, -1);
}

function identityFacts(catalog: Catalog, rel: RelationDesc, c: ColumnDesc): Value[] {
  if (c.identity === '') return ['NO', null, null, null, null, null, 'NO'];
  const seq = catalog.relationsIn(rel.schemaOid).find((r) => r.kind === 'sequence' && r.ownedBy?.tableOid === rel.oid && r.ownedBy.attnum === c.attnum);
  const s = seq?.kind === 'sequence' ? seq : undefined;
  return [
    'YES', c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT', s?.start.toString() ?? null, s?.increment.toString() ?? null,
    s?.max.toString() ?? null, s?.min.toString() ?? null, s === undefined ? null : s.cycle ? 'YES' : 'NO',
  ];
}

function columnRow(catalog: Catalog, dbName: string, schema: string, rel: RelationDesc, c: ColumnDesc): Value[] {
  const type = typeByOid(c.typeOid);
  const udt = type?.name ?? '';
  const identity = identityFacts(catalog, rel, c);
  const fromDefault = c.default === undefined || c.default.text === '' ? null : c.default.text;
  return [
    dbName, schema, rel.name, c.name, c.attnum, fromDefault, c.notNull ? 'NO' : 'YES', dataType(c.typeOid),
    ...typeFacts(c.typeOid, c.typmod), null, null, null, null, null, null, null, null,
    null, null, null, dbName, 'pg_catalog', udt, null, null, null, null, String(c.attnum), 'NO',
    ...identity, 'NEVER', null, rel.kind === 'table' ? 'YES' : 'NO',
  ];
}

function rows(catalog: Catalog, db: number): Value[][] {
  const dbName = catalog.databases().find((d) => d.oid === db)?.name ?? '';
  const out: Value[][] = [];
  for (const s of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(s.oid)) {
      if (r.kind === 'sequence') continue;
      for (const c of r.columns) if (!c.dropped) out.push(columnRow(catalog, dbName, s.name, r, c));
    }
  }
  return out;
}

export const INFO_COLUMNS_FULL: SystemTable = { schema: 'information_schema', name: 'columns', oid: 0, columns: COLUMNS, rows };
