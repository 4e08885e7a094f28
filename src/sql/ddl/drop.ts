/**
 * DROP TABLE / VIEW / SEQUENCE / INDEX / SCHEMA [IF EXISTS] … [CASCADE | RESTRICT]: removes the
 * descriptors and the stored data in the statement's transaction. Without CASCADE, dependent
 * objects make it fail with 2BP01 (PostgreSQL's message, detail and hint); with CASCADE they are
 * dropped too, named in one NOTICE (Dropper).
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
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

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
  const dropper = new Dropper(ctx);
  const targets: RelationDesc[] = [];
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
    targets.push(rel);
  }
  if (targets.length > 0) dropper.dropRelations(targets, cascade);
  return `DROP ${word.toUpperCase()}`;
}

/** An object a DROP removes besides its targets: PostgreSQL's description, what it depends on, how it goes. */
interface Dependent {
  readonly what: string;
  readonly on: string;
  readonly remove: () => void;
}

/** Past this many, a NOTICE or 2BP01 lists only the first ones (PostgreSQL's MAX_REPORTED_DEPS). */
const REPORTED_DEPENDENTS_MAX = 100;

/**
 * Drops relations with what depends on them, as PostgreSQL's performMultipleDeletions: first the
 * dependents are found (views reading a dropped relation, foreign keys of other tables referencing
 * a dropped table, column defaults using a dropped sequence; depth first, oldest first), then
 * without CASCADE the first target's 2BP01 lists them all, with CASCADE one NOTICE does
 * ("drop cascades to …", or "… N other objects" with the list as its detail), then all go.
 * Names are schema-qualified where the search path does not reach them, as getObjectDescription's.
 */
class Dropper {
  /** Relations the statement drops (targets and dependents found so far). */
  private readonly dropping = new Set<number>();
  private readonly dependents: Dependent[] = [];
  /** Tables this statement changed but keeps (a constraint or a default gone): later changes build on them. */
  private readonly edited = new Map<number, TableDesc>();

  constructor(private readonly ctx: DdlContext) {}

  dropRelations(targets: readonly RelationDesc[], cascade: boolean): void {
    for (const rel of targets) this.dropping.add(rel.oid);
    for (const rel of targets) this.collect(rel, true);
    this.report(`${targets[0]?.kind} ${this.qualified(targets[0] as RelationDesc)}`, cascade);
    for (const dependent of this.dependents) dependent.remove();
    for (const rel of targets) this.removeRelation(rel);
  }

  /** DROP SCHEMA: every relation in it is a dependent of the schema (oldest first). */
  dropSchema(schema: SchemaDesc, cascade: boolean): void {
    const rels = [...this.ctx.catalog.relationsIn(schema.oid)].sort((a, b) => a.oid - b.oid);
    for (const rel of rels) this.dropping.add(rel.oid);
    const on = `schema ${quoteIdentifier(schema.name)}`;
    for (const rel of rels) {
      // A sequence a column owns (serial) goes with its table, unlisted, as in PostgreSQL.
      if (rel.kind === 'sequence' && rel.ownedBy !== undefined && this.dropping.has(rel.ownedBy.tableOid)) continue;
      this.dependents.push({ what: `${rel.kind} ${this.qualified(rel)}`, on, remove: () => this.removeRelation(rel) });
      this.collect(rel, false);
    }
    this.report(on, cascade);
    for (const dependent of this.dependents) dependent.remove();
  }

  /** Finds what depends on `rel` (recursively, oldest first) and is not dropped already. */
  private collect(rel: RelationDesc, direct: boolean): void {
    const on = `${rel.kind} ${this.qualified(rel)}`;
    const found: Array<{ oid: number; dependent: Dependent; view?: RelationDesc }> = [];
    for (const view of dependentViews(this.ctx.catalog, rel)) {
      if (this.dropping.has(view.oid)) continue;
      this.dropping.add(view.oid);
      found.push({ oid: view.oid, view, dependent: { what: `view ${this.qualified(view)}`, on, remove: () => this.removeRelation(view) } });
    }
    if (rel.kind === 'table') {
      for (const fk of referencingForeignKeys(this.ctx.catalog, rel)) {
        if (this.dropping.has(fk.table.oid)) continue;
        const what = `constraint ${fk.constraint.name} on table ${this.qualified(fk.table)}`;
        found.push({ oid: fk.constraint.oid, dependent: { what, on, remove: () => this.removeConstraint(fk.table.oid, fk.constraint.oid) } });
      }
    }
    if (rel.kind === 'sequence' && rel.ownedBy !== undefined && direct && !this.dropping.has(rel.ownedBy.tableOid)) {
      const dependent = this.ownedDefault(rel, on);
      if (dependent !== undefined) found.push({ oid: rel.oid, dependent });
    }
    found.sort((a, b) => a.oid - b.oid);
    for (const { dependent, view } of found) {
      this.dependents.push(dependent);
      if (view !== undefined) this.collect(view, false);
    }
  }

  /** The DEFAULT nextval(…) of the column owning a dropped sequence (the column stays, its default goes). */
  private ownedDefault(sequence: Extract<RelationDesc, { kind: 'sequence' }>, on: string): Dependent | undefined {
    const owner = sequence.ownedBy;
    const table = owner === undefined ? undefined : this.ctx.catalog.table(owner.tableOid);
    const col = table?.columns.find((c) => c.attnum === owner?.attnum);
    if (table === undefined || col === undefined || col.default === undefined) return undefined;
    const remove = (): void => {
      const current = this.current(table.oid) ?? table;
      this.put({ ...current, columns: current.columns.map((c) => (c.attnum === col.attnum ? { ...c, default: undefined } : c)) });
    };
    return { what: `default value for column ${col.name} of table ${this.qualified(table)}`, on, remove };
  }

  /** 2BP01 listing every dependent (without CASCADE), or one NOTICE naming them (with it). */
  private report(target: string, cascade: boolean): void {
    const count = this.dependents.length;
    if (count === 0) return;
    const shown = this.dependents.slice(0, REPORTED_DEPENDENTS_MAX);
    const more = count > shown.length ? `\nand ${count - shown.length} other objects (see server log for list)` : '';
    if (!cascade) {
      throw new SqlError(SQLSTATE.dependentObjectsStillExist, `cannot drop ${target} because other objects depend on it`, {
        detail: shown.map((d) => `${d.what} depends on ${d.on}`).join('\n') + more,
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      });
    }
    const lines = shown.map((d) => `drop cascades to ${d.what}`).join('\n') + more;
    if (count === 1) this.ctx.notice(lines);
    else this.ctx.notice(`drop cascades to ${count} other objects`, lines);
  }

  private removeRelation(rel: RelationDesc): void {
    if (rel.kind === 'table') this.removeTableParts(rel);
    this.ctx.writer.remove(rel.oid);
  }

  private removeConstraint(tableOid: number, constraintOid: number): void {
    const current = this.current(tableOid);
    if (current === undefined) return;
    this.put({ ...current, constraints: current.constraints.filter((c) => c.oid !== constraintOid) });
  }

  private current(tableOid: number): TableDesc | undefined {
    return this.edited.get(tableOid) ?? this.ctx.catalog.table(tableOid);
  }

  private put(table: TableDesc): void {
    this.edited.set(table.oid, table);
    this.ctx.writer.put(table);
  }

  private removeTableParts(table: TableDesc): void {
    for (const d of this.ctx.catalog.all()) {
      if (d.kind === 'sequence' && d.ownedBy?.tableOid === table.oid) this.ctx.writer.remove(d.oid);
    }
    deleteTableData(this.ctx.txn, table);
  }

  /** `schema.name` unless the search path finds the relation by its bare name. */
  private qualified(rel: RelationDesc): string {
    const name = quoteIdentifier(rel.name);
    const bare = lookupRelation(this.ctx.bind, { schema: undefined, name: rel.name });
    if (bare?.oid === rel.oid) return name;
    const schema = this.ctx.catalog.descriptor(rel.schemaOid);
    return schema?.kind === 'schema' ? `${quoteIdentifier(schema.name)}.${name}` : name;
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
  new Dropper(ctx).dropSchema(schema, cascade);
  ctx.writer.remove(schema.oid);
}
