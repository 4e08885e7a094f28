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
 * - A portal that answers at once (executeNow() returned a result, not a promise) and needs no
 *   further chunk is answered synchronously: no promise, no microtask turn (a point read).
 */
import { setImmediate } from 'node:timers/promises';
import type { ExecuteResult, Portal, ResultRow, SqlSession } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { BackendCode } from './message-codes.js';
import { sendNotices } from './session-messages.js';
import { tagRowCount } from './session-activity.js';
import { copyIn, copyOut } from './copy-exchange.js';
import { ConnectionLost } from './connection-lost.js';
import type { WireChannel } from './wire-channel.js';

/**
 * Runs the portal for one Execute. Returns undefined when the whole answer was written
 * synchronously (the portal answered at once and no further chunk is due: a point read), else a
 * promise of the rest of the run.
 */
export function runPortal(
  channel: WireChannel,
  session: SqlSession,
  portal: Portal,
  maxRows: number,
  rowsPerChunkMax: number,
): Promise<void> | undefined {
  const first = executeChunk(portal, chunkRows(maxRows, rowsPerChunkMax));
  // A statement that waited (a commit) and then answers at once costs one promise, no async frame.
  if (first instanceof Promise) return first.then((result) => answerFirst(channel, session, portal, result, maxRows, rowsPerChunkMax));
  return answerFirst(channel, session, portal, first, maxRows, rowsPerChunkMax);
}

/** Writes the answer to `first`, the first chunk, when it is the whole answer; else runs the rest (runFrom). */
function answerFirst(
  channel: WireChannel,
  session: SqlSession,
  portal: Portal,
  first: ExecuteResult,
  maxRows: number,
  rowsPerChunkMax: number,
): Promise<void> | undefined {
  if (!answersAtOnce(first, maxRows)) return runFrom(channel, session, portal, first, maxRows, rowsPerChunkMax);
  sendNotices(channel.writer, session);
  if (first.kind === 'rows') writeRows(channel, first, 0, maxRows);
  else if (first.kind === 'command') channel.writer.commandComplete(first.tag);
  else channel.writer.simple(BackendCode.emptyQueryResponse);
  return undefined;
}

/** Continues a run whose first chunk is `first` (a result, or the promise of one). */
async function runFrom(
  channel: WireChannel,
  session: SqlSession,
  portal: Portal,
  first: ExecuteResult | Promise<ExecuteResult>,
  maxRows: number,
  rowsPerChunkMax: number,
): Promise<void> {
  let remaining = maxRows;
  let sent = 0;
  let pending: ExecuteResult | Promise<ExecuteResult> = first;
  for (;;) {
    const result = await pending;
    sendNotices(channel.writer, session);
    switch (result.kind) {
      case 'rows': {
        if (writeRows(channel, result, sent, remaining)) return;
        sent += result.rows.length;
        if (remaining !== 0) remaining -= result.rows.length;
        await channel.flushIfFull();
        // A macrotask turn between chunks: other connections and CancelRequests get served.
        await setImmediate();
        if (channel.isClosed) throw new ConnectionLost('client closed the connection');
        pending = executeChunk(portal, chunkRows(remaining, rowsPerChunkMax));
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

/** Rows to ask for next: all that remain (0 = no limit), at most one chunk. */
function chunkRows(remaining: number, rowsPerChunkMax: number): number {
  return remaining === 0 ? rowsPerChunkMax : Math.min(remaining, rowsPerChunkMax);
}

function executeChunk(portal: Portal, maxRows: number): ExecuteResult | Promise<ExecuteResult> {
  return portal.executeNow !== undefined ? portal.executeNow(maxRows) : portal.execute(maxRows);
}

/** True when `result` is the whole answer to the Execute: no further chunk, no COPY. */
function answersAtOnce(result: ExecuteResult, maxRows: number): boolean {
  if (result.kind === 'command' || result.kind === 'empty') return true;
  if (result.kind !== 'rows') return false;
  return !result.suspended || (maxRows !== 0 && result.rows.length >= maxRows);
}

/**
 * Writes one chunk's DataRows, and its completion when it ends the Execute: CommandComplete (the
 * run is over) or PortalSuspended (the row limit is reached). Returns true when the Execute is
 * answered. `sent` rows went out before this chunk; `remaining` rows may still go (0 = no limit).
 */
function writeRows(channel: WireChannel, result: Extract<ExecuteResult, { kind: 'rows' }>, sent: number, remaining: number): boolean {
  const writer = channel.writer;
  const rows = result.rows;
  for (let i = 0; i < rows.length; i++) writer.dataRow(rows[i] as ResultRow);
  if (!result.suspended) {
    writer.commandComplete(selectTag(result.tag, sent + rows.length));
    return true;
  }
  if (rows.length === 0) throw new SqlError(SQLSTATE.internalError, 'portal suspended without rows');
  if (remaining !== 0 && remaining - rows.length <= 0) {
    writer.simple(BackendCode.portalSuspended);
    return true;
  }
  return false;
}

/**
 * A SELECT's tag counts the rows this Execute sent; any other tag is the SQL layer's own. The SQL
 * layer's tag is kept when its count is already right (one chunk: no new string).
 */
function selectTag(tag: string, sent: number): string {
  if (!isSelectTag(tag)) return tag;
  return tagRowCount(tag) === sent ? tag : `SELECT ${sent}`;
}

const SELECT_PREFIX = 'SELECT ';
const CODE_0 = 48;
const CODE_9 = 57;

/** True for "SELECT <digits>" (checked by hand: no regular expression per statement). */
function isSelectTag(tag: string): boolean {
  if (tag.length <= SELECT_PREFIX.length || !tag.startsWith(SELECT_PREFIX)) return false;
  for (let i = SELECT_PREFIX.length; i < tag.length; i++) {
    const c = tag.charCodeAt(i);
    if (c < CODE_0 || c > CODE_9) return false;
  }
  return true;
}
