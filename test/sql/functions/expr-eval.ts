/**
 * A small expression evaluator for the data-driven tests: parses `SELECT <expr>` with libpg-query
 * and evaluates the expression through the type system and the operator/function/cast
 * resolution under test (constants, casts, operators, LIKE, ANY/ALL, functions, aggregates over a
 * VALUES list, AND/OR/NOT, IS [NOT] NULL, IS DISTINCT FROM, BETWEEN, ARRAY[…], subscripts,
 * COALESCE, NULLIF, GREATEST/LEAST). It mimics the binder only as far as these tests need.
 */
import { loadModule, parseSync } from 'libpg-query';
import {
  BOOL, DEFAULT_TYPE_CONTEXT, INT4, INT8, NUMERIC, Numeric, OID, UNKNOWN, arrayOf, parseTypeName, type SqlType, type Value,
} from '../../../src/catalog/types/index.js';
import {
  castImplFor, castValue, commonType, resolveAggregate, resolveFunction, resolveOperator, type EvalContext,
} from '../../../src/sql/functions/index.js';

export interface Typed {
  type: SqlType;
  value: Value;
}

/**
 * Raw parser JSON (untyped here): every property read is another Node; leaves are read through
 * str()/num()/list(), which check what they get.
 */
interface Node {
  readonly [key: string]: Node;
}

function str(x: Node | undefined): string {
  if (typeof x !== 'string') throw new Error(`expected a string in the parse tree, got ${typeof x}`);
  return x;
}

function num(x: Node | undefined): number {
  return x === undefined ? 0 : (x as unknown as number);
}

function list(x: Node | undefined): Node[] {
  return x === undefined ? [] : (x as unknown as Node[]);
}

function has(x: Node | undefined): x is Node {
  return x !== undefined;
}

export let CTX: EvalContext = { ...DEFAULT_TYPE_CONTEXT, timeZone: 'UTC', nowUs: 631152000000000n };

/** The session TimeZone, DateStyle and IntervalStyle for the following evaluations. */
export function setSetting(session: { timeZone: string; dateStyle: string; intervalStyle: string }): void {
  CTX = { ...CTX, timeZone: session.timeZone, dateStyle: session.dateStyle, intervalStyle: session.intervalStyle };
}

let loaded = false;
export async function init(): Promise<void> {
  if (!loaded) await loadModule();
  loaded = true;
}

function coerce(t: Typed, target: SqlType): Value {
  if (t.value === null || t.type.oid === target.oid) return t.value;
  if (t.type.oid === OID.unknown) return target.fromText(t.value as string, -1, CTX);
  return castImplFor(t.type, target)(t.value, CTX);
}

function constant(c: Node): Typed {
  if (has(c.isnull)) return { type: UNKNOWN, value: null };
  if (has(c.ival)) return { type: INT4, value: num(c.ival.ival) };
  if (has(c.boolval)) return { type: BOOL, value: has(c.boolval.boolval) && (c.boolval.boolval as unknown as boolean) };
  if (has(c.sval)) return { type: UNKNOWN, value: has(c.sval.sval) ? str(c.sval.sval) : '' };
  const f = str(c.fval?.fval);
  if (/^-?\d+$/.test(f) && BigInt(f) >= -(2n ** 63n) && BigInt(f) < 2n ** 63n) {
    const big = BigInt(f);
    return big >= -(2n ** 31n) && big < 2n ** 31n ? { type: INT4, value: Number(big) } : { type: INT8, value: big };
  }
  return { type: NUMERIC, value: Numeric.parse(f) };
}

function typeCast(n: Node, row: Row): Typed {
  const arg = evaluate(n.arg, row);
  const tn = n.typeName;
  const names = list(tn?.names).map((x) => str(x.String?.sval));
  const typmods = list(tn?.typmods).map((x) => num(x.A_Const?.ival?.ival));
  const { type, typmod } = parseTypeName(names, typmods, list(tn?.arrayBounds).length);
  if (arg.value === null) return { type, value: null };
  if (arg.type.oid === OID.unknown) {
    const v = type.fromText(arg.value as string, -1, CTX);
    return { type, value: type.applyTypmod && typmod >= 0 ? type.applyTypmod(v, typmod, true) : v };
  }
  return { type, value: castValue(arg.value, arg.type, type, typmod, CTX, true) };
}

function operator(name: string, l: Typed | undefined, r: Typed): Typed {
  const op = resolveOperator(name, l?.type, r.type);
  const rv = coerce(r, op.rightType);
  const lv = l === undefined ? undefined : coerce(l, op.leftType as SqlType);
  if (rv === null || lv === null) return { type: op.resultType, value: null };
  return { type: op.resultType, value: lv === undefined ? op.impl(rv, null, CTX) : op.impl(lv, rv, CTX) };
}

function anyAll(n: Node, row: Row, all: boolean): Typed {
  const l = evaluate(n.lexpr, row);
  let r = evaluate(n.rexpr, row);
  if (r.type.oid === OID.unknown) {
    const arr = arrayOf(l.type.oid === OID.unknown ? UNKNOWN : l.type) as SqlType;
    r = { type: arr, value: r.value === null ? null : arr.fromText(r.value as string, -1, CTX) };
  }
  if (r.value === null) return { type: BOOL, value: null };
  let sawNull = false;
  for (const x of r.value as Value[]) {
    const res = operator(str(list(n.name)[0]?.String?.sval), l, { type: r.type.element as SqlType, value: x }).value;
    if (res === null) sawNull = true;
    else if (res !== !all) continue;
    else return { type: BOOL, value: !all };
  }
  return { type: BOOL, value: sawNull ? null : all };
}

function aExpr(n: Node, row: Row): Typed {
  const names = list(n.name);
  const name = names.length === 0 ? '' : str(names[names.length - 1]?.String?.sval);
  switch (str(n.kind)) {
    case 'AEXPR_OP':
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return operator(name, n.lexpr === undefined ? undefined : evaluate(n.lexpr, row), evaluate(n.rexpr, row));
    case 'AEXPR_OP_ANY':
      return anyAll(n, row, false);
    case 'AEXPR_OP_ALL':
      return anyAll(n, row, true);
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const l = evaluate(n.lexpr, row);
      const r = evaluate(n.rexpr, row);
      let distinct: boolean;
      if (l.value === null || r.value === null) distinct = l.value !== r.value;
      else distinct = operator('=', l, r).value === false;
      return { type: BOOL, value: str(n.kind) === 'AEXPR_DISTINCT' ? distinct : !distinct };
    }
    case 'AEXPR_NULLIF': {
      const l = evaluate(n.lexpr, row);
      const eq = operator('=', l, evaluate(n.rexpr, row)).value;
      return { type: l.type, value: eq === true ? null : l.value };
    }
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN': {
      const x = evaluate(n.lexpr, row);
      const [lo, hi] = list(n.rexpr?.List?.items).map((i) => evaluate(i, row)) as [Typed, Typed];
      const v = and(operator('>=', x, lo).value, operator('<=', x, hi).value);
      return { type: BOOL, value: str(n.kind) === 'AEXPR_BETWEEN' ? v : v === null ? null : !v };
    }
    case 'AEXPR_IN': {
      const l = evaluate(n.lexpr, row);
      const items = list(n.rexpr?.List?.items).map((e) => evaluate(e, row));
      const { type, values } = unify([l, ...items], 'IN');
      const left = { type, value: values[0] as Value };
      let sawNull = false;
      for (const v of values.slice(1)) {
        const eq = operator('=', left, { type, value: v }).value;
        if (eq === true) return { type: BOOL, value: name === '=' };
        if (eq === null) sawNull = true;
      }
      return { type: BOOL, value: sawNull ? null : name !== '=' };
    }
    case 'AEXPR_SIMILAR':
      return operator(name, evaluate(n.lexpr, row), evaluate(n.rexpr, row));
    default:
      throw new Error(`unsupported A_Expr ${str(n.kind)}`);
  }
}

function and(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  return a === null || b === null ? null : true;
}

function boolExpr(n: Node, row: Row): Typed {
  const args = list(n.args).map((a) => coerce(evaluate(a, row), BOOL));
  if (str(n.boolop) === 'NOT_EXPR') return { type: BOOL, value: args[0] === null ? null : !args[0] };
  if (str(n.boolop) === 'AND_EXPR') return { type: BOOL, value: args.reduce<Value>((x, y) => and(x, y), true) };
  const or = args.some((a) => a === true) ? true : args.some((a) => a === null) ? null : false;
  return { type: BOOL, value: or };
}

function unify(items: Typed[], context: string): { type: SqlType; values: Value[] } {
  const type = commonType(items.map((i) => i.type), context);
  return { type, values: items.map((i) => coerce(i, type)) };
}

function funcCall(n: Node, row: Row): Typed {
  const names = list(n.funcname).map((x) => str(x.String?.sval)).filter((x) => x !== 'pg_catalog');
  const name = names[names.length - 1] as string;
  if (row.aggregate) return aggregateCall(name, n, row);
  const args = list(n.args).map((a) => evaluate(a, row));
  const f = resolveFunction(name, args.map((a) => a.type));
  const values = args.map((a, i) => coerce(a, f.argTypes[i] as SqlType));
  if (f.strict && values.some((v) => v === null)) return { type: f.resultType, value: null };
  const result = f.impl(values, CTX);
  return { type: f.resultType, value: f.setReturning ? [...(result as Iterable<Value>)] : result };
}

interface Row {
  columns: Map<string, Typed>;
  aggregate?: { rows: Array<Map<string, Typed>> };
}

function aggregateCall(name: string, n: Node, row: Row): Typed {
  const argNodes = list(n.args);
  const rows = (row.aggregate as { rows: Array<Map<string, Typed>> }).rows;
  const perRow = rows.map((columns) => argNodes.map((a) => evaluate(a, { columns })));
  const argTypes = argNodes.length === 0 ? [] : (perRow[0] ?? argNodes.map(() => ({ type: UNKNOWN, value: null }))).map((a) => a.type);
  const agg = resolveAggregate(name, has(n.agg_star) ? [] : argTypes);
  let state = agg.init();
  for (const args of perRow) {
    const values = args.map((a, i) => coerce(a, agg.argTypes[i] as SqlType));
    if (agg.strict && values.some((v) => v === null)) continue;
    state = agg.step(state, values, CTX);
  }
  return { type: agg.returnType, value: agg.final(state, CTX) };
}

export function evaluate(node: Node | undefined, row: Row = { columns: new Map() }): Typed {
  if (node === undefined) throw new Error('missing expression in the parse tree');
  const [kind, n] = Object.entries(node)[0] as [string, Node];
  switch (kind) {
    case 'A_Const': return constant(n);
    case 'TypeCast': return typeCast(n, row);
    case 'A_Expr': return aExpr(n, row);
    case 'BoolExpr': return boolExpr(n, row);
    case 'FuncCall': return funcCall(n, row);
    case 'CaseExpr': {
      const whens = list(n.args).map((w) => w.CaseWhen as Node);
      const results = [...whens.map((w) => evaluate(w.result, row)), n.defresult === undefined ? { type: UNKNOWN, value: null } : evaluate(n.defresult, row)];
      const { type, values } = unify(results, 'CASE');
      const i = whens.findIndex((w) => coerce(evaluate(w.expr, row), BOOL) === true);
      return { type, value: values[i < 0 ? whens.length : i] as Value };
    }
    case 'NullTest': {
      const v = evaluate(n.arg, row).value;
      return { type: BOOL, value: str(n.nulltesttype) === 'IS_NULL' ? v === null : v !== null };
    }
    case 'A_ArrayExpr': {
      const { type, values } = unify(list(n.elements).map((e) => evaluate(e, row)), 'ARRAY');
      return { type: arrayOf(type) as SqlType, value: values };
    }
    case 'CoalesceExpr': {
      const { type, values } = unify(list(n.args).map((e) => evaluate(e, row)), 'COALESCE');
      return { type, value: values.find((v) => v !== null) ?? null };
    }
    case 'MinMaxExpr': {
      const greatest = str(n.op) === 'IS_GREATEST';
      const { type, values } = unify(list(n.args).map((e) => evaluate(e, row)), greatest ? 'GREATEST' : 'LEAST');
      const sign = greatest ? 1 : -1;
      let best: Value = null;
      for (const v of values) if (v !== null && (best === null || sign * type.compare(v, best) > 0)) best = v;
      return { type, value: best };
    }
    case 'A_Indirection': {
      const base = evaluate(n.arg, row);
      let value: Value = base.value;
      for (const ind of list(n.indirection)) {
        const i = coerce(evaluate(ind.A_Indices?.uidx as Node, row), INT4) as number;
        value = Array.isArray(value) ? (value[i - 1] ?? null) : null;
      }
      return { type: base.type.element as SqlType, value };
    }
    case 'ColumnRef': {
      const col = row.columns.get(list(n.fields).map((f) => str(f.String?.sval)).join('.'));
      if (col === undefined) throw new Error('unknown column');
      return col;
    }
    default:
      throw new Error(`unsupported node ${kind}`);
  }
}

/** Evaluates `SELECT <expr>` (or `SELECT <agg> FROM (VALUES …) v(cols)`). */
export function evaluateSql(sql: string): Typed {
  const stmt = list((parseSync(sql) as unknown as Node).stmts)[0]?.stmt?.SelectStmt as Node;
  const target = list(stmt.targetList)[0]?.ResTarget?.val as Node;
  const from = list(stmt.fromClause)[0]?.RangeSubselect;
  if (from === undefined) return evaluate(target);
  const values = list(from.subquery?.SelectStmt?.valuesLists);
  const colNames = list(from.alias?.colnames).map((c) => str(c.String?.sval));
  const raw = values.map((v) => list(v.List?.items).map((e) => evaluate(e)));
  const columns = colNames.map((_, c) => unify(raw.map((r) => r[c] as Typed), 'VALUES'));
  const rows = raw.map((_, r) => new Map(colNames.map((name, c) => [name, { type: (columns[c] as { type: SqlType }).type, value: (columns[c] as { values: Value[] }).values[r] as Value }])));
  return evaluate(target, { columns: new Map(), aggregate: { rows } });
}
