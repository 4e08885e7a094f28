/**
 * The built-in routines as pg_catalog.pg_proc shows them: PostgreSQL 15's rows (oids, signatures,
 * volatility, descriptions) for exactly the functions, aggregates and window functions this layer
 * and the binder implement (builtin-proc-data.ts, generated from the registries by
 * test/introspection/generate-builtin-procs.ts), installed into the catalog at load time.
 *
 * - pg_get_function_arguments / _identity_arguments / _result derive their text from the types
 *   (format_type), argument names and VARIADIC; the rows whose text needs more (defaults, OUT
 *   parameters, types stratadb does not have) carry PostgreSQL's text. pg_get_functiondef (psql's
 *   \sf) is built from the same texts and the row's attributes.
 * - A test holds the data to the registries: every registry signature has a row, and every row
 *   names a routine stratadb implements.
 */
import { builtinProc, setBuiltinProcs, type ProcRow } from '../../catalog/system/pg-proc.js';
import { formatType } from '../../catalog/types/index.js';
import { quoteIdentifier } from '../../catalog/system/quote-identifier.js';
import { BUILTIN_PROC_DATA } from './builtin-proc-data.js';

/**
 * One generated row: oid, proname, prokind, proargtypes ('23 23'), prorettype, proretset,
 * proisstrict, provolatile, proparallel, provariadic, pronargdefaults, prolang, procost, prorows,
 * prosrc, description ('' for none), proargnames ([] for none), [arguments, identity arguments]
 * text when not derivable (else null), result text when not derivable (else null), the SQL body of a
 * LANGUAGE sql routine (pg_get_function_sqlbody; else null), the planner support function's name ('' for none), proleakproof.
 */
export type ProcTuple = readonly [
  number, string, string, string, number, boolean, boolean, string, string, number, number, number, number, number, string,
  string, readonly string[], readonly [string, string] | null, string | null, string | null, string, boolean,
];

/** Functions the binder implements itself (not in ALL_FUNCTIONS): every PostgreSQL row of these names. */
export const BIND_LEVEL_NAMES: readonly string[] = [
  'nextval', 'currval', 'setval', 'current_database', 'current_schema', 'current_schemas', 'pg_table_is_visible', 'pg_type_is_visible',
  'pg_function_is_visible', 'pg_operator_is_visible', 'pg_conversion_is_visible', 'pg_opclass_is_visible', 'pg_opfamily_is_visible',
  'pg_collation_is_visible', 'getdatabaseencoding', 'pg_char_to_encoding',
  'pg_get_userbyid', 'format_type', 'version', 'pg_encoding_to_char', 'obj_description', 'col_description', 'shobj_description',
  'pg_get_indexdef', 'pg_get_constraintdef', 'pg_get_expr', 'pg_get_viewdef', 'pg_get_triggerdef', 'pg_get_serial_sequence',
  'pg_get_function_arguments', 'pg_get_function_result', 'pg_get_function_identity_arguments', 'pg_get_function_sqlbody', 'pg_get_functiondef',
  'pg_relation_is_publishable', 'pg_tablespace_location', 'pg_table_size', 'pg_relation_size', 'pg_total_relation_size',
  'pg_indexes_size', 'pg_database_size', 'pg_size_pretty', 'has_table_privilege', 'has_schema_privilege',
  'has_database_privilege', 'has_sequence_privilege', 'has_function_privilege', 'has_column_privilege',
  'current_setting', 'set_config', 'pg_backend_pid', 'pg_cancel_backend', 'pg_terminate_backend', 'acldefault', 'pg_is_in_recovery',
  'txid_current', 'txid_current_if_assigned', 'pg_notify',
];

interface ProcTexts {
  readonly arguments: string;
  readonly identity: string;
  readonly result: string;
  readonly sqlBody: string | null;
  readonly support: string;
}

const texts = new Map<number, ProcTexts>();

/** pg_get_function_arguments' text from types and names (no defaults, no OUT parameters). */
export function deriveArguments(args: readonly number[], names: readonly string[] | undefined, variadic: number): string {
  return args
    .map((t, i) => {
      const name = names?.[i];
      const prefix = variadic !== 0 && i === args.length - 1 ? 'VARIADIC ' : '';
      return `${prefix}${name === undefined || name === '' ? '' : `${name} `}${formatType(t, -1)}`;
    })
    .join(', ');
}

export function deriveResult(resultType: number, returnsSet: boolean): string {
  return `${returnsSet ? 'SETOF ' : ''}${formatType(resultType, -1)}`;
}

/** The catalog row of one generated tuple. */
function procRow(t: ProcTuple, argTypes: number[]): ProcRow {
  const [oid, name, kind, , resultType, returnsSet, strict, volatility, parallel, variadicType, argDefaults, language, cost, rows, source,
    description, argNames, , , , , leakproof] = t;
  return {
    oid, name, kind: kind as ProcRow['kind'], argTypes, resultType, returnsSet, strict, volatility: volatility as ProcRow['volatility'],
    parallel: parallel as ProcRow['parallel'], leakproof, variadicType, argDefaults, language, cost, rows, source,
    ...(argNames.length > 0 ? { argNames } : {}), ...(description !== '' ? { description } : {}),
  };
}

function install(): void {
  const rows: ProcRow[] = [];
  for (const t of BUILTIN_PROC_DATA) {
    const [oid, , , argText, resultType, returnsSet, , , , , , , , , , , argNames, argTexts, resultText, sqlBody, support] = t;
    const argTypes = argText === '' ? [] : argText.split(' ').map(Number);
    const row = procRow(t, argTypes);
    const derived = argTexts === null ? deriveArguments(argTypes, argNames, row.variadicType) : '';
    texts.set(oid, {
      arguments: argTexts?.[0] ?? derived,
      identity: argTexts?.[1] ?? derived,
      result: resultText ?? deriveResult(resultType, returnsSet),
      sqlBody,
      support,
    });
    rows.push(row);
  }
  setBuiltinProcs(rows);
}

install();

/** pg_get_function_arguments(oid): undefined for an oid that is no routine. */
export function functionArguments(oid: number): string | undefined {
  return texts.get(oid)?.arguments;
}

export function functionIdentityArguments(oid: number): string | undefined {
  return texts.get(oid)?.identity;
}

/** pg_get_function_sqlbody(oid): the body of a LANGUAGE sql routine written with BEGIN ATOMIC. */
export function functionSqlBody(oid: number): string | undefined {
  return texts.get(oid)?.sqlBody ?? undefined;
}

const VOLATILITY_WORD: Readonly<Record<string, string>> = { i: ' IMMUTABLE', s: ' STABLE', v: '' };
const PARALLEL_WORD: Readonly<Record<string, string>> = { s: ' PARALLEL SAFE', r: ' PARALLEL RESTRICTED', u: '' };
const LANGUAGE_NAME: Readonly<Record<number, string>> = { 12: 'internal', 13: 'c', 14: 'sql' };

/** The attribute line of pg_get_functiondef: volatility, parallel safety, STRICT, COST, ROWS, SUPPORT. */
function attributeLine(p: ProcRow, support: string): string {
  const defaultCost = p.language === 12 || p.language === 13 ? 1 : 100;
  let line = `${p.kind === 'w' ? ' WINDOW' : ''}${VOLATILITY_WORD[p.volatility] ?? ''}${PARALLEL_WORD[p.parallel] ?? ''}${p.strict ? ' STRICT' : ''}${p.leakproof ? ' LEAKPROOF' : ''}`;
  if (p.cost !== defaultCost) line += ` COST ${p.cost}`;
  if (p.returnsSet && p.rows !== 0 && p.rows !== 1000) line += ` ROWS ${p.rows}`;
  if (support !== '') line += ` SUPPORT ${support}`;
  return line;
}

/**
 * pg_get_functiondef(oid) of a built-in function or window function, as PostgreSQL prints it
 * (undefined for an oid that is no routine; aggregates have no definition: the caller raises).
 */
export function functionDefinition(oid: number): string | undefined {
  const p = builtinProc(oid);
  const t = texts.get(oid);
  if (p === undefined || t === undefined) return undefined;
  const head = `CREATE OR REPLACE FUNCTION pg_catalog.${quoteIdentifier(p.name)}(${t.arguments})\n RETURNS ${t.result}\n LANGUAGE ${LANGUAGE_NAME[p.language] ?? 'internal'}\n`;
  const body = t.sqlBody === null ? `AS $function$${p.source}$function$\n` : `${t.sqlBody}\n`;
  const attributes = attributeLine(p, t.support);
  return `${head}${attributes === '' ? '' : `${attributes}\n`}${body}`;
}

export function functionResult(oid: number): string | undefined {
  const row = builtinProc(oid);
  return row === undefined || row.kind === 'p' ? undefined : texts.get(oid)?.result;
}
