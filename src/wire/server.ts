/**
 * The wire server: accepts TCP connections and serves each with a Connection.
 * - The only place (with the rest of src/wire) that touches node:net / node:tls.
 * - At most maxConnections sessions; the next one gets FATAL 53300 after its startup packet
 *   (so CancelRequests still work when the server is full). Raw sockets that have not finished
 *   startup are bounded by the startup timeout and by a hard socket cap.
 * - Backend keys (pid, secret) are unique among live sessions; a CancelRequest must match both.
 * - close(): stops accepting, cancels running statements, tells idle clients (57P01), and resolves
 *   when every connection has ended and its session was closed.
 * - cancelBackend / terminateBackend (pg_cancel_backend, pg_terminate_backend) act on a live
 *   backend by pid alone: the SQL layer checks the caller's right to do so first.
 * - With options.idlePollUs > 0, one IdlePoller serves every connection (idle-poller.ts).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { randomInt } from 'node:crypto';
import type { SqlDatabase } from '../sql/session-api.js';
import { IdlePoller } from './idle-poller.js';
import { Connection, type BackendKey, type ConnectionHost, type SessionEndReason } from './connection.js';
import { resolveWireOptions, WireConfigError, type ResolvedWireOptions, type WireOptions } from './wire-options.js';

export class WireServer implements ConnectionHost {
  readonly options: ResolvedWireOptions;
  readonly tlsContext: SecureContext | undefined;
  /** Shared by every connection; undefined unless options.idlePollUs > 0. */
  readonly idlePoller: IdlePoller | undefined;
  private server: Server | undefined;
  private readonly connections = new Map<Connection, Promise<void>>();
  private readonly sessions = new Map<number, { connection: Connection; secretKey: number }>();
  private readonly keys = new Map<Connection, BackendKey>();
  private nextPid = 0;
  /** Told when a session is about to close and why (the session registry's counters). */
  onSessionEnding: ((pid: number, reason: SessionEndReason) => void) | undefined;

  constructor(
    readonly db: SqlDatabase,
    options: WireOptions,
  ) {
    this.options = resolveWireOptions(options);
    this.tlsContext = this.options.tls === undefined ? undefined : createTlsContext(this.options.tls);
    this.idlePoller = this.options.idlePollUs > 0 ? new IdlePoller(this.options.idlePollUs) : undefined;
    this.nextPid = 10_000 + randomInt(50_000);
  }

  /** Starts listening; resolves with the bound address (the real port when port was 0). */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.server !== undefined) throw new WireConfigError('the server is already listening');
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections * 2 + 16;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.options.logger?.('error', 'server socket error', { error: String(error) }));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.options.port;
    this.options.logger?.('info', 'listening', { host: this.options.host, port });
    return { host: this.options.host, port };
  }

  async close(): Promise<void> {
    const server = this.server;
    const closed = server === undefined ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.connections.keys()) connection.shutdown();
    await Promise.all([closed, ...this.connections.values()]);
    this.server = undefined;
  }

  /** Live connections (including those still in startup). */
  get connectionCount(): number {
    return this.connections.size;
  }

  admit(connection: Connection): BackendKey | undefined {
    if (this.sessions.size >= this.options.maxConnections) return undefined;
    let pid = this.nextPid;
    while (this.sessions.has(pid)) pid = pid >= 0x7fffffff ? 1 : pid + 1;
    this.nextPid = pid >= 0x7fffffff ? 1 : pid + 1;
    const key = { pid, secretKey: randomInt(-0x80000000, 0x7fffffff) };
    this.sessions.set(pid, { connection, secretKey: key.secretKey });
    this.keys.set(connection, key);
    return key;
  }

  cancel(pid: number, secretKey: number): void {
    const entry = this.sessions.get(pid);
    if (entry === undefined || entry.secretKey !== secretKey) {
      this.options.logger?.('info', 'cancel request did not match any backend', { pid });
      return;
    }
    entry.connection.cancel();
  }

  /** Cancels backend `pid`'s running statement; false when there is no such backend. */
  cancelBackend(pid: number): boolean {
    const entry = this.sessions.get(pid);
    entry?.connection.cancel();
    return entry !== undefined;
  }

  /** Ends backend `pid` with FATAL 57P01 (its running statement is cancelled first). */
  terminateBackend(pid: number): boolean {
    const entry = this.sessions.get(pid);
    entry?.connection.terminate();
    return entry !== undefined;
  }

  /** The client address of backend `pid`. */
  peer(pid: number): { readonly address: string | undefined; readonly port: number | undefined } | undefined {
    return this.sessions.get(pid)?.connection.channel.peer;
  }

  sessionEnding(connection: Connection, reason: SessionEndReason): void {
    const key = this.keys.get(connection);
    if (key !== undefined) this.onSessionEnding?.(key.pid, reason);
  }

  release(connection: Connection): void {
    const key = this.keys.get(connection);
    if (key !== undefined) {
      this.sessions.delete(key.pid);
      this.keys.delete(connection);
    }
  }

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const connection = new Connection(socket, this);
    const served = connection.serve().finally(() => this.connections.delete(connection));
    this.connections.set(connection, served);
  }
}

function createTlsContext(tls: { readonly cert: string | Buffer; readonly key: string | Buffer }): SecureContext {
  try {
    return createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (error) {
    throw new WireConfigError(`invalid TLS certificate or key: ${error instanceof Error ? error.message : String(error)}`);
  }
}
