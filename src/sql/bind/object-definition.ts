/**
 * The text definitions PostgreSQL's ruleutils generates for catalog objects, over stratadb's
 * catalog: pg_get_indexdef, pg_get_constraintdef and pg_get_expr. Each returns undefined for an
 * oid that names no such object (the SQL functions then return NULL, as PostgreSQL does).
 *
 * - `pretty` names relations relative to the search path (bare when visible); without it
 *   pg_get_indexdef schema-qualifies the table, as PostgreSQL 15 does.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { ConstraintDesc, IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { OID } from '../../catalog/types/oids.js';
import { parseStoredExprText } from '../../catalog/system/stored-expr-text.js';
import { deparseExpr } from './deparse-expr.js';
import { createIndexText } from '../../catalog/system/index-definition.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { qualifiedName, relationName } from './relation-name.js';

export interface NameContext {
  readonly catalog: Catalog;
  readonly databaseOid: number;
  readonly searchPath: readonly string[];
}

function columnName(t: TableDesc, attnum: number): string {
  return quoteIdentifier(t.columns[attnum - 1]?.name ?? `?${attnum}`);
}

function indexOf(t: TableDesc, oid: number): IndexDesc | undefined {
  return t.primary.oid === oid ? t.primary : t.indexes.find((i) => i.oid === oid);
}

export function indexDefinition(n: NameContext, indexOid: number, column: number, pretty: boolean): string | undefined {
  const t = n.catalog.tableOfIndex(indexOid);
  const index = t === undefined ? undefined : indexOf(t, indexOid);
  if (t === undefined || index === undefined) return undefined;
  if (column > 0) {
    const key = index.columns[column - 1];
    return key === undefined ? '' : columnName(t, key.attnum);
  }
  const table = pretty ? relationName(n.catalog, n.databaseOid, t.oid, n.searchPath) : qualifiedName(n.catalog, t);
  return createIndexText(t, index, table ?? '?');
}

/** The table and constraint of a constraint oid. */
export function findConstraint(catalog: Catalog, oid: number): { table: TableDesc; constraint: ConstraintDesc } | undefined {
  for (const d of catalog.all()) {
    if (d.kind !== 'table') continue;
    const constraint = d.constraints.find((c) => c.oid === oid);
    if (constraint !== undefined) return { table: d, constraint };
  }
  return undefined;
}

const ACTIONS: Record<string, string> = { r: 'RESTRICT', c: 'CASCADE', n: 'SET NULL', d: 'SET DEFAULT' };

export function constraintDefinition(n: NameContext, oid: number, pretty: boolean): string | undefined {
  const found = findConstraint(n.catalog, oid);
  if (found === undefined) return undefined;
  const { table, constraint: c } = found;
  const cols = c.attnums.map((a) => columnName(table, a)).join(', ');
  switch (c.kind) {
    case 'p':
      return `PRIMARY KEY (${cols})`;
    case 'u':
      return `UNIQUE (${cols})`;
    case 'c': {
      const columns = (name: string): number | undefined => table.columns.find((x) => x.name === name && !x.dropped)?.typeOid;
      const text = c.check === undefined ? undefined : (deparseExpr(c.check.tree, OID.bool, columns, pretty) ?? c.check.text);
      return `CHECK (${text ?? ''})${c.notValid === true ? ' NOT VALID' : ''}`;
    }
    case 'f': {
      const ref = c.references;
      if (ref === undefined) return undefined;
      const target = n.catalog.table(ref.tableOid);
      const targetName = relationName(n.catalog, n.databaseOid, ref.tableOid, n.searchPath) ?? '?';
      const refCols = target === undefined ? '' : ref.attnums.map((a) => columnName(target, a)).join(', ');
      let s = `FOREIGN KEY (${cols}) REFERENCES ${targetName}(${refCols})`;
      if (ref.match === 'f') s += ' MATCH FULL';
      const onUpdate = ACTIONS[ref.onUpdate];
      const onDelete = ACTIONS[ref.onDelete];
      if (onUpdate !== undefined) s += ` ON UPDATE ${onUpdate}`;
      if (onDelete !== undefined) s += ` ON DELETE ${onDelete}`;
      if (ref.deleteSetAttnums !== undefined) s += ` (${ref.deleteSetAttnums.map((a) => columnName(table, a)).join(', ')})`;
      if (c.deferrable === true) s += ' DEFERRABLE';
      if (c.initiallyDeferred === true) s += ' INITIALLY DEFERRED';
      return c.notValid === true ? `${s} NOT VALID` : s;
    }
    default:
      return undefined;
  }
}

/** The sequence oid of a SERIAL default (nextval('<oid>'::regclass), table-builder.ts), else undefined. */
function serialSequenceOid(tree: unknown): number | undefined {
  const call = (tree as { FuncCall?: { funcname?: Array<{ String?: { sval?: string } }>; args?: unknown[] } } | undefined)?.FuncCall;
  if (call?.funcname?.length !== 1 || call.funcname[0]?.String?.sval !== 'nextval' || call.args?.length !== 1) return undefined;
  const cast = (call.args[0] as { TypeCast?: { arg?: { A_Const?: { sval?: { sval?: string } } } } }).TypeCast;
  const text = cast?.arg?.A_Const?.sval?.sval;
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * pg_get_expr over the pg_node_tree text of pg_attrdef.adbin / pg_constraint.conbin. A SERIAL
 * default names its sequence as regclass output does under the current search path
 * (`nextval('public.users_id_seq'::regclass)` for pg_dump's empty one).
 */
export function exprDefinition(nodeText: string, n?: NameContext, pretty = false): string {
  const stored = parseStoredExprText(nodeText);
  if (stored === undefined) return nodeText;
  const sequenceOid = n === undefined ? undefined : serialSequenceOid(stored.tree);
  const sequenceName = n === undefined || sequenceOid === undefined ? undefined : relationName(n.catalog, n.databaseOid, sequenceOid, n.searchPath);
  if (sequenceName !== undefined) return `nextval('${sequenceName.replaceAll("'", "''")}'::regclass)`;
  // Pretty (psql's \d) prints only the parentheses precedence needs: `1 + 2`, not `(1 + 2)`.
  const prettyText = pretty ? deparseExpr(stored.tree, stored.type, undefined, true) : undefined;
  if (prettyText !== undefined) return prettyText;
  if (stored.text !== '') return stored.text;
  return deparseExpr(stored.tree, stored.type) ?? nodeText;
}

/** pg_size_pretty: bytes, kB, MB, GB, TB, PB with PostgreSQL 15's limits and half-rounding. */
export function sizePretty(bytes: bigint): string {
  const units: Array<[string, bigint, boolean, number]> = [
    ['bytes', 10n * 1024n, false, 0], ['kB', 20n * 1024n - 1n, true, 10], ['MB', 20n * 1024n - 1n, true, 20],
    ['GB', 20n * 1024n - 1n, true, 30], ['TB', 20n * 1024n - 1n, true, 40], ['PB', 20n * 1024n - 1n, true, 50],
  ];
  let size = bytes;
  for (let i = 0; i < units.length; i++) {
    const [name, limit, round] = units[i] as [string, bigint, boolean, number];
    const next = units[i + 1];
    const abs = size < 0n ? -size : size;
    if (abs < limit || next === undefined) {
      if (round) size = (size + (size < 0n ? -1n : 1n)) / 2n;
      return `${size} ${name}`;
    }
    const bits = next[3] - units[i]![3] - (next[2] ? 1 : 0) + (round ? 1 : 0);
    size /= 1n << BigInt(bits);
  }
  return `${size} bytes`;
}
