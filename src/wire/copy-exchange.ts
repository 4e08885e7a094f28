/**
 * The COPY sub-protocol: COPY FROM STDIN (CopyInResponse, then CopyData… CopyDone | CopyFail from
 * the client) and COPY TO STDOUT (CopyOutResponse, CopyData…, CopyDone, CommandComplete).
 * - Copy-in: Flush and Sync are ignored while copying (as PostgreSQL does); any other message
 *   aborts the COPY with 08P01. A failed COPY leaves the client still sending CopyData: the
 *   connection's main loop ignores CopyData/CopyDone/CopyFail outside a COPY.
 * - The sink is always finished or aborted exactly once, also when the client disconnects.
 * - Copy-out awaits socket back-pressure between chunks.
 */
import type { CopyInSink, CopyOutSource, SqlSession } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { decodeMessage } from './frontend-messages.js';
import { BackendCode } from './message-codes.js';
import { ProtocolError } from './protocol-error.js';
import { sendNotices } from './session-messages.js';
import { ConnectionLost } from './connection-lost.js';
import type { WireChannel } from './wire-channel.js';

export async function copyIn(channel: WireChannel, session: SqlSession, sink: CopyInSink): Promise<void> {
  channel.writer.copyResponse(BackendCode.copyInResponse, sink.overallFormat, sink.columnFormats);
  let settled = false;
  try {
    for (;;) {
      const framed = await channel.next();
      if (framed === undefined) throw new ConnectionLost('client closed the connection during COPY');
      const message = decodeMessage(framed);
      if (message.kind === 'copyData') sink.write(message.data);
      else if (message.kind === 'copyDone') {
        settled = true;
        const tag = await sink.finish();
        sendNotices(channel.writer, session);
        channel.writer.commandComplete(tag);
        return;
      } else if (message.kind === 'copyFail') {
        settled = true;
        sink.abort(message.message);
        throw new SqlError(SQLSTATE.queryCanceled, `COPY from stdin failed: ${message.message}`);
      } else if (message.kind !== 'flush' && message.kind !== 'sync') {
        // As PostgreSQL: an ERROR for the COPY, then FATAL, since the message stream is lost.
        const type = framed.type.toString(16).toUpperCase().padStart(2, '0');
        const text = `unexpected message type 0x${type} during COPY from stdin`;
        channel.writer.diagnostic({ severity: 'ERROR', code: SQLSTATE.protocolViolation, message: text }, false);
        throw new ProtocolError('terminating connection because protocol synchronization was lost');
      }
    }
  } catch (error) {
    if (!settled) sink.abort(error instanceof Error ? error.message : 'COPY failed');
    throw error;
  }
}

export async function copyOut(channel: WireChannel, source: CopyOutSource): Promise<void> {
  channel.writer.copyResponse(BackendCode.copyOutResponse, source.overallFormat, source.columnFormats);
  for (;;) {
    const chunk = await source.next();
    if (chunk === undefined) break;
    channel.writer.copyData(chunk);
    await channel.flushIfFull();
    if (channel.isClosed) throw new ConnectionLost('client closed the connection during COPY');
  }
  channel.writer.simple(BackendCode.copyDone);
  channel.writer.commandComplete(source.tag);
}
