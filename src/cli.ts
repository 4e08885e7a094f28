#!/usr/bin/env -S node --initial-old-space-size=256
/**
 * `stratadb` — starts the server. Defaults: data directory ./data, listening on 127.0.0.1:5432.
 * SIGINT / SIGTERM close it cleanly (stop accepting, end sessions, close the engine).
 * The shebang passes the server's V8 flags (server-node-flags.ts says which and why).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from './server.js';
import { IDLE_POLL_US_MAX } from './wire/index.js';
import { createLogger } from './util/logger.js';

const HELP = `Usage: stratadb [options]

Starts the stratadb server (PostgreSQL wire protocol).

Options:
  --data DIR             data directory (default ./data; created if missing)
  --host HOST            address to listen on (default 127.0.0.1)
  --port N               port to listen on (default 5432; 0 picks a free port)
  --password PW          password of the superuser "postgres"; turns on SCRAM-SHA-256
                         authentication (required to listen on a non-loopback address)
  --auth METHOD          trust | password | md5 | scram-sha-256
  --max-connections N    connections accepted at once (default 100; past it: 53300)
  --tls-cert FILE        PEM certificate: accept SSL connections (with --tls-key)
  --tls-key FILE         PEM private key
  --sync MODE            full (default: every acknowledged commit is fsynced) | relaxed
                         (fsync every few ms: a crash can lose the last few ms of commits)
  --value-threshold N    values (encoded rows) of at least N bytes go to the value log, smaller
                         ones stay in the tree (default 1024)
  --memtable-bytes N     memtable size before a flush (default 32 MiB; small values make
                         flushes and compactions frequent, as the torture tests want)
  --block-cache-bytes N  memory for table blocks (keys, small rows, value pointers; default
                         128 MiB, as PostgreSQL's shared_buffers)
  --value-cache-bytes N  memory for rows read from or written to the value log (default 32 MiB;
                         0 turns it off: every read of a separated row is then a file read)
  --governor-target-p99-ms MS
                         foreground read p99 the compaction governor holds: above it
                         background I/O (compaction, GC) is slowed, below 0.8x it sped up
                         again (default: none, the governor follows its learned idle p99)
  --log-level LEVEL      fatal | error | warn | info (default) | debug | trace | silent
  --metrics-port N       serve Prometheus metrics at http://127.0.0.1:N/metrics (0 picks a port)
  --metrics-host HOST    address of the metrics endpoint (default 127.0.0.1; loopback only)
  --slow-statement-ms N  log statements slower than N ms at warn (default 1000)
  --stall-log-ms N       log event-loop stalls and garbage-collection pauses of at least N ms
                         at info (default off; with --log-level debug, flushes, compactions
                         and commit-log rotations are logged too, to match them up)
  --idle-poll-us N       after answering a client that sends its next statement quickly (one
                         busy connection), poll for it up to N µs instead of sleeping, while
                         measurements show that this shortens its round trip: lower latency, at
                         the cost of CPU while polling (default 300; 0 turns it off)
  -h, --help             show this help
`;

/**
 * The server's block cache unless --block-cache-bytes says otherwise: PostgreSQL's shared_buffers
 * default, so a server that replaces it holds as much of the hot data in memory (the embedded
 * engine's own default stays 32 MiB).
 */
const SERVER_BLOCK_CACHE_BYTES = 128 * 1024 * 1024;

/**
 * The server's idle polling unless --idle-poll-us says otherwise (wire/idle-poller.ts;
 * docs/operations.md, Idle polling): a client in a closed loop of statements (node-postgres turns
 * a reply into its next request in ~50–150 µs here) can find the event loop awake, without the
 * wake-up of a sleeping thread (and of its halted vCPU) on its path. The poller keeps polling only
 * while its own measurements show the clients' turnaround shorter for it.
 */
const SERVER_IDLE_POLL_US = 300;

const AUTH_METHODS = ['trust', 'password', 'md5', 'scram-sha-256'] as const;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function fail(message: string): never {
  process.stderr.write(`stratadb: ${message}\n\n${HELP}`);
  process.exit(2);
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) fail(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function integer(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

function positive(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > max) fail(`--${name} must be a number of milliseconds above 0, at most ${max}`);
  return n;
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        data: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
        password: { type: 'string' }, auth: { type: 'string' }, 'max-connections': { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, sync: { type: 'string' },
        'log-level': { type: 'string' }, help: { type: 'boolean', short: 'h' },
        'metrics-port': { type: 'string' }, 'metrics-host': { type: 'string' }, 'slow-statement-ms': { type: 'string' },
        'stall-log-ms': { type: 'string' },
        'memtable-bytes': { type: 'string' },
        'value-threshold': { type: 'string' },
        'block-cache-bytes': { type: 'string' },
        'value-cache-bytes': { type: 'string' },
        'governor-target-p99-ms': { type: 'string' },
        'idle-poll-us': { type: 'string' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const args = parsed.values;
  if (args.help === true) {
    process.stdout.write(HELP);
    return;
  }
  const logger = createLogger({ level: oneOf('log-level', args['log-level'], LOG_LEVELS) ?? 'info' });
  const dataDir = resolve(args.data ?? './data');
  mkdirSync(dataDir, { recursive: true });
  const sync = oneOf('sync', args.sync, ['full', 'relaxed'] as const);
  const maxConnections = integer('max-connections', args['max-connections'], 1, 100_000);
  const authMethod = oneOf('auth', args.auth, AUTH_METHODS);
  const metricsPort = integer('metrics-port', args['metrics-port'], 0, 65535);
  const memtableBytesMax = integer('memtable-bytes', args['memtable-bytes'], 1024, 1024 * 1024 * 1024);
  const valueThreshold = integer('value-threshold', args['value-threshold'], 0, 256 * 1024 * 1024);
  const blockCacheBytes = integer('block-cache-bytes', args['block-cache-bytes'], 0, 64 * 1024 ** 3);
  const valueCacheBytes = integer('value-cache-bytes', args['value-cache-bytes'], 0, 64 * 1024 ** 3);
  const slowStatementMs = integer('slow-statement-ms', args['slow-statement-ms'], 0, 86_400_000);
  const stallLogMs = integer('stall-log-ms', args['stall-log-ms'], 1, 60_000);
  const idlePollUs = integer('idle-poll-us', args['idle-poll-us'], 0, IDLE_POLL_US_MAX) ?? SERVER_IDLE_POLL_US;
  const governorMsP99Target = positive('governor-target-p99-ms', args['governor-target-p99-ms'], 60_000);
  const server = await startServer({
    dataDir,
    host: args.host ?? '127.0.0.1',
    port: integer('port', args.port, 0, 65535) ?? 5432,
    logger,
    ...(args.password === undefined ? {} : { password: args.password }),
    ...(authMethod === undefined ? {} : { authMethod }),
    ...(maxConnections === undefined ? {} : { maxConnections }),
    ...(args['tls-cert'] === undefined ? {} : { tlsCertPath: args['tls-cert'] }),
    ...(args['tls-key'] === undefined ? {} : { tlsKeyPath: args['tls-key'] }),
    engine: { ...(sync === undefined ? {} : { sync }), ...(memtableBytesMax === undefined ? {} : { memtableBytesMax }),
      ...(valueThreshold === undefined ? {} : { valueThreshold }),
      blockCacheBytes: blockCacheBytes ?? SERVER_BLOCK_CACHE_BYTES,
      ...(valueCacheBytes === undefined ? {} : { valueCacheBytes }),
      ...(governorMsP99Target === undefined ? {} : { governorMsP99Target }),
    },
    ...(metricsPort === undefined ? {} : { metricsPort }),
    ...(args['metrics-host'] === undefined ? {} : { metricsHost: args['metrics-host'] }),
    ...(slowStatementMs === undefined ? {} : { slowStatementMs }),
    ...(stallLogMs === undefined ? {} : { stallLogMs }),
    idlePollUs,
  });
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`stratadb: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
