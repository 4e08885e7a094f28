/**
 * Picks a loopback TCP port that is free right now, below the Linux ephemeral range.
 *
 * - Ports come from [PORT_MIN, PORT_MAX] (below 32768) so they never collide with the ephemeral
 *   ports the kernel hands to outgoing connections.
 * - "Free" is checked by binding it; a server started afterwards can still lose a race with another
 *   process, so callers retry the start with a new port when the bind fails.
 */
import { createServer } from 'node:net';

const PORT_MIN = 20_000;
const PORT_MAX = 32_767;
const ATTEMPTS_MAX = 50;

function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(true));
    });
  });
}

/** Returns a port in [20000, 32767] that could be bound on `host` a moment ago. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
    const port = PORT_MIN + Math.floor(Math.random() * (PORT_MAX - PORT_MIN + 1));
    if (await canBind(port, host)) return port;
  }
  throw new Error(`no free port in [${PORT_MIN}, ${PORT_MAX}] after ${ATTEMPTS_MAX} attempts`);
}
