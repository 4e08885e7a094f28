/**
 * TableBuilder: assembles a TableDesc from column definitions and constraints (CREATE TABLE, and
 * ALTER TABLE ADD COLUMN / ADD CONSTRAINT starting from an existing table), with PostgreSQL's
 * rules: SERIAL and identity columns get an owned sequence, PRIMARY KEY implies NOT NULL, one
 * primary key per table, generated constraint and index names, FOREIGN KEY targets must have a
 * matching unique constraint.
 *
 * - Defaults and CHECK expressions are bound once here to report errors at DDL time; they are
 *   stored as parse trees and re-bound when DML is planned.
 */
import type { ColumnDef, Constraint, Node } from '../parse.js';
import type {
  ColumnDesc,
  ConstraintDesc,
  ForeignKeyRef,
  IndexColumn,
  IndexDesc,
  SequenceDesc,
  StoredExpr,
  TableDesc,
} from '../../catalog/descriptors.js';
import { INDEX_NO_MAX } from '../../catalog/catalog-keys.js';
import { isKeyEncodable } from '../../catalog/encoding/key-encoding.js';
import { OID } from '../../catalog/types/oids.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { stringList } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import { bindExpr } from '../bind/bind-expr.js';
import { deparseExpr } from '../bind/deparse-expr.js';
import { Scope } from '../bind/scope.js';
import { coerce, coerceToBool, resolveTypeName, typeOfOid } from '../bind/resolve.js';
import { lookupRelation } from '../bind/names.js';
import { parseQualifiedText } from '../bind/qualified-text.js';
import { tableEntry } from '../bind/bind-from.js';
import type { DdlContext } from './ddl-context.js';
import { chooseName, duplicateRelation, relationNameTaken } from './ddl-names.js';
import { sequenceSettings } from './sequence-options.js';
import { foreignKeyTypePair } from '../exec/fk-key-types.js';
import { randomBytes } from 'node:crypto';

const SERIALS: Record<string, number> = {
  serial: OID.int4, serial4: OID.int4, bigserial: OID.int8, serial8: OID.int8, smallserial: OID.int2, serial2: OID.int2,
};

export class TableBuilder {
  columns: ColumnDesc[];
  constraints: ConstraintDesc[];
  indexes: IndexDesc[];
  primary: IndexDesc | undefined;
  readonly sequences: SequenceDesc[] = [];
  private nextIndexNo: number;
  private readonly taken = new Set<string>();
  /** The kind of the constraint added last (a column's DEFERRABLE clause applies to it). */
  private lastContype: string | undefined;

  constructor(
    private readonly ctx: DdlContext,
    readonly schemaOid: number,
    readonly name: string,
    readonly oid: number,
    private readonly existing?: TableDesc,
  ) {
    this.columns = [...(existing?.columns ?? [])];
    this.constraints = [...(existing?.constraints ?? [])];
    this.indexes = [...(existing?.indexes ?? [])];
    this.primary = existing === undefined || existing.hiddenRowId ? undefined : existing.primary;
    this.nextIndexNo = existing?.nextIndexNo ?? 2;
    for (const c of this.constraints) this.taken.add(c.name);
  }

  addColumn(def: ColumnDef): ColumnDesc {
    const name = def.colname ?? '';
    if (this.columns.some((c) => !c.dropped && c.name === name)) {
      throw new SqlError(SQLSTATE.duplicateColumn, `column "${name}" specified more than once`);
    }
    if (def.collClause !== undefined) throw notSupported('COLLATE on a column');
    const typeNames = stringList(def.typeName?.names);
    const serialOid = typeNames.length === 1 && (def.typeName?.arrayBounds ?? []).length === 0 ? SERIALS[typeNames[0] as string] : undefined;
    const { type, typmod } = serialOid !== undefined ? { type: typeOfOid(serialOid), typmod: -1 } : resolveTypeName(this.ctx.bind, def.typeName ?? {});
    const attnum = this.columns.length + 1;
    let column: ColumnDesc = { name, attnum, typeOid: type.oid, typmod, notNull: false, default: undefined, identity: '', dropped: false };
    this.columns.push(column);
    if (serialOid !== undefined) {
      const seq = this.ownedSequence(name, attnum, serialOid, undefined);
      column = { ...column, notNull: true, default: serialDefault(seq) };
    }
    this.replaceColumn(column);
    for (const n of def.constraints ?? []) this.addConstraint((n as { Constraint: Constraint }).Constraint, name);
    return this.columns[attnum - 1] as ColumnDesc;
  }

  /** An identity column's SEQUENCE NAME [schema.]name option (pg_dump writes it); it must be in the table's schema. */
  private sequenceName(options: Node[] | undefined): string | undefined {
    for (const o of options ?? []) {
      const d = (o as { DefElem?: { defname?: string; arg?: Node } }).DefElem;
      if (d?.defname !== 'sequence_name') continue;
      const parts = stringList((d.arg as { List?: { items?: Node[] } } | undefined)?.List?.items);
      const name = parts[parts.length - 1] ?? '';
      const schema = parts.length >= 2 ? this.ctx.catalog.descriptor(this.schemaOid) : undefined;
      if (schema !== undefined && schema.kind === 'schema' && schema.name !== parts[parts.length - 2]) throw notSupported('an identity sequence in another schema than its table');
      if (relationNameTaken(this.ctx.catalog, this.schemaOid, name) || this.taken.has(name)) throw duplicateRelation(name);
      this.taken.add(name);
      return name;
    }
    return undefined;
  }

  private replaceColumn(c: ColumnDesc): void {
    this.columns[c.attnum - 1] = c;
  }

  private column(name: string): ColumnDesc {
    const c = this.columns.find((x) => !x.dropped && x.name === name);
    if (c === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" named in key does not exist`);
    return c;
  }

  private ownedSequence(column: string, attnum: number, typeOid: number, options: Node[] | undefined): SequenceDesc {
    const name = this.sequenceName(options) ?? chooseName(this.ctx.catalog, this.schemaOid, [this.name, column], 'seq', this.taken);
    const s = sequenceSettings(options, undefined, typeOid);
    const seq: SequenceDesc = {
      kind: 'sequence', oid: this.ctx.writer.allocateOid(), name, schemaOid: this.schemaOid, ownerOid: this.ctx.userOid,
      typeOid: s.typeOid, start: s.start, increment: s.increment, min: s.min, max: s.max, cycle: s.cycle,
      nonce: randomBytes(8).toString('hex'), ownedBy: { tableOid: this.oid, attnum },
    };
    this.sequences.push(seq);
    return seq;
  }

  addConstraint(c: Constraint, columnName?: string): void {
    const previous = this.lastContype;
    this.lastContype = c.contype;
    if ((c.deferrable === true || c.initdeferred === true) && c.contype !== 'CONSTR_FOREIGN') throw notSupported('DEFERRABLE constraints other than foreign keys');
    const cols = columnName !== undefined && (c.keys === undefined || c.keys.length === 0) ? [columnName] : stringList(c.keys);
    switch (c.contype) {
      case 'CONSTR_NULL':
        return;
      case 'CONSTR_NOTNULL':
        this.replaceColumn({ ...this.column(columnName as string), notNull: true });
        return;
      case 'CONSTR_DEFAULT':
        return this.setDefault(columnName as string, c.raw_expr as Node);
      case 'CONSTR_IDENTITY':
        return this.setIdentity(columnName as string, c);
      case 'CONSTR_PRIMARY':
        return this.addPrimaryKey(cols, c.conname);
      case 'CONSTR_UNIQUE':
        if (c.nulls_not_distinct === true) throw notSupported('NULLS NOT DISTINCT');
        this.addUnique(cols, c.conname);
        return;
      case 'CONSTR_CHECK':
        return this.addCheck(c);
      case 'CONSTR_FOREIGN':
        return this.addForeignKey(c, columnName);
      case 'CONSTR_GENERATED':
        throw notSupported('generated columns');
      case 'CONSTR_ATTR_NOT_DEFERRABLE':
      case 'CONSTR_ATTR_IMMEDIATE':
        return;
      case 'CONSTR_ATTR_DEFERRABLE':
      case 'CONSTR_ATTR_DEFERRED':
        return this.deferLast(previous, c.contype === 'CONSTR_ATTR_DEFERRED', c.location);
      default:
        throw notSupported(`constraint ${String(c.contype)}`);
    }
  }

  setDefault(columnName: string, raw: Node | undefined): void {
    const col = this.column(columnName);
    if (raw === undefined) {
      this.replaceColumn({ ...col, default: undefined });
      return;
    }
    const env = { ctx: this.ctx.bind, scope: Scope.empty(), aggs: undefined, clause: 'DEFAULT expressions' };
    try {
      coerce(this.ctx.bind, bindExpr(raw, env), typeOfOid(col.typeOid), col.typmod, 'assignment');
    } catch (error) {
      if (error instanceof SqlError && error.code === SQLSTATE.undefinedColumn) {
        throw new SqlError(SQLSTATE.featureNotSupported, 'cannot use column reference in DEFAULT expression');
      }
      throw error;
    }
    const sequence = nextvalSequence(this.ctx, raw);
    const stored = sequence !== undefined ? serialDefault(sequence) : { tree: raw, text: deparseExpr(raw, col.typeOid) ?? '' };
    this.replaceColumn({ ...col, default: stored });
  }

  private setIdentity(columnName: string, c: Constraint): void {
    const col = this.column(columnName);
    if (!([OID.int2, OID.int4, OID.int8] as number[]).includes(col.typeOid)) {
      throw new SqlError(SQLSTATE.datatypeMismatch, `identity column type must be smallint, integer, or bigint`);
    }
    this.ownedSequence(columnName, col.attnum, col.typeOid, c.options);
    this.replaceColumn({ ...col, notNull: true, identity: c.generated_when === 'a' ? 'a' : 'd' });
  }

  private indexColumns(cols: readonly string[]): IndexColumn[] {
    return cols.map((name) => {
      const col = this.column(name);
      const type = typeOfOid(col.typeOid);
      if (!isKeyEncodable(type)) {
        throw new SqlError(SQLSTATE.undefinedObject, `data type ${type.sqlName} has no default operator class for access method "btree"`, {
          hint: 'You must specify an operator class for the index or define a default operator class for the data type.',
        });
      }
      return { attnum: col.attnum, descending: false, nullsFirst: false };
    });
  }

  addPrimaryKey(cols: readonly string[], conname: string | undefined): void {
    if (this.primary !== undefined) throw new SqlError('42P16', `multiple primary keys for table "${this.name}" are not allowed`);
    const columns = this.indexColumns(cols);
    for (const c of columns) this.replaceColumn({ ...(this.columns[c.attnum - 1] as ColumnDesc), notNull: true });
    const name = conname ?? chooseName(this.ctx.catalog, this.schemaOid, [this.name], 'pkey', this.taken);
    this.primary = { oid: this.ctx.writer.allocateOid(), name, indexNo: 1, columns, unique: true, primary: true };
    this.constraints.push({ oid: this.ctx.writer.allocateOid(), name, kind: 'p', attnums: columns.map((c) => c.attnum), check: undefined, indexOid: this.primary.oid, references: undefined });
  }

  addUnique(cols: readonly string[], conname: string | undefined): IndexDesc {
    const columns = this.indexColumns(cols);
    const name = conname ?? chooseName(this.ctx.catalog, this.schemaOid, [this.name, ...cols], 'key', this.taken);
    const index = this.addIndex(name, columns, true);
    this.constraints.push({ oid: this.ctx.writer.allocateOid(), name, kind: 'u', attnums: columns.map((c) => c.attnum), check: undefined, indexOid: index.oid, references: undefined });
    return index;
  }

  addIndex(name: string, columns: IndexColumn[], unique: boolean): IndexDesc {
    if (this.nextIndexNo > INDEX_NO_MAX) throw new SqlError(SQLSTATE.programLimitExceeded, `tables can have at most ${INDEX_NO_MAX - 1} indexes`);
    const index: IndexDesc = { oid: this.ctx.writer.allocateOid(), name, indexNo: this.nextIndexNo++, columns, unique, primary: false };
    this.indexes.push(index);
    return index;
  }

  private addCheck(c: Constraint): void {
    if (c.is_no_inherit === true) throw notSupported('NO INHERIT');
    const raw = c.raw_expr as Node;
    const scope = new Scope([tableEntry(this.snapshot(), this.name, undefined)]);
    const env = { ctx: this.ctx.bind, scope, aggs: undefined, clause: 'check constraints' };
    coerceToBool(this.ctx.bind, bindExpr(raw, env), 'CHECK');
    const parts = [this.name, ...onlyColumnOf(raw)];
    const name = c.conname ?? chooseConstraintName(this.taken, parts, 'check');
    const stored: StoredExpr = { tree: raw, text: '' };
    this.constraints.push({ oid: this.ctx.writer.allocateOid(), name, kind: 'c', attnums: [], check: stored, indexOid: undefined, references: undefined });
  }

  /** A column constraint's DEFERRABLE / INITIALLY DEFERRED clause: applies to the foreign key before it. */
  private deferLast(previous: string | undefined, initiallyDeferred: boolean, location: number | undefined): void {
    const clause = initiallyDeferred ? 'INITIALLY DEFERRED' : 'DEFERRABLE';
    const last = this.constraints[this.constraints.length - 1];
    if (previous === 'CONSTR_PRIMARY' || previous === 'CONSTR_UNIQUE') throw notSupported('DEFERRABLE constraints other than foreign keys');
    if ((previous !== 'CONSTR_FOREIGN' && previous !== 'CONSTR_ATTR_DEFERRABLE') || last?.kind !== 'f') {
      throw new SqlError(SQLSTATE.syntaxError, `misplaced ${clause} clause`, { position: location === undefined ? undefined : location + 1 });
    }
    this.lastContype = 'CONSTR_FOREIGN';
    this.constraints[this.constraints.length - 1] = { ...last, deferrable: true, ...(initiallyDeferred ? { initiallyDeferred: true as const } : {}) };
  }

  private addForeignKey(c: Constraint, columnName: string | undefined): void {
    const fkCols = columnName !== undefined ? [columnName] : stringList(c.fk_attrs);
    const rv = c.pktable ?? {};
    const self = (rv.relname ?? '') === this.name && (rv.schemaname === undefined || this.ctx.catalog.schema(this.ctx.bind.databaseOid, rv.schemaname)?.oid === this.schemaOid);
    const parentDesc = self ? this.snapshot() : lookupRelation(this.ctx.bind, { schema: rv.schemaname, name: rv.relname ?? '' });
    if (parentDesc === undefined) throw new SqlError(SQLSTATE.undefinedTable, `relation "${rv.relname}" does not exist`);
    if (parentDesc.kind !== 'table') throw new SqlError('42809', `referenced relation "${parentDesc.name}" is not a table`);
    const parent = parentDesc;
    const pkNames = stringList(c.pk_attrs);
    const refCols = pkNames.length > 0 ? pkNames.map((n) => parentColumn(parent, n)) : (parent.hiddenRowId ? [] : parent.primary.columns.map((ic) => ic.attnum));
    if (refCols.length === 0) throw new SqlError(SQLSTATE.undefinedObject, `there is no primary key for referenced table "${parent.name}"`);
    if (refCols.length !== fkCols.length) throw new SqlError('42830', 'number of referencing and referenced columns for foreign key disagree');
    const keys = [parent.primary, ...parent.indexes].filter((i) => (i.primary && !parent.hiddenRowId) || i.unique);
    if (!keys.some((k) => k.columns.length === refCols.length && k.columns.every((ic) => refCols.includes(ic.attnum)))) {
      throw new SqlError('42830', `there is no unique constraint matching given keys for referenced table "${parent.name}"`);
    }
    const attnums = fkCols.map((n) => this.column(n).attnum);
    const name = c.conname ?? chooseConstraintName(this.taken, [this.name, ...fkCols], 'fkey');
    attnums.forEach((a, i) => {
      const mine = this.columns[a - 1] as ColumnDesc;
      const theirs = parent.columns.find((pc) => pc.attnum === refCols[i]) as ColumnDesc;
      const pair = foreignKeyTypePair(mine.typeOid, theirs.typeOid);
      const types = `${typeOfOid(mine.typeOid).sqlName} and ${typeOfOid(theirs.typeOid).sqlName}`;
      if (pair === 'unsupported') throw notSupported(`foreign key between columns of types ${types}`);
      if (pair === 'incompatible') {
        throw new SqlError(SQLSTATE.datatypeMismatch, `foreign key constraint "${name}" cannot be implemented`, {
          detail: `Key columns "${mine.name}" and "${theirs.name}" are of incompatible types: ${types}.`,
        });
      }
    });
    this.constraints.push({
      oid: this.ctx.writer.allocateOid(), name, kind: 'f', attnums, check: undefined, indexOid: undefined,
      references: { tableOid: parent.oid, attnums: refCols, ...this.referentialActions(c, attnums) },
      ...(c.deferrable === true || c.initdeferred === true ? { deferrable: true as const } : {}),
      ...(c.initdeferred === true ? { initiallyDeferred: true as const } : {}),
    });
  }

  /** ON DELETE / ON UPDATE actions, MATCH type and PostgreSQL 15's ON DELETE SET … (col, …) list. */
  private referentialActions(c: Constraint, attnums: readonly number[]): Pick<ForeignKeyRef, 'onDelete' | 'onUpdate' | 'match' | 'deleteSetAttnums'> {
    const onDelete = c.fk_del_action ?? 'a';
    const onUpdate = c.fk_upd_action ?? 'a';
    if (c.fk_matchtype === 'p') throw notSupported('MATCH PARTIAL');
    const setNames = stringList(c.fk_del_set_cols);
    const deleteSetAttnums = setNames.map((n) => {
      const col = this.columns.find((x) => !x.dropped && x.name === n);
      if (col === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${n}" referenced in foreign key constraint does not exist`);
      if (!attnums.includes(col.attnum)) throw new SqlError('42P10', `column "${n}" referenced in ON DELETE SET action must be part of foreign key`);
      return col.attnum;
    });
    return {
      onDelete, onUpdate,
      ...(c.fk_matchtype === 'f' ? { match: 'f' as const } : {}),
      ...(deleteSetAttnums.length > 0 ? { deleteSetAttnums } : {}),
    };
  }

  /** The table as built so far. */
  snapshot(): TableDesc {
    const hidden = this.primary === undefined;
    const primary: IndexDesc = this.primary ?? { oid: 0, name: '', indexNo: 1, columns: [], unique: true, primary: true };
    // An altered table keeps its owner and its comment.
    const table: TableDesc = {
      kind: 'table', oid: this.oid, name: this.name, schemaOid: this.schemaOid, ownerOid: this.existing?.ownerOid ?? this.ctx.userOid,
      columns: this.columns, primary, indexes: this.indexes, constraints: this.constraints, hiddenRowId: hidden,
      nextIndexNo: this.nextIndexNo,
    };
    return this.existing?.comment === undefined ? table : { ...table, comment: this.existing.comment };
  }
}

function parentColumn(parent: TableDesc, name: string): number {
  const c = parent.columns.find((x) => !x.dropped && x.name === name);
  if (c === undefined) throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" referenced in foreign key constraint does not exist`);
  return c.attnum;
}

/** Constraint names are unique per table: base_suffix, base_suffix1, … */
function chooseConstraintName(taken: Set<string>, parts: readonly string[], suffix: string): string {
  for (let n = 0; ; n++) {
    const name = `${parts.join('_')}_${suffix}${n === 0 ? '' : n}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/**
 * The column a CHECK expression mentions when it mentions exactly one (PostgreSQL names such a
 * check tab_col_check, any other tab_check, whether it was written on a column or on the table).
 */
function onlyColumnOf(node: unknown): string[] {
  const names = new Set<string>();
  const visit = (n: unknown): void => {
    if (n === null || typeof n !== 'object') return;
    if ('ColumnRef' in n) {
      const fields = ((n as { ColumnRef: { fields?: Node[] } }).ColumnRef.fields ?? []) as Node[];
      const last = fields[fields.length - 1];
      if (last !== undefined && 'String' in last) names.add(last.String.sval ?? '');
      return;
    }
    for (const value of Object.values(n)) visit(value);
  };
  visit(node);
  return names.size === 1 ? [...names] : [];
}

/**
 * The sequence of a `nextval('name')` / `nextval('name'::regclass)` default (pg_dump writes SERIAL
 * defaults so): such a default is stored bound to the sequence's oid, as PostgreSQL binds the
 * regclass constant, so it follows renames and prints under any search path.
 */
function nextvalSequence(ctx: DdlContext, raw: Node): SequenceDesc | undefined {
  const call = (raw as { FuncCall?: { funcname?: Node[]; args?: Node[] } }).FuncCall;
  const fname = stringList(call?.funcname);
  if (call === undefined || fname[fname.length - 1] !== 'nextval' || call.args?.length !== 1) return undefined;
  let arg = call.args[0] as Node;
  const cast = (arg as { TypeCast?: { arg?: Node; typeName?: { names?: Node[] } } }).TypeCast;
  if (cast !== undefined) {
    if (stringList(cast.typeName?.names).pop() !== 'regclass') return undefined;
    arg = cast.arg as Node;
  }
  const text = (arg as { A_Const?: { sval?: { sval?: string } } }).A_Const?.sval?.sval;
  if (text === undefined) return undefined;
  const rel = lookupRelation(ctx.bind, parseQualifiedText(text));
  return rel?.kind === 'sequence' ? rel : undefined;
}

/** nextval('<oid>'::regclass): the default of a SERIAL column, bound to the sequence by oid. */
function serialDefault(seq: SequenceDesc): StoredExpr {
  const tree = {
    FuncCall: {
      funcname: [{ String: { sval: 'nextval' } }],
      args: [{ TypeCast: { arg: { A_Const: { sval: { sval: String(seq.oid) } } }, typeName: { names: [{ String: { sval: 'regclass' } }], typemod: -1 } } }],
      funcformat: 'COERCE_EXPLICIT_CALL',
    },
  };
  return { tree, text: `nextval('${seq.name}'::regclass)`, sequenceOid: seq.oid };
}
