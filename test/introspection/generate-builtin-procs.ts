/**
 * Generates src/sql/functions/builtin-proc-data.ts and builtin-operator-data.ts: PostgreSQL 15's
 * pg_proc and pg_operator rows for the routines and operators stratadb implements. Run by hand
 * after adding a function or an operator:
 *
 *   npx tsx test/introspection/generate-builtin-procs.ts
 *
 * - The routines come from stratadb's registries (ALL_FUNCTIONS, AGGREGATE_SIGNATURES,
 *   WINDOW_SIGNATURES) and BIND_LEVEL_NAMES (functions the binder implements itself).
 * - A registry signature takes PostgreSQL's row with the same name and argument types; failing
 *   that, the rows of that name whose arity admits it (stratadb's array functions take anyarray
 *   where PostgreSQL 15 takes anycompatiblearray, jsonb_set has a defaulted fourth argument).
 * - An operator takes PostgreSQL's row with the same name and operand types; failing that (the
 *   array operators take anyarray/anyelement where PostgreSQL 15 takes the anycompatible family),
 *   the row of that name whose operands are both polymorphic in the same positions.
 * - Texts psql prints (pg_get_function_arguments / _result) are kept only where they differ from
 *   what builtin-procs.ts derives from the types, so the data stays small.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ALL_FUNCTIONS } from '../../src/sql/functions/function-table.js';
import { AGGREGATE_SIGNATURES } from '../../src/sql/functions/resolve-aggregate.js';
import { ALL_OPERATORS } from '../../src/sql/functions/operator-table.js';
import { WINDOW_SIGNATURES } from '../../src/sql/functions/window-functions.js';
import { BIND_LEVEL_NAMES, deriveArguments, deriveResult } from '../../src/sql/functions/builtin-procs.js';
import { startPostgres } from '../support/postgres.js';
import { REPO_ROOT } from '../support/stratadb.js';

interface PgProc {
  oid: number;
  proname: string;
  prokind: string;
  args: number[];
  prorettype: number;
  proretset: boolean;
  proisstrict: boolean;
  provolatile: string;
  proparallel: string;
  provariadic: number;
  pronargdefaults: number;
  prolang: number;
  procost: number;
  prorows: number;
  prosrc: string;
  argnames: string[] | null;
  description: string | null;
  arguments: string;
  result: string;
  identity: string;
  sqlbody: string | null;
  support: string;
  proleakproof: boolean;
}

const QUERY = `
SELECT p.oid::int, p.proname, p.prokind, p.proargtypes::oid[]::int[] AS args, p.prorettype::int, p.proretset, p.proisstrict,
  p.provolatile, p.proparallel, p.provariadic::int, p.pronargdefaults, p.prolang::int, p.procost, p.prorows, p.prosrc,
  p.proargnames AS argnames, obj_description(p.oid, 'pg_proc') AS description,
  pg_get_function_arguments(p.oid) AS arguments, pg_get_function_result(p.oid) AS result,
  pg_get_function_identity_arguments(p.oid) AS identity, pg_get_function_sqlbody(p.oid) AS sqlbody,
  CASE WHEN p.prosupport = 0 THEN '' ELSE p.prosupport::text END AS support, p.proleakproof
FROM pg_proc p WHERE p.pronamespace = 11 AND p.proname = ANY($1) ORDER BY p.oid`;

interface Wanted {
  readonly name: string;
  readonly args: readonly number[];
  readonly variadic: boolean;
}

function wanted(): Wanted[] {
  return [
    ...ALL_FUNCTIONS.map((f) => ({ name: f.name, args: f.args, variadic: f.variadic })),
    ...AGGREGATE_SIGNATURES.map((a) => ({ name: a.name, args: a.args, variadic: false })),
    ...WINDOW_SIGNATURES.map((w) => ({ name: w.kind, args: w.args, variadic: false })),
  ];
}

function matches(rows: readonly PgProc[], w: Wanted): PgProc[] {
  const named = rows.filter((r) => r.proname === w.name);
  const exact = named.filter((r) => r.args.length === w.args.length && r.args.every((a, i) => a === w.args[i]));
  if (exact.length > 0) return exact;
  return named.filter((r) => {
    const required = r.args.length - r.pronargdefaults;
    if (w.variadic && r.provariadic !== 0) return true;
    return w.args.length >= required && w.args.length <= r.args.length;
  });
}

function literal(p: PgProc): string {
  const derivedArgs = deriveArguments(p.args, p.argnames ?? undefined, p.provariadic);
  const derivedResult = deriveResult(p.prorettype, p.proretset);
  const fields: unknown[] = [
    p.oid, p.proname, p.prokind, p.args.join(' '), p.prorettype, p.proretset, p.proisstrict, p.provolatile, p.proparallel,
    p.provariadic, p.pronargdefaults, p.prolang, p.procost, p.prorows, p.prosrc, p.description ?? '', p.argnames ?? [],
    derivedArgs === p.arguments && derivedArgs === p.identity ? null : [p.arguments, p.identity],
    derivedResult === p.result ? null : p.result,
    p.sqlbody,
    p.support,
    p.proleakproof,
  ];
  return `  ${JSON.stringify(fields)},`;
}

interface PgOperator {
  oid: number;
  oprname: string;
  oprkind: string;
  oprcanmerge: boolean;
  oprcanhash: boolean;
  oprleft: number;
  oprright: number;
  oprresult: number;
  oprcom: number;
  oprnegate: number;
  oprcode: number;
  oprrest: number;
  oprjoin: number;
  codename: string;
  description: string | null;
}

const OPERATOR_QUERY = `
SELECT o.oid::int, o.oprname, o.oprkind, o.oprcanmerge, o.oprcanhash, o.oprleft::int, o.oprright::int, o.oprresult::int,
  o.oprcom::int, o.oprnegate::int, o.oprcode::oid::int, o.oprrest::oid::int, o.oprjoin::oid::int, o.oprcode::text AS codename,
  obj_description(o.oid, 'pg_operator') AS description
FROM pg_operator o WHERE o.oprnamespace = 11 ORDER BY o.oid`;

/** Pseudo-types (anyelement, anyarray, the anycompatible family, ...): oids of typtype 'p' in 2276..5080. */
function polymorphic(oid: number): boolean {
  return [2276, 2277, 2283, 2776, 3500, 3831, 4537, 4538, 5077, 5078, 5079, 5080].includes(oid);
}

function operatorRows(all: readonly PgOperator[], missing: string[]): PgOperator[] {
  const chosen = new Map<number, PgOperator>();
  for (const op of ALL_OPERATORS) {
    const named = all.filter((r) => r.oprname === op.name);
    let found = named.filter((r) => r.oprleft === op.left && r.oprright === op.right);
    if (found.length === 0) {
      found = named.filter((r) => polymorphic(r.oprleft) === polymorphic(op.left) && polymorphic(r.oprright) === polymorphic(op.right) &&
        (r.oprleft === 0) === (op.left === 0) && (polymorphic(op.left) || r.oprleft === op.left) && (polymorphic(op.right) || r.oprright === op.right));
    }
    if (found.length === 0) missing.push(`${op.left} ${op.name} ${op.right}`);
    for (const r of found) chosen.set(r.oid, r);
  }
  return [...chosen.values()].sort((a, b) => a.oid - b.oid);
}

function operatorLiteral(o: PgOperator): string {
  const fields = [o.oid, o.oprname, o.oprkind, o.oprcanmerge, o.oprcanhash, o.oprleft, o.oprright, o.oprresult, o.oprcom, o.oprnegate,
    o.oprcode, o.oprrest, o.oprjoin, o.codename, o.description ?? ''];
  return `  ${JSON.stringify(fields)},`;
}

async function writeOperators(client: pg.Client): Promise<void> {
  const missing: string[] = [];
  const rows = operatorRows((await client.query<PgOperator>(OPERATOR_QUERY)).rows, missing);
  const file = `${OPERATOR_HEADER}\nexport const BUILTIN_OPERATOR_DATA: readonly OperatorTuple[] = [\n${rows.map(operatorLiteral).join('\n')}\n];\n`;
  writeFileSync(join(REPO_ROOT, 'src/sql/functions/builtin-operator-data.ts'), file);
  console.log(`${rows.length} pg_operator rows; operators without a PostgreSQL row: ${missing.join(', ') || 'none'}`);
}

const OPERATOR_HEADER = `/**
 * PostgreSQL 15's pg_operator rows for the operators stratadb implements, generated by
 * test/introspection/generate-builtin-procs.ts from a PostgreSQL 15 catalog (do not edit by hand).
 * Tuple fields: see OperatorTuple in builtin-operators.ts.
 */
import type { OperatorTuple } from './builtin-operators.js';
`;

async function main(): Promise<void> {
  const server = await startPostgres();
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, database: server.database });
  try {
    await client.connect();
    const list = wanted();
    const names = [...new Set([...list.map((w) => w.name), ...BIND_LEVEL_NAMES])];
    const rows = (await client.query<PgProc>(QUERY, [names])).rows;
    const chosen = new Map<number, PgProc>();
    const missing: string[] = [];
    for (const w of list) {
      const found = matches(rows, w);
      if (found.length === 0) missing.push(`${w.name}(${w.args.join(',')})`);
      for (const r of found) chosen.set(r.oid, r);
    }
    for (const r of rows) if (BIND_LEVEL_NAMES.includes(r.proname)) chosen.set(r.oid, r);
    const body = [...chosen.values()].sort((a, b) => a.oid - b.oid).map(literal).join('\n');
    const file = `${HEADER}\nexport const BUILTIN_PROC_DATA: readonly ProcTuple[] = [\n${body}\n];\n`;
    writeFileSync(join(REPO_ROOT, 'src/sql/functions/builtin-proc-data.ts'), file);
    await writeOperators(client);
    console.log(`${chosen.size} pg_proc rows; registry signatures without a PostgreSQL row: ${missing.join(' ') || 'none'}`);
  } finally {
    await client.end();
    await server.stop();
  }
}

const HEADER = `/**
 * PostgreSQL 15's pg_proc rows for the routines stratadb implements, generated by
 * test/introspection/generate-builtin-procs.ts from a PostgreSQL 15 catalog (do not edit by hand).
 * Tuple fields: see ProcTuple in builtin-procs.ts.
 */
import type { ProcTuple } from './builtin-procs.js';
`;

await main();
