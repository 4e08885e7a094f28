/**
 * Object naming for DDL: PostgreSQL's generated names for constraints, indexes and owned
 * sequences (table_col_key, table_pkey, table_col_seq, …, with a number appended on collision,
 * truncated to 63 bytes), and the "already exists" checks over the relation namespace (tables,
 * views, sequences and indexes share it).
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';

export const NAME_BYTES_MAX = 63;

export function truncateName(name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length <= NAME_BYTES_MAX) return name;
  let end = NAME_BYTES_MAX;
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** Whether a relation or index named `name` exists in the schema (or among `extra` names). */
export function relationNameTaken(catalog: Catalog, schemaOid: number, name: string, extra: ReadonlySet<string> = new Set()): boolean {
  return extra.has(name) || catalog.relation(schemaOid, name) !== undefined || catalog.indexByName(schemaOid, name) !== undefined;
}

/** PostgreSQL's ChooseRelationName: base_suffix, then base_suffix1, 2, … until unused. */
export function chooseName(catalog: Catalog, schemaOid: number, parts: readonly string[], suffix: string, taken: Set<string>): string {
  const base = parts.join('_');
  for (let n = 0; ; n++) {
    const tail = n === 0 ? `_${suffix}` : `_${suffix}${n}`;
    const room = NAME_BYTES_MAX - Buffer.byteLength(tail);
    const name = truncateName(base).length > room ? truncateTo(base, room) + tail : base + tail;
    if (!relationNameTaken(catalog, schemaOid, name, taken)) {
      taken.add(name);
      return name;
    }
  }
}

function truncateTo(name: string, bytesMax: number): string {
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch) > bytesMax) break;
    out += ch;
  }
  return out;
}

export function duplicateRelation(name: string): SqlError {
  return new SqlError(SQLSTATE.duplicateTable, `relation "${name}" already exists`);
}

/** Every constraint name of the table (constraint names are unique per table). */
export function constraintNames(table: TableDesc): Set<string> {
  return new Set(table.constraints.map((c) => c.name));
}
