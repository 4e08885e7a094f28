/** information_schema.schemata, tables and columns (the subset ORMs list tables and columns with). */
import type { Catalog } from '../catalog.js';
import type { Value } from '../types/sql-type.js';
import { allTypes, formatType } from '../types/type-registry.js';
import { columns, namespaces, type SystemTable } from './system-table.js';

function databaseName(catalog: Catalog, db: number): string {
  return catalog.databases().find((d) => d.oid === db)?.name ?? '';
}

export const INFO_SCHEMATA: SystemTable = {
  schema: 'information_schema',
  name: 'schemata',
  oid: 0,
  columns: columns('catalog_name:name schema_name:name schema_owner:name default_character_set_catalog:name default_character_set_schema:name default_character_set_name:name sql_path:varchar'),
  rows: (catalog, db) =>
    namespaces(catalog, db).map((n) => [databaseName(catalog, db), n.name, catalog.roles().find((r) => r.oid === n.owner)?.name ?? null, null, null, null, null]),
};

export const INFO_TABLES: SystemTable = {
  schema: 'information_schema',
  name: 'tables',
  oid: 0,
  columns: columns(
    'table_catalog:name table_schema:name table_name:name table_type:varchar self_referencing_column_name:name reference_generation:varchar ' +
      'user_defined_type_catalog:name user_defined_type_schema:name user_defined_type_name:name is_insertable_into:varchar is_typed:varchar commit_action:varchar',
  ),
  rows: (catalog, db): Value[][] =>
    catalog.schemasOf(db).flatMap((s) =>
      catalog
        .relationsIn(s.oid)
        .filter((r) => r.kind !== 'sequence')
        .map((r) => [databaseName(catalog, db), s.name, r.name, r.kind === 'view' ? 'VIEW' : 'BASE TABLE', null, null, null, null, null, r.kind === 'view' ? 'NO' : 'YES', 'NO', null]),
    ),
};

export const INFO_COLUMNS: SystemTable = {
  schema: 'information_schema',
  name: 'columns',
  oid: 0,
  columns: columns('table_catalog:name table_schema:name table_name:name column_name:name ordinal_position:int4 column_default:varchar is_nullable:varchar data_type:varchar udt_name:name'),
  rows: (catalog, db): Value[][] => {
    const out: Value[][] = [];
    for (const s of catalog.schemasOf(db)) {
      for (const r of catalog.relationsIn(s.oid)) {
        if (r.kind === 'sequence') continue;
        let position = 0;
        for (const c of r.columns) {
          if (c.dropped) continue;
          position++;
          const dataType = formatType(c.typeOid, -1);
          const udt = dataType.endsWith('[]') ? 'ARRAY' : dataType;
          out.push([databaseName(catalog, db), s.name, r.name, c.name, position, c.default?.text || null, c.notNull ? 'NO' : 'YES', udt, typeName(c.typeOid)]);
        }
      }
    }
    return out;
  },
};

function typeName(oid: number): string {
  return formatType(oid, -1) === '???' ? '' : (allNames.get(oid) ?? '');
}

const allNames = new Map(allTypes().map((t) => [t.oid, t.name]));
