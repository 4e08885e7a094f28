/**
 * regproc input and output: the names of built-in functions as PostgreSQL 15's pg_proc knows them
 * (oids taken from a PostgreSQL 15 catalog), installed into the type registry's regproc type.
 *
 * - Only functions stratadb implements are listed; a name with one pg_proc row maps to its oid,
 *   a name with several is ambiguous (42725, as regprocin), any other name is 42883.
 * - Numeric input ('1299'::regproc) never reaches this table; an oid it does not know prints as
 *   the number (any routine of pg_proc's rows, and the routine behind a built-in operator, prints its name, as
 *   regprocout does; so do the access methods' handlers of pg_am).
 */
import { OID, setRegNameResolver } from '../../catalog/types/index.js';
import { builtinProc } from '../../catalog/system/pg-proc.js';
import { operatorRoutineName } from '../../catalog/system/pg-operator.js';
import { accessMethodHandlerName } from '../../catalog/system/pg-am.js';
import { SqlError, SQLSTATE } from '../../util/index.js';

/** SQLSTATE 42725 (util's SQLSTATE table has no name for it yet). */
const AMBIGUOUS_FUNCTION = '42725';

/** [proname, oid] of built-in functions with a single pg_proc row. */
const SINGLE: ReadonlyArray<readonly [string, number]> = [
  ['acos', 1601], ['array_append', 378], ['array_cat', 383], ['array_length', 2176], ['array_lower', 2091], ['array_ndims', 748],
  ['array_prepend', 379], ['array_remove', 3167], ['array_upper', 2092], ['ascii', 1620], ['asin', 1600], ['atan', 1602],
  ['atan2', 1603], ['bool_and', 2517], ['bool_or', 2518], ['cardinality', 3179], ['cbrt', 1345], ['chr', 1621],
  ['clock_timestamp', 2649], ['concat', 3058], ['concat_ws', 3059], ['cos', 1605], ['degrees', 1608], ['div', 1973],
  ['every', 2519], ['format_type', 1081], ['gen_random_uuid', 3432], ['initcap', 872], ['json_agg', 3175], ['json_object_agg', 3197],
  ['json_typeof', 3968], ['jsonb_agg', 3267], ['jsonb_array_elements', 3219], ['jsonb_array_elements_text', 3465], ['jsonb_array_length', 3207], ['jsonb_extract_path', 3217],
  ['jsonb_extract_path_text', 3940], ['jsonb_insert', 3579], ['jsonb_object_agg', 3270], ['jsonb_object_keys', 3931], ['jsonb_pretty', 3306], ['jsonb_set', 3305],
  ['jsonb_strip_nulls', 3262], ['jsonb_typeof', 3210], ['justify_days', 1295], ['justify_hours', 1175], ['justify_interval', 2711], ['left', 3060],
  ['make_date', 3846], ['make_timestamp', 3461], ['now', 1299], ['num_nonnulls', 440], ['num_nulls', 438], ['pg_encoding_to_char', 1597],
  ['pg_get_userbyid', 1642], ['pg_table_is_visible', 2079], ['pg_type_is_visible', 2080], ['pg_typeof', 1619], ['pi', 1610], ['quote_ident', 1282],
  ['scale', 3281], ['similar_escape', 1623], ['sin', 1604], ['split_part', 2088], ['starts_with', 3696], ['statement_timestamp', 2648],
  ['strpos', 868], ['tan', 1606], ['to_date', 1780], ['to_json', 3176], ['to_jsonb', 3787], ['transaction_timestamp', 2647],
  ['translate', 878], ['version', 89],
];

/** Built-in function names with several pg_proc rows (overloads). */
const OVERLOADED: ReadonlySet<string> = new Set([
  'abs', 'age', 'array_agg', 'array_position', 'array_to_string', 'avg', 'bit_length', 'bool',
  'btrim', 'ceil', 'ceiling', 'char_length', 'character_length', 'count', 'date_part', 'date_trunc',
  'exp', 'extract', 'floor', 'gcd', 'generate_series', 'isfinite', 'json_build_array', 'json_build_object',
  'jsonb_build_array', 'jsonb_build_object', 'length', 'like_escape', 'ln', 'log', 'log10', 'lower',
  'lpad', 'ltrim', 'make_timestamptz', 'max', 'md5', 'min', 'mod', 'name',
  'octet_length', 'position', 'pow', 'power', 'quote_literal', 'sign', 'similar_to_escape', 'sqrt',
  'stddev', 'string_agg', 'string_to_array', 'substr', 'substring', 'sum', 'timezone', 'to_char',
  'to_hex', 'to_timestamp', 'trunc', 'unnest', 'upper', 'variance',
]);

const oidByName = new Map<string, number>(SINGLE);
const nameByOid = new Map<number, string>(SINGLE.map(([name, oid]) => [oid, name]));

/** 'now', 'pg_catalog.now', '"now"' → now; unquoted identifiers fold to lower case. */
function functionName(text: string): string | undefined {
  const m = /^(?:(?:pg_catalog|"pg_catalog")\.)?(?:"([^"]+)"|([A-Za-z_][A-Za-z0-9_$]*))$/.exec(text.trim());
  if (m === null) return undefined;
  return m[1] ?? m[2]?.toLowerCase();
}

setRegNameResolver(OID.regproc, {
  nameOf: (oid) => nameByOid.get(oid) ?? builtinProc(oid)?.name ?? operatorRoutineName(oid) ?? accessMethodHandlerName(oid),
  oidOf(text: string): number {
    const name = functionName(text);
    const oid = name === undefined ? undefined : oidByName.get(name);
    if (oid !== undefined) return oid;
    if (name !== undefined && OVERLOADED.has(name)) {
      throw new SqlError(AMBIGUOUS_FUNCTION, `more than one function named "${name}"`);
    }
    throw new SqlError(SQLSTATE.undefinedFunction, `function "${name ?? text}" does not exist`);
  },
});
