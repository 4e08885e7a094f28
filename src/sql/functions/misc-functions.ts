/**
 * Array, JSON and other functions: array_length, cardinality, array_upper/lower, array_position,
 * array_append/prepend/cat, array_to_string, unnest, generate_subscripts and generate_series
 * (set-returning: impl returns an Iterable of rows), jsonb_typeof, jsonb_array_length, to_jsonb, jsonb_build_object/
 * array, jsonb_extract_path_text, gen_random_uuid, pg_typeof, like_escape, num_nulls/nonnulls.
 */
import { randomUUID } from 'node:crypto';
import { SqlError, SQLSTATE } from '../../util/index.js';
import {
  Interval, Jsonb, JsonObject, Numeric, OID, numericMath, type JsonNode, type SqlType, type Value,
} from '../../catalog/types/index.js';
import { jsonNodeToText, parseJson } from '../../catalog/types/jsonb.js';
import { arrayLength, arrayPosition, cardinality } from './array-ops.js';
import { timestampPlusInterval } from './datetime-ops.js';
import { fn, type FunctionDef } from './function-def.js';
import type { EvalContext, ScalarImpl } from './function-types.js';
import { nodeText, pathGet } from './jsonb-ops.js';

const { int4, int8, text, bool, jsonb, json, uuid, numeric, timestamp, timestamptz, interval, anyarray, anyelement, any, regtype } = OID;

function* intSeries(start: bigint, stop: bigint, step: bigint): Generator<bigint> {
  if (step === 0n) throw new SqlError(SQLSTATE.invalidParameterValue, 'step size cannot equal zero');
  for (let v = start; step > 0n ? v <= stop : v >= stop; v += step) yield v;
}

/**
 * generate_subscripts: lower … upper bound of dimension `dim` (arrays here start at 1, int2vector
 * and oidvector at 0); none past the last dimension.
 */
function subscripts(a: Value, dim: Value, reverse: boolean, lower = 1): number[] {
  const n = arrayLength(a, dim);
  const out = n === null ? [] : Array.from({ length: n as number }, (_, i) => i + lower);
  return reverse ? out.reverse() : out;
}

function* numberSeries(start: number, stop: number, step: number): Generator<number> {
  for (const v of intSeries(BigInt(start), BigInt(stop), BigInt(step))) yield Number(v);
}

function* numericSeries(start: Numeric, stop: Numeric, step: Numeric): Generator<Numeric> {
  if (step.sign() === 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'step size cannot equal zero');
  for (let v = start; step.sign() > 0 ? v.compare(stop) <= 0 : v.compare(stop) >= 0; v = numericMath.numericAdd(v, step)) yield v;
}

function* timestampSeries(start: bigint, stop: bigint, step: Interval): Generator<bigint> {
  if (step.span() === 0n) throw new SqlError(SQLSTATE.invalidParameterValue, 'step size cannot equal zero');
  const up = step.span() > 0n;
  for (let v = start; up ? v <= stop : v >= stop; v = timestampPlusInterval(v, step)) yield v;
}

function flatten(a: Value[], out: Value[]): Value[] {
  for (const x of a) {
    if (Array.isArray(x)) flatten(x, out);
    else out.push(x);
  }
  return out;
}

function jsonTypeof(n: JsonNode): string {
  if (n === null) return 'null';
  if (typeof n === 'string') return 'string';
  if (typeof n === 'boolean') return 'boolean';
  if (n instanceof Numeric) return 'number';
  return Array.isArray(n) ? 'array' : 'object';
}

/** A SQL value of type `t` as a jsonb node (to_jsonb). */
export function toJsonNode(t: SqlType, v: Value, ctx: EvalContext): JsonNode {
  if (v === null) return null;
  switch (t.oid) {
    case OID.bool: return v as boolean;
    case OID.int2: case OID.int4: case OID.int8: return Numeric.fromBigInt(v as number | bigint);
    case OID.numeric: return (v as Numeric).isFinite() ? (v as Numeric) : (v as Numeric).toString();
    case OID.float4: case OID.float8: return Number.isFinite(v as number) ? Numeric.parse(t.toText(v, ctx)) : t.toText(v, ctx);
    case OID.jsonb: return (v as Jsonb).root;
    case OID.json: return parseJson(v as string);
    case OID.timestamp: case OID.timestamptz: return t.toText(v, ctx).replace(' ', 'T');
    default:
  }
  if (t.element !== undefined) return (v as Value[]).map((x) => toJsonNode(t.element as SqlType, x, ctx));
  return t.toText(v, ctx);
}

const buildObject = (types: readonly SqlType[]): ScalarImpl => (args, ctx) => {
  if (args.length % 2 !== 0) throw new SqlError(SQLSTATE.invalidParameterValue, 'argument list must have even number of elements');
  const entries: Array<[string, JsonNode]> = [];
  for (let i = 0; i < args.length; i += 2) {
    const k = args[i] as Value;
    if (k === null) throw new SqlError(SQLSTATE.invalidParameterValue, 'argument 1: key must not be null');
    entries.push([(types[i] as SqlType).toText(k, ctx), toJsonNode(types[i + 1] as SqlType, args[i + 1] as Value, ctx)]);
  }
  return new Jsonb(JsonObject.from(entries));
};

const buildArray = (types: readonly SqlType[]): ScalarImpl => (args, ctx) =>
  new Jsonb(args.map((a, i) => toJsonNode(types[i] as SqlType, a, ctx)));

/** like_escape(pattern, escape): rewrites a pattern to use backslash as its escape character. */
export function likeEscape(pattern: string, escape: string): string {
  if (escape === '\\') return pattern;
  if ([...escape].length > 1) throw new SqlError('22019', 'invalid escape string', { hint: 'Escape string must be empty or one character.' });
  let out = '';
  const cs = [...pattern];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i] as string;
    if (escape !== '' && c === escape) {
      const next = cs[++i];
      if (next === undefined) throw new SqlError('22025', 'LIKE pattern must not end with escape character');
      out += '\\' + next;
    } else if (c === '\\') out += '\\\\';
    else out += c;
  }
  return out;
}

export const MISC_FUNCTIONS: FunctionDef[] = [
  fn('array_length', [anyarray, int4], int4, ([a, d]) => arrayLength(a as Value, d as Value)),
  fn('cardinality', [anyarray], int4, ([a]) => cardinality(a as Value)),
  fn('array_upper', [anyarray, int4], int4, () => null, {
    make: (types) => {
      const shift = 1 - ((types[0] as SqlType).lowerBound ?? 1);
      return ([a, d]) => {
        const n = arrayLength(a as Value, d as Value);
        return n === null ? null : (n as number) - shift;
      };
    },
  }),
  fn('array_lower', [anyarray, int4], int4, () => null, {
    make: (types) => {
      const lower = (types[0] as SqlType).lowerBound ?? 1;
      return ([a, d]) => (arrayLength(a as Value, d as Value) === null ? null : lower);
    },
  }),
  fn('array_ndims', [anyarray], int4, ([a]) => {
    let n = 0;
    for (let x: Value = a as Value; Array.isArray(x) && x.length > 0; x = x[0] as Value) n++;
    return n === 0 ? null : n;
  }),
  fn('array_position', [anyarray, anyelement], int4, () => null, {
    strict: false,
    make: (types) => ([a, x]) => (a === null ? null : arrayPosition((types[0] as SqlType).element as SqlType, a as Value, x as Value)),
  }),
  fn('array_append', [anyarray, anyelement], anyarray, ([a, x]) => [...((a as Value[] | null) ?? []), x as Value], { strict: false }),
  fn('array_prepend', [anyelement, anyarray], anyarray, ([x, a]) => [x as Value, ...((a as Value[] | null) ?? [])], { strict: false }),
  fn('array_cat', [anyarray, anyarray], anyarray, ([a, b]) => (a === null ? b as Value : b === null ? a as Value : [...(a as Value[]), ...(b as Value[])]), { strict: false }),
  fn('array_remove', [anyarray, anyelement], anyarray, () => null, {
    strict: false,
    make: (types) => ([a, x]) => (a === null ? null : (a as Value[]).filter((y) => (x === null || x === undefined ? y !== null : y === null || !((types[0] as SqlType).element as SqlType).equals(x, y)))),
  }),
  fn('array_to_string', [anyarray, text], text, () => null, {
    make: (types) => ([a, sep], ctx) => flatten(a as Value[], []).filter((x) => x !== null).map((x) => ((types[0] as SqlType).element as SqlType).toText(x, ctx)).join(sep as string),
  }),
  fn('array_to_string', [anyarray, text, text], text, () => null, {
    strict: false,
    make: (types) => ([a, sep, nul], ctx) => (a === null || sep === null ? null : flatten(a as Value[], []).filter((x) => x !== null || nul !== null).map((x) => (x === null ? (nul as string) : ((types[0] as SqlType).element as SqlType).toText(x, ctx))).join(sep as string)),
  }),
  fn('unnest', [anyarray], anyelement, ([a]) => flatten(a as Value[], []), { setReturning: true }),
  fn('generate_subscripts', [anyarray, int4], int4, () => null, {
    setReturning: true,
    make: (types) => ([a, d]) => subscripts(a as Value, d as Value, false, (types[0] as SqlType).lowerBound),
  }),
  fn('generate_subscripts', [anyarray, int4, bool], int4, () => null, {
    setReturning: true,
    make: (types) => ([a, d, r]) => subscripts(a as Value, d as Value, r === true, (types[0] as SqlType).lowerBound),
  }),
  fn('generate_series', [int4, int4], int4, ([a, b]) => numberSeries(a as number, b as number, 1), { setReturning: true }),
  fn('generate_series', [int4, int4, int4], int4, ([a, b, c]) => numberSeries(a as number, b as number, c as number), { setReturning: true }),
  fn('generate_series', [int8, int8], int8, ([a, b]) => intSeries(a as bigint, b as bigint, 1n), { setReturning: true }),
  fn('generate_series', [int8, int8, int8], int8, ([a, b, c]) => intSeries(a as bigint, b as bigint, c as bigint), { setReturning: true }),
  fn('generate_series', [numeric, numeric], numeric, ([a, b]) => numericSeries(a as Numeric, b as Numeric, Numeric.ONE), { setReturning: true }),
  fn('generate_series', [numeric, numeric, numeric], numeric, ([a, b, c]) => numericSeries(a as Numeric, b as Numeric, c as Numeric), { setReturning: true }),
  fn('generate_series', [timestamp, timestamp, interval], timestamp, ([a, b, c]) => timestampSeries(a as bigint, b as bigint, c as Interval), { setReturning: true }),
  fn('generate_series', [timestamptz, timestamptz, interval], timestamptz, ([a, b, c]) => timestampSeries(a as bigint, b as bigint, c as Interval), { setReturning: true }),
  fn('jsonb_typeof', [jsonb], text, ([v]) => jsonTypeof((v as Jsonb).root)),
  fn('json_typeof', [json], text, ([v]) => jsonTypeof(parseJson(v as string))),
  fn('jsonb_array_length', [jsonb], int4, ([v]) => {
    const root = (v as Jsonb).root;
    if (!Array.isArray(root)) throw new SqlError(SQLSTATE.invalidParameterValue, `cannot get array length of a ${root instanceof JsonObject ? 'non-array' : 'scalar'}`);
    return root.length;
  }),
  fn('to_jsonb', [anyelement], jsonb, () => null, { make: (types) => ([v], ctx) => new Jsonb(toJsonNode(types[0] as SqlType, v as Value, ctx)) }),
  fn('to_json', [anyelement], json, () => null, { make: (types) => ([v], ctx) => jsonNodeToText(toJsonNode(types[0] as SqlType, v as Value, ctx)) }),
  fn('jsonb_build_object', [any], jsonb, () => null, { strict: false, variadic: true, make: buildObject }),
  fn('jsonb_build_array', [any], jsonb, () => null, { strict: false, variadic: true, make: buildArray }),
  fn('jsonb_extract_path_text', [jsonb, text], text, ([v, ...path]) => nodeText(pathGet(v as Value, path)), { variadic: true }),
  fn('jsonb_extract_path', [jsonb, text], jsonb, ([v, ...path]) => {
    const n = pathGet(v as Value, path);
    return n === undefined ? null : new Jsonb(n);
  }, { variadic: true }),
  fn('gen_random_uuid', [], uuid, () => randomUUID(), { volatile: true }),
  fn('pg_typeof', [any], regtype, () => null, { strict: false, make: (types) => () => (types[0] as SqlType).oid }),
  fn('like_escape', [text, text], text, ([p, e]) => likeEscape(p as string, e as string)),
  fn('num_nulls', [any], int4, (args) => args.filter((a) => a === null).length, { strict: false, variadic: true }),
  fn('num_nonnulls', [any], int4, (args) => args.filter((a) => a !== null).length, { strict: false, variadic: true }),
  fn('bool', [int4], bool, ([v]) => v !== 0),
];
