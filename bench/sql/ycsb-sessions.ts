/**
 * What the SQL layer's YCSB benches share (session-ycsb.ts, session-ab.ts): the usertable, the
 * sessions with YCSB's read and update prepared as the wire server prepares them, the three
 * operations run through the same prepare/bind/execute calls, and main-thread CPU time.
 *
 * - Sessions are opened with encodedText, as the wire server opens them (text columns leave as
 *   views of their stored bytes).
 * - An rmw is one operation: BEGIN by simple query; the read; the update; COMMIT (YCSB F).
 */
import { readFileSync } from 'node:fs';
import type { Portal, PreparedStatement, SqlSession } from '../../src/sql/session-api.js';
import type { Database } from '../../src/sql/index.js';
import { ycsbKey } from '../ycsb/fnv-hash.js';

const FIELD = 'x'.repeat(100);

export interface YcsbStatements {
  readonly session: SqlSession;
  readonly read: PreparedStatement;
  readonly update: PreparedStatement;
}

export type YcsbOperation = (st: YcsbStatements, i: number) => Promise<void>;

/** Creates YCSB's usertable (ten 100-byte text fields) and loads `records` rows. */
export async function loadUsertable(db: Pick<Database, 'query'>, records: number): Promise<void> {
  const fields = Array.from({ length: 10 }, (_v, i) => `field${i}`);
  await db.query(`CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, ${fields.map((f) => `${f} TEXT`).join(', ')})`);
  for (let i = 0; i < records; i += 500) {
    const rows: string[] = [];
    for (let j = i; j < Math.min(records, i + 500); j++) rows.push(`('${ycsbKey(j)}', ${fields.map(() => `'${FIELD}'`).join(', ')})`);
    await db.query(`INSERT INTO usertable VALUES ${rows.join(', ')}`);
  }
}

/** A session (backend pid `pid`) with the read and the update prepared. */
export function openYcsbSession(db: Pick<Database, 'openSession'>, pid: number): YcsbStatements {
  const session = db.openSession({ user: 'postgres', database: 'postgres', applicationName: 'bench', backendPid: pid, settings: new Map(), encodedText: true });
  const read = session.prepare('SELECT * FROM usertable WHERE ycsb_key = $1', []);
  const update = session.prepare('UPDATE usertable SET field3 = $1 WHERE ycsb_key = $2', []);
  return { session, read, update };
}

async function drain(portal: Portal): Promise<void> {
  void portal.fields;
  await portal.execute(0);
  portal.close();
}

/** BEGIN / COMMIT as the wire's simple query runs them (prepareBatch, bind, execute). */
async function simple(session: SqlSession, sql: string): Promise<void> {
  for (const statement of session.prepareBatch(sql)) await drain(session.bind(statement, [], [0], [0]));
}

/** read, update and rmw of the i-th key of a fixed permutation of `records` keys. */
export function ycsbOperations(records: number): Record<'read' | 'update' | 'rmw', YcsbOperation> {
  const keys = Array.from({ length: records }, (_v, i) => Buffer.from(ycsbKey(i)));
  const value = Buffer.from('y'.repeat(100));
  const key = (i: number): Buffer => keys[(i * 7919) % records] as Buffer;
  return {
    read: (st, i) => drain(st.session.bind(st.read, [key(i)], [0], [0])),
    update: (st, i) => drain(st.session.bind(st.update, [value, key(i)], [0, 0], [0])),
    rmw: async (st, i) => {
      await simple(st.session, 'BEGIN');
      await drain(st.session.bind(st.read, [key(i)], [0], [0]));
      await drain(st.session.bind(st.update, [value, key(i)], [0, 0], [0]));
      await simple(st.session, 'COMMIT');
    },
  };
}

/** CPU time of the main thread alone (ns, from schedstat): without flush and compaction workers. */
export function mainThreadCpuNs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'latin1').split(' ')[0]);
  } catch {
    return 0;
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
