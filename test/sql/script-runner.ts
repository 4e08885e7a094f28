/**
 * Runs a data-driven SQL script (test/sql/testdata/*.sql) and renders every statement's outcome
 * as comparable text: the command tag, the result columns (name and type OID), the rows in text
 * format (sorted unless the statement has ORDER BY), or the error's SQLSTATE. The same renderer
 * serves stratadb (in process, through the session contract the wire uses) and PostgreSQL 15
 * (through node-postgres), so their outputs can be compared byte for byte.
 *
 * - Statements are split with the real parser; each runs as its own simple query.
 * - Notices and error message texts are not compared (SQLSTATEs are).
 */
import pg from 'pg';
import { MemoryVersionedKv } from '../../src/mvcc/index.js';
import { Database } from '../../src/sql/index.js';
import { loadParser, parseSql } from '../../src/sql/parse.js';
import type { SqlSession, WireRow } from '../../src/sql/session-api.js';
import { rowValues } from './encoded-row.js';

export interface StatementOutcome {
  readonly sql: string;
  readonly text: string;
}

function sortRows(sql: string, rows: string[]): string[] {
  return /\border\s+by\b/i.test(sql) ? rows : [...rows].sort();
}

function renderRows(sql: string, tag: string, fields: Array<[string, number]>, rows: Array<Array<string | null>>): string {
  const head = `${tag}\ncolumns: ${fields.map(([n, oid]) => `${n}:${oid}`).join(', ')}`;
  const body = sortRows(sql, rows.map((r) => r.map((v) => (v === null ? 'NULL' : v)).join(' | ')));
  return [head, ...body].join('\n');
}

export async function splitScript(text: string): Promise<string[]> {
  await loadParser();
  return parseSql(text).map((s) => s.text);
}

/** Runs statements on a fresh in-memory stratadb. */
export async function runOnStratadb(statements: readonly string[]): Promise<StatementOutcome[]> {
  const db = await Database.open(new MemoryVersionedKv());
  const session = db.openSession({ user: 'postgres', database: 'postgres', applicationName: '', backendPid: 1, settings: new Map() });
  const out: StatementOutcome[] = [];
  for (const sql of statements) out.push({ sql, text: await runOne(session, sql) });
  await session.close();
  await db.close();
  return out;
}

async function runOne(session: SqlSession, sql: string): Promise<string> {
  try {
    const [stmt] = session.prepareBatch(sql);
    if (stmt === undefined) return 'EMPTY';
    const portal = session.bind(stmt, [], [], []);
    const result = await portal.execute(0);
    session.takeNotices();
    if (result.kind === 'command') return result.tag;
    if (result.kind !== 'rows') return result.kind;
    const fields = (portal.fields ?? []).map((f): [string, number] => [f.name, f.typeOid]);
    return renderRows(sql, result.tag, fields, result.rows.map(rowValues).map((r: WireRow) => r.map((v) => (v === null ? null : String(v)))));
  } catch (error) {
    session.noteError();
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string') throw error;
    return `ERROR ${code}`;
  }
}

/** Runs statements on PostgreSQL in a fresh database created for the script. */
export async function runOnPostgres(statements: readonly string[], port: number, database: string): Promise<StatementOutcome[]> {
  const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database });
  client.on('notice', () => undefined);
  await client.connect();
  let lastTag = '';
  (client as unknown as { connection: { on(e: string, f: (m: { text: string }) => void): void } }).connection.on('commandComplete', (m) => {
    lastTag = m.text;
  });
  const out: StatementOutcome[] = [];
  for (const sql of statements) {
    try {
      lastTag = '';
      const r = await client.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } });
      const returnsRows = r.fields.length > 0 || ['SHOW', 'EXPLAIN'].includes(r.command);
      const text = returnsRows
        ? renderRows(sql, lastTag, r.fields.map((f) => [f.name, f.dataTypeID]), r.rows as Array<Array<string | null>>)
        : lastTag;
      out.push({ sql, text });
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (typeof code !== 'string') throw error;
      out.push({ sql, text: `ERROR ${code}` });
    }
  }
  await client.end();
  return out;
}

/** The expected-file format: each statement, then its outcome, then a blank line. */
export function renderOutcomes(outcomes: readonly StatementOutcome[]): string {
  return outcomes.map((o) => `> ${o.sql.replaceAll('\n', '\n> ')}\n${o.text}\n`).join('\n');
}
