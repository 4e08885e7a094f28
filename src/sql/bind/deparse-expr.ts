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

/** How the printer runs: column types for coercing compared literals, and ruleutils' pretty mode. */
interface Style {
  readonly columns: ColumnTypes | undefined;
  readonly pretty: boolean;
  /** Table name or alias that bare column references are qualified with (view definitions). */
  readonly qualifier?: string;
}

function columnText(fields: unknown, style: Style): string {
  const parts = names(fields);
  const qualified = parts.length === 1 && style.qualifier !== undefined ? [style.qualifier, ...parts] : parts;
  return qualified.map(quoteIdentifier).join('.');
}

/** Printed text and its form, so the parent can decide on parentheses as ruleutils does. */
interface Printed {
  readonly text: string;
  readonly form: 'simple' | 'op' | 'and' | 'or' | 'not' | 'nulltest';
}

/** A constant operand next to a column of type `columnType`, coerced as PostgreSQL's operator resolution does. */
function operand(node: unknown, columnType: number | undefined, style: Style): Printed | undefined {
  const c = obj(obj(node)?.['A_Const']);
  if (c === undefined || columnType === undefined) return print(node, OID.text, style);
  if (obj(c['sval']) !== undefined) return simple(constant(c, STRING_TYPES.includes(columnType) ? OID.text : columnType));
  const ival = obj(c['ival']);
  const fval = obj(c['fval']);
  const text = ival !== undefined ? String(ival['ival'] ?? 0) : fval !== undefined ? String(fval['fval']) : undefined;
  if (text === undefined) return print(node, OID.text, style);
  if (columnType === OID.numeric && ival !== undefined) {
    if (text.startsWith('-')) return simple(`'${text}'::numeric`);
    return simple(style.pretty ? `${text}::numeric` : `(${text})::numeric`);
  }
  if (columnType === OID.float8 || columnType === OID.float4) return simple(`'${text}'::${formatType(columnType, -1)}`);
  return print(node, OID.text, style);
}

function simple(text: string | undefined): Printed | undefined {
  return text === undefined ? undefined : { text, form: 'simple' };
}

function columnSide(node: unknown, style: Style): { printed: Printed; type: number } | undefined {
  const ref = obj(obj(node)?.['ColumnRef']);
  if (ref === undefined || style.columns === undefined) return undefined;
  const parts = names(ref['fields']);
  const type = style.columns(parts[parts.length - 1] ?? '');
  if (type === undefined) return undefined;
  const text = columnText(ref['fields'], style);
  if (!STRING_TYPES.includes(type)) return { printed: { text, form: 'simple' }, type };
  return { printed: { text: style.pretty ? `${text}::text` : `(${text})::text`, form: 'simple' }, type };
}

/** The child's text inside a parent of form `parent`: always parenthesized unless pretty and not needed. */
function inside(child: Printed, parent: Printed['form'], style: Style): string {
  if (child.form === 'simple') return child.text;
  if (!style.pretty) return `(${child.text})`;
  const needed =
    parent === 'op' ? true : parent === 'not' ? child.form !== 'nulltest' : parent === 'and' || parent === 'or' ? child.form === 'or' || (child.form === 'and' && parent === 'and') : false;
  return needed ? `(${child.text})` : child.text;
}

function comparison(op: string, lnode: unknown, rnode: unknown, style: Style): Printed | undefined {
  const lcol = columnSide(lnode, style);
  const rcol = columnSide(rnode, style);
  const left = lnode === undefined ? undefined : (lcol?.printed ?? operand(lnode, rcol?.type, style));
  const right = rcol?.printed ?? operand(rnode, lcol?.type, style);
  if (right === undefined || (lnode !== undefined && left === undefined)) return undefined;
  const text = left === undefined ? `${op} ${inside(right, 'op', style)}` : `${inside(left, 'op', style)} ${op} ${inside(right, 'op', style)}`;
  return { text, form: 'op' };
}

function operator(e: Obj, style: Style): Printed | undefined {
  if (e['kind'] === 'AEXPR_BETWEEN') {
    const bounds = obj(obj(e['rexpr'])?.['List'])?.['items'] as unknown[] | undefined;
    const low = comparison('>=', e['lexpr'], bounds?.[0], style);
    const high = comparison('<=', e['lexpr'], bounds?.[1], style);
    if (low === undefined || high === undefined) return undefined;
    return { text: `${inside(low, 'and', style)} AND ${inside(high, 'and', style)}`, form: 'and' };
  }
  if (e['kind'] !== 'AEXPR_OP') return undefined;
  return comparison(names(e['name']).pop() ?? '', e['lexpr'], e['rexpr'], style);
}

function boolExpr(b: Obj, style: Style): Printed | undefined {
  const args = (Array.isArray(b['args']) ? b['args'] : []).map((a) => print(a, OID.bool, style));
  if (args.some((a) => a === undefined)) return undefined;
  const printed = args as Printed[];
  if (b['boolop'] === 'NOT_EXPR') return { text: `NOT ${inside(printed[0] as Printed, 'not', style)}`, form: 'not' };
  const form = b['boolop'] === 'AND_EXPR' ? 'and' : 'or';
  return { text: printed.map((p) => inside(p, form, style)).join(form === 'and' ? ' AND ' : ' OR '), form };
}

function print(node: unknown, typeOid: number, style: Style): Printed | undefined {
  const n = obj(node);
  if (n === undefined) return undefined;
  const [tag, body] = Object.entries(n)[0] ?? ['', undefined];
  const b = obj(body);
  if (b === undefined) return undefined;
  switch (tag) {
    case 'A_Const':
      return simple(constant(b, typeOid));
    case 'TypeCast':
      return simple(typeCast(b));
    case 'FuncCall':
      return simple(call(b));
    case 'A_Expr':
      return operator(b, style);
    case 'BoolExpr':
      return boolExpr(b, style);
    case 'ColumnRef':
      return simple(columnText(b['fields'], style));
    case 'SQLValueFunction':
      return simple(SVF[String(b['op'])]);
    case 'NullTest': {
      const arg = print(b['arg'], OID.text, style);
      if (arg === undefined) return undefined;
      return { text: `${inside(arg, 'op', style)} ${b['nulltesttype'] === 'IS_NOT_NULL' ? 'IS NOT NULL' : 'IS NULL'}`, form: 'nulltest' };
    }
    default:
      return undefined;
  }
}

/**
 * The expression `node` as PostgreSQL prints it, with untyped literals coerced to `typeOid`:
 * fully parenthesized (pg_get_expr), or with only the parentheses precedence needs when `pretty`
 * (pg_get_constraintdef(oid, true), as psql's \d shows CHECK constraints).
 */
export function deparseExpr(node: unknown, typeOid: number, columns?: ColumnTypes, pretty = false, qualifier?: string): string | undefined {
  const style: Style = qualifier === undefined ? { columns, pretty } : { columns, pretty, qualifier };
  const printed = print(node, typeOid, style);
  if (printed === undefined) return undefined;
  return printed.form === 'simple' || pretty ? printed.text : `(${printed.text})`;
}
