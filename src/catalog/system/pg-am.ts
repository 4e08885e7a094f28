/** pg_catalog.pg_am: the access methods stratadb's relations report (heap tables, btree indexes). */
import { columns, type SystemTable } from './system-table.js';

export const PG_AM: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_am',
  oid: 2601,
  columns: columns('oid:oid amname:name amhandler:oid amtype:char'),
  rows: () => [
    [2, 'heap', 3, 't'],
    [403, 'btree', 330, 'i'],
  ],
};
