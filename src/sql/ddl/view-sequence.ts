/**
 * CREATE [OR REPLACE] VIEW, CREATE SEQUENCE [IF NOT EXISTS], ALTER SEQUENCE, TRUNCATE.
 * A view stores its query's parse tree and its output columns as of CREATE (as PostgreSQL fixes
 * them); OR REPLACE may only add columns at the end. TRUNCATE deletes every row of the tables
 * (referenced tables need CASCADE, which truncates the referencing ones too) and can restart
 * owned sequences.
 */
import type { AlterSeqStmt, CreateSeqStmt, Node, TruncateStmt, ViewStmt } from '../parse.js';
import type { ColumnDesc, SequenceDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { notSupported, undefinedTable } from '../bind/bind-errors.js';
import { creationSchema, lookupRelation } from '../bind/names.js';
import { bindQuery } from '../bind/bind-select.js';
import { stringList } from '../bind/ast-util.js';
import type { DdlContext } from './ddl-context.js';
import { duplicateRelation, relationNameTaken } from './ddl-names.js';
import { sequenceSettings } from './sequence-options.js';
import { deleteTableData } from './table-data.js';
import { referencingForeignKeys } from './dependencies.js';
import { randomBytes } from 'node:crypto';
import { qualifyViewQuery } from './view-query.js';

export function createView(ctx: DdlContext, s: ViewStmt): string {
  if (s.withCheckOption !== undefined && s.withCheckOption !== 'NO_CHECK_OPTION') throw notSupported('WITH CHECK OPTION');
  if (s.options !== undefined) throw notSupported('view options');
  if (s.view?.relpersistence === 't') throw notSupported('temporary views');
  const name = s.view?.relname ?? '';
  const schema = creationSchema(ctx.bind, { schema: s.view?.schemaname, name });
  const query = bindQuery(ctx.bind, s.query as Node);
  const aliases = stringList(s.aliases);
  if (aliases.length > query.columns.length) throw new SqlError(SQLSTATE.syntaxError, 'CREATE VIEW specifies more column names than columns');
  const columns: ColumnDesc[] = query.columns.map((c, i) => ({
    name: aliases[i] ?? c.name, attnum: i + 1, typeOid: c.type.oid, typmod: c.typmod, notNull: false,
    default: undefined, identity: '', dropped: false,
  }));
  const existing = ctx.catalog.relation(schema.oid, name);
  let oid: number;
  if (existing !== undefined || relationNameTaken(ctx.catalog, schema.oid, name)) {
    if (s.replace !== true || existing?.kind !== 'view') {
      if (existing !== undefined && existing.kind !== 'view' && s.replace === true) throw new SqlError('42809', `"${name}" is not a view`);
      throw duplicateRelation(name);
    }
    existing.columns.forEach((c, i) => {
      const n = columns[i];
      if (n === undefined) throw new SqlError('42P16', 'cannot drop columns from view');
      if (n.name !== c.name) throw new SqlError('42P16', `cannot change name of view column "${c.name}" to "${n.name}"`);
      if (n.typeOid !== c.typeOid) throw new SqlError('42P16', `cannot change data type of view column "${c.name}"`);
    });
    oid = existing.oid;
  } else oid = ctx.writer.allocateOid();
  const { tree, references } = qualifyViewQuery(ctx.bind, s.query as Node);
  ctx.writer.put({ kind: 'view', oid, name, schemaOid: schema.oid, ownerOid: ctx.userOid, query: { tree, text: '' }, columns, references });
  return 'CREATE VIEW';
}

export function createSequence(ctx: DdlContext, s: CreateSeqStmt): string {
  const name = s.sequence?.relname ?? '';
  if (s.sequence?.relpersistence === 't') throw notSupported('temporary sequences');
  const schema = creationSchema(ctx.bind, { schema: s.sequence?.schemaname, name });
  if (relationNameTaken(ctx.catalog, schema.oid, name)) {
    if (s.if_not_exists === true) {
      ctx.notice(`relation "${name}" already exists, skipping`);
      return 'CREATE SEQUENCE';
    }
    throw duplicateRelation(name);
  }
  const o = sequenceSettings(s.options);
  const seq: SequenceDesc = {
    kind: 'sequence', oid: ctx.writer.allocateOid(), name, schemaOid: schema.oid, ownerOid: ctx.userOid,
    typeOid: o.typeOid, start: o.start, increment: o.increment, min: o.min, max: o.max, cycle: o.cycle,
    nonce: randomBytes(8).toString('hex'), ownedBy: ownedBy(ctx, o.ownedBy),
  };
  ctx.writer.put(seq);
  return 'CREATE SEQUENCE';
}

function ownedBy(ctx: DdlContext, names: string[] | 'none' | undefined): SequenceDesc['ownedBy'] {
  if (names === undefined || names === 'none') return undefined;
  const column = names[names.length - 1] ?? '';
  const rel = lookupRelation(ctx.bind, { schema: names.length > 2 ? names[names.length - 3] : undefined, name: names[names.length - 2] ?? '' });
  if (rel?.kind !== 'table') throw new SqlError(SQLSTATE.undefinedTable, `relation "${names[names.length - 2]}" does not exist`);
  const col = rel.columns.find((c) => !c.dropped && c.name === column);
  if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${column}" of relation "${rel.name}" does not exist`);
  return { tableOid: rel.oid, attnum: col.attnum };
}

export function alterSequence(ctx: DdlContext, s: AlterSeqStmt): string {
  const rv = s.sequence ?? {};
  const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
  if (rel === undefined || rel.kind !== 'sequence') {
    if (rel === undefined && s.missing_ok === true) {
      ctx.notice(`relation "${rv.relname}" does not exist, skipping`);
      return 'ALTER SEQUENCE';
    }
    if (rel !== undefined) throw new SqlError('42809', `"${rel.name}" is not a sequence`);
    throw undefinedTable(rv.relname ?? '', rv.location);
  }
  const o = sequenceSettings(s.options, rel);
  const updated: SequenceDesc = { ...rel, typeOid: o.typeOid, start: o.start, increment: o.increment, min: o.min, max: o.max, cycle: o.cycle, ownedBy: o.ownedBy === undefined ? rel.ownedBy : ownedBy(ctx, o.ownedBy) };
  ctx.writer.put(updated);
  if (o.restart !== undefined) ctx.sequences.setval(updated, o.restart === true ? updated.start : o.restart, false);
  return 'ALTER SEQUENCE';
}

export function truncate(ctx: DdlContext, s: TruncateStmt): string {
  const tables: TableDesc[] = [];
  for (const n of s.relations ?? []) {
    const rv = (n as { RangeVar: { relname?: string; schemaname?: string; location?: number } }).RangeVar;
    const rel = lookupRelation(ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
    if (rel === undefined) throw undefinedTable(rv.relname ?? '', rv.location);
    if (rel.kind !== 'table') throw new SqlError('42809', `"${rel.name}" is not a table`);
    tables.push(rel);
  }
  const cascade = s.behavior === 'DROP_CASCADE';
  for (let i = 0; i < tables.length; i++) {
    for (const fk of referencingForeignKeys(ctx.catalog, tables[i] as TableDesc)) {
      if (tables.some((t) => t.oid === fk.table.oid)) continue;
      if (!cascade) {
        throw new SqlError(SQLSTATE.featureNotSupported, 'cannot truncate a table referenced in a foreign key constraint', {
          detail: `Table "${fk.table.name}" references "${(tables[i] as TableDesc).name}".`,
          hint: `Truncate table "${fk.table.name}" at the same time, or use TRUNCATE ... CASCADE.`,
        });
      }
      ctx.notice(`truncate cascades to table "${fk.table.name}"`);
      tables.push(fk.table);
    }
  }
  for (const t of tables) {
    deleteTableData(ctx.txn, t);
    if (s.restart_seqs !== true) continue;
    for (const d of ctx.catalog.all()) {
      if (d.kind === 'sequence' && d.ownedBy?.tableOid === t.oid) ctx.sequences.setval(d, d.start, false);
    }
  }
  return 'TRUNCATE TABLE';
}
