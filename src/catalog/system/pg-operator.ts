/**
 * pg_catalog.pg_operator: the built-in operators stratadb implements, with PostgreSQL 15's oids
 * and attributes.
 *
 * - Rows are installed by the SQL layer (which owns the operator table) through
 *   setBuiltinOperators(); before that the table is empty.
 * - Every builtin lives in pg_catalog (oid 11) and is owned by the bootstrap superuser (10).
 * - oprcode/oprrest/oprjoin hold routine oids; oprcode prints its routine's name (operatorRoutineName),
 *   oprrest/oprjoin the number where stratadb has no such routine.
 */
import type { Value } from '../types/sql-type.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

/** One pg_operator row of a built-in operator. */
export interface OperatorRow {
  readonly oid: number;
  readonly name: string;
  /** 'b' infix, 'l' prefix. */
  readonly kind: 'b' | 'l';
  readonly canMerge: boolean;
  readonly canHash: boolean;
  /** 0 for a prefix operator. */
  readonly left: number;
  readonly right: number;
  readonly result: number;
  readonly commutator: number;
  readonly negator: number;
  readonly code: number;
  readonly restrict: number;
  readonly join: number;
  /** The name of the routine behind the operator (oprcode's proname, e.g. int4pl). */
  readonly codeName: string;
  /** pg_description's text for the operator, if any. */
  readonly description?: string;
}

let builtins: readonly OperatorRow[] = [];
let codeNames: ReadonlyMap<number, string> = new Map();

/** Installs the built-in operators (called once by the SQL layer at load time). */
export function setBuiltinOperators(rows: readonly OperatorRow[]): void {
  builtins = rows;
  codeNames = new Map(rows.map((r) => [r.code, r.codeName]));
}

/** The name of the routine implementing a built-in operator, by its oid (regproc output of oprcode). */
export function operatorRoutineName(oid: number): string | undefined {
  return codeNames.get(oid);
}

export function builtinOperators(): readonly OperatorRow[] {
  return builtins;
}

const COLUMNS = typedColumns(
  'oid:oid oprname:name oprnamespace:oid oprowner:oid oprkind:char oprcanmerge:bool oprcanhash:bool oprleft:oid oprright:oid ' +
    'oprresult:oid oprcom:oid oprnegate:oid oprcode:regproc oprrest:regproc oprjoin:regproc',
);

function operatorRow(o: OperatorRow): Value[] {
  return [o.oid, o.name, 11, 10, o.kind, o.canMerge, o.canHash, o.left, o.right, o.result, o.commutator, o.negator, o.code, o.restrict, o.join];
}

export const PG_OPERATOR: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_operator',
  oid: 2617,
  columns: COLUMNS,
  rows: (): Value[][] => builtins.map(operatorRow),
};
