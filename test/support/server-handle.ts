/**
 * The common shape of a server started for a test or a benchmark: real PostgreSQL 15
 * (`postgres.ts`) or stratadb (`stratadb.ts`), so that harnesses run unchanged against both.
 *
 * - `stop()` is idempotent and removes the data directory unless the caller asked to keep it.
 * - `host`/`port` accept connections from the moment the start promise resolves.
 */

export type ServerKind = 'postgres' | 'stratadb';

export interface ServerHandle {
  readonly kind: ServerKind;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The database a client connects to first. */
  readonly database: string;
  readonly dataDir: string;
  /** The server's main process (the postmaster, or stratadb's node), for CPU accounting. */
  readonly pid: number | undefined;
  /** Stops the server (and removes its data directory). Safe to call more than once. */
  stop(): Promise<void>;
}
