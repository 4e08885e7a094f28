/**
 * Fuzz over real sockets: seeded malformed, truncated, oversized and out-of-order messages. The
 * server must never crash, must release every session, and a well-behaved client connected
 * alongside must keep getting correct answers. Replay with SEED=<n>.
 */
import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDatabase } from './fake-database.js';
import { startServer, type Running } from './harness.js';

const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
/** Cases per run; FUZZ_CASES=12000 is the operations issue's 10× long run. */
const CASES = Number(process.env.FUZZ_CASES ?? 1200);
const PARALLEL = 8;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const int = (rand: Rand, n: number): number => Math.floor(rand() * n);
const bytes = (rand: Rand, n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(rand, 256)));

function validMessages(rand: Rand): Buffer[] {
  const pool = [
    serialize.query('SELECT 1'),
    serialize.query('SELECT generate_series(1, 50)'),
    serialize.parse({ name: 's' + int(rand, 3), text: 'SELECT $1::int', types: [23] }),
    serialize.bind({ statement: 's' + int(rand, 3), portal: int(rand, 2) === 0 ? '' : 'p', values: ['5'] }),
    serialize.describe({ type: int(rand, 2) === 0 ? 'S' : 'P', name: '' }),
    serialize.execute({ rows: int(rand, 3) }),
    serialize.close({ type: 'P', name: 'p' }),
    serialize.sync(),
    serialize.flush(),
    serialize.copyData(bytes(rand, 8)),
    serialize.copyDone(),
    serialize.copyFail('x'),
    serialize.password('pw'),
    serialize.requestSsl(),
    serialize.startup({ user: 'postgres' }),
    serialize.query('COPY t FROM STDIN'),
    serialize.query('BEGIN; SELECT 1/0'),
  ];
  const out: Buffer[] = [];
  for (let i = int(rand, 6) + 1; i > 0; i--) out.push(pool[int(rand, pool.length)] as Buffer);
  return out;
}

/** One fuzz case: the bytes a hostile client sends, and whether it first completes startup. */
function fuzzCase(rand: Rand): { startup: boolean; payload: Buffer } {
  const kind = int(rand, 7);
  const valid = Buffer.concat(validMessages(rand));
  switch (kind) {
    case 0: // random bytes instead of a startup packet
      return { startup: false, payload: bytes(rand, int(rand, 64)) };
    case 1: { // a random typed message with a consistent length
      const body = bytes(rand, int(rand, 40));
      const head = Buffer.alloc(5);
      head[0] = int(rand, 256);
      head.writeInt32BE(body.length + 4, 1);
      return { startup: true, payload: Buffer.concat([head, body]) };
    }
    case 2: // valid messages, truncated
      return { startup: true, payload: valid.subarray(0, int(rand, valid.length + 1)) };
    case 3: { // valid messages with flipped bytes
      const copy = Buffer.from(valid);
      for (let i = int(rand, 4) + 1; i > 0; i--) copy[int(rand, copy.length)] = int(rand, 256);
      return { startup: true, payload: copy };
    }
    case 4: { // an oversized or negative length
      const head = Buffer.alloc(5);
      head[0] = 0x51;
      head.writeInt32BE(int(rand, 2) === 0 ? -int(rand, 1 << 30) : 4096 + int(rand, 1 << 30), 1);
      return { startup: true, payload: head };
    }
    case 5: // valid messages out of order
      return { startup: true, payload: valid };
    default: { // a corrupt startup packet
      const packet = Buffer.from(serialize.startup({ user: 'postgres', database: 'postgres' }));
      packet[int(rand, packet.length)] = int(rand, 256);
      return { startup: false, payload: packet.subarray(0, int(rand, packet.length + 1)) };
    }
  }
}

async function runCase(port: number, startup: boolean, payload: Buffer): Promise<void> {
  const socket: Socket = connect({ host: '127.0.0.1', port });
  socket.on('error', () => {});
  socket.on('data', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  if (startup) socket.write(serialize.startup({ user: 'postgres', database: 'postgres' }));
  socket.write(payload);
  socket.end();
  await closed;
}

let running: Running;
const db = new FakeDatabase();

beforeAll(async () => {
  running = await startServer({ messageBytesMax: 4096, maxConnections: 64 }, db);
});
afterAll(async () => {
  await running.stop();
});

describe(`fuzz (SEED=${SEED})`, () => {
  it(`survives ${CASES} hostile cases while a good client keeps working`, async () => {
    console.log(`wire fuzz SEED=${SEED}`);
    await running.client().then((c) => c.query('CREATE TABLE t (line text)'));
    const good = await running.client();
    const rand = prng(SEED);
    let done = 0;
    while (done < CASES) {
      const batch: Array<Promise<void>> = [];
      for (let i = 0; i < PARALLEL && done < CASES; i++, done++) {
        const { startup, payload } = fuzzCase(rand);
        batch.push(runCase(running.port, startup, payload));
      }
      const check = good.query('SELECT $1::int', [done]);
      await Promise.all(batch);
      expect((await check).rows).toEqual([{ '?column?': done }]);
    }
    // Every hostile connection ends and releases its session; only the good ones stay.
    for (let turns = 0; running.server.connectionCount > 2 && turns < 10_000; turns++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(running.server.connectionCount).toBe(2);
    expect(db.sessionsOpen - db.sessionsClosed).toBe(2);
    expect((await good.query('SELECT generate_series(1, 3)')).rowCount).toBe(3);
  });
});
