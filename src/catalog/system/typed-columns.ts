/**
 * typedColumns: column lists of system tables written as 'name:type' pairs, where type is any
 * registered type name or alias, and 'T[]' is the array of T (conkey int2[], polroles oid[]).
 *
 * - Unknown type names are programmer errors (thrown at module load, never at query time).
 */
import { typeByName } from '../types/type-registry.js';
import type { SystemColumn } from './system-table.js';

export function typedColumns(spec: string): SystemColumn[] {
  return spec.split(/\s+/).filter((s) => s !== '').map((pair) => {
    const at = pair.indexOf(':');
    const name = pair.slice(0, at);
    const typeName = pair.slice(at + 1);
    const type = typeByName(typeName === 'char' ? '"char"' : typeName === 'char[]' ? '"char"[]' : typeName);
    if (at <= 0 || type === undefined) throw new Error(`unknown system column type ${pair}`);
    return { name, typeOid: type.oid };
  });
}
