/**
 * pg_catalog.pg_proc: the built-in functions, aggregates and window functions stratadb
 * implements, with PostgreSQL 15's oids, signatures and attributes.
 *
 * - The rows are installed by the SQL layer (which owns the function registry) through
 *   setBuiltinProcs(), the way reg* name resolvers are installed; before that the table is empty.
 * - Every builtin lives in pg_catalog (oid 11), is owned by the bootstrap superuser (10) and is
 *   written in language internal (12) unless its row says otherwise.
 * - proargtypes is an oidvector (printed '23 23'), as pg_index.indclass is.
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

/** One pg_proc row of a built-in routine. */
export interface ProcRow {
  readonly oid: number;
  readonly name: string;
  /** 'f' function, 'a' aggregate, 'w' window function, 'p' procedure. */
  readonly kind: 'f' | 'a' | 'w' | 'p';
  readonly argTypes: readonly number[];
  readonly resultType: number;
  readonly returnsSet: boolean;
  readonly strict: boolean;
  /** 'i' immutable, 's' stable, 'v' volatile. */
  readonly volatility: 'i' | 's' | 'v';
  /** 's' safe, 'r' restricted, 'u' unsafe. */
  readonly parallel: 's' | 'r' | 'u';
  /** Free of side effects that could leak its arguments (proleakproof). */
  readonly leakproof: boolean;
  /** Element type of a VARIADIC last parameter (0 when none). */
  readonly variadicType: number;
  /** Number of trailing parameters with defaults. */
  readonly argDefaults: number;
  /** Argument names (PostgreSQL's proargnames) when it has them. */
  readonly argNames?: readonly string[];
  /** The C symbol (language internal) or SQL body (language sql). */
  readonly source: string;
  /** Language oid: 12 internal, 14 sql. */
  readonly language: number;
  readonly cost: number;
  readonly rows: number;
  /** pg_description's text for the routine, if any. */
  readonly description?: string;
}

export const PG_CATALOG_NAMESPACE_OID = 11;
export const LANGUAGE_INTERNAL_OID = 12;
export const LANGUAGE_SQL_OID = 14;

let builtins: readonly ProcRow[] = [];
let byOid: ReadonlyMap<number, ProcRow> = new Map();

/** Installs the built-in routines (called once by the SQL layer at load time). */
export function setBuiltinProcs(rows: readonly ProcRow[]): void {
  builtins = rows;
  byOid = new Map(rows.map((r) => [r.oid, r]));
}

export function builtinProcs(): readonly ProcRow[] {
  return builtins;
}

export function builtinProc(oid: number): ProcRow | undefined {
  return byOid.get(oid);
}

const COLUMNS = typedColumns(
  'oid:oid proname:name pronamespace:oid proowner:oid prolang:oid procost:float4 prorows:float4 provariadic:oid ' +
    'prosupport:regproc prokind:char prosecdef:bool proleakproof:bool proisstrict:bool proretset:bool provolatile:char ' +
    'proparallel:char pronargs:int2 pronargdefaults:int2 prorettype:oid proargtypes:oidvector proallargtypes:oid[] ' +
    'proargmodes:char[] proargnames:text[] proargdefaults:text protrftypes:oid[] prosrc:text probin:text prosqlbody:text ' +
    'proconfig:text[] proacl:text[]',
);

function procRow(p: ProcRow): Value[] {
  return [
    p.oid, p.name, PG_CATALOG_NAMESPACE_OID, 10, p.language, p.cost, p.rows, p.variadicType, 0, p.kind, false, p.leakproof, p.strict,
    p.returnsSet, p.volatility, p.parallel, p.argTypes.length, p.argDefaults, p.resultType, [...p.argTypes], null, null,
    p.argNames === undefined ? null : [...p.argNames], null, null, p.source, null, null, null, null,
  ];
}

export const PG_PROC: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_proc',
  oid: 1255,
  columns: COLUMNS,
  rows: (): Value[][] => builtins.map(procRow),
};
