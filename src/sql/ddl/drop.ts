/**
 * DROP TABLE / VIEW / SEQUENCE / INDEX / SCHEMA [IF EXISTS] … [CASCADE | RESTRICT]: removes the
 * descriptors and the stored data in the statement's transaction. Without CASCADE, dependent
 * objects make it fail with 2BP01 (PostgreSQL's message, detail and hint); with CASCADE they are
 * dropped too, with a NOTICE per object.
 */
import type { DropStmt, Node } from '../parse.js';
import type { RelationDesc, SchemaDesc, TableDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { stringList } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import { lookupRelation, schemaByName } from '../bind/names.js';
import type { DdlContext } from './ddl-context.js';
import { dependentViews, referencingForeignKeys } from './dependencies.js';
import { deleteIndexData, deleteTableData } from './table-data.js';

const KIND_WORD: Record<string, string> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_SEQUENCE: 'sequence', OBJECT_INDEX: 'index' };
const DESC_KIND: Record<string, RelationDesc['kind']> = { OBJECT_TABLE: 'table', OBJECT_VIEW: 'view', OBJECT_SEQUENCE: 'sequence' };

export function drop(ctx: DdlContext, s: DropStmt): string {
  const type = s.removeType ?? '';
  const cascade = s.behavior === 'DROP_CASCADE';
  if (s.concurrent === true && type !== 'OBJECT_INDEX') throw notSupported('DROP … CONCURRENTLY');
  const word = KIND_WORD[type];
  if (type === 'OBJECT_SCHEMA') {
    for (const n of s.objects ?? []) dropSchema(ctx, (n as { String: { sval?: string } }).String.sval ?? '', cascade, s.missing_ok === true);
    return 'DROP SCHEMA';
  }
  if (word === undefined) throw notSupported(`DROP ${type.replace('OBJECT_', '')}`);
  const dropper = new Dropper(ctx, cascade);
  for (const n of s.objects ?? []) {
    const parts = stringList((n as { List: { items?: Node[] } }).List?.items);
    const name = parts[parts.length - 1] ?? '';
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    const shown = parts.join('.');
    if (type === 'OBJECT_INDEX') {
      dropper.dropIndexByName(schema, name, shown, s.missing_ok === true);
      continue;
    }
    const rel = lookupRelation(ctx.bind, { schema, name });
    if (rel === undefined || rel.kind !== DESC_KIND[type]) {
      if (rel !== undefined) {
        throw new SqlError('42809', `"${name}" is not a ${word}`, { hint: `Use DROP ${rel.kind.toUpperCase()} to remove a ${rel.kind}.` });
      }
      if (s.missing_ok === true) {
        ctx.notice(`${word} "${shown}" does not exist, skipping`);
        continue;
      }
      throw new SqlError(SQLSTATE.undefinedTable, `${word} "${shown}" does not exist`);
    }
    dropper.dropRelation(rel, true);
  }
  return `DROP ${word.toUpperCase()}`;
}

class Dropper {
  private readonly dropped = new Set<number>();
  constructor(
    private readonly ctx: DdlContext,
    private readonly cascade: boolean,
  ) {}

  private dependency(what: string, on: string): void {
    if (!this.cascade) {
      throw new SqlError(SQLSTATE.dependentObjectsStillExist, `cannot drop ${on} because other objects depend on it`, {
        detail: `${what} depends on ${on}`,
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    this.ctx.notice(`drop cascades to ${what}`);
  }

  dropRelation(rel: RelationDesc, direct: boolean): void {
    if (this.dropped.has(rel.oid)) return;
    this.dropped.add(rel.oid);
    const label = `${rel.kind} ${rel.name}`;
    for (const v of dependentViews(this.ctx.catalog, rel)) {
      if (this.dropped.has(v.oid)) continue;
      this.dependency(`view ${v.name}`, label);
      this.dropRelation(v, false);
    }
    if (rel.kind === 'table') this.dropTableParts(rel, label);
    if (rel.kind === 'sequence' && rel.ownedBy !== undefined && direct && !this.dropped.has(rel.ownedBy.tableOid)) {
      const table = this.ctx.catalog.table(rel.ownedBy.tableOid);
      const col = table?.columns.find((c) => c.attnum === rel.ownedBy?.attnum);
      if (table !== undefined && col !== undefined && col.default !== undefined) {
        this.dependency(`default value for column ${col.name} of table ${table.name}`, label);
        this.ctx.writer.put({ ...table, columns: table.columns.map((c) => (c === col ? { ...c, default: undefined } : c)) });
      }
    }
    this.ctx.writer.remove(rel.oid);
  }

  private dropTableParts(table: TableDesc, label: string): void {
    for (const fk of referencingForeignKeys(this.ctx.catalog, table)) {
      if (this.dropped.has(fk.table.oid)) continue;
      this.dependency(`constraint ${fk.constraint.name} on table ${fk.table.name}`, label);
      const current = (this.ctx.catalog.table(fk.table.oid) ?? fk.table) as TableDesc;
      this.ctx.writer.put({ ...current, constraints: current.constraints.filter((c) => c.oid !== fk.constraint.oid) });
    }
    for (const d of this.ctx.catalog.all()) {
      if (d.kind === 'sequence' && d.ownedBy?.tableOid === table.oid) {
        this.dropped.add(d.oid);
        this.ctx.writer.remove(d.oid);
      }
    }
    deleteTableData(this.ctx.txn, table);
  }

  dropIndexByName(schema: string | undefined, name: string, shown: string, missingOk: boolean): void {
    const schemas = schema !== undefined ? [schema] : this.ctx.bind.searchPath;
    for (const s of schemas) {
      const sch = schemaByName(this.ctx.bind, s);
      if (sch === undefined) continue;
      const found = this.ctx.catalog.indexByName(sch.oid, name);
      if (found === undefined) continue;
      const table = found.table;
      const owner = table.constraints.find((c) => c.indexOid === found.indexOid);
      if (owner !== undefined) {
        throw new SqlError(SQLSTATE.dependentObjectsStillExist, `cannot drop index ${name} because constraint ${owner.name} on table ${table.name} requires it`, {
          hint: `You can drop constraint ${owner.name} on table ${table.name} instead.`,
        });
      }
      const index = table.indexes.find((i) => i.oid === found.indexOid);
      if (index !== undefined) deleteIndexData(this.ctx.txn, table, index);
      this.ctx.writer.put({ ...table, indexes: table.indexes.filter((i) => i.oid !== found.indexOid) });
      return;
    }
    if (missingOk) {
      this.ctx.notice(`index "${shown}" does not exist, skipping`);
      return;
    }
    throw new SqlError(SQLSTATE.undefinedObject, `index "${shown}" does not exist`);
  }

  dropSchemaContents(schema: SchemaDesc): void {
    for (const rel of this.ctx.catalog.relationsIn(schema.oid)) {
      this.dependency(`${rel.kind} ${rel.name}`, `schema ${schema.name}`);
      this.dropRelation(rel, false);
    }
  }
}

function dropSchema(ctx: DdlContext, name: string, cascade: boolean, missingOk: boolean): void {
  const schema = schemaByName(ctx.bind, name);
  if (schema === undefined) {
    if (missingOk) {
      ctx.notice(`schema "${name}" does not exist, skipping`);
      return;
    }
    throw new SqlError(SQLSTATE.invalidSchemaName, `schema "${name}" does not exist`);
  }
  new Dropper(ctx, cascade).dropSchemaContents(schema);
  ctx.writer.remove(schema.oid);
}
