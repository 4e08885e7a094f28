/**
 * The YCSB `usertable` in SQL, as YCSB's JDBC binding uses it: schema, load, and the statements of
 * the run phase (prepared once per connection, by name).
 *
 * - Schema: ycsb_key VARCHAR(255) PRIMARY KEY, field0 … field9 TEXT.
 * - Load: records 0 … recordCount-1, keys "user" + fnvhash64(n), 10 random 100-character fields,
 *   inserted in multi-row INSERTs by several connections in parallel (load time is not measured).
 */
import pg from 'pg';
import { ycsbKey } from './fnv-hash.js';
import { RandomSource } from './random-source.js';
import { FIELD_COUNT, FIELD_LENGTH, fieldValue } from './workload.js';

export const FIELD_NAMES: readonly string[] = Array.from({ length: FIELD_COUNT }, (_, i) => `field${i}`);
const LOAD_BATCH_ROWS = 100;

export const CREATE_TABLE_SQL =
  `CREATE TABLE usertable (ycsb_key VARCHAR(255) PRIMARY KEY, ${FIELD_NAMES.map((name) => `${name} TEXT`).join(', ')})`;

export const READ_STATEMENT: pg.QueryConfig = { name: 'ycsb_read', text: 'SELECT * FROM usertable WHERE ycsb_key = $1' };

/** One named UPDATE per field, like the JDBC binding's per-field prepared statements. */
export const UPDATE_STATEMENTS: readonly pg.QueryConfig[] = FIELD_NAMES.map((name) => ({
  name: `ycsb_update_${name}`,
  text: `UPDATE usertable SET ${name} = $1 WHERE ycsb_key = $2`,
}));

export interface ConnectionTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

export async function connectClient(target: ConnectionTarget): Promise<pg.Client> {
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, database: target.database });
  await client.connect();
  return client;
}

function insertSql(rows: number): string {
  const columns = ['ycsb_key', ...FIELD_NAMES];
  const tuples: string[] = [];
  for (let row = 0; row < rows; row++) {
    const base = row * columns.length;
    tuples.push(`(${columns.map((_, i) => `$${base + i + 1}`).join(', ')})`);
  }
  return `INSERT INTO usertable (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

async function loadSlice(target: ConnectionTarget, first: number, end: number, seed: number, onRows: (rows: number) => void): Promise<void> {
  const client = await connectClient(target);
  const random = new RandomSource(seed);
  const scratch = Buffer.alloc(FIELD_LENGTH);
  try {
    for (let start = first; start < end; start += LOAD_BATCH_ROWS) {
      const rows = Math.min(LOAD_BATCH_ROWS, end - start);
      const values: string[] = [];
      for (let n = start; n < start + rows; n++) {
        values.push(ycsbKey(n));
        for (let f = 0; f < FIELD_COUNT; f++) values.push(fieldValue(random, scratch));
      }
      await client.query({ name: rows === LOAD_BATCH_ROWS ? 'ycsb_load' : undefined, text: insertSql(rows), values });
      onRows(rows);
    }
  } finally {
    await client.end();
  }
}

/** Creates usertable and inserts `recordCount` records over `connections` connections. */
export async function loadUsertable(
  target: ConnectionTarget,
  recordCount: number,
  connections: number,
  onRows: (rows: number) => void = () => undefined,
): Promise<void> {
  const admin = await connectClient(target);
  try {
    // A server started for the run is empty; one given by HOST:PORT may hold an earlier table.
    await admin.query('DROP TABLE IF EXISTS usertable').catch(() => undefined);
    await admin.query(CREATE_TABLE_SQL);
  } finally {
    await admin.end();
  }
  const perConnection = Math.ceil(recordCount / connections);
  const slices: Array<Promise<void>> = [];
  for (let c = 0; c < connections; c++) {
    const first = c * perConnection;
    const end = Math.min(recordCount, first + perConnection);
    if (first < end) slices.push(loadSlice(target, first, end, 0x5eed + c, onRows));
  }
  await Promise.all(slices);
}
