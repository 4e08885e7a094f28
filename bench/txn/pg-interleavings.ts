/**
 * Differential check of the interleaving testdata against real PostgreSQL: runs every schedule of
 * test/mvcc/testdata/*.txt on a PostgreSQL server (one connection per transaction) and prints,
 * per case and isolation level, PostgreSQL's output next to stratadb's expected output.
 * A statement that blocks on a row lock is reported as "<blocked>"; its outcome is printed when
 * a later step releases it ("… (after blocking): …").
 *
 *   PGURL=postgres://postgres@127.0.0.1:26543/postgres npx tsx bench/txn/pg-interleavings.ts
 *
 * Mapping: a table kv(k text COLLATE "C" PRIMARY KEY, v text); get = SELECT, put = INSERT … ON
 * CONFLICT DO UPDATE, delete = DELETE, scan/count = range SELECT ordered by k, lock = SELECT …
 * FOR UPDATE (stratadb's "waiting" is PostgreSQL's "<blocked>").
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { runDataDriven } from '../../test/mvcc/datadriven.js';
import type { DataDrivenCase } from '../../test/mvcc/datadriven.js';

const URL = process.env['PGURL'] ?? 'postgres://postgres@127.0.0.1:26543/postgres';
const LEVELS: Record<string, string> = { rc: 'READ COMMITTED', rr: 'REPEATABLE READ', ser: 'SERIALIZABLE' };
const BLOCK_MS = 300;
const TESTDATA = join(import.meta.dirname, '../../test/mvcc/testdata');

interface Session {
  client: pg.Client;
  alive: boolean;
  /** A statement still blocked: the session's next statement waits for it, as a client would. */
  blocked: Promise<unknown> | undefined;
}

function sqlOf(verb: string, arg: string): { text: string; values: string[] } {
  const [key = '', value = ''] = arg.split('=');
  const range = /^\[(.*),(.*)\)$/.exec(arg);
  switch (verb) {
    case 'get':
      return { text: 'SELECT v FROM kv WHERE k = $1', values: [arg] };
    case 'put':
      return { text: 'INSERT INTO kv VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v', values: [key, value] };
    case 'lock':
      return { text: 'SELECT v FROM kv WHERE k = $1 FOR UPDATE', values: [arg] };
    case 'delete':
      return { text: 'DELETE FROM kv WHERE k = $1', values: [arg] };
    case 'scan':
      return { text: 'SELECT k, v FROM kv WHERE k >= $1 AND k < $2 ORDER BY k', values: [range?.[1] ?? '', range?.[2] ?? ''] };
    case 'count':
      return { text: 'SELECT count(*)::text AS n FROM kv WHERE k >= $1 AND k < $2', values: [range?.[1] ?? '', range?.[2] ?? ''] };
    default:
      throw new Error(`unknown verb ${verb}`);
  }
}

function format(verb: string, rows: Array<Record<string, string>>): string | undefined {
  if (verb === 'get') return rows[0]?.['v'] ?? '<absent>';
  if (verb === 'scan') return rows.map((r) => `${r['k']}=${r['v']}`).join(' ');
  if (verb === 'count') return rows[0]?.['n'] ?? '0';
  if (verb === 'lock') return 'granted';
  return undefined;
}

/** One statement of a transaction; an error ends the transaction (reported by its SQLSTATE). */
async function runStep(session: Session, verb: string, arg: string): Promise<string | undefined> {
  try {
    if (verb === 'commit') {
      const result = await session.client.query('COMMIT');
      session.alive = false;
      return result.command === 'ROLLBACK' ? 'rolled back' : 'ok';
    }
    if (verb === 'rollback') {
      await session.client.query('ROLLBACK');
      session.alive = false;
      return undefined;
    }
    const { text, values } = sqlOf(verb, arg);
    const result = await session.client.query<Record<string, string>>(text, values);
    return format(verb, result.rows);
  } catch (error) {
    session.alive = false;
    await session.client.query('ROLLBACK').catch(() => undefined);
    return (error as { code?: string }).code ?? String(error);
  }
}

async function runLevel(testCase: DataDrivenCase, level: string): Promise<string> {
  const admin = new pg.Client(URL);
  await admin.connect();
  await admin.query('DROP TABLE IF EXISTS kv; CREATE TABLE kv (k text COLLATE "C" PRIMARY KEY, v text)');
  const sessions = new Map<string, Session>();
  const out: string[] = [];
  const pending = new Set<Promise<void>>();
  for (const line of testCase.input) {
    const [who = '', verb = '', arg = ''] = line.split(/\s+/);
    if (who === 'init') {
      for (const pair of line.split(/\s+/).slice(1)) await admin.query('INSERT INTO kv VALUES ($1, $2)', pair.split('='));
      continue;
    }
    if (who === 'read') {
      const result = await admin.query<Record<string, string>>('SELECT v FROM kv WHERE k = $1', [verb]);
      out.push(`${line}: ${result.rows[0]?.['v'] ?? '<absent>'}`);
      continue;
    }
    if (verb === 'begin') {
      const client = new pg.Client(URL);
      await client.connect();
      await client.query('SET enable_seqscan = off'); // index scans: finer SSI predicate locks
      await client.query(`BEGIN ISOLATION LEVEL ${LEVELS[level] as string}`);
      sessions.set(who, { client, alive: true, blocked: undefined });
      continue;
    }
    const session = sessions.get(who);
    if (session?.blocked !== undefined) await session.blocked;
    if (session === undefined || !session.alive) {
      out.push(`${line}: <no active transaction>`);
      continue;
    }
    let settled = false;
    const work = runStep(session, verb, arg);
    const timer = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), BLOCK_MS));
    const first = await Promise.race([work.then((r) => ({ r })), timer]);
    if (first !== 'blocked') {
      settled = true;
      if (first.r !== undefined) out.push(`${line}: ${first.r}`);
      continue;
    }
    out.push(`${line}: <blocked>`);
    const late = work.then((r) => {
      if (!settled) out.push(`${line} (after blocking): ${r ?? 'done'}`);
    });
    pending.add(late);
    session.blocked = late.then(() => (session.blocked = undefined));
  }
  await Promise.race([Promise.all(pending), new Promise((resolve) => setTimeout(resolve, 2000))]);
  for (const session of sessions.values()) await session.client.end().catch(() => undefined);
  await admin.end();
  return out.join('\n');
}

/** What a schedule observed, ignoring when a failure surfaced: reads, and who committed. */
function outcome(output: string): string {
  const lines = output.split('\n');
  const reads = lines.filter((l) => /^(t\d+ (get|scan|count)|read) /.test(l) && !l.includes('<blocked>') && !l.includes('(after blocking)'));
  const committed = lines.filter((l) => /^t\d+ commit: ok$/.test(l)).map((l) => l.split(' ')[0]);
  return [...reads, `committed: ${committed.sort().join(',')}`].join('\n');
}

async function main(): Promise<void> {
  let differences = 0;
  for (const file of readdirSync(TESTDATA).filter((name) => name.endsWith('.txt'))) {
    await runDataDriven(join(TESTDATA, file), async (testCase) => {
      for (const level of (testCase.args.get('isolation') ?? '').split(',')) {
        const actual = await runLevel(testCase, level);
        const same = actual === testCase.expected;
        const sameOutcome = outcome(actual) === outcome(testCase.expected);
        if (!sameOutcome) differences++;
        const verdict = same ? 'same as stratadb' : sameOutcome ? 'same outcome (PostgreSQL blocked on a row lock where stratadb does not)' : 'DIFFERS';
        console.log(`\n=== ${file}:${testCase.line} ${level}: ${verdict}`);
        if (!sameOutcome || process.env["VERBOSE"] === "1") {
          console.log('--- PostgreSQL');
          console.log(actual);
          console.log('--- stratadb (expected)');
          console.log(testCase.expected);
        }
      }
      return '';
    });
  }
  console.log(`\n${differences} schedule/level pairs differ in outcome`);
}

await main();
