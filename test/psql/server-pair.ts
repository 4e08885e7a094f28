/**
 * A PostgreSQL 15 cluster and a stratadb server for one differential test file: both started in
 * beforeAll with the same schema script (which must run without output on both), both stopped
 * in afterAll. The handles are read through the returned object once beforeAll has run.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { startPostgres } from '../support/postgres.js';
import { startStratadb } from '../support/stratadb.js';
import type { ServerHandle } from '../support/server-handle.js';
import { runScript } from './psql-runner.js';

export interface ServerPair {
  readonly pg: ServerHandle;
  readonly strata: ServerHandle;
}

/** Registers the hooks; `expectedOutput` is what psql -q prints for the script (on both servers). */
export function useServerPair(schema: string, expectedOutput?: (output: string) => void): ServerPair {
  const pair: { pg?: ServerHandle; strata?: ServerHandle } = {};
  beforeAll(async () => {
    [pair.pg, pair.strata] = await Promise.all([startPostgres(), startStratadb()]);
    const [a, b] = await Promise.all([runScript(pair.pg, schema), runScript(pair.strata, schema)]);
    if (expectedOutput === undefined) expect(a).toBe('');
    else expectedOutput(a);
    expect(b).toBe(a);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([pair.pg?.stop(), pair.strata?.stop()]);
  });
  return {
    get pg(): ServerHandle {
      if (pair.pg === undefined) throw new Error('the PostgreSQL server has not started');
      return pair.pg;
    },
    get strata(): ServerHandle {
      if (pair.strata === undefined) throw new Error('the stratadb server has not started');
      return pair.strata;
    },
  };
}
