/**
 * The SQL type interface: what every PostgreSQL type stratadb supports can do with a value.
 *
 * Value representations (the executor touches these directly; they never change silently):
 * - NULL → `null` (never passed to compare/equals/hashKey/toText; callers handle NULL first)
 * - bool → boolean
 * - int2, int4, oid, regclass, regtype → number (an integer in the type's range)
 * - int8 → bigint
 * - float4, float8 → number (NaN and ±Infinity allowed)
 * - numeric → `Numeric` (numeric.ts: exact decimal with NaN and ±Infinity)
 * - text, varchar, bpchar, name, "char", unknown → string (bpchar keeps its padding)
 * - bytea → Uint8Array
 * - date → number: days since 2000-01-01 (PostgreSQL's epoch); ±Infinity for 'infinity'
 * - time → number: microseconds since midnight (0 .. 86_400_000_000)
 * - timestamp, timestamptz → bigint: microseconds since 2000-01-01 00:00 (UTC for timestamptz);
 *   `TIMESTAMP_NOBEGIN` / `TIMESTAMP_NOEND` (int64 min/max, as PostgreSQL) for ∓infinity
 * - interval → `Interval` (interval.ts: months, days, microseconds)
 * - uuid → string, lowercase canonical 8-4-4-4-12 form
 * - json → string (the input text, kept as is, as PostgreSQL does)
 * - jsonb → `Jsonb` (jsonb.ts: a normalized tree with exact numbers)
 * - arrays → `Value[]` (one dimension, lower bound 1; nested `Value[]` for more dimensions)
 * - int2vector, oidvector → `Value[]` of numbers (lower bound 0, never NULL elements)
 *
 * Invariants:
 * - compare() is a total order on non-null values equal to PostgreSQL's btree order (float and
 *   numeric NaN greatest, text in "C" collation = UTF-8 byte order).
 * - equals(a, b) ⇔ compare(a, b) === 0, and equals(a, b) ⇒ hashKey(a) === hashKey(b).
 * - fromText(toText(v)) equals v; fromBinary(toBinary(v)) equals v.
 */

export type Value = null | boolean | number | bigint | string | Uint8Array | object;

/** The session settings that change how values print and parse. */
export interface TypeContext {
  /** IANA name ('UTC', 'Europe/Paris') or a POSIX-style fixed offset ('+02', '-05:30'). */
  readonly timeZone: string;
  /** 'ISO, MDY' (PostgreSQL's default), 'ISO, DMY', 'SQL, MDY', 'Postgres, MDY', 'German, DMY'. */
  readonly dateStyle: string;
  /** 'postgres' (default), 'postgres_verbose', 'sql_standard', 'iso_8601'. */
  readonly intervalStyle: string;
  /** extra_float_digits: > 0 → shortest exact output (PostgreSQL 12+ default is 1). */
  readonly extraFloatDigits: number;
  /**
   * Transaction start time (microseconds since 2000-01-01 UTC) for 'now', 'today' and now();
   * the wall clock when absent.
   */
  readonly nowUs?: bigint;
  /**
   * Names of the reg* object-identifier types (regclass, regnamespace, regtype) over the session's
   * catalog; an oid it does not name (undefined) prints as the number.
   */
  readonly regName?: (typeOid: number, oid: number) => string | undefined;
  /**
   * Input side of regName: the oid a reg* name ('t', 's.t') denotes in the session's catalog
   * (throws its 42P01 / 42704 when absent); undefined when the session does not resolve that type,
   * which then falls back to the type registry's resolver.
   */
  readonly regOid?: (typeOid: number, name: string) => number | undefined;
}

export const DEFAULT_TYPE_CONTEXT: TypeContext = {
  timeZone: 'UTC',
  dateStyle: 'ISO, MDY',
  intervalStyle: 'postgres',
  extraFloatDigits: 1,
};

/** pg_type.typcategory letters. */
export const TypeCategory = {
  array: 'A',
  boolean: 'B',
  composite: 'C',
  datetime: 'D',
  enum: 'E',
  geometric: 'G',
  network: 'I',
  numeric: 'N',
  pseudo: 'P',
  range: 'R',
  string: 'S',
  timespan: 'T',
  user: 'U',
  bitstring: 'V',
  unknown: 'X',
} as const;

export interface SqlType {
  readonly oid: number;
  /** pg_type.typname: int4, varchar, _int4. */
  readonly name: string;
  /** format_type() spelling without typmod: integer, character varying, integer[]. */
  readonly sqlName: string;
  /** pg_type.typlen: fixed size in bytes, or -1 for varlena, -2 for cstring. */
  readonly typlen: number;
  /** pg_type.typcategory (a TypeCategory letter). */
  readonly category: string;
  /** pg_type.typispreferred. */
  readonly preferred: boolean;
  /** For an array type, its element type. */
  readonly element?: SqlType;
  /**
   * Subscript of the first element when it is not 1: 0 for int2vector and oidvector, PostgreSQL's
   * zero-based catalog arrays (which also print as '1 2', not as '{1,2}').
   */
  readonly lowerBound?: number;
  /** For a scalar type, the oid of its array type. */
  readonly arrayOid?: number;
  /** Whether the key encoding supports it (btree-indexable). */
  readonly indexable: boolean;

  /** PostgreSQL btree order of two non-null values. */
  compare(a: Value, b: Value): number;
  equals(a: Value, b: Value): boolean;
  /** Equal values give equal keys (hash join, hash aggregate, DISTINCT). */
  hashKey(a: Value): string | number | bigint;
  /** typoutput. */
  toText(v: Value, ctx: TypeContext): string;
  /** typinput; throws SqlError (22P02, 22003, 22008, …). typmod -1 = none. */
  fromText(text: string, typmod: number, ctx: TypeContext): Value;
  /** typsend. */
  toBinary(v: Value, ctx: TypeContext): Uint8Array;
  /** typreceive; throws SqlError on malformed bytes (22P03). */
  fromBinary(b: Uint8Array, typmod: number, ctx: TypeContext): Value;
  /**
   * Length coercion for a typmod (varchar(n) → 22001 or truncation when explicit, numeric(p,s)
   * rounding and 22003, char(n) padding). Absent when the type has no typmod.
   */
  applyTypmod?(v: Value, typmod: number, explicit: boolean): Value;
  /** Typmod text for format_type: '(10)', '(10,2)', '(3) with time zone' → handled by formatType. */
  typmodText?(typmod: number): string;
}
