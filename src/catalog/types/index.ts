/**
 * Public surface of the SQL type system (src/catalog/types): the SqlType interface, the registry,
 * value classes (Numeric, Interval, Jsonb) and the helpers the executor and functions use.
 */
export * from './sql-type.js';
export { OID, ARRAY_OID } from './oids.js';
export { typeByOid, typeByName, parseTypeName, formatType, arrayOf, allTypes } from './type-registry.js';
export { INT2, INT4, INT8, OID_TYPE, REGCLASS, REGTYPE, REGPROC, INT2_MIN, INT2_MAX, INT4_MIN, INT4_MAX, INT8_MIN, INT8_MAX } from './int-types.js';
export { FLOAT4, FLOAT8, formatFloat, compareFloat } from './float-types.js';
export { NUMERIC, applyNumericTypmod, numericTypmod } from './numeric-type.js';
export { Numeric } from './numeric.js';
export * as numericMath from './numeric-math.js';
export { TEXT, VARCHAR, BPCHAR, NAME, CHAR, UNKNOWN } from './text-types.js';
export { compareText, charLength } from './text-compare.js';
export { BOOL, parseBool } from './bool-type.js';
export { BYTEA } from './bytea-type.js';
export { UUID } from './uuid-type.js';
export { JSON_TYPE, JSONB } from './json-types.js';
export { Jsonb, JsonObject, type JsonNode } from './jsonb.js';
export { DATE, formatDate, currentDate } from './date-type.js';
export { TIME } from './time-type.js';
export { TIMESTAMP, TIMESTAMPTZ, currentTimestamp, toLocal, fromLocal } from './timestamp-types.js';
export { INTERVAL } from './interval-type.js';
export { Interval } from './interval.js';
export { INT2VECTOR, OIDVECTOR } from './vector-types.js';
export { VOID, RECORD, ANY_ELEMENT, ANY_ARRAY, ANY_NON_ARRAY } from './pseudo-types.js';
export { TIMESTAMP_NOBEGIN, TIMESTAMP_NOEND } from './datetime-core.js';
export { timeZoneOf, lookupTimeZone } from './time-zone.js';
export { pgTypeRow, typeCollationOid, PG_CATALOG_NAMESPACE_OID, type PgTypeRow } from './pg-type-info.js';
export { setRegNameResolver, type RegNameResolver } from './int-types.js';
