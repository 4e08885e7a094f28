/**
 * CREATE TABLE … AS query [WITH [NO] DATA] and SELECT … INTO: a table whose columns are the
 * query's output columns (names, types, typmods; no constraints, hidden row id), filled with the
 * query's rows in the same transaction. The command tag is "SELECT n", as in PostgreSQL.
 */
import type { IntoClause, Node } from '../parse.js';
import type { ColumnDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { stringList } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import { creationSchema } from '../bind/names.js';
import { bindQuery } from '../bind/bind-select.js';
import { planPhysical } from '../plan/planner.js';
import { TableWriter } from '../exec/table-writer.js';
import { materialize } from '../exec/nested-loop-join.js';
import type { DdlContext } from './ddl-context.js';
import { duplicateRelation, relationNameTaken } from './ddl-names.js';

export function createTableAs(ctx: DdlContext, into: IntoClause, query: Node, ifNotExists: boolean): string {
  if (into.options !== undefined || into.tableSpaceName !== undefined || into.accessMethod !== undefined) throw notSupported('CREATE TABLE AS options');
  if (into.rel?.relpersistence === 't') throw notSupported('temporary tables');
  const name = into.rel?.relname ?? '';
  const schema = creationSchema(ctx.bind, { schema: into.rel?.schemaname, name });
  if (relationNameTaken(ctx.catalog, schema.oid, name)) {
    if (ifNotExists) {
      ctx.notice(`relation "${name}" already exists, skipping`);
      return 'CREATE TABLE AS';
    }
    throw duplicateRelation(name);
  }
  const bound = bindQuery(ctx.bind, query);
  const names = stringList(into.colNames);
  if (names.length > bound.columns.length) throw new SqlError(SQLSTATE.syntaxError, 'too many column names were specified');
  const columns: ColumnDesc[] = bound.columns.map((c, i) => ({
    name: names[i] ?? c.name, attnum: i + 1, typeOid: c.type.oid === 705 ? 25 : c.type.oid, typmod: c.typmod,
    notNull: false, default: undefined, identity: '', dropped: false,
  }));
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new SqlError(SQLSTATE.duplicateColumn, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  const table: TableDesc = {
    kind: 'table', oid: ctx.writer.allocateOid(), name, schemaOid: schema.oid, ownerOid: ctx.userOid, columns,
    primary: { oid: 0, name: '', indexNo: 1, columns: [], unique: true, primary: true }, indexes: [], constraints: [],
    hiddenRowId: true, nextIndexNo: 2,
  };
  ctx.writer.put(table);
  if (into.skipData === true) return 'CREATE TABLE AS';
  const exec = ctx.rowIds.execContext(ctx);
  const writer = new TableWriter(table, ctx.catalog, []);
  const rows = materialize(planPhysical(bound.plan), exec);
  for (const row of rows) {
    const values = row.slice(0, columns.length);
    writer.insert(values, writer.newRowKey(values, exec), exec);
  }
  return `SELECT ${rows.length}`;
}
