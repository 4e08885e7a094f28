/**
 * pg_catalog.pg_am: PostgreSQL 15's access methods (oids, names, handler routines, types), so that
 * joins from pg_class.relam / pg_opclass.opcmethod and psql's \dA read as in PostgreSQL.
 * - stratadb itself builds only heap tables and btree indexes; the other methods are listed as
 *   PostgreSQL lists them (CREATE INDEX … USING them is rejected by the SQL layer).
 * - amhandler is a regproc; the handler routines are not in pg_proc, so their names are exported
 *   here for regproc output (accessMethodHandlerName).
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

/** [oid, amname, amhandler oid, handler name, amtype] */
const METHODS: ReadonlyArray<readonly [number, string, number, string, string]> = [
  [2, 'heap', 3, 'heap_tableam_handler', 't'],
  [403, 'btree', 330, 'bthandler', 'i'],
  [405, 'hash', 331, 'hashhandler', 'i'],
  [783, 'gist', 332, 'gisthandler', 'i'],
  [2742, 'gin', 333, 'ginhandler', 'i'],
  [3580, 'brin', 335, 'brinhandler', 'i'],
  [4000, 'spgist', 334, 'spghandler', 'i'],
];

const HANDLER_NAMES = new Map(METHODS.map(([, , handler, name]) => [handler, name]));

/** The name of an access method's handler routine by its pg_proc oid, or undefined. */
export function accessMethodHandlerName(oid: number): string | undefined {
  return HANDLER_NAMES.get(oid);
}

export const PG_AM: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_am',
  oid: 2601,
  columns: typedColumns('oid:oid amname:name amhandler:regproc amtype:char'),
  rows: (): Value[][] => METHODS.map(([oid, name, handler, , type]) => [oid, name, handler, type]),
};
