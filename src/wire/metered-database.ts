/**
 * MeteredDatabase: wraps the SqlDatabase the wire server serves so that every statement's
 * outcome and duration reach an observer (metrics, slow-statement and error logs) without the
 * SQL layer or the protocol code knowing about metrics.
 *
 * - One StatementEvent per statement that ran or failed: a portal reports once, when it completes
 *   (after its last Execute: not suspended), fails, or is closed while suspended. Preparing or
 *   binding that throws reports the failure too (parse and bind errors are statement errors).
 * - durationUs is the time spent inside the SQL layer for that statement: from its Bind to the end
 *   of its first Execute (the protocol's few bytes between them included: one clock reading fewer
 *   per statement), plus each later Execute of a suspended portal; not the time rows spent on the
 *   socket between Executes. pg_stat_activity's query_start is the Bind (PostgreSQL's Bind too
 *   reports the query running).
 * - The observer runs synchronously and must not throw; the wrapper adds no allocation per row.
 * - A metered portal's executeNow() is synchronous whenever the wrapped portal's is (one without
 *   executeNow() is run through execute(), a promise): metering adds no promise to a point read.
 * - With a SessionRegistry, each session is listed there from open to close and every statement
 *   marks its SessionActivity active at its first Execute and idle when it reports
 *   (pg_stat_activity, pg_stat_database); application_name follows the session's ParameterStatus.
 */
import type {
  NamedStatements,
  ExecuteResult,
  FieldDescription,
  FormatCode,
  Portal,
  PreparedStatement,
  RoleAuth,
  SessionNotification,
  SessionOptions,
  SqlDatabase,
  SqlDiagnostic,
  SqlSession,
  TxStatus,
} from '../sql/session-api.js';
import type { SessionActivity } from './session-activity.js';
import type { SessionRegistry } from './session-registry.js';

export interface StatementEvent {
  /** Statement text (for a simple-query batch: the whole batch). */
  readonly sql: string;
  /** Command tag on success ("INSERT 0 1", "SELECT 3", "COMMIT"). */
  readonly tag: string | undefined;
  /** SQLSTATE on failure ('XX000' when the error carried none). */
  readonly sqlstate: string | undefined;
  readonly durationUs: number;
  readonly error: unknown;
}

export type StatementObserver = (event: StatementEvent) => void;

const US_PER_MS = 1000;
/** takeNotifications() of a session without LISTEN support. */
const NO_NOTIFICATIONS: readonly SessionNotification[] = Object.freeze([]);

function sqlstateOf(error: unknown): string {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : 'XX000';
}

export class MeteredDatabase implements SqlDatabase {
  constructor(
    private readonly inner: SqlDatabase,
    private readonly observe: StatementObserver,
    private readonly registry?: SessionRegistry,
  ) {}

  role(name: string): RoleAuth | undefined {
    return this.inner.role(name);
  }

  hasDatabase(name: string): boolean {
    return this.inner.hasDatabase(name);
  }

  startupParameters(options: SessionOptions): Array<[name: string, value: string]> {
    return this.inner.startupParameters(options);
  }

  openSession(options: SessionOptions): SqlSession {
    const session = this.inner.openSession(options);
    return new MeteredSession(session, this.observe, this.registry, this.registry?.open(options));
  }
}

class MeteredSession implements SqlSession {
  /** Texts of Parse'd statements (a simple query's statements are the last batch's: below). */
  private readonly texts = new WeakMap<PreparedStatement, string>();
  /**
   * The statements of the last simple query and its text: they are bound before the next query
   * is prepared, so they need no WeakMap entry (one per BEGIN or COMMIT otherwise).
   */
  private batch: readonly PreparedStatement[] = [];
  private batchText = '';
  /** The statement bound last and its text: a hot statement skips the WeakMap (identity hash). */
  private lastStatement: PreparedStatement | undefined;
  private lastText = '';

  constructor(
    private readonly inner: SqlSession,
    private readonly observe: StatementObserver,
    private readonly registry: SessionRegistry | undefined,
    private readonly activity: SessionActivity | undefined,
  ) {}

  get statements(): NamedStatements {
    return this.inner.statements;
  }

  txStatus(): TxStatus {
    return this.inner.txStatus();
  }

  prepareBatch(sql: string): PreparedStatement[] {
    const startedMs = performance.now();
    try {
      const statements = this.inner.prepareBatch(sql);
      this.batch = statements;
      this.batchText = sql;
      return statements;
    } catch (error) {
      this.fail(sql, startedMs, error);
      throw error;
    }
  }

  prepare(sql: string, paramTypeOids: readonly number[]): PreparedStatement {
    const startedMs = performance.now();
    try {
      const statement = this.inner.prepare(sql, paramTypeOids);
      this.texts.set(statement, sql);
      return statement;
    } catch (error) {
      this.fail(sql, startedMs, error);
      throw error;
    }
  }

  bind(statement: PreparedStatement, params: ReadonlyArray<Uint8Array | string | null>, paramFormats: readonly FormatCode[], resultFormats: readonly FormatCode[]): Portal {
    const startedMs = performance.now();
    const sql = this.textOf(statement);
    try {
      const portal = this.inner.bind(statement, params, paramFormats, resultFormats);
      return new MeteredPortal(portal, sql, startedMs, this.observe, this.inner, this.activity);
    } catch (error) {
      this.fail(sql, startedMs, error);
      throw error;
    }
  }

  private textOf(statement: PreparedStatement): string {
    if (statement === this.lastStatement) return this.lastText;
    const sql = this.batch.includes(statement) ? this.batchText : (this.texts.get(statement) ?? '');
    this.lastStatement = statement;
    this.lastText = sql;
    return sql;
  }

  private fail(sql: string, startedMs: number, error: unknown): void {
    if (this.activity !== undefined) {
      this.activity.begin(sql, startedMs);
      this.activity.end(this.inner.txStatus(), undefined, sqlstateOf(error), performance.now());
    }
    this.observe({ sql, tag: undefined, sqlstate: sqlstateOf(error), durationUs: (performance.now() - startedMs) * US_PER_MS, error });
  }

  noteError(): void {
    this.inner.noteError();
    this.activity?.noteStatus(this.inner.txStatus());
  }

  takeNotices(): SqlDiagnostic[] {
    return this.inner.takeNotices();
  }

  takeNotifications(): readonly SessionNotification[] {
    return this.inner.takeNotifications?.() ?? NO_NOTIFICATIONS;
  }

  onNotification(wake: () => void): void {
    this.inner.onNotification?.(wake);
  }

  takeParameterChanges(): Array<[name: string, value: string]> {
    const changes = this.inner.takeParameterChanges();
    // Indexed, not for-of: asked at every ReadyForQuery, mostly for none (no iterator object).
    const activity = this.activity;
    if (activity !== undefined) {
      for (let i = 0; i < changes.length; i++) {
        const [name, value] = changes[i] as [string, string];
        if (name === 'application_name') activity.applicationName = value;
      }
    }
    return changes;
  }

  cancel(): void {
    this.inner.cancel();
  }

  describeCursor(name: string): readonly FieldDescription[] | undefined {
    return this.inner.describeCursor?.(name);
  }

  close(): Promise<void> {
    if (this.activity !== undefined) this.registry?.close(this.activity);
    return this.inner.close();
  }
}

class MeteredPortal implements Portal {
  private reported = false;
  private executed = false;
  private durationUs = 0;

  constructor(
    private readonly inner: Portal,
    private readonly sql: string,
    /** performance.now() at Bind: where the first Execute's time starts. */
    private readonly boundMs: number,
    private readonly observe: StatementObserver,
    private readonly session: SqlSession,
    private readonly activity: SessionActivity | undefined,
  ) {}

  get fields(): readonly FieldDescription[] | undefined {
    return this.inner.fields;
  }

  async execute(maxRows: number): Promise<ExecuteResult> {
    return this.executeNow(maxRows);
  }

  /** Synchronous when the wrapped portal answered synchronously (no promise, no closure). */
  executeNow(maxRows: number): ExecuteResult | Promise<ExecuteResult> {
    let startedMs = this.boundMs;
    if (this.executed) startedMs = performance.now();
    else this.activity?.begin(this.sql, startedMs);
    this.executed = true;
    let result: ExecuteResult | Promise<ExecuteResult>;
    try {
      result = this.inner.executeNow !== undefined ? this.inner.executeNow(maxRows) : this.inner.execute(maxRows);
    } catch (error) {
      this.failed(startedMs, error);
      throw error;
    }
    if (!(result instanceof Promise)) return this.succeeded(startedMs, result);
    // then(), not an async function: one promise for a statement that waits (a commit).
    return result.then(
      (done) => this.succeeded(startedMs, done),
      (error: unknown) => {
        this.failed(startedMs, error);
        throw error;
      },
    );
  }

  close(): void {
    // Closed while suspended: reported now (the clock is read only then, not at every close).
    if (this.executed && !this.reported) this.report('SELECT', undefined, performance.now());
    this.inner.close();
  }

  private succeeded(startedMs: number, result: ExecuteResult): ExecuteResult {
    const endedMs = performance.now();
    this.durationUs += (endedMs - startedMs) * US_PER_MS;
    if (result.kind !== 'rows' || !result.suspended) this.report(result.kind === 'rows' || result.kind === 'command' ? result.tag : result.kind, undefined, endedMs);
    return result;
  }

  private failed(startedMs: number, error: unknown): void {
    const endedMs = performance.now();
    this.durationUs += (endedMs - startedMs) * US_PER_MS;
    this.report(undefined, error, endedMs);
  }

  private report(tag: string | undefined, error: unknown, endedMs: number): void {
    if (this.reported) return;
    this.reported = true;
    this.activity?.end(this.session.txStatus(), tag, error === undefined ? undefined : sqlstateOf(error), endedMs);
    this.observe({ sql: this.sql, tag, sqlstate: error === undefined ? undefined : sqlstateOf(error), durationUs: this.durationUs, error });
  }
}
