/**
 * SessionSystemView: a session's SessionSystem (statement/server-admin.ts) — what pg_settings,
 * pg_stat_activity and pg_stat_database read and what the admin functions call. One per session,
 * created with it, so a statement's ExecContext only carries a reference (no allocation per
 * statement).
 *
 * - Settings come from the session itself; sessions and per-database counters from the server
 *   (SessionHost.serverAdmin). Without a server (the embedded API) the session sees only itself,
 *   without statement details, and signals reach only itself (cancel) or no one (terminate).
 * - Every call reads current state: nothing is cached between statements.
 */
import type { BackendActivity, BlockCounters, CursorView, DatabaseActivity, PreparedStatementView, SessionSettingView } from '../../catalog/system/index.js';
import type { SessionSystem } from '../statement/server-admin.js';
import { allSettingNames, Settings } from './settings.js';
import type { Session } from './session.js';
import type { Catalog } from '../../catalog/catalog.js';
import { viewDefinition } from '../bind/view-definition.js';
import { effectiveSearchPath } from '../bind/names.js';

/** Settings PostgreSQL does not list in pg_settings. */
const HIDDEN_SETTINGS = new Set(['is_superuser', 'session_authorization']);

let bootSettings: Settings | undefined;

export class SessionSystemView implements SessionSystem {
  private resetSettings: Settings | undefined;
  private readonly startedMs = Date.now();

  constructor(private readonly session: Session) {}

  get user(): string {
    return this.session.user;
  }

  get backendPid(): number {
    return this.session.options.backendPid;
  }

  transactionId(): bigint {
    // Called inside a statement, so the block has its transaction; the id lives until it ends.
    const block = this.session.block;
    block.txid ??= this.session.host.nextTransactionId();
    return block.txid;
  }

  assignedTransactionId(): bigint | undefined {
    return this.session.block.txid;
  }

  settings(): SessionSettingView[] {
    bootSettings ??= new Settings();
    const boot = bootSettings;
    const reset = (this.resetSettings ??= this.startupSettings());
    const current = this.session.settings;
    const startupNames = new Set([...this.session.options.settings.keys()].map((k) => k.toLowerCase()));
    const out: SessionSettingView[] = [];
    for (const name of allSettingNames()) {
      if (HIDDEN_SETTINGS.has(name)) continue;
      const value = current.get(name);
      const resetValue = reset.get(name);
      const fromClient = resetValue !== boot.get(name) || startupNames.has(name.toLowerCase());
      const source = value !== resetValue ? 'session' : fromClient ? 'client' : 'default';
      out.push({ name, value, resetValue, bootValue: boot.get(name), source });
    }
    return out.sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  }

  backends(): readonly BackendActivity[] {
    return this.session.host.serverAdmin?.backends() ?? [this.ownActivity()];
  }

  databaseActivity(): ReadonlyMap<string, DatabaseActivity> {
    return this.session.host.serverAdmin?.databaseActivity() ?? new Map();
  }

  blockCounters(): BlockCounters | undefined {
    const stats = this.session.host.maintenance?.stats();
    return stats === undefined ? undefined : { blocksRead: stats.blockCacheMisses, blocksHit: stats.blockCacheHits };
  }

  cancelBackend(pid: number): boolean {
    const admin = this.session.host.serverAdmin;
    if (admin !== undefined) return admin.cancelBackend(pid);
    if (pid !== this.backendPid) return false;
    this.session.cancel();
    return true;
  }

  terminateBackend(pid: number): boolean {
    return this.session.host.serverAdmin?.terminateBackend(pid) ?? false;
  }

  viewDefinition(catalog: Catalog, databaseOid: number, viewOid: number): string | undefined {
    const view = catalog.view(viewOid);
    if (view === undefined) return undefined;
    const searchPath = ['pg_catalog', ...effectiveSearchPath(this.session.settings.searchPath(), this.session.user)];
    return viewDefinition({ catalog, databaseOid, searchPath }, view, false);
  }

  warn(message: string): void {
    this.session.notice(message, 'WARNING', '01000');
  }

  cursors(): CursorView[] {
    return this.session.cursors.list().map(({ options: o }) => ({
      name: o.name, statement: o.statement, holdable: o.hold, binary: o.binary, scrollable: o.scroll, createdMs: o.createdMs,
    }));
  }

  notify(channel: string | null, payload: string | null): void {
    // Called inside a statement: the block has its transaction.
    const txn = this.session.block.txn;
    if (txn !== undefined) this.session.notifications.notify(channel, payload, txn);
  }

  preparedStatements(): PreparedStatementView[] {
    return this.session.statements.list();
  }

  /** The settings the session started with (its RESET values). */
  private startupSettings(): Settings {
    const options = this.session.options;
    const initial = new Map(options.settings);
    if (options.applicationName !== '' && !initial.has('application_name')) initial.set('application_name', options.applicationName);
    return new Settings(initial);
  }

  private ownActivity(): BackendActivity {
    const s = this.session;
    return {
      pid: this.backendPid, database: s.database, user: s.user, applicationName: s.settings.get('application_name'),
      clientAddr: undefined, clientPort: undefined, backendStartMs: this.startedMs, xactStartMs: undefined, queryStartMs: undefined,
      stateChangeMs: undefined, state: 'active', query: '',
    };
  }
}
