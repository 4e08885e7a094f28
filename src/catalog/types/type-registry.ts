/**
 * The registry of SQL types: lookup by oid and by name (with PostgreSQL's aliases), type names with
 * modifiers as the parser hands them over, format_type text, and array types.
 * - Every registered type has a unique oid; every scalar with an arrayOid has its array registered.
 * - typmods follow PostgreSQL: varchar(n)/char(n) → n + 4, numeric(p,s) → ((p << 16) | s) + 4,
 *   time/timestamp/interval(p) → p, none → -1.
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { makeArrayType } from './array-type.js';
import { BOOL } from './bool-type.js';
import { BYTEA } from './bytea-type.js';
import { DATE } from './date-type.js';
import { FLOAT4, FLOAT8 } from './float-types.js';
import { INT2, INT4, INT8, OID_TYPE, REGCLASS, REGNAMESPACE, REGPROC, REGTYPE, setRegNameResolver } from './int-types.js';
import { INTERVAL } from './interval-type.js';
import { JSON_TYPE, JSONB } from './json-types.js';
import { NUMERIC, numericTypmod } from './numeric-type.js';
import { OID } from './oids.js';
import { PSEUDO_TYPES } from './pseudo-types.js';
import type { SqlType } from './sql-type.js';
import { BPCHAR, CHAR, NAME, TEXT, UNKNOWN, VARCHAR } from './text-types.js';
import { TIME } from './time-type.js';
import { TIMESTAMP, TIMESTAMPTZ } from './timestamp-types.js';
import { UUID } from './uuid-type.js';
import { INT2VECTOR, OIDVECTOR } from './vector-types.js';

/** Largest length of varchar(n) / char(n) (PostgreSQL's MaxAttrSize / 10485760). */
export const CHAR_LENGTH_MAX = 10485760;
export const NUMERIC_PRECISION_MAX = 1000;
export const DATETIME_PRECISION_MAX = 6;

const SCALARS: readonly SqlType[] = [
  BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, REGPROC, TEXT, OID_TYPE, JSON_TYPE, FLOAT4, FLOAT8, UNKNOWN,
  BPCHAR, VARCHAR, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL, NUMERIC, REGCLASS, REGTYPE, UUID, JSONB,
  REGNAMESPACE, INT2VECTOR, OIDVECTOR,
];

const byOid = new Map<number, SqlType>();
const byName = new Map<string, SqlType>();

function register(type: SqlType): void {
  byOid.set(type.oid, type);
  byName.set(type.name, type);
}

for (const type of SCALARS) {
  register(type);
  if (type.arrayOid !== undefined) register(makeArrayType(type, type.arrayOid));
}
for (const type of PSEUDO_TYPES) register(type);

const ALIASES: Readonly<Record<string, string>> = {
  integer: 'int4',
  int: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  decimal: 'numeric',
  dec: 'numeric',
  boolean: 'bool',
  'character varying': 'varchar',
  character: 'bpchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  '"char"': 'char',
};

export function typeByOid(oid: number): SqlType | undefined {
  return byOid.get(oid);
}

/** Looks a type up by typname or SQL alias ('integer', 'character varying', '_int4', 'int4[]'). */
export function typeByName(name: string): SqlType | undefined {
  const lower = name.toLowerCase().trim();
  if (lower.endsWith('[]')) {
    const element = typeByName(lower.slice(0, -2));
    return element === undefined ? undefined : arrayOf(element);
  }
  return byName.get(lower) ?? byName.get(ALIASES[lower] ?? '');
}

/** The array type of `type`, or undefined when it has none. */
export function arrayOf(type: SqlType): SqlType | undefined {
  if (type.element !== undefined && type.lowerBound === undefined) return type;
  return type.arrayOid === undefined ? undefined : byOid.get(type.arrayOid);
}

/** Every registered type (pg_type rows). */
export function allTypes(): SqlType[] {
  return [...byOid.values()];
}

function undefinedType(name: string): SqlError {
  return new SqlError(SQLSTATE.undefinedObject, `type "${name}" does not exist`);
}

function invalidTypmod(message: string): SqlError {
  return new SqlError(SQLSTATE.invalidParameterValue, message);
}

function typmodFor(type: SqlType, typmods: readonly number[]): number {
  if (typmods.length === 0) return -1;
  const first = typmods[0] as number;
  switch (type.oid) {
    case OID.varchar:
    case OID.bpchar: {
      const label = type.oid === OID.varchar ? 'varchar' : 'char';
      if (typmods.length > 1) throw invalidTypmod(`invalid type modifier`);
      if (first < 1) throw invalidTypmod(`length for type ${label} must be at least 1`);
      if (first > CHAR_LENGTH_MAX) throw invalidTypmod(`length for type ${label} cannot exceed ${CHAR_LENGTH_MAX}`);
      return first + 4;
    }
    case OID.numeric: {
      if (typmods.length > 2) throw invalidTypmod('invalid NUMERIC type modifier');
      const scale = typmods[1] ?? 0;
      if (first < 1 || first > NUMERIC_PRECISION_MAX) {
        throw invalidTypmod(`NUMERIC precision ${first} must be between 1 and ${NUMERIC_PRECISION_MAX}`);
      }
      if (scale < -1000 || scale > 1000) throw invalidTypmod(`NUMERIC scale ${scale} must be between -1000 and 1000`);
      return numericTypmod(first, scale);
    }
    case OID.interval:
      // The parser's interval typmods carry a field mask; stratadb keeps full precision.
      return -1;
    case OID.time:
    case OID.timestamp:
    case OID.timestamptz:
      if (first < 0) throw invalidTypmod(`${type.sqlName.toUpperCase()}(${first}) precision must not be negative`);
      return Math.min(first, DATETIME_PRECISION_MAX);
    default:
      throw new SqlError(SQLSTATE.syntaxError, `type modifier is not allowed for type "${type.name}"`);
  }
}

/**
 * Resolves a type name as the parser gives it (qualified names, typmod arguments, array bounds)
 * to the type and its typmod. Throws 42704 for an unknown type.
 */
export function parseTypeName(
  names: readonly string[],
  typmods: readonly number[],
  arrayDims = 0,
): { type: SqlType; typmod: number } {
  const last = names[names.length - 1];
  if (last === undefined) throw undefinedType('');
  if (names.length > 1 && names[names.length - 2] !== 'pg_catalog') throw undefinedType(names.join('.'));
  const base = typeByName(last);
  if (base === undefined) throw undefinedType(last);
  const typmod = typmodFor(base.element ?? base, typmods);
  if (arrayDims === 0) return { type: base, typmod };
  const array = arrayOf(base);
  if (array === undefined) throw undefinedType(`${last}[]`);
  return { type: array, typmod };
}

function typmodSuffix(type: SqlType, typmod: number): string {
  if (typmod < 0 || type.typmodText === undefined) return '';
  return type.typmodText(typmod);
}

setRegNameResolver(OID.regtype, {
  nameOf: (oid) => (byOid.has(oid) ? formatType(oid, -1) : undefined),
  oidOf(name: string): number {
    const m = /^(.*?)\s*(\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/.exec(name);
    const type = typeByName((m?.[1] ?? name).replace(/^pg_catalog\./, '').replace(/^"(.*)"$/, '$1'));
    if (type === undefined) throw undefinedType(name);
    return type.oid;
  },
});

/**
 * PostgreSQL's format_type(oid, typmod). `typmodGiven` is SQL format_type() called with a
 * non-NULL typmod (psql's \d): then bpchar with typmod -1 prints 'bpchar', not 'character'.
 */
export function formatType(oid: number, typmod: number, typmodGiven = false): string {
  const type = byOid.get(oid);
  if (type === undefined) return '???';
  if (type.element !== undefined && type.lowerBound === undefined) return formatType(type.element.oid, typmod, typmodGiven) + '[]';
  if (type.oid === OID.bpchar && typmod < 0 && typmodGiven) return 'bpchar';
  const suffix = typmodSuffix(type, typmod);
  switch (type.oid) {
    case OID.timestamp:
      return `timestamp${suffix} without time zone`;
    case OID.timestamptz:
      return `timestamp${suffix} with time zone`;
    case OID.time:
      return `time${suffix} without time zone`;
    default:
      return type.sqlName + suffix;
  }
}
