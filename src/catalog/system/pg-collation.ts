/** pg_catalog.pg_collation: the collations PostgreSQL always has (stratadb compares text in "C" order). */
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

export const PG_COLLATION: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_collation',
  oid: 3456,
  columns: typedColumns(
    'oid:oid collname:name collnamespace:oid collowner:oid collprovider:char collisdeterministic:bool collencoding:int4 collcollate:text collctype:text ' +
      'colliculocale:text collversion:text',
  ),
  rows: () => [
    [100, 'default', 11, 10, 'd', true, -1, null, null, null, null],
    [950, 'C', 11, 10, 'c', true, -1, 'C', 'C', null, null],
    [951, 'POSIX', 11, 10, 'c', true, -1, 'POSIX', 'POSIX', null, null],
  ],
};
