/**
 * The simple-query protocol: one Query message with zero or more statements, each answered with
 * (RowDescription, DataRows |, COPY…) CommandComplete, then one ReadyForQuery.
 * - An error aborts the rest of the batch; the session records it (noteError) so that inside a
 *   transaction block the block fails (the SQL layer keeps 'E' and raises 25P02).
 * - Notices go out before each statement's completion, ParameterStatus changes before
 *   ReadyForQuery (session-messages.ts).
 * - Every portal opened here is closed before the next statement starts.
 */
import type { SqlSession } from '../sql/session-api.js';
import { ConnectionLost } from './connection-lost.js';
import { BackendCode } from './message-codes.js';
import { isBlankQuery } from './empty-statement.js';
import { runPortal } from './portal-runner.js';
import { sendReadyForQuery } from './session-messages.js';
import { ProtocolError } from './protocol-error.js';
import type { WireChannel } from './wire-channel.js';

const NO_PARAMS: ReadonlyArray<Uint8Array | null> = [];
const TEXT_FORMATS: readonly [] = [];

export async function runSimpleQuery(
  channel: WireChannel,
  session: SqlSession,
  sql: string,
  rowsPerChunkMax: number,
  reportError: (error: unknown) => void,
): Promise<void> {
  const writer = channel.writer;
  try {
    const statements = isBlankQuery(sql) ? [] : session.prepareBatch(sql);
    if (statements.length === 0) writer.simple(BackendCode.emptyQueryResponse);
    for (const statement of statements) {
      if (statement.isEmpty) {
        writer.simple(BackendCode.emptyQueryResponse);
        continue;
      }
      const portal = session.bind(statement, NO_PARAMS, TEXT_FORMATS, TEXT_FORMATS);
      try {
        if (portal.fields !== undefined) writer.rowDescription(portal.fields, TEXT_FORMATS);
        await runPortal(channel, session, portal, 0, rowsPerChunkMax);
      } finally {
        portal.close();
      }
    }
  } catch (error) {
    if (error instanceof ProtocolError || error instanceof ConnectionLost) throw error;
    reportError(error);
  }
  sendReadyForQuery(writer, session);
}
