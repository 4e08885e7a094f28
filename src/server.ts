/**
 * The composition root: opens the storage engine on a data directory, the SQL database over it
 * (transactions in between), and the wire server in front. Used by the CLI and by tests that want
 * a real server in-process.
 *
 * - Shutdown order is the reverse of startup: stop accepting and end connections, then close the
 *   SQL database (rolls back open transactions), then the engine (flushes nothing it need not:
 *   the commit log already holds every acknowledged commit).
 * - With a password the bootstrap superuser's password is set and SCRAM-SHA-256 is required;
 *   without one, trust authentication is used and only loopback addresses are allowed.
 */
import { readFileSync } from 'node:fs';
import { Engine, type EngineOptions } from './storage/index.js';
import { Database } from './sql/index.js';
import { WireServer, type AuthMethod, type WireLogLevel } from './wire/index.js';
import type { Logger } from './util/logger.js';

export interface ServerOptions {
  readonly dataDir: string;
  readonly host?: string;
  readonly port?: number;
  /** Password of the bootstrap superuser `postgres`; turns on password authentication. */
  readonly password?: string;
  /** Defaults to 'scram-sha-256' with a password, 'trust' without. */
  readonly authMethod?: AuthMethod;
  readonly maxConnections?: number;
  readonly tlsCertPath?: string;
  readonly tlsKeyPath?: string;
  /** Storage engine options (sync mode, memtable size, …). */
  readonly engine?: EngineOptions;
  readonly logger?: Logger;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly database: Database;
  readonly engine: Engine;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger;
  const startedMs = Date.now();
  const engine = await Engine.open(options.dataDir, options.engine ?? {});
  logger?.info({ dataDir: options.dataDir, recoveryMs: Date.now() - startedMs, lastTs: engine.lastTs() }, 'storage engine open');
  let database: Database | undefined;
  try {
    database = await Database.open(engine);
    if (options.password !== undefined) {
      await database.query(`ALTER ROLE postgres PASSWORD ${quoteLiteral(options.password)}`);
    }
    const server = new WireServer(database, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 5432,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      auth: { method: options.authMethod ?? (options.password === undefined ? 'trust' : 'scram-sha-256') },
      ...(options.tlsCertPath === undefined || options.tlsKeyPath === undefined
        ? {}
        : { tls: { cert: readFileSync(options.tlsCertPath), key: readFileSync(options.tlsKeyPath) } }),
      ...(logger === undefined ? {} : { logger: wireLogger(logger) }),
    });
    const address = await server.listen();
    logger?.info({ ...address, startupMs: Date.now() - startedMs }, 'ready');
    const db = database;
    return {
      ...address,
      database: db,
      engine,
      async close(): Promise<void> {
        await server.close();
        await db.close();
        await engine.close();
        logger?.info('shut down');
      },
    };
  } catch (error) {
    await database?.close().catch(() => undefined);
    await engine.close().catch(() => undefined);
    throw error;
  }
}

function quoteLiteral(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function wireLogger(logger: Logger): (level: WireLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void {
  return (level, message, fields) => logger[level](fields ?? {}, message);
}
