/**
 * deparseExpr: a stored expression tree (a parser node, as column defaults and CHECK constraints
 * are kept) printed as PostgreSQL's ruleutils prints the analyzed expression — what
 * pg_get_expr, pg_get_constraintdef and psql's \d show: `0`, `now()`, `(1 + 2)`, `'x'::text`,
 * `'-1'::integer`, `CURRENT_TIMESTAMP`, `((score > 0))` inside CHECK.
 *
 * - An untyped string literal takes the type it is coerced to: the column type for a default
 *   (`typeOid`), text elsewhere. Implicit casts print nothing, as in PostgreSQL.
 * - A node this printer does not know returns undefined (the caller falls back to the stored text).
 */
import { formatType, typeByOid, typeByName } from '../../catalog/types/type-registry.js';
import { DEFAULT_TYPE_CONTEXT } from '../../catalog/types/sql-type.js';
import { OID } from '../../catalog/types/oids.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';

type Obj = Record<string, unknown>;

const SVF: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'CURRENT_DATE', SVFOP_CURRENT_TIME: 'CURRENT_TIME', SVFOP_CURRENT_TIMESTAMP: 'CURRENT_TIMESTAMP',
  SVFOP_LOCALTIME: 'LOCALTIME', SVFOP_LOCALTIMESTAMP: 'LOCALTIMESTAMP', SVFOP_CURRENT_USER: 'CURRENT_USER',
  SVFOP_SESSION_USER: 'SESSION_USER', SVFOP_USER: 'CURRENT_USER', SVFOP_CURRENT_ROLE: 'CURRENT_ROLE',
  SVFOP_CURRENT_CATALOG: 'current_database()', SVFOP_CURRENT_SCHEMA: 'current_schema()',
};

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

function names(list: unknown): string[] {
  return Array.isArray(list) ? list.map((n) => String(obj(obj(n)?.['String'])?.['sval'] ?? '')) : [];
}

/** A literal of type `typeOid` printed as ruleutils' get_const_expr does. */
function literal(text: string, typeOid: number): string {
  const type = typeByOid(typeOid);
  let shown = text;
  if (type !== undefined) {
    try {
      shown = type.toText(type.fromText(text, -1, DEFAULT_TYPE_CONTEXT), DEFAULT_TYPE_CONTEXT);
    } catch {
      shown = text;
    }
  }
  if (typeOid === OID.bool) return shown === 't' ? 'true' : 'false';
  return `'${shown.replace(/'/g, "''")}'::${formatType(typeOid, -1)}`;
}

function constant(c: Obj, target: number): string {
  const ival = obj(c['ival']);
  if (ival !== undefined) {
    const v = Number(ival['ival'] ?? 0);
    return v < 0 ? `'${v}'::integer` : String(v);
  }
  const fval = obj(c['fval']);
  if (fval !== undefined) {
    const s = String(fval['fval']);
    const numeric = /^\d/.test(s) && /[.eE]/.test(s);
    return numeric ? s : `'${s}'::${/[.eE]/.test(s) ? 'numeric' : 'bigint'}`;
  }
  const bool = obj(c['boolval']);
  if (bool !== undefined) return bool['boolval'] === true ? 'true' : 'false';
  if (c['isnull'] === true) return 'NULL';
  const sval = obj(c['sval']);
  if (sval !== undefined) return literal(String(sval['sval'] ?? ''), target);
  return 'NULL';
}

function typeCast(t: Obj): string | undefined {
  const typeName = obj(t['typeName']);
  const parts = names(typeName?.['names']).filter((n) => n !== 'pg_catalog');
  const type = typeByName(parts.join('.'));
  if (type === undefined) return undefined;
  const arg = obj(t['arg']);
  const sval = obj(obj(arg?.['A_Const'])?.['sval']);
  if (sval !== undefined) return literal(String(sval['sval'] ?? ''), type.oid);
  const inner = arg === undefined ? undefined : deparseExpr(arg, type.oid);
  return inner === undefined ? undefined : `(${inner})::${formatType(type.oid, -1)}`;
}

function call(f: Obj): string | undefined {
  const fname = names(f['funcname']).filter((n) => n !== 'pg_catalog').map(quoteIdentifier).join('.');
  if (f['agg_star'] === true) return `${fname}(*)`;
  const args: string[] = [];
  for (const a of Array.isArray(f['args']) ? f['args'] : []) {
    const s = deparseExpr(a, OID.text);
    if (s === undefined) return undefined;
    args.push(s);
  }
  return `${fname}(${args.join(', ')})`;
}

/** Column types by name, for literals compared with a column (`total >= 0` → `0::numeric`). */
export type ColumnTypes = (name: string) => number | undefined;

const STRING_TYPES: readonly number[] = [OID.varchar, OID.bpchar, OID.name];

/** A constant operand next to a column of type `columnType`, coerced as PostgreSQL's operator resolution does. */
function operand(node: unknown, columnType: number | undefined, columns: ColumnTypes | undefined): string | undefined {
  const c = obj(obj(node)?.['A_Const']);
  if (c === undefined || columnType === undefined) return deparseExpr(node, OID.text, columns);
  if (obj(c['sval']) !== undefined) return constant(c, STRING_TYPES.includes(columnType) ? OID.text : columnType);
  const ival = obj(c['ival']);
  const fval = obj(c['fval']);
  const text = ival !== undefined ? String(ival['ival'] ?? 0) : fval !== undefined ? String(fval['fval']) : undefined;
  if (text === undefined) return deparseExpr(node, OID.text, columns);
  if (columnType === OID.numeric && ival !== undefined) return text.startsWith('-') ? `'${text}'::numeric` : `${text}::numeric`;
  if (columnType === OID.float8 || columnType === OID.float4) return `'${text}'::${formatType(columnType, -1)}`;
  return deparseExpr(node, OID.text, columns);
}

function columnSide(node: unknown, columns: ColumnTypes | undefined): { text: string; type: number } | undefined {
  const ref = obj(obj(node)?.['ColumnRef']);
  if (ref === undefined || columns === undefined) return undefined;
  const parts = names(ref['fields']);
  const type = columns(parts[parts.length - 1] ?? '');
  if (type === undefined) return undefined;
  const text = parts.map(quoteIdentifier).join('.');
  return { text: STRING_TYPES.includes(type) ? `(${text})::text` : text, type };
}

function operator(e: Obj, columns: ColumnTypes | undefined): string | undefined {
  if (e['kind'] !== 'AEXPR_OP') return undefined;
  const op = names(e['name']).pop() ?? '';
  const lcol = columnSide(e['lexpr'], columns);
  const rcol = columnSide(e['rexpr'], columns);
  const left = e['lexpr'] === undefined ? '' : (lcol?.text ?? operand(e['lexpr'], rcol?.type, columns));
  const right = rcol?.text ?? operand(e['rexpr'], lcol?.type, columns);
  if (left === undefined || right === undefined) return undefined;
  return left === '' ? `(${op} ${right})` : `(${left} ${op} ${right})`;
}

function boolExpr(b: Obj, columns: ColumnTypes | undefined): string | undefined {
  const args = (Array.isArray(b['args']) ? b['args'] : []).map((a) => deparseExpr(a, OID.bool, columns));
  if (args.some((a) => a === undefined)) return undefined;
  if (b['boolop'] === 'NOT_EXPR') return `(NOT ${args[0] ?? ''})`;
  return `(${args.join(b['boolop'] === 'AND_EXPR' ? ' AND ' : ' OR ')})`;
}

/** The expression `node` as PostgreSQL prints it, with untyped literals coerced to `typeOid`. */
export function deparseExpr(node: unknown, typeOid: number, columns?: ColumnTypes): string | undefined {
  const n = obj(node);
  if (n === undefined) return undefined;
  const [tag, body] = Object.entries(n)[0] ?? ['', undefined];
  const b = obj(body);
  if (b === undefined) return undefined;
  switch (tag) {
    case 'A_Const':
      return constant(b, typeOid);
    case 'TypeCast':
      return typeCast(b);
    case 'FuncCall':
      return call(b);
    case 'A_Expr':
      return operator(b, columns);
    case 'BoolExpr':
      return boolExpr(b, columns);
    case 'ColumnRef':
      return names(b['fields']).map(quoteIdentifier).join('.');
    case 'SQLValueFunction':
      return SVF[String(b['op'])];
    case 'NullTest':
      return wrapNullTest(b, columns);
    default:
      return undefined;
  }
}

function wrapNullTest(b: Obj, columns: ColumnTypes | undefined): string | undefined {
  const arg = deparseExpr(b['arg'], OID.text, columns);
  return arg === undefined ? undefined : `(${arg} ${b['nulltesttype'] === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'})`;
}
