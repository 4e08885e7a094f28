/**
 * SessionRegistry: the server's directory of live client sessions (ServerAdmin for the SQL
 * layer): pg_stat_activity rows, pg_stat_database counters, and pg_cancel_backend /
 * pg_terminate_backend by pid.
 *
 * - A session is listed from openSession until its close (metered-database.ts); its pid is the
 *   backend pid the client got in BackendKeyData.
 * - Signals go to the wire server (BackendSignals), which owns the connections: a pid the server
 *   does not know is "not a backend" (false), as in PostgreSQL.
 * - Database counters live as long as the server (stats are never reset); they are created at the
 *   first session of a database and at most one set exists per database name.
 */
import type { BackendActivity, DatabaseActivity } from '../catalog/system/index.js';
import type { SessionOptions } from '../sql/session-api.js';
import type { ServerAdmin } from '../sql/statement/server-admin.js';
import type { SessionEndReason } from './connection.js';
import { DatabaseCounters, SessionActivity, type PeerInfo } from './session-activity.js';

/** What the wire server does for the registry. */
export interface BackendSignals {
  /** The client address of backend `pid`, when it is connected over TCP. */
  peer(pid: number): PeerInfo | undefined;
  /** Cancels backend `pid`'s running statement; false when there is no such backend. */
  cancelBackend(pid: number): boolean;
  /** Ends backend `pid` with FATAL 57P01; false when there is no such backend. */
  terminateBackend(pid: number): boolean;
}

export class SessionRegistry implements ServerAdmin {
  private readonly sessions = new Map<number, SessionActivity>();
  private readonly counters = new Map<string, DatabaseCounters>();
  private readonly killed = new Set<number>();
  private signals: BackendSignals | undefined;

  /** Connects the registry to the wire server once it exists. */
  attach(signals: BackendSignals): void {
    this.signals = signals;
  }

  open(options: SessionOptions): SessionActivity {
    let counters = this.counters.get(options.database);
    if (counters === undefined) {
      counters = new DatabaseCounters();
      this.counters.set(options.database, counters);
    }
    const applicationName = options.settings.get('application_name') ?? options.applicationName;
    const activity = new SessionActivity(options.backendPid, options.database, options.user, applicationName, counters);
    this.sessions.set(options.backendPid, activity);
    return activity;
  }

  /** The wire server says how backend `pid`'s session is ending (before it closes). */
  sessionEnding(pid: number, reason: SessionEndReason): void {
    const activity = this.sessions.get(pid);
    if (activity !== undefined) activity.endReason = reason;
  }

  close(activity: SessionActivity): void {
    if (this.sessions.get(activity.pid) !== activity) return;
    this.sessions.delete(activity.pid);
    activity.close(this.killed.delete(activity.pid));
  }

  backends(): BackendActivity[] {
    const out: BackendActivity[] = [];
    for (const activity of this.sessions.values()) out.push(activity.view(this.signals?.peer(activity.pid)));
    return out;
  }

  databaseActivity(): ReadonlyMap<string, DatabaseActivity> {
    return this.counters;
  }

  cancelBackend(pid: number): boolean {
    return this.signals?.cancelBackend(pid) ?? false;
  }

  terminateBackend(pid: number): boolean {
    const done = this.signals?.terminateBackend(pid) ?? false;
    if (done && this.sessions.has(pid)) this.killed.add(pid);
    return done;
  }
}
