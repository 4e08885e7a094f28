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
import { printCase, type CaseHost } from './deparse-case.js';

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
  // ruleutils prints a constant's type with its typmod given (-1): bpchar shows as "bpchar".
  return `'${shown.replace(/'/g, "''")}'::${formatType(typeOid, -1, true)}`;
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

function typeCast(t: Obj, style: Style): string | undefined {
  const typeName = obj(t['typeName']);
  const parts = names(typeName?.['names']).filter((n) => n !== 'pg_catalog');
  const isArray = Array.isArray(typeName?.['arrayBounds']) && (typeName['arrayBounds'] as unknown[]).length > 0;
  const type = typeByName(`${parts.join('.')}${isArray ? '[]' : ''}`);
  if (type === undefined) return undefined;
  const arg = obj(t['arg']);
  const sval = obj(obj(arg?.['A_Const'])?.['sval']);
  if (sval !== undefined) return literal(String(sval['sval'] ?? ''), type.oid);
  if (obj(arg?.['A_Const'])?.['isnull'] === true) return `NULL::${formatType(type.oid, -1)}`;
  const inner = arg === undefined ? undefined : print(arg, type.oid, style);
  if (inner === undefined) return undefined;
  return style.pretty && inner.form === 'simple' ? `${inner.text}::${formatType(type.oid, -1)}` : `(${inner.text})::${formatType(type.oid, -1)}`;
}

/** Functions taking any type: a varchar column passed to them is not shown cast to text. */
const POLYMORPHIC_FUNCTIONS = ['count', 'min', 'max', 'array_agg', 'greatest', 'least', 'num_nulls', 'num_nonnulls', 'pg_typeof', 'to_json', 'to_jsonb'];

/** COALESCE / GREATEST / LEAST(a, b): untyped literals take the type of the column among the arguments, as PostgreSQL's common type. */
function coalesce(c: Obj, name: string, style: Style): string | undefined {
  const args = Array.isArray(c['args']) ? (c['args'] as unknown[]) : [];
  const columnType = args.map((a) => columnSide(a, style)?.type).find((t) => t !== undefined);
  const printed: string[] = [];
  for (const a of args) {
    const column = columnSide(a, style);
    const literal = obj(obj(a)?.['A_Const']);
    const p =
      column !== undefined
        ? simple(columnText(obj(obj(a)?.['ColumnRef'])?.['fields'], style))
        : literal !== undefined && obj(literal['sval']) !== undefined
          ? simple(constant(literal, columnType ?? OID.text))
          : operand(a, columnType, style);
    if (p === undefined) return undefined;
    printed.push(p.form === 'simple' || style.pretty ? p.text : `(${p.text})`);
  }
  return `${name}(${printed.join(', ')})`;
}

function call(f: Obj, style: Style): string | undefined {
  if (f['agg_within_group'] === true || f['func_variadic'] === true) return undefined;
  const fname = names(f['funcname']).filter((n) => n !== 'pg_catalog').map(quoteIdentifier).join('.');
  const over = f['over'] === undefined ? '' : windowClause(obj(f['over']), style);
  const condition = f['agg_filter'] === undefined ? undefined : finish(print(f['agg_filter'], OID.bool, style), style);
  if (over === undefined || (f['agg_filter'] !== undefined && condition === undefined)) return undefined;
  const filter = condition === undefined ? '' : ` FILTER (WHERE ${condition})`;
  if (f['agg_star'] === true) return `${fname}(*)${filter}${over}`;
  const args: string[] = [];
  const castStrings = !POLYMORPHIC_FUNCTIONS.includes(fname);
  for (const a of Array.isArray(f['args']) ? f['args'] : []) {
    const printed = (castStrings ? columnSide(a, style)?.printed : undefined) ?? print(a, OID.text, style);
    if (printed === undefined) return undefined;
    args.push(printed.form === 'simple' || style.pretty ? printed.text : `(${printed.text})`);
  }
  const order = f['agg_order'] === undefined ? '' : orderByText(f['agg_order'], style);
  if (order === undefined) return undefined;
  return `${fname}(${f['agg_distinct'] === true ? 'DISTINCT ' : ''}${args.join(', ')}${order})${filter}${over}`;
}

/** ` ORDER BY k [DESC] [NULLS …]` of an aggregate call (string_agg(x, ',' ORDER BY x)) or a window. */
function orderByText(items: unknown, style: Style): string | undefined {
  const keys: string[] = [];
  for (const item of Array.isArray(items) ? items : []) {
    const sort = obj(obj(item)?.['SortBy']);
    const text = sort === undefined ? undefined : finish(print(sort['node'], OID.text, style), style);
    if (sort === undefined || text === undefined || sort['useOp'] !== undefined) return undefined;
    const desc = sort['sortby_dir'] === 'SORTBY_DESC';
    let key = `${sortGroupText(sort['node'], text, style.pretty)}${desc ? ' DESC' : ''}`;
    if (sort['sortby_nulls'] === 'SORTBY_NULLS_FIRST' && !desc) key += ' NULLS FIRST';
    if (sort['sortby_nulls'] === 'SORTBY_NULLS_LAST' && desc) key += ' NULLS LAST';
    keys.push(key);
  }
  return keys.length === 0 ? undefined : ` ORDER BY ${keys.join(', ')}`;
}

/**
 * A sort or group key's printed `text` as ruleutils' get_rule_sortgroupclause shows it: a column
 * or a constant as is; anything else in parentheses in pretty mode, a function call in either.
 */
export function sortGroupText(node: unknown, text: string, pretty: boolean): string {
  const o = obj(node);
  if (o?.['ColumnRef'] !== undefined || o?.['A_Const'] !== undefined) return text;
  return pretty || o?.['FuncCall'] !== undefined ? `(${text})` : text;
}

/** PostgreSQL's default window frame (FRAMEOPTION_DEFAULTS): RANGE UNBOUNDED PRECEDING to CURRENT ROW. */
const DEFAULT_FRAME_OPTIONS = 1058;

/** ` OVER (PARTITION BY … ORDER BY …)` with the default frame; undefined for anything else. */
function windowClause(w: Obj | undefined, style: Style): string | undefined {
  if (w === undefined || w['name'] !== undefined || w['refname'] !== undefined) return undefined;
  if (w['frameOptions'] !== undefined && w['frameOptions'] !== DEFAULT_FRAME_OPTIONS) return undefined;
  const partition: string[] = [];
  for (const p of Array.isArray(w['partitionClause']) ? w['partitionClause'] : []) {
    const text = finish(print(p, OID.text, style), style);
    if (text === undefined) return undefined;
    partition.push(sortGroupText(p, text, style.pretty));
  }
  const order = w['orderClause'] === undefined ? '' : orderByText(w['orderClause'], style);
  if (order === undefined) return undefined;
  const head = partition.length > 0 ? `PARTITION BY ${partition.join(', ')}` : '';
  return ` OVER (${head}${head === '' ? order.trimStart() : order})`;
}

/** Column types by name, for literals compared with a column (`total >= 0` → `0::numeric`). */
export type ColumnTypes = (name: string) => number | undefined;

const STRING_TYPES: readonly number[] = [OID.varchar, OID.bpchar, OID.name];

/**
 * A column reference's printed form and type, for queries over several relations (view
 * definitions): `o.total` or a bare `total` → `{ text: 'o.total', type: numeric }`.
 */
export type ColumnResolver = (parts: readonly string[]) => { readonly text: string; readonly type: number } | undefined;

/** How the printer runs: column types for coercing compared literals, and ruleutils' pretty mode. */
interface Style {
  readonly columns: ColumnTypes | undefined;
  readonly pretty: boolean;
  /** Resolves column references to their qualified text and type (view definitions). */
  readonly resolve?: ColumnResolver;
  /** Prints a subquery (SubLink) with its parentheses (view definitions). */
  readonly subquery?: SubqueryPrinter;
  /** The indentation a CASE starts its lines at (view definitions); CASE is not printed without it. */
  readonly caseIndent?: number;
}

/** Prints a SubLink node's body as ruleutils does, or undefined when it cannot. */
export type SubqueryPrinter = (sublink: Record<string, unknown>) => string | undefined;

function columnText(fields: unknown, style: Style): string {
  const parts = names(fields);
  return style.resolve?.(parts)?.text ?? parts.map(quoteIdentifier).join('.');
}

/** Printed text and its form, so the parent can decide on parentheses as ruleutils does. */
interface Printed {
  readonly text: string;
  /** 'array': `x = ANY (ARRAY[…])`, which ruleutils parenthesizes under any parent. */
  readonly form: 'simple' | 'op' | 'and' | 'or' | 'not' | 'nulltest' | 'array';
  /** The operator of an 'op' form (binary ones only), for pretty mode's precedence rules. */
  readonly op?: string;
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
  if (ref === undefined || (style.columns === undefined && style.resolve === undefined)) return undefined;
  const parts = names(ref['fields']);
  const type = style.resolve !== undefined ? style.resolve(parts)?.type : style.columns?.(parts[parts.length - 1] ?? '');
  if (type === undefined || type === OID.unknown) return undefined;
  const text = columnText(ref['fields'], style);
  if (!STRING_TYPES.includes(type)) return { printed: { text, form: 'simple' }, type };
  return { printed: { text: style.pretty ? `${text}::text` : `(${text})::text`, form: 'simple' }, type };
}

const LOW_PRIORITY_OPS = ['+', '-'];
const HIGH_PRIORITY_OPS = ['*', '/', '%'];

/** ruleutils' isSimpleNode for an operator inside an arithmetic operator: `a * b + c`, `a - b - c`. */
function arithmeticNeedsNoParens(child: Printed, parentOp: string | undefined, leftOperand: boolean): boolean {
  const op = child.op ?? '';
  const lowChild = LOW_PRIORITY_OPS.includes(op);
  const highChild = HIGH_PRIORITY_OPS.includes(op);
  const lowParent = LOW_PRIORITY_OPS.includes(parentOp ?? '');
  const highParent = HIGH_PRIORITY_OPS.includes(parentOp ?? '');
  if (!(lowChild || highChild) || !(lowParent || highParent)) return false;
  if (highChild && lowParent) return true;
  if (lowChild && highParent) return false;
  return leftOperand;
}

/**
 * The child's text inside a parent of form `parent`: always parenthesized unless pretty and not
 * needed (ruleutils' isSimpleNode: AND and NOT inside AND/OR, OR inside OR, arithmetic precedence).
 */
function inside(child: Printed, parent: Printed['form'], style: Style, parentOp?: string, leftOperand = false): string {
  if (child.form === 'simple') return child.text;
  if (!style.pretty) return `(${child.text})`;
  let needed: boolean;
  if (child.form === 'array') needed = true;
  else if (parent === 'op') needed = !(child.form === 'op' && arithmeticNeedsNoParens(child, parentOp, leftOperand));
  else if (parent === 'not') needed = child.form !== 'nulltest';
  else if (parent === 'and' || parent === 'or') needed = child.form === 'or' && parent === 'and';
  else needed = false;
  return needed ? `(${child.text})` : child.text;
}

function comparison(op: string, lnode: unknown, rnode: unknown, style: Style): Printed | undefined {
  const lcol = columnSide(lnode, style);
  const rcol = columnSide(rnode, style);
  const left = lnode === undefined ? undefined : (lcol?.printed ?? operand(lnode, rcol?.type, style));
  const right = rcol?.printed ?? operand(rnode, lcol?.type, style);
  if (right === undefined || (lnode !== undefined && left === undefined)) return undefined;
  if (left === undefined) return { text: `${op} ${inside(right, 'op', style)}`, form: 'op' };
  return { text: `${inside(left, 'op', style, op, true)} ${op} ${inside(right, 'op', style, op)}`, form: 'op', op };
}

/** `x IN (a, b)` → `x = ANY (ARRAY[a, b])`, `NOT IN` → `<> ALL (…)`, literals coerced to x's type. */
function inList(e: Obj, style: Style): Printed | undefined {
  const list = obj(obj(e['rexpr'])?.['List'])?.['items'];
  const items = Array.isArray(list) ? (list as unknown[]) : [];
  if (items.length === 0) return undefined;
  const col = columnSide(e['lexpr'], style);
  const left = col?.printed ?? print(e['lexpr'], OID.text, style);
  const values = items.map((i) => operand(i, col?.type, style));
  if (left === undefined || values.some((v) => v === undefined)) return undefined;
  const negated = names(e['name']).pop() === '<>';
  const array = `ARRAY[${(values as Printed[]).map((v) => inside(v, 'op', style)).join(', ')}]`;
  return { text: `${inside(left, 'op', style)} ${negated ? '<> ALL' : '= ANY'} (${array})`, form: 'array' };
}

/** `x op ANY (ARRAY[…])` / `op ALL (…)`, as ruleutils prints IN lists back (pg_dump output read again). */
function anyAll(e: Obj, style: Style): Printed | undefined {
  const col = columnSide(e['lexpr'], style);
  const left = col?.printed ?? print(e['lexpr'], OID.text, style);
  const elements = obj(obj(e['rexpr'])?.['A_ArrayExpr'])?.['elements'];
  let right: string | undefined;
  if (Array.isArray(elements)) {
    const values = elements.map((i) => operand(i, col?.type, style));
    if (values.some((v) => v === undefined)) return undefined;
    right = `ARRAY[${(values as Printed[]).map((v) => inside(v, 'op', style)).join(', ')}]`;
  } else {
    const printed = print(e['rexpr'], OID.text, style);
    right = printed === undefined ? undefined : inside(printed, 'op', style);
  }
  if (left === undefined || right === undefined) return undefined;
  const quantifier = e['kind'] === 'AEXPR_OP_ALL' ? 'ALL' : 'ANY';
  return { text: `${inside(left, 'op', style)} ${names(e['name']).pop() ?? ''} ${quantifier} (${right})`, form: 'array' };
}

function operator(e: Obj, style: Style): Printed | undefined {
  if (e['kind'] === 'AEXPR_BETWEEN') {
    const bounds = obj(obj(e['rexpr'])?.['List'])?.['items'] as unknown[] | undefined;
    const low = comparison('>=', e['lexpr'], bounds?.[0], style);
    const high = comparison('<=', e['lexpr'], bounds?.[1], style);
    if (low === undefined || high === undefined) return undefined;
    return { text: `${inside(low, 'and', style)} AND ${inside(high, 'and', style)}`, form: 'and' };
  }
  if (e['kind'] === 'AEXPR_IN') return inList(e, style);
  if (e['kind'] === 'AEXPR_NULLIF') return simple(coalesce({ args: [e['lexpr'], e['rexpr']] }, 'NULLIF', style));
  if (e['kind'] === 'AEXPR_OP_ANY' || e['kind'] === 'AEXPR_OP_ALL') return anyAll(e, style);
  // LIKE / ILIKE arrive with their operator names (~~, !~~, ~~*, !~~*).
  if (e['kind'] !== 'AEXPR_OP' && e['kind'] !== 'AEXPR_LIKE' && e['kind'] !== 'AEXPR_ILIKE') return undefined;
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
      return simple(typeCast(b, style));
    case 'FuncCall':
      return simple(call(b, style));
    case 'A_Expr':
      return operator(b, style);
    case 'BoolExpr':
      return boolExpr(b, style);
    case 'ColumnRef':
      return simple(columnText(b['fields'], style));
    case 'SQLValueFunction':
      return simple(SVF[String(b['op'])]);
    case 'CoalesceExpr':
      return simple(coalesce(b, 'COALESCE', style));
    case 'MinMaxExpr':
      return simple(coalesce(b, b['op'] === 'IS_GREATEST' ? 'GREATEST' : 'LEAST', style));
    case 'SubLink':
      return simple(style.subquery?.(b));
    case 'CaseExpr':
      return simple(style.caseIndent === undefined ? undefined : printCase(b, style.caseIndent, caseHost(style)));
    case 'A_ArrayExpr': {
      const items = (Array.isArray(b['elements']) ? b['elements'] : []).map((e) => print(e, OID.text, style));
      if (items.length === 0 || items.some((i) => i === undefined)) return undefined;
      return simple(`ARRAY[${(items as Printed[]).map((i) => finish(i, style)).join(', ')}]`);
    }
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
export function deparseExpr(
  node: unknown,
  typeOid: number,
  columns?: ColumnTypes,
  pretty = false,
  resolve?: ColumnResolver,
  subquery?: SubqueryPrinter,
  caseIndent?: number,
): string | undefined {
  const style: Style = {
    columns,
    pretty,
    ...(resolve === undefined ? {} : { resolve }),
    ...(subquery === undefined ? {} : { subquery }),
    ...(caseIndent === undefined ? {} : { caseIndent }),
  };
  return finish(print(node, typeOid, style), style);
}

/** A top-level expression's text: parenthesized unless simple or pretty, as get_rule_expr leaves it. */
function finish(printed: Printed | undefined, style: Style): string | undefined {
  if (printed === undefined) return undefined;
  return printed.form === 'simple' || style.pretty ? printed.text : `(${printed.text})`;
}

/** What printCase needs, over this printer. */
function caseHost(style: Style): CaseHost {
  return {
    pretty: style.pretty,
    print: (node, typeOid, indent) => finish(print(node, typeOid, { ...style, caseIndent: indent }), style),
    literal: (node, typeOid) => (obj(obj(node)?.['A_Const']) === undefined ? undefined : finish(operand(node, typeOid, style), style)),
    column: (node) => {
      const ref = obj(obj(node)?.['ColumnRef']);
      if (ref === undefined || style.resolve === undefined) return undefined;
      const parts = names(ref['fields']);
      const type = style.resolve(parts)?.type;
      return type === undefined || type === OID.unknown ? undefined : { text: columnText(ref['fields'], style), type };
    },
  };
}
