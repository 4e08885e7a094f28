/**
 * ARRAY[...] constructors (A_ArrayExpr) and array subscripts `a[i]` / `a[i][j]` (A_Indirection
 * with A_Indices), as catalog queries use them (`prattrs[s]`, `ARRAY['a']`).
 *
 * - ARRAY[...] takes the common type of its elements (PostgreSQL's UNION/CASE rules); an empty
 *   ARRAY[] needs a cast and fails with 42P18 otherwise, as in PostgreSQL. Nested ARRAY[[..]]
 *   builds a multi-dimensional array.
 * - name[i] is the i-th byte (0-based) as "char", as PostgreSQL's name (a char[64]) subscripts.
 * - A subscript out of range, or NULL, gives NULL. Slices (a[1:2]) and field selection are not
 *   supported (0A000).
 */
import type { Node } from '../parse.js';
import { SqlError } from '../../util/index.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { arrayOf } from '../../catalog/types/type-registry.js';
import type { BoundExpr } from './bound-expr.js';
import type { ExprEnv } from './bind-expr.js';
import { notSupported } from './bind-errors.js';
import { INT4, coerce, commonType, typeOfOid } from './resolve.js';
import { OID } from '../../catalog/types/oids.js';

type BindFn = (n: Node, env: ExprEnv) => BoundExpr;

export function bindArrayExpr(body: { elements?: Node[]; location?: number }, env: ExprEnv, bindExpr: BindFn): BoundExpr {
  const elements = (body.elements ?? []).map((e) => bindExpr(e, env));
  if (elements.length === 0) {
    throw new SqlError('42P18', 'cannot determine type of empty array', {
      hint: 'Explicitly cast to the desired type, for example ARRAY[]::integer[].',
      position: body.location === undefined ? undefined : body.location + 1,
    });
  }
  const common = commonType(env.ctx, elements, 'ARRAY', body.location);
  const args = elements.map((e) => coerce(env.ctx, e, common.type, -1, 'implicit', body.location));
  const type = arrayOf(common.type);
  if (type === undefined) throw notSupported(`arrays of type ${common.type.name}`, body.location);
  return { kind: 'call', name: 'array', fn: (values: Value[]) => values.slice(), args, type, typmod: -1, strict: false, volatile: false };
}

function subscript(values: Value[]): Value {
  let v: Value = values[0] ?? null;
  for (let i = 1; i < values.length; i++) {
    const index = values[i] ?? null;
    if (v === null || index === null || !Array.isArray(v)) return null;
    v = (v as Value[])[(index as number) - 1] ?? null;
  }
  return v;
}

/** v[i] of a zero-based int2vector / oidvector (`indkey[0]` is the first key column). */
function subscriptFromZero(values: Value[]): Value {
  const [v, index] = values as [Value, Value];
  if (v === null || index === null || !Array.isArray(v)) return null;
  return (v as Value[])[index as number] ?? null;
}

/** name[i]: PostgreSQL's name is a fixed array of 64 "char" (0-based), so `typname[0] = '_'` works (pg_dump). */
function nameSubscript(values: Value[]): Value {
  const [name, index] = values as [Value, Value];
  if (name === null || index === null || (index as number) < 0 || (index as number) >= NAME_BYTES) return null;
  return Buffer.from(name as string, 'utf8').subarray(index as number, (index as number) + 1).toString('latin1');
}

const NAME_BYTES = 64;

export function bindIndirection(body: { arg?: Node; indirection?: Node[] }, env: ExprEnv, bindExpr: BindFn): BoundExpr {
  const arg = bindExpr(body.arg as Node, env);
  const single = (body.indirection?.[0] as { A_Indices?: { is_slice?: boolean; uidx?: Node; location?: number } } | undefined)?.A_Indices;
  if (arg.type.oid === OID.name && body.indirection?.length === 1 && single?.uidx !== undefined && single.is_slice !== true) {
    const index = coerce(env.ctx, bindExpr(single.uidx, env), INT4(), -1, 'implicit', single.location);
    return { kind: 'call', name: 'subscript', fn: nameSubscript, args: [arg, index], type: typeOfOid(OID.char), typmod: -1, strict: false, volatile: false };
  }
  const args: BoundExpr[] = [arg];
  let type = arg.type;
  for (const item of body.indirection ?? []) {
    const indices = (item as { A_Indices?: { is_slice?: boolean; uidx?: Node; location?: number } }).A_Indices;
    if (indices === undefined || indices.is_slice === true || indices.uidx === undefined) throw notSupported('array slice or field selection');
    if (type.element === undefined) throw new SqlError('42804', `cannot subscript type ${type.name} because it does not support subscripting`);
    args.push(coerce(env.ctx, bindExpr(indices.uidx, env), INT4(), -1, 'implicit', indices.location));
    type = type.element;
  }
  const fn = arg.type.lowerBound === 0 && args.length === 2 ? subscriptFromZero : subscript;
  return { kind: 'call', name: 'subscript', fn, args, type, typmod: -1, strict: false, volatile: false };
}
