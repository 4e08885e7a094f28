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
import { startStallLog } from './util/stall-log.js';
import { MeteredDatabase } from './wire/metered-database.js';
import { SessionRegistry } from './wire/session-registry.js';
import { MetricsEndpoint } from './wire/metrics-endpoint.js';
import { ServerMetrics } from './server-metrics.js';

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
  /** Serve Prometheus metrics over HTTP on this port (0 = ephemeral); none when undefined. */
  readonly metricsPort?: number;
  /** Address of the metrics endpoint (default 127.0.0.1; loopback only). */
  readonly metricsHost?: string;
  /** Statements slower than this are logged at warn (default 1000 ms). */
  readonly slowStatementMs?: number;
  /** Log event-loop stalls and GC pauses of at least this many ms (util/stall-log.ts); off when undefined. */
  readonly stallLogMs?: number;
  /** Poll this many µs after answering a closed-loop client (wire/idle-poller.ts); 0 or undefined: off. */
  readonly idlePollUs?: number;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly database: Database;
  readonly engine: Engine;
  readonly metrics: ServerMetrics;
  /** The bound port of the metrics endpoint, when one was asked for. */
  readonly metricsPort: number | undefined;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = options.logger;
  const startedMs = Date.now();
  // The engine logs its stalls through the server's logger unless the caller gave it its own.
  const engineLogger = logger === undefined ? {} : { logger: logger.child({ component: 'storage' }) };
  const engine = await Engine.open(options.dataDir, { ...engineLogger, ...options.engine });
  logger?.info({ dataDir: options.dataDir, recoveryMs: Date.now() - startedMs, lastTs: engine.lastTs() }, 'storage engine open');
  let database: Database | undefined;
  try {
    database = await Database.open(engine);
    if (options.password !== undefined) {
      await database.query(`ALTER ROLE postgres PASSWORD ${quoteLiteral(options.password)}`);
    }
    const metrics = new ServerMetrics(
      { engine, txnKv: database.txnKv, connections: () => server.connectionCount, idlePolls: () => server.idlePoller },
      logger,
      options.slowStatementMs,
    );
    database.showExtensions.set('metrics', metrics.showMetricsRows);
    database.showExtensions.set('waf', metrics.showWafRows);
    const sessions = new SessionRegistry();
    database.serverAdmin = sessions;
    const server: WireServer = new WireServer(new MeteredDatabase(database, metrics.observe, sessions), {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 5432,
      ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
      auth: { method: options.authMethod ?? (options.password === undefined ? 'trust' : 'scram-sha-256') },
      ...(options.tlsCertPath === undefined || options.tlsKeyPath === undefined
        ? {}
        : { tls: { cert: readFileSync(options.tlsCertPath), key: readFileSync(options.tlsKeyPath) } }),
      ...(logger === undefined ? {} : { logger: wireLogger(logger) }),
      ...(options.idlePollUs === undefined ? {} : { idlePollUs: options.idlePollUs }),
    });
    sessions.attach(server);
    server.onSessionEnding = (pid, reason) => sessions.sessionEnding(pid, reason);
    const endpoint = options.metricsPort === undefined ? undefined : new MetricsEndpoint(metrics.registry, { host: options.metricsHost ?? '127.0.0.1', port: options.metricsPort });
    const address = await server.listen();
    const metricsAddress = await endpoint?.listen().catch(async (error: unknown) => {
      await server.close();
      throw error;
    });
    if (metricsAddress !== undefined) logger?.info({ metricsHost: metricsAddress.host, metricsPort: metricsAddress.port }, 'metrics endpoint listening');
    logger?.info({ ...address, startupMs: Date.now() - startedMs }, 'ready');
    const stallLog = logger === undefined || options.stallLogMs === undefined ? undefined : startStallLog(logger, options.stallLogMs);
    const db = database;
    return {
      ...address,
      database: db,
      engine,
      metrics,
      metricsPort: metricsAddress?.port,
      async close(): Promise<void> {
        stallLog?.stop();
        await endpoint?.close();
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
