/**
 * select_common_type (parse_coerce.c): the type CASE, COALESCE, UNION, VALUES, ARRAY[…],
 * GREATEST/LEAST and IN lists resolve to. All unknown → text; otherwise the first non-unknown
 * type's category must be shared by every other input; a later type replaces the current one
 * when the current is not preferred and coerces to it implicitly but not back. Mismatch: 42804 "CASE types integer and
 * text cannot be matched" (the caller passes its construct name).
 */
import { SqlError, SQLSTATE } from '../../util/index.js';
import { OID, TEXT, type SqlType } from '../../catalog/types/index.js';
import { canCoerce } from './casts.js';

export function commonType(types: readonly SqlType[], context = 'CASE'): SqlType {
  const known = types.filter((t) => t.oid !== OID.unknown);
  if (known.length === 0) return TEXT;
  let chosen = known[0] as SqlType;
  for (const t of known.slice(1)) {
    if (t.oid === chosen.oid) continue;
    if (t.category !== chosen.category) {
      throw new SqlError(SQLSTATE.datatypeMismatch, `${context} types ${chosen.sqlName} and ${t.sqlName} cannot be matched`);
    }
    if (!chosen.preferred && canCoerce(chosen, t, 'i') && !canCoerce(t, chosen, 'i')) chosen = t;
  }
  for (const t of known) {
    if (t.oid !== chosen.oid && !canCoerce(t, chosen, 'i')) {
      throw new SqlError(SQLSTATE.datatypeMismatch, `${context} types ${chosen.sqlName} and ${t.sqlName} cannot be matched`);
    }
  }
  return chosen;
}
