/**
 * A small in-memory SqlDatabase for protocol tests (and the wire benchmark): it understands a
 * handful of statements by pattern, enough to drive every path of the wire server.
 * - SELECT literals / $n[::int|::text] lists, SELECT generate_series(1, N), SELECT repeat_x(N),
 *   SELECT pg_sleep(S) (ends early on cancel → 57014), SELECT 1/0 (22012), SELECT notice('m'),
 *   BEGIN / COMMIT / ROLLBACK with I/T/E and 25P02, SET name = value (ParameterStatus),
 *   CREATE TABLE t, INSERT INTO t VALUES ('v'), SELECT * FROM t, COPY t FROM STDIN / TO STDOUT.
 * - Anything else is 42601 at position 1.
 */
import type {
  CopyInSink, CopyOutSource, ExecuteResult, FieldDescription, FormatCode, Portal, PreparedStatement,
  RoleAuth, SessionOptions, SqlDatabase, SqlDiagnostic, SqlSession, TxStatus, WireRow,
} from '../../src/sql/session-api.js';
import { SqlError } from '../../src/util/index.js';
import { PreparedRegistry } from '../../src/sql/session/prepared-registry.js';

const INT4 = 23;
const KNOWN = /^(select|begin|start|commit|end|rollback|set|create|insert|copy)\b/i;
const TEXT = 25;

type Item = { kind: 'param'; index: number; oid: number } | { kind: 'int'; value: number } | { kind: 'text'; value: string };

interface FakeStatement extends PreparedStatement {
  readonly sql: string;
  readonly items: Item[] | undefined;
}

function field(name: string, typeOid: number): FieldDescription {
  return { name, tableOid: 0, columnAttr: 0, typeOid, typeSize: typeOid === INT4 ? 4 : -1, typeModifier: -1 };
}

export class FakeDatabase implements SqlDatabase {
  readonly tables = new Map<string, string[]>();
  readonly roles = new Map<string, RoleAuth>();
  sessionsOpen = 0;
  sessionsClosed = 0;
  lastSessionOptions: SessionOptions | undefined;
  /** Rows produced by wide_series, for back-pressure tests. */
  rowsProduced = 0;
  private sleepWaiters: Array<() => void> = [];

  /** Resolves when some session starts executing pg_sleep (so a test can cancel it). */
  whenSleeping(): Promise<void> {
    return new Promise((resolve) => this.sleepWaiters.push(resolve));
  }

  notifySleeping(): void {
    const waiters = this.sleepWaiters;
    this.sleepWaiters = [];
    for (const waiter of waiters) waiter();
  }

  constructor(roles: RoleAuth[] = []) {
    this.roles.set('postgres', { name: 'postgres', canLogin: true, superuser: true, password: undefined });
    for (const role of roles) this.roles.set(role.name, role);
  }

  role(name: string): RoleAuth | undefined {
    return this.roles.get(name);
  }

  hasDatabase(name: string): boolean {
    return name === 'postgres' || name === 'test';
  }

  startupParameters(options: SessionOptions): Array<[string, string]> {
    return [
      ['server_version', '15.0 (stratadb fake)'],
      ['server_encoding', 'UTF8'],
      ['client_encoding', 'UTF8'],
      ['DateStyle', 'ISO, MDY'],
      ['TimeZone', 'UTC'],
      ['integer_datetimes', 'on'],
      ['standard_conforming_strings', 'on'],
      ['application_name', options.applicationName],
      ['is_superuser', this.roles.get(options.user)?.superuser === true ? 'on' : 'off'],
      ['session_authorization', options.user],
    ];
  }

  openSession(options: SessionOptions): SqlSession {
    this.sessionsOpen++;
    this.lastSessionOptions = options;
    return new FakeSession(this, options);
  }
}

class FakeSession implements SqlSession {
  readonly statements: PreparedRegistry;
  status: TxStatus = 'I';
  notices: SqlDiagnostic[] = [];
  changes: Array<[string, string]> = [];
  running = false;
  cancelWaiter: (() => void) | undefined;
  cancelled = false;

  constructor(
    readonly db: FakeDatabase,
    readonly options: SessionOptions,
  ) {
    this.statements = new PreparedRegistry(options.preparedStatementsMax);
  }

  txStatus(): TxStatus {
    return this.status;
  }

  prepareBatch(sql: string): PreparedStatement[] {
    return splitStatements(sql).map((text) => this.prepare(text, []));
  }

  prepare(sql: string, paramTypeOids: readonly number[]): PreparedStatement {
    const text = sql.trim().replace(/;+\s*$/, '').trim();
    const items = parseSelectList(text);
    const oids = [...paramTypeOids];
    let fields: FieldDescription[] | undefined;
    if (items !== undefined) {
      for (const item of items) if (item.kind === 'param') oids[item.index] = oids[item.index] || item.oid;
      fields = items.map((item) => field('?column?', item.kind === 'int' || (item.kind === 'param' && oids[item.index] === INT4) ? INT4 : TEXT));
    } else if (/^select generate_series/i.test(text)) fields = [field('generate_series', INT4)];
    else if (/^select (repeat_x|notice|pg_sleep|wide_series)\(/i.test(text)) fields = [field(/^select (\w+)/i.exec(text)![1]!, TEXT)];
    else if (/^select \* from \w+$/i.test(text)) fields = [field('line', TEXT)];
    else if (/^select 1\/0$/i.test(text)) fields = [field('?column?', INT4)];
    for (let i = 0; i < oids.length; i++) oids[i] = oids[i] || TEXT;
    if (text !== '' && !KNOWN.test(text)) {
      const token = /^\S*/.exec(text)?.[0] ?? '';
      throw new SqlError('42601', `syntax error at or near "${token}"`, { position: 1 });
    }
    return { sql: text, items, paramTypeOids: oids, fields, isEmpty: text === '' } as FakeStatement;
  }

  bind(
    statement: PreparedStatement,
    params: ReadonlyArray<Uint8Array | string | null>,
    paramFormats: readonly FormatCode[],
    resultFormats: readonly FormatCode[],
  ): Portal {
    if (this.status === 'E' && !/^(rollback|commit)$/i.test((statement as FakeStatement).sql)) {
      throw new SqlError('25P02', 'current transaction is aborted, commands ignored until end of transaction block');
    }
    return new FakePortal(this, statement as FakeStatement, params, paramFormats, resultFormats);
  }

  noteError(): void {
    if (this.status === 'T') this.status = 'E';
  }

  takeNotices(): SqlDiagnostic[] {
    const out = this.notices;
    this.notices = [];
    return out;
  }

  takeParameterChanges(): Array<[string, string]> {
    const out = this.changes;
    this.changes = [];
    return out;
  }

  cancel(): void {
    if (!this.running) return;
    this.cancelled = true;
    this.cancelWaiter?.();
  }

  async close(): Promise<void> {
    this.status = 'I';
    this.db.sessionsClosed++;
  }

  checkCancel(): void {
    if (!this.cancelled) return;
    this.cancelled = false;
    throw new SqlError('57014', 'canceling statement due to user request');
  }
}

class FakePortal implements Portal {
  readonly fields: readonly FieldDescription[] | undefined;
  private produced = 0;

  constructor(
    private readonly session: FakeSession,
    private readonly statement: FakeStatement,
    private readonly params: ReadonlyArray<Uint8Array | string | null>,
    private readonly paramFormats: readonly FormatCode[],
    private readonly resultFormats: readonly FormatCode[],
  ) {
    this.fields = statement.fields;
  }

  async execute(maxRows: number): Promise<ExecuteResult> {
    const session = this.session;
    session.running = true;
    try {
      const result = await this.run(maxRows);
      session.checkCancel();
      return result;
    } finally {
      session.running = false;
      session.cancelled = false;
    }
  }

  close(): void {}

  private async run(maxRows: number): Promise<ExecuteResult> {
    const sql = this.statement.sql;
    const session = this.session;
    if (this.statement.isEmpty) return { kind: 'empty' };
    if (this.statement.items !== undefined) return this.rows([this.statement.items.map((item) => this.item(item))], maxRows);
    let m: RegExpExecArray | null;
    if ((m = /^select generate_series\(1,\s*(\d+)\)$/i.exec(sql))) return this.series(Number(m[1]), maxRows);
    if ((m = /^select wide_series\((\d+),\s*(\d+)\)$/i.exec(sql))) return this.wide(Number(m[1]), Number(m[2]), maxRows);
    if ((m = /^select repeat_x\((\d+)\)$/i.exec(sql))) return this.rows([['x'.repeat(Number(m[1]))]], maxRows);
    if ((m = /^select pg_sleep\(([\d.]+)\)$/i.exec(sql))) {
      await new Promise<void>((resolve) => {
        session.cancelWaiter = resolve;
        setTimeout(resolve, Number(m![1]) * 1000).unref();
        session.db.notifySleeping();
      });
      return this.rows([['']], maxRows);
    }
    if (/^select 1\/0$/i.test(sql)) throw new SqlError('22012', 'division by zero');
    if ((m = /^select notice\('([^']*)'\)$/i.exec(sql))) {
      session.notices.push({ severity: 'NOTICE', code: '00000', message: m[1]! });
      return this.rows([['']], maxRows);
    }
    if (/^(begin|start transaction)$/i.test(sql)) {
      if (session.status !== 'I') session.notices.push({ severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' });
      session.status = 'T';
      return { kind: 'command', tag: 'BEGIN' };
    }
    if (/^(commit|end|rollback)$/i.test(sql)) {
      const tag = /^rollback$/i.test(sql) || session.status === 'E' ? 'ROLLBACK' : 'COMMIT';
      session.status = 'I';
      return { kind: 'command', tag };
    }
    if ((m = /^set (\w+)\s*(?:=|to)\s*'?([^']*)'?$/i.exec(sql))) {
      session.changes.push([m[1]!, m[2]!]);
      return { kind: 'command', tag: 'SET' };
    }
    return this.tableStatement(sql);
  }

  private tableStatement(sql: string): ExecuteResult {
    const tables = this.session.db.tables;
    let m: RegExpExecArray | null;
    if ((m = /^create table (\w+)/i.exec(sql))) {
      tables.set(m[1]!.toLowerCase(), []);
      return { kind: 'command', tag: 'CREATE TABLE' };
    }
    if ((m = /^insert into (\w+) values \('([^']*)'\)$/i.exec(sql))) {
      this.table(m[1]!).push(m[2]!);
      return { kind: 'command', tag: 'INSERT 0 1' };
    }
    if ((m = /^select \* from (\w+)$/i.exec(sql))) return this.rows(this.table(m[1]!).map((line) => [line]), 0);
    if ((m = /^copy\s+(\w+)\s+from\s+stdin/i.exec(sql))) return { kind: 'copyIn', sink: new FakeCopyIn(this.table(m[1]!)) };
    if ((m = /^copy\s+(\w+)\s+to\s+stdout/i.exec(sql))) return { kind: 'copyOut', source: new FakeCopyOut(this.table(m[1]!)) };
    const token = /^\S*/.exec(sql)?.[0] ?? '';
    throw new SqlError('42601', `syntax error at or near "${token}"`, { position: 1 });
  }

  private table(name: string): string[] {
    const table = this.session.db.tables.get(name.toLowerCase());
    if (table === undefined) throw new SqlError('42P01', `relation "${name}" does not exist`);
    return table;
  }

  private item(item: Item): string | Uint8Array | null {
    if (item.kind === 'int') return String(item.value);
    if (item.kind === 'text') return item.value;
    const raw = this.params[item.index];
    if (raw === null || raw === undefined) return null;
    if (typeof raw === 'string') return raw; // a text-format parameter the wire decoded
    const binary = (this.paramFormats.length === 1 ? this.paramFormats[0] : this.paramFormats[item.index]) === 1;
    const oid = this.statement.paramTypeOids[item.index];
    if (!binary) return Buffer.from(raw).toString('utf8');
    if (oid === INT4) return String(Buffer.from(raw).readInt32BE(0));
    return Buffer.from(raw).toString('utf8');
  }

  private series(n: number, maxRows: number): ExecuteResult {
    const count = maxRows === 0 ? n - this.produced : Math.min(maxRows, n - this.produced);
    const rows: WireRow[] = [];
    for (let i = 0; i < count; i++) rows.push([this.encode(String(this.produced + i + 1), 0, INT4)]);
    this.produced += count;
    this.session.checkCancel();
    return { kind: 'rows', rows, suspended: this.produced < n, tag: `SELECT ${n}` };
  }

  private wide(n: number, width: number, maxRows: number): ExecuteResult {
    const count = maxRows === 0 ? n - this.produced : Math.min(maxRows, n - this.produced);
    const value = 'x'.repeat(width);
    const rows: WireRow[] = [];
    for (let i = 0; i < count; i++) rows.push([value]);
    this.produced += count;
    this.session.db.rowsProduced += count;
    return { kind: 'rows', rows, suspended: this.produced < n, tag: `SELECT ${n}` };
  }

  private rows(values: Array<Array<string | Uint8Array | null>>, maxRows: number): ExecuteResult {
    const all = values.slice(this.produced);
    const take = maxRows === 0 ? all.length : Math.min(maxRows, all.length);
    const rows = all.slice(0, take).map((row) => row.map((v, i) => this.encode(v, i, this.fields?.[i]?.typeOid ?? TEXT)));
    this.produced += take;
    return { kind: 'rows', rows, suspended: this.produced < values.length, tag: `SELECT ${values.length}` };
  }

  private encode(value: string | Uint8Array | null, column: number, oid: number): string | Uint8Array | null {
    const format = this.resultFormats.length === 1 ? this.resultFormats[0] : this.resultFormats[column];
    if (format !== 1 || value === null || typeof value !== 'string') return value;
    if (oid === INT4) {
      const out = Buffer.alloc(4);
      out.writeInt32BE(Number(value));
      return out;
    }
    return Buffer.from(value, 'utf8');
  }
}

class FakeCopyIn implements CopyInSink {
  readonly overallFormat = 0;
  readonly columnFormats: FormatCode[] = [0];
  private readonly chunks: Buffer[] = [];
  aborted: string | undefined;

  constructor(private readonly table: string[]) {}

  write(data: Uint8Array): void {
    this.chunks.push(Buffer.from(data));
  }

  async finish(): Promise<string> {
    const lines = Buffer.concat(this.chunks).toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    if (lines[lines.length - 1] === '\\.') lines.pop();
    for (const line of lines) if (line === 'bad') throw new SqlError('22P02', 'invalid input syntax for type text: "bad"');
    this.table.push(...lines);
    return `COPY ${lines.length}`;
  }

  abort(message: string): void {
    this.aborted = message;
  }
}

class FakeCopyOut implements CopyOutSource {
  readonly overallFormat = 0;
  readonly columnFormats: FormatCode[] = [0];
  private index = 0;

  constructor(private readonly table: string[]) {}

  get tag(): string {
    return `COPY ${this.table.length}`;
  }

  async next(): Promise<Uint8Array | undefined> {
    if (this.index >= this.table.length) return undefined;
    const chunk = this.table.slice(this.index, this.index + 100);
    this.index += chunk.length;
    return Buffer.from(chunk.map((line) => line + '\n').join(''), 'utf8');
  }
}

/** Splits on semicolons outside single quotes; keeps a lone empty query as one empty statement. */
function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of sql) {
    if (ch === "'") quoted = !quoted;
    if (ch === ';' && !quoted) {
      if (current.trim() !== '') out.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current);
  return out;
}

/** `SELECT item, item…` where item is an integer, 'text' or $n[::int|::text]; else undefined. */
function parseSelectList(sql: string): Item[] | undefined {
  const m = /^select\s+(.+)$/is.exec(sql);
  if (m === null) return undefined;
  const items: Item[] = [];
  for (const part of m[1]!.split(',')) {
    const text = part.trim();
    let p: RegExpExecArray | null;
    if ((p = /^-?\d+$/.exec(text))) items.push({ kind: 'int', value: Number(text) });
    else if ((p = /^'([^']*)'(?:::text)?$/.exec(text))) items.push({ kind: 'text', value: p[1]! });
    else if ((p = /^\$(\d+)(?:::(int|int4|integer|text))?$/i.exec(text))) {
      const oid = p[2] === undefined ? 0 : /^text$/i.test(p[2]) ? TEXT : INT4;
      items.push({ kind: 'param', index: Number(p[1]) - 1, oid });
    } else return undefined;
  }
  return items;
}
