/**
 * The CONTEXT line PostgreSQL 15 adds to an error raised while a referential action writes a row:
 * `SQL statement "…"` with the query its RI trigger runs (ri_triggers.c), character for character:
 * `DELETE FROM ONLY "schema"."table" WHERE $1 OPERATOR(pg_catalog.=) "col"` for CASCADE on delete,
 * `UPDATE ONLY … SET "col" = $1 WHERE $2 …` for CASCADE on update, `SET "col" = NULL` / `DEFAULT`.
 *
 * - Names are always quoted (quoteOneName); keys of several columns are joined with AND.
 * - An error that already has a CONTEXT keeps it (the innermost statement is the one to show).
 */
import type { ConstraintDesc, ForeignKeyRef, TableDesc } from '../../catalog/descriptors.js';
import type { SqlType } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { TableCodec } from '../../catalog/table-codec.js';
import { SqlError } from '../../util/index.js';
import type { ExecContext } from './exec-context.js';
import { slotOf } from './fk-lookup.js';

/** Runs `write`; an error it raises gets `context()` as its CONTEXT (the error's `where`), as PostgreSQL's SPI does. */
export function withContext(write: () => void, context: () => string): void {
  try {
    write();
  } catch (error) {
    if (error instanceof SqlError && (error as { where?: string }).where === undefined) {
      Object.defineProperty(error, 'where', { value: `SQL statement "${context()}"`, enumerable: true });
    }
    throw error;
  }
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function relationText(child: TableDesc, ctx: ExecContext): string {
  const schema = ctx.catalog.descriptor(child.schemaOid);
  return `${quoteName(schema?.name ?? '?')}.${quoteName(child.name)}`;
}

function columnText(child: TableDesc, attnum: number): string {
  return quoteName(child.columns[slotOf(child, attnum)]?.name ?? '?');
}

/**
 * The RI query's WHERE clause (ri_GenerateQual): `$n OPERATOR(pg_catalog.=) "col"`, each side cast
 * to its equality operator's input type where it differs — varchar compares with text's `=`.
 */
function whereText(parent: TableDesc, child: TableDesc, fk: ConstraintDesc, firstParam: number): string {
  const parentTypes = TableCodec.of(parent).types;
  const childTypes = TableCodec.of(child).types;
  const refs = (fk.references as ForeignKeyRef).attnums;
  return fk.attnums.map((a, i) => {
    const left = castText(parentTypes[slotOf(parent, refs[i] as number)]);
    const right = castText(childTypes[slotOf(child, a)]);
    return `$${firstParam + i}${left} OPERATOR(pg_catalog.=) ${columnText(child, a)}${right}`;
  }).join(' AND ');
}

function castText(type: SqlType | undefined): string {
  return type?.oid === OID.varchar ? '::pg_catalog.text' : '';
}

/** The statement ri_triggers.c runs for ON DELETE CASCADE. */
export function deleteText(parent: TableDesc, child: TableDesc, fk: ConstraintDesc, ctx: ExecContext): string {
  return `DELETE FROM ONLY ${relationText(child, ctx)} WHERE ${whereText(parent, child, fk, 1)}`;
}

/** The statement ri_triggers.c runs for ON UPDATE CASCADE and SET NULL / SET DEFAULT. */
export function updateText(parent: TableDesc, child: TableDesc, fk: ConstraintDesc, setAttnums: readonly number[], action: string, ctx: ExecContext): string {
  const cascade = action === 'c';
  const set = setAttnums.map((a, i) => `${columnText(child, a)} = ${cascade ? `$${i + 1}` : action === 'n' ? 'NULL' : 'DEFAULT'}`).join(', ');
  return `UPDATE ONLY ${relationText(child, ctx)} SET ${set} WHERE ${whereText(parent, child, fk, cascade ? fk.attnums.length + 1 : 1)}`;
}
