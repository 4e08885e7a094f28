/**
 * MetricsEndpoint: serves a MetricsRegistry as Prometheus text over HTTP (`GET /metrics`), for
 * `--metrics-port`. Loopback by default; another address must be asked for explicitly
 * (`allowNonLoopback`), as the metrics reveal workload details.
 *
 * - Only GET/HEAD of /metrics (200) and / (a one-line pointer); anything else is 404 / 405.
 * - Request bodies are not read; a request is answered at once (rendering is synchronous).
 * - At most connectionsMax concurrent sockets; idle keep-alive sockets time out.
 * - close() stops listening and ends open sockets; it resolves once the server is closed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { renderPrometheus, PROMETHEUS_CONTENT_TYPE } from '../util/metrics-prometheus.js';
import type { MetricsRegistry } from '../util/metrics-registry.js';
import { isLoopback, WireConfigError } from './wire-options.js';

export interface MetricsEndpointOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** 0 = an ephemeral port. */
  readonly port: number;
  /** Required to listen on a non-loopback address. */
  readonly allowNonLoopback?: boolean;
  /** Concurrent scrape connections. Default 16. */
  readonly connectionsMax?: number;
}

const CONNECTIONS_MAX_DEFAULT = 16;
const CONNECTIONS_MAX_LIMIT = 1024;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;

export class MetricsEndpoint {
  private server: Server | undefined;
  private readonly host: string;
  private readonly connectionsMax: number;

  constructor(
    private readonly registry: MetricsRegistry,
    private readonly options: MetricsEndpointOptions,
  ) {
    this.host = options.host ?? '127.0.0.1';
    this.connectionsMax = options.connectionsMax ?? CONNECTIONS_MAX_DEFAULT;
    if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
      throw new WireConfigError(`metrics port must be an integer in [0, 65535], got ${options.port}`);
    }
    if (!Number.isInteger(this.connectionsMax) || this.connectionsMax < 1 || this.connectionsMax > CONNECTIONS_MAX_LIMIT) {
      throw new WireConfigError(`metrics connectionsMax must be an integer in [1, ${CONNECTIONS_MAX_LIMIT}]`);
    }
    if (!isLoopback(this.host) && options.allowNonLoopback !== true) {
      throw new WireConfigError(`refusing to serve metrics on non-loopback address ${this.host} (allowNonLoopback not set)`);
    }
  }

  /** Starts listening; resolves with the bound address. */
  async listen(): Promise<{ host: string; port: number }> {
    if (this.server !== undefined) throw new WireConfigError('the metrics endpoint is already listening');
    const server = createServer((request, response) => this.handle(request, response));
    server.maxConnections = this.connectionsMax;
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    return { host: this.host, port: typeof address === 'object' && address !== null ? address.port : this.options.port };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      let body: string;
      try {
        body = renderPrometheus(this.registry);
      } catch (error) {
        response.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(error as Error).message}\n`);
        return;
      }
      response.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'content-length': Buffer.byteLength(body) });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    const status = path === '/' ? 200 : 404;
    response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'stratadb: metrics at /metrics\n' : 'not found\n');
  }
}
