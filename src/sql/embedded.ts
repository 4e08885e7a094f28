/**
 * EmbeddedSession: db.query(sql, params) without a server. Results carry JS values
 * (values.ts, jsValue) and PostgreSQL's command tag and row count.
 *
 * - With parameters, the SQL must be one statement (as the extended protocol requires).
 * - A failing statement rejects with its SqlError; an explicit transaction block survives it in
 *   the failed state, as it would over the wire.
 * - Calls run one at a time, in call order: a long query yields to the event loop while it runs,
 *   and a second call must not start a statement inside its (shared) transaction meanwhile.
 */
import type { Session } from './session/session.js';
import type { SqlPrepared } from './session/prepared.js';
import { SqlPortal } from './session/portal.js';
import type { FieldDescription } from './session-api.js';
import { jsParam, jsValue } from './session/values.js';
import { fieldOf } from './session/prepared.js';
import { SqlError, SQLSTATE } from '../util/index.js';

export interface QueryResult {
  readonly rows: Array<Record<string, unknown>>;
  readonly fields: readonly FieldDescription[];
  /** The command tag, e.g. "INSERT 0 3", "SELECT 5". */
  readonly command: string;
  readonly rowCount: number;
}

export class EmbeddedSession {
  constructor(readonly session: Session) {}

  /** The last queued call; the next one starts after it settles. */
  private tail: Promise<unknown> = Promise.resolve();

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  query(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    return this.serialized(() => this.queryNow(sql, params));
  }

  exec(sql: string): Promise<QueryResult[]> {
    return this.serialized(() => this.execNow(sql));
  }

  private async queryNow(sql: string, params?: readonly unknown[]): Promise<QueryResult> {
    if (params === undefined || params.length === 0) {
      const results = await this.execNow(sql);
      return results[results.length - 1] ?? { rows: [], fields: [], command: '', rowCount: 0 };
    }
    const prepared = this.session.prepare(sql, []) as SqlPrepared;
    return this.run(prepared, params);
  }

  private async execNow(sql: string): Promise<QueryResult[]> {
    const statements = this.session.prepareBatch(sql) as SqlPrepared[];
    const out: QueryResult[] = [];
    for (const p of statements) out.push(await this.run(p, []));
    return out;
  }

  private async run(p: SqlPrepared, params: readonly unknown[]): Promise<QueryResult> {
    let portal: SqlPortal;
    try {
      const types = p.isEmpty || this.session.isTransactionControl(p) ? [] : this.session.planFor(p).paramTypes;
      const ctx = this.session.typeContext();
      const values = params.map((v, i) => {
        const type = types[i];
        return type === undefined ? null : jsParam(type, v, ctx);
      });
      portal = new SqlPortal(this.session, p, [], [], [], values);
    } catch (error) {
      this.session.noteError();
      throw error;
    }
    portal.keepRaw = true;
    const { rows, tag, kind } = await portal.executeRaw();
    if (kind === 'copyIn' || kind === 'copyOut') {
      this.session.failStatement();
      throw new SqlError(SQLSTATE.featureNotSupported, 'COPY FROM STDIN / TO STDOUT is not supported by db.query()', { hint: 'Use INSERT or SELECT.' });
    }
    const columns = portal.columns ?? [];
    const ctx = this.session.typeContext();
    const objects = rows.map((row) => {
      const o: Record<string, unknown> = {};
      columns.forEach((c, i) => {
        o[c.name] = jsValue(c.type, row[i] ?? null, ctx);
      });
      return o;
    });
    const count = /^(?:INSERT \d+|UPDATE|DELETE|SELECT|MOVE|FETCH|COPY) (\d+)$/.exec(tag);
    return { rows: objects, fields: columns.map((c) => fieldOf(c, 0)), command: tag, rowCount: count === null ? 0 : Number(count[1]) };
  }

  close(): Promise<void> {
    return this.serialized(() => this.session.close());
  }
}
