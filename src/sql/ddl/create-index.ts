/**
 * CREATE [UNIQUE] INDEX [CONCURRENTLY] [IF NOT EXISTS] [name] ON table (col [ASC|DESC]
 * [NULLS FIRST|LAST], …): btree over plain columns, built from the existing rows in the same
 * transaction. Expression indexes, partial indexes, INCLUDE and other access methods are 0A000.
 */
import type { IndexElem, IndexStmt } from '../parse.js';
import type { IndexColumn, TableDesc } from '../../catalog/descriptors.js';
import { isKeyEncodable } from '../../catalog/encoding/key-encoding.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { lookupRelation } from '../bind/names.js';
import { typeOfOid } from '../bind/resolve.js';
import { INDEX_NO_MAX } from '../../catalog/catalog-keys.js';
import type { DdlContext } from './ddl-context.js';
import { chooseName, duplicateRelation, relationNameTaken } from './ddl-names.js';
import { buildIndex } from './table-data.js';
import { valueFormatter } from './ddl-format.js';

export function createIndex(ctx: DdlContext, s: IndexStmt): string {
  if (s.whereClause !== undefined) throw notSupported('partial indexes');
  if (s.indexIncludingParams !== undefined) throw notSupported('INCLUDE in indexes');
  if (s.accessMethod !== undefined && s.accessMethod !== 'btree') throw notSupported(`index access method "${s.accessMethod}"`);
  if (s.options !== undefined) throw notSupported('index storage parameters');
  if (s.nulls_not_distinct === true) throw notSupported('NULLS NOT DISTINCT');
  const rv = s.relation ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  if (rel === undefined) throw undefinedTable(rv.relname ?? '', rv.location);
  if (rel.kind !== 'table') throw new SqlError('42809', `"${rel.name}" is not a table`);
  const table: TableDesc = rel;
  const columns = (s.indexParams ?? []).map((n) => indexColumn(table, (n as { IndexElem: IndexElem }).IndexElem));
  const names = (s.indexParams ?? []).map((n) => (n as { IndexElem: IndexElem }).IndexElem.name ?? '');
  let name = s.idxname;
  if (name !== undefined && relationNameTaken(ctx.catalog, table.schemaOid, name)) {
    if (s.if_not_exists === true) {
      ctx.notice(`relation "${name}" already exists, skipping`);
      return 'CREATE INDEX';
    }
    throw duplicateRelation(name);
  }
  name ??= chooseName(ctx.catalog, table.schemaOid, [table.name, ...names], 'idx', new Set());
  if (table.nextIndexNo > INDEX_NO_MAX) throw new SqlError(SQLSTATE.programLimitExceeded, `tables can have at most ${INDEX_NO_MAX - 1} indexes`);
  const index = { oid: ctx.writer.allocateOid(), name, indexNo: table.nextIndexNo, columns, unique: s.unique === true, primary: false };
  const updated: TableDesc = { ...table, indexes: [...table.indexes, index], nextIndexNo: table.nextIndexNo + 1 };
  buildIndex(ctx.txn, updated, index, valueFormatter(updated, ctx));
  ctx.writer.put(updated);
  return 'CREATE INDEX';
}

function indexColumn(table: TableDesc, e: IndexElem): IndexColumn {
  if (e.expr !== undefined || e.name === undefined) throw notSupported('expression indexes');
  if (e.collation !== undefined || e.opclass !== undefined) throw notSupported('index collations and operator classes');
  const col = table.columns.find((c) => !c.dropped && c.name === e.name);
  if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${e.name}" does not exist`);
  const type = typeOfOid(col.typeOid);
  if (!isKeyEncodable(type)) {
    throw new SqlError(SQLSTATE.undefinedObject, `data type ${type.sqlName} has no default operator class for access method "btree"`);
  }
  const descending = e.ordering === 'SORTBY_DESC';
  const nullsFirst = e.nulls_ordering === 'SORTBY_NULLS_FIRST' ? true : e.nulls_ordering === 'SORTBY_NULLS_LAST' ? false : descending;
  return { attnum: col.attnum, descending, nullsFirst };
}
