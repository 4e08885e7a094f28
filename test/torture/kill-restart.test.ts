/**
 * Torture (a): a server child process under a pg workload (4 clients, INSERT + UPDATE per
 * transaction, each acknowledged COMMIT logged by the client) is killed with SIGKILL at a random
 * moment, restarted on the same data directory, and checked: every acknowledged commit is there
 * and no transaction is torn (ack-workload.ts). The kill moment is "after k more acknowledged
 * commits" with k drawn from the seed, so other clients are mid-transaction or mid-commit.
 *
 * Short run (npm test): 5 cycles. Long run: TORTURE_LONG=1 (TORTURE_CYCLES=n, default 200).
 * Replay with SEED=<n>.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AckLog, CLIENTS, createSchema, newClient, prng, runClient } from './ack-workload.js';
import { snapshotCli } from './cli-snapshot.js';
import { ServerProcess } from './server-process.js';

const LONG = process.env.TORTURE_LONG === '1';
const CYCLES = LONG ? Number(process.env.TORTURE_CYCLES ?? 200) : 5;
const SEED = Number(process.env.SEED ?? Date.now() % 1_000_000);
/** Acknowledged commits before the kill: uniform in [1, ACKS_PER_CYCLE_MAX]. */
const ACKS_PER_CYCLE_MAX = 80;

const rootDir = mkdtempSync(join(tmpdir(), 'strata-torture-kill-'));
// Every restart runs the same compiled snapshot of src/ (see cli-snapshot.ts).
const command = await snapshotCli(join(rootDir, 'build'));
// A 16 KiB memtable: flushes and compactions run all the time, so kills land inside them too.
const MEMTABLE_BYTES = 16 * 1024;
const server = new ServerProcess({
  dataDir: join(rootDir, 'data'),
  logPath: join(rootDir, 'server.log'),
  command,
  extraArgs: ['--memtable-bytes', String(MEMTABLE_BYTES)],
});
let passed = false;

afterAll(async () => {
  await server.kill();
  if (passed) rmSync(rootDir, { recursive: true, force: true });
  else console.log(`kill/restart torture: data and server.log kept in ${rootDir}`);
});

/** One cycle: run the workload until `acksTarget` more commits were acknowledged, then SIGKILL. */
async function workloadUntilKill(log: AckLog, rand: () => number, acksTarget: number): Promise<void> {
  let stopping = false;
  let killed: Promise<void> | undefined;
  const target = log.ackedTotal + acksTarget;
  const kill = (): void => {
    if (stopping) return;
    stopping = true;
    killed = server.kill();
  };
  log.onAck = () => {
    if (log.ackedTotal >= target) kill();
  };
  const endpoint = { host: server.host, port: server.port };
  const clients = Array.from({ length: CLIENTS }, (_, id) => runClient(endpoint, id, log, rand, () => stopping));
  try {
    // A client that fails before the kill rejects here; the others are stopped by the kill.
    await Promise.race([Promise.all(clients), ...clients.map((c) => c.then(() => new Promise<void>(() => undefined)))]);
  } finally {
    kill();
    await Promise.allSettled(clients);
    await killed;
    log.onAck = undefined;
  }
}

/** "L0=2 L1=5": evidence that flushes and compactions ran (and were crashed into). */
async function levelTables(endpoint: { host: string; port: number }): Promise<string> {
  const client = newClient(endpoint);
  await client.connect();
  try {
    const rows = (await client.query<{ metric: string; labels: string; value: string }>('SHOW METRICS')).rows;
    return rows.filter((r) => r.metric === 'stratadb_engine_level_tables').map((r) => `L${r.labels.replace(/\D/g, '')}=${r.value}`).join(' ');
  } finally {
    await client.end();
  }
}

describe(`kill -9 / restart torture (SEED=${SEED}, ${CYCLES} cycles)`, () => {
  it('keeps every acknowledged commit and tears no transaction', { timeout: 30_000 + CYCLES * 15_000 }, async () => {
    const rand = prng(SEED);
    const log = new AckLog();
    let checks = 0;
    let unackedPresent = 0;
    await server.start();
    await createSchema({ host: server.host, port: server.port });
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      await workloadUntilKill(log, rand, 1 + Math.floor(rand() * ACKS_PER_CYCLE_MAX));
      await server.start();
      const result = await log.verify({ host: server.host, port: server.port });
      expect(result.ackedChecked).toBe(log.ackedTotal);
      checks += result.ackedChecked;
      unackedPresent = result.unackedPresent;
    }
    const levels = await levelTables({ host: server.host, port: server.port });
    expect(await server.stop()).toBe(0);
    console.log(
      `kill/restart torture SEED=${SEED}: ${CYCLES} SIGKILL cycles, ${log.ackedTotal} acknowledged commits, ` +
        `${checks} commit checks after restarts, ${unackedPresent} commits present that were in flight (never acknowledged) at a kill; ` +
        `SSTables per level at the end: ${levels}`,
    );
    passed = true;
  });
});
