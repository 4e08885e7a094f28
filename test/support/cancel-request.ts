/**
 * Sends a PostgreSQL CancelRequest for a node-postgres client's backend, over a new connection, as
 * the protocol specifies: Int32 length 16, Int32 80877102, Int32 process id, Int32 secret key.
 *
 * - Works against any server speaking protocol v3 (PostgreSQL, stratadb).
 * - Best effort, as in the protocol: resolves once the request was written and the server closed
 *   the socket (or after a short timeout); the cancelled query then fails with SQLSTATE 57014.
 */
import { connect } from 'node:net';
import type pg from 'pg';

const CANCEL_REQUEST_CODE = 80_877_102;
const CANCEL_TIMEOUT_MS = 5_000;

interface BackendKey {
  processID: number | null;
  secretKey: number | null;
}

/** Asks the server to cancel whatever `client` is running; false if the client has no backend key. */
export function cancelQuery(client: pg.Client, host: string, port: number): Promise<boolean> {
  const key = client as unknown as BackendKey;
  if (key.processID === null || key.secretKey === null) return Promise.resolve(false);
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(CANCEL_REQUEST_CODE, 4);
  message.writeInt32BE(key.processID, 8);
  message.writeInt32BE(key.secretKey, 12);
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => socket.destroy(), CANCEL_TIMEOUT_MS);
    socket.once('connect', () => socket.end(message));
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.once('error', () => undefined);
  });
}
