/**
 * PostgreSQL 15's pg_cast rows for the types stratadb has (castsource, casttarget, castcontext),
 * plus its rule for I/O conversion casts: any type to a string type is an assignment cast, a
 * string type to any type is explicit.
 * - Every row here has an implementation in casts.ts; a pair absent from both is "cannot cast".
 */
import { OID } from '../../catalog/types/index.js';
import type { CastContext } from './function-types.js';

const { int2, int4, int8, float4, float8, numeric, bool, text, varchar, bpchar, name, char, oid, regclass, regtype, regnamespace, regproc,
  date, time, timestamp, timestamptz, interval, json, jsonb } = OID;

const ROWS: ReadonlyArray<readonly [number, number, CastContext]> = [
  [int8, int2, 'a'], [int8, int4, 'a'], [int8, float4, 'i'], [int8, float8, 'i'], [int8, numeric, 'i'],
  [int2, int8, 'i'], [int2, int4, 'i'], [int2, float4, 'i'], [int2, float8, 'i'], [int2, numeric, 'i'],
  [int4, int8, 'i'], [int4, int2, 'a'], [int4, float4, 'i'], [int4, float8, 'i'], [int4, numeric, 'i'],
  [float4, int8, 'a'], [float4, int2, 'a'], [float4, int4, 'a'], [float4, float8, 'i'], [float4, numeric, 'a'],
  [float8, int8, 'a'], [float8, int2, 'a'], [float8, int4, 'a'], [float8, float4, 'a'], [float8, numeric, 'a'],
  [numeric, int8, 'a'], [numeric, int2, 'a'], [numeric, int4, 'a'], [numeric, float4, 'i'], [numeric, float8, 'i'],
  [int4, bool, 'e'], [bool, int4, 'e'], [int4, char, 'e'], [char, int4, 'e'],
  [int8, oid, 'i'], [int2, oid, 'i'], [int4, oid, 'i'], [oid, int8, 'a'], [oid, int4, 'a'],
  [oid, regclass, 'i'], [regclass, oid, 'i'], [int8, regclass, 'i'], [int4, regclass, 'i'], [regclass, int8, 'a'], [regclass, int4, 'a'],
  [oid, regtype, 'i'], [regtype, oid, 'i'], [int8, regtype, 'i'], [int4, regtype, 'i'], [regtype, int8, 'a'], [regtype, int4, 'a'],
  [text, regclass, 'i'], [varchar, regclass, 'i'],
  [oid, regproc, 'i'], [regproc, oid, 'i'], [int8, regproc, 'i'], [int4, regproc, 'i'], [regproc, int8, 'a'], [regproc, int4, 'a'],
  [oid, regnamespace, 'i'], [regnamespace, oid, 'i'], [int8, regnamespace, 'i'], [int4, regnamespace, 'i'], [regnamespace, int8, 'a'], [regnamespace, int4, 'a'],
  [text, bpchar, 'i'], [text, varchar, 'i'], [bpchar, text, 'i'], [bpchar, varchar, 'i'], [varchar, text, 'i'],
  [varchar, bpchar, 'i'], [char, text, 'i'], [char, bpchar, 'a'], [char, varchar, 'a'], [name, text, 'i'],
  [name, bpchar, 'a'], [name, varchar, 'a'], [text, char, 'a'], [bpchar, char, 'a'], [varchar, char, 'a'],
  [text, name, 'i'], [bpchar, name, 'i'], [varchar, name, 'i'],
  [bool, text, 'a'], [bool, varchar, 'a'], [bool, bpchar, 'a'],
  [date, timestamp, 'i'], [date, timestamptz, 'i'], [time, interval, 'i'], [timestamp, date, 'a'], [timestamp, time, 'a'],
  [timestamp, timestamptz, 'i'], [timestamptz, date, 'a'], [timestamptz, time, 'a'], [timestamptz, timestamp, 'a'],
  [interval, time, 'a'],
  [json, jsonb, 'a'], [jsonb, json, 'a'], [jsonb, bool, 'e'], [jsonb, numeric, 'e'], [jsonb, int2, 'e'], [jsonb, int4, 'e'],
  [jsonb, int8, 'e'], [jsonb, float4, 'e'], [jsonb, float8, 'e'],
  // Length coercions (same type, typmod applied).
  [bpchar, bpchar, 'i'], [varchar, varchar, 'i'], [numeric, numeric, 'i'], [time, time, 'i'], [timestamp, timestamp, 'i'],
  [timestamptz, timestamptz, 'i'], [interval, interval, 'i'],
];

const TABLE = new Map<number, CastContext>();
for (const [source, target, context] of ROWS) TABLE.set(source * 100000 + target, context);

/** The pg_cast context of source → target, or undefined when pg_cast has no row. */
export function castContextOf(source: number, target: number): CastContext | undefined {
  return TABLE.get(source * 100000 + target);
}

export function isStringOid(o: number): boolean {
  return o === text || o === varchar || o === bpchar || o === name || o === char;
}
