/**
 * Options of the wire server, with defaults and bounds validated once at construction.
 * - Binding to a non-loopback address with auth method 'trust' is refused (WireConfigError).
 * - Every limit is named *Max and checked against a hard range.
 */
import { IDLE_POLL_US_MAX } from './idle-poller.js';

export type AuthMethod = 'trust' | 'password' | 'md5' | 'scram-sha-256';

export type WireLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Optional logging hook (the server never imports a logger itself). */
export type WireLogger = (level: WireLogLevel, message: string, fields?: Readonly<Record<string, unknown>>) => void;

export interface WireOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = an ephemeral port. Default 5432. */
  readonly port?: number;
  /** Connections past this get FATAL 53300. Default 100. */
  readonly maxConnections?: number;
  /** Largest client message accepted (type byte excluded). Default 64 MiB. */
  readonly messageBytesMax?: number;
  /** Time allowed from accept until authentication completes. Default 60 s. */
  readonly startupTimeoutMs?: number;
  /** Rows produced per chunk before checking socket back-pressure. Default 1000. */
  readonly rowsPerChunkMax?: number;
  /** Client bytes buffered before the socket is paused. Default 1 MiB. */
  readonly inboundBytesMax?: number;
  /** Named prepared statements (and, separately, named portals) per connection. Default 10,000. */
  readonly preparedStatementsMax?: number;
  readonly auth?: { readonly method: AuthMethod };
  /** PEM certificate and key: SSLRequest is answered 'S' and the connection upgraded. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  readonly logger?: WireLogger;
  /**
   * After answering a client that sends its next message quickly (a closed loop), keep the event
   * loop polling this many µs instead of sleeping (idle-poller.ts): lower latency for a few busy
   * connections, at the cost of CPU while it polls. 0 (the default) turns it off.
   */
  readonly idlePollUs?: number;
}

export interface ResolvedWireOptions {
  readonly host: string;
  readonly port: number;
  readonly maxConnections: number;
  readonly messageBytesMax: number;
  readonly startupTimeoutMs: number;
  readonly rowsPerChunkMax: number;
  readonly inboundBytesMax: number;
  readonly preparedStatementsMax: number;
  readonly authMethod: AuthMethod;
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly logger: WireLogger | undefined;
  readonly idlePollUs: number;
}

/** Invalid server configuration (the server does not start). */
export class WireConfigError extends Error {
  override readonly name = 'WireConfigError';
}

const AUTH_METHODS: readonly AuthMethod[] = ['trust', 'password', 'md5', 'scram-sha-256'];

export function resolveWireOptions(options: WireOptions): ResolvedWireOptions {
  const resolved: ResolvedWireOptions = {
    host: options.host ?? '127.0.0.1',
    port: bounded('port', options.port ?? 5432, 0, 65535),
    maxConnections: bounded('maxConnections', options.maxConnections ?? 100, 1, 100_000),
    messageBytesMax: bounded('messageBytesMax', options.messageBytesMax ?? 64 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    startupTimeoutMs: bounded('startupTimeoutMs', options.startupTimeoutMs ?? 60_000, 100, 3_600_000),
    rowsPerChunkMax: bounded('rowsPerChunkMax', options.rowsPerChunkMax ?? 1000, 1, 1_000_000),
    inboundBytesMax: bounded('inboundBytesMax', options.inboundBytesMax ?? 1024 * 1024, 16 * 1024, 1024 * 1024 * 1024),
    preparedStatementsMax: bounded('preparedStatementsMax', options.preparedStatementsMax ?? 10_000, 1, 1_000_000),
    authMethod: options.auth?.method ?? 'trust',
    tls: options.tls,
    logger: options.logger,
    idlePollUs: bounded('idlePollUs', options.idlePollUs ?? 0, 0, IDLE_POLL_US_MAX),
  };
  if (!AUTH_METHODS.includes(resolved.authMethod)) {
    throw new WireConfigError(`unknown auth method "${String(resolved.authMethod)}"`);
  }
  if (resolved.authMethod === 'trust' && !isLoopback(resolved.host)) {
    throw new WireConfigError(
      `refusing to listen on ${resolved.host} with trust authentication: anyone who can reach it could log in ` +
        'as any role; bind to a loopback address or use password, md5 or scram-sha-256 authentication',
    );
  }
  return resolved;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function bounded(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WireConfigError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
  }
  return value;
}
