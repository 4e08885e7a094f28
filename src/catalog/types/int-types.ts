/**
 * int2 (smallint), int4 (integer) and int8 (bigint).
 * - int2/int4 values are JS numbers holding an integer in range; int8 values are bigints.
 * - Text input follows PostgreSQL 15's pg_strtoint: optional surrounding whitespace, optional sign,
 *   decimal digits only; 22P02 on syntax, 22003 "value ... is out of range for type ...".
 */
import { OID, ARRAY_OID } from './oids.js';
import { TypeCategory, type SqlType, type Value } from './sql-type.js';
import { invalidInput, invalidBinary, valueOutOfRange } from './type-errors.js';

const INT_PATTERN = /^\s*([+-]?)(\d+)\s*$/;

export const INT2_MIN = -32768;
export const INT2_MAX = 32767;
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;
export const INT8_MIN = -(2n ** 63n);
export const INT8_MAX = 2n ** 63n - 1n;

/** Parses an integer literal into a bigint, or throws 22P02 naming `sqlName`. */
export function parseIntText(text: string, sqlName: string): bigint {
  const match = INT_PATTERN.exec(text);
  if (match === null) throw invalidInput(sqlName, text);
  const magnitude = BigInt(match[2] as string);
  return match[1] === '-' ? -magnitude : magnitude;
}

function compareNumbers(a: Value, b: Value): number {
  return (a as number) - (b as number);
}

function makeSmallInt(oid: number, name: string, sqlName: string, bytes: 2 | 4, min: number, max: number): SqlType {
  return {
    oid,
    name,
    sqlName,
    typlen: bytes,
    category: TypeCategory.numeric,
    preferred: false,
    arrayOid: ARRAY_OID[oid],
    indexable: true,
    compare: compareNumbers,
    equals: (a, b) => a === b,
    hashKey: (a) => a as number,
    toText: (v) => String(v),
    fromText(text): Value {
      const value = parseIntText(text, sqlName);
      if (value < BigInt(min) || value > BigInt(max)) throw valueOutOfRange(text, sqlName);
      return Number(value);
    },
    toBinary(v): Uint8Array {
      const out = Buffer.allocUnsafe(bytes);
      if (bytes === 2) out.writeInt16BE(v as number, 0);
      else out.writeInt32BE(v as number, 0);
      return out;
    },
    fromBinary(b): Value {
      if (b.length !== bytes) throw invalidBinary(`incorrect binary data format`);
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return bytes === 2 ? view.getInt16(0) : view.getInt32(0);
    },
  };
}

export const INT2: SqlType = makeSmallInt(OID.int2, 'int2', 'smallint', 2, INT2_MIN, INT2_MAX);
export const INT4: SqlType = makeSmallInt(OID.int4, 'int4', 'integer', 4, INT4_MIN, INT4_MAX);

export const INT8: SqlType = {
  oid: OID.int8,
  name: 'int8',
  sqlName: 'bigint',
  typlen: 8,
  category: TypeCategory.numeric,
  preferred: false,
  arrayOid: ARRAY_OID[OID.int8],
  indexable: true,
  compare: (a, b) => ((a as bigint) < (b as bigint) ? -1 : (a as bigint) > (b as bigint) ? 1 : 0),
  equals: (a, b) => a === b,
  hashKey: (a) => a as bigint,
  toText: (v) => String(v),
  fromText(text): Value {
    const value = parseIntText(text, 'bigint');
    if (value < INT8_MIN || value > INT8_MAX) throw valueOutOfRange(text, 'bigint');
    return value;
  },
  toBinary(v): Uint8Array {
    const out = Buffer.allocUnsafe(8);
    out.writeBigInt64BE(v as bigint, 0);
    return out;
  },
  fromBinary(b): Value {
    if (b.length !== 8) throw invalidBinary('incorrect binary data format');
    return new DataView(b.buffer, b.byteOffset, b.byteLength).getBigInt64(0);
  },
};

/** oid and the reg* alias types: unsigned 32-bit numbers. */
function makeOidType(oid: number, name: string, sqlName: string): SqlType {
  return {
    ...makeSmallInt(oid, name, sqlName, 4, 0, 4294967295),
    toBinary(v): Uint8Array {
      const out = Buffer.allocUnsafe(4);
      out.writeUInt32BE(v as number, 0);
      return out;
    },
    fromBinary(b): Value {
      if (b.length !== 4) throw invalidBinary('incorrect binary data format');
      return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0);
    },
  };
}

/**
 * Name lookups for the reg* types, installed by their owners: the type registry for regtype, the
 * catalog for regclass/regproc. Without one, values print and parse as plain oids.
 */
export interface RegNameResolver {
  /** Name of an object oid, or undefined to print the number. */
  nameOf(oid: number): string | undefined;
  /** Oid of a named object; throws the owner's error (42P01, 42704) when absent. */
  oidOf(name: string): number;
}

const resolvers = new Map<number, RegNameResolver>();

/** Installs the name resolver of regclass, regtype or regproc (by type oid). */
export function setRegNameResolver(typeOid: number, resolver: RegNameResolver): void {
  resolvers.set(typeOid, resolver);
}

function makeRegType(oid: number, name: string): SqlType {
  const base = makeOidType(oid, name, name);
  return {
    ...base,
    toText(v, ctx): string {
      return ctx.regName?.(oid, v as number) ?? resolvers.get(oid)?.nameOf(v as number) ?? base.toText(v, ctx);
    },
    fromText(text, typmod, ctx): Value {
      if (/^\s*\d+\s*$/.test(text)) return base.fromText(text, typmod, ctx);
      const sessionOid = ctx.regOid?.(oid, text.trim());
      if (sessionOid !== undefined) return sessionOid;
      const resolver = resolvers.get(oid);
      if (resolver === undefined) return base.fromText(text, typmod, ctx);
      return resolver.oidOf(text.trim());
    },
  };
}

export const OID_TYPE: SqlType = makeOidType(OID.oid, 'oid', 'oid');
export const REGCLASS: SqlType = makeRegType(OID.regclass, 'regclass');
export const REGTYPE: SqlType = makeRegType(OID.regtype, 'regtype');
export const REGPROC: SqlType = makeRegType(OID.regproc, 'regproc');
export const REGNAMESPACE: SqlType = makeRegType(OID.regnamespace, 'regnamespace');
