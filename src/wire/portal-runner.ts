/**
 * Runs a portal and streams its result: DataRows in chunks of at most rowsPerChunkMax rows with
 * socket back-pressure between chunks, then CommandComplete, PortalSuspended (row limit reached),
 * EmptyQueryResponse, or the COPY sub-protocol.
 * - maxRows = 0 means all rows; otherwise at most maxRows DataRows are sent.
 * - A SELECT's CommandComplete counts the rows sent by this Execute, as PostgreSQL's does (after
 *   PortalSuspended, the last Execute reports only its own rows); the wire knows that count, the
 *   SQL layer does not, since the wire splits one Execute into several execute() calls.
 * - At most one chunk of rows is held in memory per connection at a time.
 * - Between chunks the event loop gets a turn, so one large result does not starve the other
 *   connections or delay a CancelRequest (a single long execute() still does: the SQL layer must
 *   yield inside it).
 */
import { setImmediate } from 'node:timers/promises';
import type { Portal, SqlSession, WireRow } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { BackendCode } from './message-codes.js';
import { sendNotices } from './session-messages.js';
import { copyIn, copyOut } from './copy-exchange.js';
import { ConnectionLost } from './connection-lost.js';
import type { WireChannel } from './wire-channel.js';

const SELECT_TAG = /^SELECT \d+$/;

export async function runPortal(
  channel: WireChannel,
  session: SqlSession,
  portal: Portal,
  maxRows: number,
  rowsPerChunkMax: number,
): Promise<void> {
  let remaining = maxRows;
  let sent = 0;
  for (;;) {
    const ask = remaining === 0 ? rowsPerChunkMax : Math.min(remaining, rowsPerChunkMax);
    const result = await portal.execute(ask);
    sendNotices(channel.writer, session);
    switch (result.kind) {
      case 'rows': {
        writeRows(channel, result.rows);
        sent += result.rows.length;
        if (!result.suspended) {
          channel.writer.commandComplete(SELECT_TAG.test(result.tag) ? `SELECT ${sent}` : result.tag);
          return;
        }
        if (result.rows.length === 0) throw new SqlError(SQLSTATE.internalError, 'portal suspended without rows');
        if (remaining !== 0) {
          remaining -= result.rows.length;
          if (remaining <= 0) {
            channel.writer.simple(BackendCode.portalSuspended);
            return;
          }
        }
        await channel.flushIfFull();
        // A macrotask turn between chunks: other connections and CancelRequests get served.
        await setImmediate();
        if (channel.isClosed) throw new ConnectionLost('client closed the connection');
        break;
      }
      case 'command':
        channel.writer.commandComplete(result.tag);
        return;
      case 'empty':
        channel.writer.simple(BackendCode.emptyQueryResponse);
        return;
      case 'copyIn':
        await copyIn(channel, session, result.sink);
        return;
      case 'copyOut':
        await copyOut(channel, result.source);
        return;
    }
  }
}

function writeRows(channel: WireChannel, rows: readonly WireRow[]): void {
  const writer = channel.writer;
  for (let i = 0; i < rows.length; i++) writer.dataRow(rows[i] as WireRow);
}
