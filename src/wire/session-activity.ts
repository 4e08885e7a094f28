/**
 * SessionActivity: what one client session is doing, for pg_stat_activity, and the per-database
 * counters its statements add to (pg_stat_database). Updated by the metered session
 * (metered-database.ts) at the start and end of each statement; read when a system table is
 * scanned.
 *
 * - Times are wall-clock ms since the Unix epoch, derived from the performance.now() readings the
 *   metered session takes anyway (performance.timeOrigin + reading): no extra clock read.
 * - xactStartMs is set by the first statement of a transaction (implicit or BEGIN) and cleared
 *   when a statement ends with the session idle ('I').
 * - A transaction ended when a statement ends idle: a commit unless the statement failed or was
 *   a ROLLBACK (PostgreSQL counts every implicit single-statement transaction too).
 * - Tuple counts come from the command tag's row count, read without allocating.
 * - No allocation per statement: every field is a number or a string the caller already holds.
 */
import type { BackendActivity, DatabaseActivity } from '../catalog/system/index.js';
import type { TxStatus } from '../sql/session-api.js';
import type { SessionEndReason } from './connection.js';

/** Counters of one database (mutable; read through the DatabaseActivity view). */
export class DatabaseCounters implements DatabaseActivity {
  xactCommit = 0;
  xactRollback = 0;
  tupReturned = 0;
  tupInserted = 0;
  tupUpdated = 0;
  tupDeleted = 0;
  conflicts = 0;
  deadlocks = 0;
  sessions = 0;
  sessionsAbandoned = 0;
  sessionsFatal = 0;
  sessionsKilled = 0;
  sessionMs = 0;
  activeMs = 0;
  idleInTransactionMs = 0;
}

/** Where a session's client connects from (the wire server knows it). */
export interface PeerInfo {
  readonly address: string | undefined;
  readonly port: number | undefined;
}

/** performance.timeOrigin, read once (it is a getter). */
const TIME_ORIGIN_MS = performance.timeOrigin;
const CODE_0 = 48;
const CODE_9 = 57;
const CODE_SPACE = 32;

/** The row count at the end of a command tag ("INSERT 0 5" → 5), or 0. */
export function tagRowCount(tag: string): number {
  let n = 0;
  let scale = 1;
  for (let i = tag.length - 1; i >= 0; i--) {
    const c = tag.charCodeAt(i);
    if (c === CODE_SPACE) return n;
    if (c < CODE_0 || c > CODE_9) return 0;
    n += (c - CODE_0) * scale;
    scale *= 10;
  }
  return 0;
}

type BackendState = 'active' | 'idle' | 'idle in transaction' | 'idle in transaction (aborted)';

function stateOf(status: TxStatus): BackendState {
  return status === 'I' ? 'idle' : status === 'T' ? 'idle in transaction' : 'idle in transaction (aborted)';
}

export class SessionActivity {
  readonly backendStartMs = Date.now();
  applicationName: string;
  /** How the session ends, once the wire server knows (undefined: closed without a connection). */
  endReason: SessionEndReason | undefined;
  private state: BackendState = 'idle';
  private query = '';
  private queryStartMs: number | undefined;
  private xactStartMs: number | undefined;
  private stateChangeMs: number | undefined;

  constructor(
    readonly pid: number,
    readonly database: string,
    readonly user: string,
    applicationName: string,
    readonly counters: DatabaseCounters,
  ) {
    this.applicationName = applicationName;
    counters.sessions++;
  }

  /** A statement starts; `startedPerfMs` is its performance.now() reading. */
  begin(sql: string, startedPerfMs: number): void {
    const nowMs = TIME_ORIGIN_MS + startedPerfMs;
    if (this.state !== 'idle' && this.state !== 'active' && this.stateChangeMs !== undefined) {
      this.counters.idleInTransactionMs += nowMs - this.stateChangeMs;
    }
    this.state = 'active';
    this.query = sql;
    this.queryStartMs = nowMs;
    this.stateChangeMs = nowMs;
    this.xactStartMs ??= nowMs;
  }

  /** The statement ended (tag on success, sqlstate on failure) leaving the session in `status`. */
  end(status: TxStatus, tag: string | undefined, sqlstate: string | undefined, endedPerfMs: number): void {
    const nowMs = TIME_ORIGIN_MS + endedPerfMs;
    const c = this.counters;
    if (this.stateChangeMs !== undefined && this.state === 'active') c.activeMs += nowMs - this.stateChangeMs;
    if (sqlstate === '40001') c.conflicts++;
    else if (sqlstate === '40P01') c.deadlocks++;
    if (tag !== undefined) this.countTuples(tag);
    if (status === 'I') {
      if (tag === undefined || tag === 'ROLLBACK') c.xactRollback++;
      else c.xactCommit++;
      this.xactStartMs = undefined;
    }
    this.state = stateOf(status);
    this.stateChangeMs = nowMs;
  }

  /** The wire recorded a failure after the statement reported (e.g. at bind): the state follows. */
  noteStatus(status: TxStatus): void {
    if (this.state !== 'active') this.state = stateOf(status);
  }

  /** The session ended; `killed` when pg_terminate_backend ended it (whatever the wire saw). */
  close(killed: boolean): void {
    const c = this.counters;
    c.sessionMs += Date.now() - this.backendStartMs;
    if (killed) c.sessionsKilled++;
    else if (this.endReason === 'abandoned') c.sessionsAbandoned++;
    else if (this.endReason === 'fatal') c.sessionsFatal++;
  }

  /** This session as a pg_stat_activity row. */
  view(peer: PeerInfo | undefined): BackendActivity {
    return {
      pid: this.pid,
      database: this.database,
      user: this.user,
      applicationName: this.applicationName,
      clientAddr: peer?.address,
      clientPort: peer?.port,
      backendStartMs: this.backendStartMs,
      xactStartMs: this.xactStartMs,
      queryStartMs: this.queryStartMs,
      stateChangeMs: this.stateChangeMs,
      state: this.state,
      query: this.query,
    };
  }

  private countTuples(tag: string): void {
    const c = this.counters;
    switch (tag.charCodeAt(0)) {
      case 73: // INSERT
        if (tag.startsWith('INSERT ')) c.tupInserted += tagRowCount(tag);
        return;
      case 85: // UPDATE
        if (tag.startsWith('UPDATE ')) c.tupUpdated += tagRowCount(tag);
        return;
      case 68: // DELETE
        if (tag.startsWith('DELETE ')) c.tupDeleted += tagRowCount(tag);
        return;
      case 83: // SELECT
        if (tag.startsWith('SELECT ')) c.tupReturned += tagRowCount(tag);
        return;
    }
  }
}
