/**
 * The acknowledged-commit workload of the kill/restart torture test, and its checker.
 *
 * Each client runs transactions `INSERT INTO acks (client, seq, pad)` + `UPDATE counters SET
 * n = n + 1, last_seq = seq` and logs (client, seq) only once COMMIT was acknowledged. Half the
 * clients send the transaction as one simple-query batch, half as separate extended-protocol
 * statements with parameters.
 *
 * Invariants checked after each restart (AckLog.verify):
 * - every acknowledged (client, seq) is in `acks` (durability);
 * - counters.n = count(acks of client) and counters.last_seq = max(seq): each transaction is
 *   all-or-nothing (atomicity), whatever moment the kill hit;
 * - no row has a seq the client never sent.
 */
import pg from 'pg';

export const CLIENTS = 4;
const PAD_BYTES_MAX = 3000;

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export type Rand = () => number;

/** mulberry32: a small seeded generator, so a SEED replays the same kill moments and payloads. */
export function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function newClient(endpoint: Endpoint): pg.Client {
  const client = new pg.Client({ host: endpoint.host, port: endpoint.port, user: 'postgres', database: 'postgres' });
  // A killed server makes the socket fail: the pending query rejects; the event must not throw.
  client.on('error', () => undefined);
  return client;
}

export async function createSchema(endpoint: Endpoint): Promise<void> {
  const client = newClient(endpoint);
  await client.connect();
  try {
    await client.query('CREATE TABLE acks (client int, seq int, pad text, PRIMARY KEY (client, seq))');
    await client.query('CREATE TABLE counters (client int PRIMARY KEY, n int NOT NULL, last_seq int NOT NULL)');
    for (let c = 0; c < CLIENTS; c++) await client.query('INSERT INTO counters VALUES ($1, 0, 0)', [c]);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface VerifyResult {
  /** Acknowledged commits found (all of them, or verify threw). */
  readonly ackedChecked: number;
  /** Rows found that were sent but never acknowledged (in flight at the kill: allowed). */
  readonly unackedPresent: number;
}

/** Every acknowledged commit of every cycle so far, per client, and the next seq to send. */
export class AckLog {
  private readonly acked: Array<Set<number>> = Array.from({ length: CLIENTS }, () => new Set());
  private readonly sent: number[] = new Array<number>(CLIENTS).fill(0);
  /** Called after each acknowledgement (the test kills the server from here). */
  onAck: (() => void) | undefined;

  get ackedTotal(): number {
    let n = 0;
    for (const set of this.acked) n += set.size;
    return n;
  }

  /** The next seq for a client (above everything it ever sent). */
  nextSeq(client: number): number {
    const seq = (this.sent[client] ?? 0) + 1;
    this.sent[client] = seq;
    return seq;
  }

  ack(client: number, seq: number): void {
    (this.acked[client] as Set<number>).add(seq);
    this.onAck?.();
  }

  /** Reads the database and checks the invariants of the module header; throws on a violation. */
  async verify(endpoint: Endpoint): Promise<VerifyResult> {
    const client = newClient(endpoint);
    await client.connect();
    try {
      const rows = (await client.query<{ client: number; seq: number }>('SELECT client, seq FROM acks')).rows;
      const counters = (await client.query<{ client: number; n: number; last_seq: number }>('SELECT client, n, last_seq FROM counters ORDER BY client')).rows;
      return this.check(rows, counters);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private check(
    rows: ReadonlyArray<{ client: number; seq: number }>,
    counters: ReadonlyArray<{ client: number; n: number; last_seq: number }>,
  ): VerifyResult {
    const found: Array<Set<number>> = Array.from({ length: CLIENTS }, () => new Set());
    let unackedPresent = 0;
    for (const row of rows) {
      const set = found[row.client];
      if (set === undefined || row.seq > (this.sent[row.client] ?? 0)) throw new Error(`row (${row.client}, ${row.seq}) was never sent`);
      set.add(row.seq);
      if (!(this.acked[row.client] as Set<number>).has(row.seq)) unackedPresent++;
    }
    for (let c = 0; c < CLIENTS; c++) {
      const have = found[c] as Set<number>;
      for (const seq of this.acked[c] as Set<number>) {
        if (!have.has(seq)) throw new Error(`acknowledged commit (client ${c}, seq ${seq}) is missing after restart`);
      }
      const counter = counters.find((r) => r.client === c);
      const maxSeq = have.size === 0 ? 0 : Math.max(...have);
      if (counter === undefined || counter.n !== have.size || counter.last_seq !== maxSeq) {
        throw new Error(`client ${c}: counters ${JSON.stringify(counter)} disagree with ${have.size} rows (max seq ${maxSeq}): a torn transaction`);
      }
    }
    return { ackedChecked: this.ackedTotal, unackedPresent };
  }
}

/**
 * Runs one client's transactions until `stop()` is true (set just before the kill). A failure
 * while `stop()` is still false is rethrown.
 */
export async function runClient(endpoint: Endpoint, id: number, log: AckLog, rand: Rand, stop: () => boolean): Promise<void> {
  const client = newClient(endpoint);
  try {
    await client.connect();
    const batched = id % 2 === 0;
    while (!stop()) {
      const seq = log.nextSeq(id);
      const pad = 'x'.repeat(Math.floor(rand() * rand() * PAD_BYTES_MAX));
      let tag: string | null | undefined;
      if (batched) {
        const sql = `BEGIN; INSERT INTO acks VALUES (${id}, ${seq}, '${pad}'); UPDATE counters SET n = n + 1, last_seq = ${seq} WHERE client = ${id}; COMMIT`;
        const results = (await client.query(sql)) as unknown as pg.QueryResult[];
        tag = results[results.length - 1]?.command;
      } else {
        await client.query('BEGIN');
        await client.query('INSERT INTO acks VALUES ($1, $2, $3)', [id, seq, pad]);
        await client.query('UPDATE counters SET n = n + 1, last_seq = $2 WHERE client = $1', [id, seq]);
        tag = (await client.query('COMMIT')).command;
      }
      if (tag !== 'COMMIT') throw new Error(`client ${id} seq ${seq}: COMMIT answered ${String(tag)}`);
      log.ack(id, seq);
    }
  } catch (error) {
    // After the kill, whatever was not acknowledged may or may not be there; before it, an error
    // is a bug.
    if (!stop()) throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
