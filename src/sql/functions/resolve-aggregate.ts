/**
 * The built-in aggregates (pg_aggregate rows) and their resolution by name and argument types,
 * with the same candidate rules as functions; 42883 "function foo(integer) does not exist".
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { Numeric, OID, typeByOid, type SqlType, type Value } from '../../catalog/types/index.js';
import {
  arrayAgg, avgInt, avgInterval, avgNumeric, bitAgg, boolAnd, boolOr, byteaAgg, countAll, countAny, floatSum, floatVariance,
  jsonbAgg, minMax, numericVariance, stringAgg, sumInterval, sumToInt8, sumToNumeric, type AggregateImpl,
} from './aggregate-impls.js';
import { isPolymorphic, resolvePolymorphic, selectCandidate } from './candidate-selection.js';
import type { ResolvedAggregate } from './function-types.js';

interface AggregateDef {
  readonly name: string;
  readonly args: readonly number[];
  readonly result: number;
  readonly make: (argTypes: readonly SqlType[]) => AggregateImpl;
}

const { int2, int4, int8, float4, float8, numeric, interval, text, bool, bytea, anynonarray, anyarray, anyelement, any, jsonb } = OID;
const defs: AggregateDef[] = [];

function add(name: string, args: number[], result: number, make: AggregateDef['make'] | AggregateImpl): void {
  defs.push({ name, args, result, make: typeof make === 'function' ? make : () => make });
}

const fromInt = (v: Value): Numeric => Numeric.fromBigInt(v as number | bigint);
const asNumeric = (v: Value): Numeric => v as Numeric;

add('count', [], int8, countAll);
add('count', [any], int8, countAny);
add('sum', [int2], int8, sumToInt8);
add('sum', [int4], int8, sumToInt8);
add('sum', [int8], numeric, sumToNumeric(fromInt));
add('sum', [numeric], numeric, sumToNumeric(asNumeric));
add('sum', [float4], float4, floatSum(true));
add('sum', [float8], float8, floatSum(false));
add('sum', [interval], interval, sumInterval);
add('avg', [int2], numeric, avgInt);
add('avg', [int4], numeric, avgInt);
add('avg', [int8], numeric, avgNumeric(fromInt));
add('avg', [numeric], numeric, avgNumeric(asNumeric));
add('avg', [float4], float8, () => floatAvg());
add('avg', [float8], float8, () => floatAvg());
add('avg', [interval], interval, avgInterval);
for (const t of [int2, int4, int8, float4, float8, numeric, text, OID.bpchar, OID.date, OID.time, OID.timestamp, OID.timestamptz,
  interval, OID.oid, anyarray]) {
  add('min', [t], t, (types) => minMax(types[0] as SqlType, -1));
  add('max', [t], t, (types) => minMax(types[0] as SqlType, 1));
}
for (const name of ['bool_and', 'every']) add(name, [bool], bool, boolAnd);
add('bool_or', [bool], bool, boolOr);
add('string_agg', [text, text], text, stringAgg);
add('string_agg', [bytea, bytea], bytea, byteaAgg);
add('array_agg', [anynonarray], anyarray, arrayAgg);
add('jsonb_agg', [anyelement], jsonb, (types) => jsonbAgg(types[0] as SqlType));
for (const t of [int2, int4]) {
  add('bit_and', [t], t, bitAgg(true, false));
  add('bit_or', [t], t, bitAgg(false, false));
}
add('bit_and', [int8], int8, bitAgg(true, true));
add('bit_or', [int8], int8, bitAgg(false, true));
const VARIANCE: Array<[string, boolean, boolean]> = [
  ['stddev', true, true], ['stddev_samp', true, true], ['stddev_pop', false, true],
  ['variance', true, false], ['var_samp', true, false], ['var_pop', false, false],
];
for (const [name, sample, root] of VARIANCE) {
  for (const t of [int2, int4, int8]) add(name, [t], numeric, numericVariance(fromInt, sample, root));
  add(name, [numeric], numeric, numericVariance(asNumeric, sample, root));
  add(name, [float4], float8, floatVariance(sample, root));
  add(name, [float8], float8, floatVariance(sample, root));
}

function floatAvg(): AggregateImpl {
  const base = floatVariance(false, false);
  return { ...base, final: (s) => (s.n === 0 ? null : s.f / s.n) };
}

/** Every built-in aggregate signature (the catalog's pg_proc rows with prokind 'a' are generated from these). */
export const AGGREGATE_SIGNATURES: ReadonlyArray<Pick<AggregateDef, 'name' | 'args' | 'result'>> = defs;

const byName = new Map<string, AggregateDef[]>();
for (const d of defs) {
  const list = byName.get(d.name);
  if (list === undefined) byName.set(d.name, [d]);
  else list.push(d);
}

export function isAggregateName(name: string): boolean {
  return byName.has(name.toLowerCase());
}

/** Resolves an aggregate call; count(*) is `resolveAggregate('count', [])`. */
export function resolveAggregate(name: string, argTypes: readonly SqlType[]): ResolvedAggregate {
  const lower = name.toLowerCase();
  const pool = (byName.get(lower) ?? []).map((def) => ({ def, args: def.args.map((a, i) => (a === any ? (argTypes[i]?.oid ?? a) : a)) }));
  const selection = selectCandidate(argTypes, pool);
  if (selection.kind !== 'found') {
    const sig = `${lower}(${argTypes.map((t) => t.sqlName).join(', ')})`;
    const ambiguous = selection.kind === 'ambiguous';
    throw new SqlError(ambiguous ? '42725' : SQLSTATE.undefinedFunction, `function ${sig} ${ambiguous ? 'is not unique' : 'does not exist'}`, {
      hint: ambiguous
        ? 'Could not choose a best candidate function. You might need to add explicit type casts.'
        : 'No function matches the given name and argument types. You might need to add explicit type casts.',
    });
  }
  const { def, args } = selection.candidate;
  let params: SqlType[];
  let returnType: SqlType;
  if (args.some(isPolymorphic) || isPolymorphic(def.result)) {
    const bound = resolvePolymorphic(argTypes, args, def.result);
    params = bound.params;
    returnType = bound.result;
  } else {
    params = args.map((a) => typeByOid(a) as SqlType);
    returnType = typeByOid(def.result) as SqlType;
  }
  const impl = def.make(params);
  return { name: lower, argTypes: params, returnType, strict: impl.strict, init: impl.init, step: impl.step, final: impl.final };
}
