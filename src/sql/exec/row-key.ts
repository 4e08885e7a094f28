/**
 * Hash keys for rows (hash join, hash aggregate, DISTINCT, set operations): equal SQL values
 * give equal strings, using each type's hashKey (so 1.0 and 1.00 numeric group together).
 * NULLs get their own marker (grouping treats NULLs as equal, as PostgreSQL does).
 */
import type { SqlType, Value } from '../../catalog/types/sql-type.js';

export function valueKey(type: SqlType, v: Value): string {
  if (v === null) return '\u0000N';
  const k = type.hashKey(v);
  return typeof k === 'string' ? `s${k}` : typeof k === 'bigint' ? `b${k}` : `n${k}`;
}

export function rowKey(types: readonly SqlType[], values: readonly Value[]): string {
  if (values.length === 1) return valueKey(types[0] as SqlType, values[0] ?? null);
  let out = '';
  for (let i = 0; i < values.length; i++) out += `${valueKey(types[i] as SqlType, values[i] ?? null)}\u0001`;
  return out;
}
