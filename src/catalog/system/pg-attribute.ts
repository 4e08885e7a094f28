/** pg_catalog.pg_attribute: columns of tables and views (user columns, attnum ≥ 1). */
import type { Catalog } from '../catalog.js';
import type { TableDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import { typeByOid } from '../types/type-registry.js';
import { typeCollationOid } from '../types/pg-type-info.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const COLUMNS = typedColumns(
  'attrelid:oid attname:name atttypid:oid attlen:int2 attnum:int2 atttypmod:int4 attndims:int2 attnotnull:bool ' +
    'atthasdef:bool atthasmissing:bool attidentity:char attgenerated:char attisdropped:bool attislocal:bool ' +
    'attinhcount:int2 attcollation:oid attstattarget:int2 attstorage:char attcompression:char attalign:char attbyval:bool attacl:text[] attoptions:text[] attfdwoptions:text[] attmissingval:text',
);

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const rel of catalog.relationsIn(schema.oid)) {
      if (rel.kind === 'sequence') continue;
      for (const c of rel.columns) {
        const type = typeByOid(c.typeOid);
        const collation = type === undefined ? 0 : typeCollationOid(type);
        out.push([
          rel.oid, c.name, c.dropped ? 0 : c.typeOid, type?.typlen ?? -1, c.attnum, c.typmod, type?.element === undefined ? 0 : 1,
          c.notNull, c.default !== undefined, false, c.identity, '', c.dropped, true, 0, collation, -1,
          storage(c.typeOid, type?.typlen ?? -1), '', 'i', type !== undefined && type.typlen > 0 && type.typlen <= 8, null, null, null, null,
        ]);
      }
      if (rel.kind === 'table') indexRows(rel, out);
    }
  }
  return out;
}

/** An index's columns (attnum = key position), as PostgreSQL lists them under the index's oid. */
function indexRows(table: TableDesc, out: Value[][]): void {
  for (const index of table.hiddenRowId ? table.indexes : [table.primary, ...table.indexes]) {
    index.columns.forEach((key, position) => {
      const c = table.columns[key.attnum - 1];
      if (c === undefined) return;
      const type = typeByOid(c.typeOid);
      const collation = type === undefined ? 0 : typeCollationOid(type);
      out.push([
        index.oid, c.name, c.typeOid, type?.typlen ?? -1, position + 1, c.typmod, type?.element === undefined ? 0 : 1,
        false, false, false, '', '', false, true, 0, collation, -1,
        storage(c.typeOid, type?.typlen ?? -1), '', 'i', type !== undefined && type.typlen > 0 && type.typlen <= 8, null, null, null, null,
      ]);
    });
  }
}

/** attstorage: PostgreSQL's default for the type — 'p' (plain) for fixed-width, 'x' (extended) for varlena, 'm' (main) for numeric. */
function storage(typeOid: number, typlen: number): string {
  if (typeOid === 1700) return 'm';
  return typlen === -1 ? 'x' : 'p';
}

export const PG_ATTRIBUTE: SystemTable = { schema: 'pg_catalog', name: 'pg_attribute', oid: 1249, columns: COLUMNS, rows };
