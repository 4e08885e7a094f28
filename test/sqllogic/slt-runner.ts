/**
 * Runs SQLLogicTest scripts over the wire with node-postgres, one connection, like the reference
 * runner: every statement and query is sent as a simple Query message and compared as text.
 *
 * - Each file runs in a fresh database (CREATE DATABASE, then DROP DATABASE after the file). A server
 *   that cannot create databases gets the file run in its default database and the tables and views
 *   the file created dropped afterwards.
 * - Counting follows the reference: every statement/query record is `run` or `skipped`; a run record
 *   is `passed` or `failed`. A `halt` ends the file.
 * - A record that exceeds `recordTimeoutMs` is cancelled (CancelRequest) and counted as failed; if the
 *   connection does not recover, it is replaced.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { cancelQuery } from '../support/cancel-request.js';
import { formatResult, hashValues } from './slt-format.js';
import { parseScript, type QueryRecord, type SltRecord } from './slt-parser.js';

export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** The database to connect to for CREATE/DROP DATABASE (and to run in, if those fail). */
  readonly database: string;
}

export interface RecordFailure {
  readonly line: number;
  readonly reason: 'error' | 'mismatch' | 'timeout' | 'unexpected-success';
  readonly message: string;
}

export interface FileResult {
  readonly file: string;
  run: number;
  passed: number;
  failed: number;
  skipped: number;
  wallMs: number;
  readonly failures: RecordFailure[];
}

export interface RunnerOptions {
  /** Engine name for skipif/onlyif. */
  engine?: string;
  recordTimeoutMs?: number;
  /** Called after each record, for progress output. */
  onRecord?: (result: FileResult) => void;
}

/** Result values are kept as PostgreSQL's text: no type parsing. */
const RAW_TYPES = { getTypeParser: () => (value: string): string => value };
const CANCEL_GRACE_MS = 10_000;
const MESSAGE_CHARS_MAX = 300;

type Outcome = { ok: true; result: pg.QueryArrayResult } | { ok: false; message: string; timedOut: boolean };

function lastResult(result: pg.QueryArrayResult | pg.QueryArrayResult[]): pg.QueryArrayResult {
  if (!Array.isArray(result)) return result;
  for (let i = result.length - 1; i >= 0; i--) {
    const one = result[i] as pg.QueryArrayResult;
    if (one.fields.length > 0) return one;
  }
  return result[result.length - 1] as pg.QueryArrayResult;
}

function errorMessage(error: unknown): string {
  const code = (error as { code?: string }).code;
  const text = error instanceof Error ? error.message : String(error);
  return (code !== undefined ? `${code} ${text}` : text).slice(0, MESSAGE_CHARS_MAX);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function compare(record: QueryRecord, values: string[], hash: string | undefined): string | undefined {
  const expected = record.expected;
  if (expected.kind === 'hash') {
    const actual = hash ?? hashValues(values);
    if (expected.count === values.length && expected.hash === actual) return undefined;
    return `expected ${expected.count} values hashing to ${expected.hash}, got ${values.length} values hashing to ${actual}`;
  }
  const same = expected.values.length === values.length && expected.values.every((value, i) => value === values[i]);
  if (same) return undefined;
  const shown = values.slice(0, 20).join(' | ');
  return `expected ${expected.values.length} values [${expected.values.slice(0, 20).join(' | ')}], got ${values.length} [${shown}]`;
}

/** Tables and views a script creates, views first, for clean-up without DROP DATABASE. */
function createdObjects(records: readonly SltRecord[]): Array<{ kind: 'TABLE' | 'VIEW'; name: string }> {
  const views: string[] = [];
  const tables: string[] = [];
  const pattern = /^\s*CREATE\s+(?:TEMP\w*\s+)?(TABLE|VIEW)\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[\w]+"?)/i;
  for (const record of records) {
    if (record.kind !== 'statement') continue;
    const match = pattern.exec(record.sql);
    if (match === null) continue;
    const list = (match[1] as string).toUpperCase() === 'VIEW' ? views : tables;
    if (!list.includes(match[2] as string)) list.push(match[2] as string);
  }
  return [...views.reverse().map((name) => ({ kind: 'VIEW' as const, name })), ...tables.reverse().map((name) => ({ kind: 'TABLE' as const, name }))];
}

export class SltRunner {
  private admin: pg.Client | undefined;
  private client: pg.Client | undefined;
  private databaseCount = 0;
  private createDatabaseWorks = true;
  private readonly engine: string;
  private readonly recordTimeoutMs: number;

  constructor(
    private readonly target: ConnectTarget,
    private readonly options: RunnerOptions = {},
  ) {
    this.engine = options.engine ?? 'postgresql';
    this.recordTimeoutMs = options.recordTimeoutMs ?? 300_000;
  }

  private async connect(database: string): Promise<pg.Client> {
    const client = new pg.Client({ host: this.target.host, port: this.target.port, user: this.target.user, database });
    client.on('error', () => undefined); // a dropped connection surfaces as a failed query
    await client.connect();
    return client;
  }

  private async adminClient(): Promise<pg.Client> {
    this.admin ??= await this.connect(this.target.database);
    return this.admin;
  }

  /** Creates the file's database and connects to it; undefined name means the default database. */
  private async openFileDatabase(): Promise<string | undefined> {
    const admin = await this.adminClient();
    if (this.createDatabaseWorks) {
      const name = `slt_${process.pid}_${++this.databaseCount}`;
      try {
        await admin.query(`CREATE DATABASE ${name}`);
        this.client = await this.connect(name);
        return name;
      } catch (error) {
        this.createDatabaseWorks = false;
        process.stderr.write(`CREATE DATABASE failed (${errorMessage(error)}); running files in '${this.target.database}'\n`);
      }
    }
    this.client = await this.connect(this.target.database);
    return undefined;
  }

  private async closeFileDatabase(name: string | undefined, records: readonly SltRecord[]): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (name === undefined && client !== undefined) {
      for (const object of createdObjects(records)) {
        await client.query(`DROP ${object.kind} IF EXISTS ${object.name}`).catch(() => undefined);
      }
    }
    await client?.end().catch(() => undefined);
    if (name === undefined) return;
    const admin = await this.adminClient();
    await admin
      .query(`DROP DATABASE IF EXISTS ${name}`)
      .catch(() => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
      .catch((error: unknown) => process.stderr.write(`DROP DATABASE ${name} failed: ${errorMessage(error)}\n`));
  }

  /** Replaces a connection that did not recover from a cancelled record. */
  private async reconnect(database: string | undefined): Promise<void> {
    const old = this.client;
    this.client = undefined;
    old?.connection.stream.destroy();
    this.client = await this.connect(database ?? this.target.database);
  }

  private async execute(sql: string, database: string | undefined): Promise<Outcome> {
    const client = this.client as pg.Client;
    const pending = client.query({ text: sql, rowMode: 'array', types: RAW_TYPES }) as unknown as Promise<
      pg.QueryArrayResult | pg.QueryArrayResult[]
    >;
    const settled = pending.then(
      (result): Outcome => ({ ok: true, result: lastResult(result) }),
      (error: unknown): Outcome => ({ ok: false, message: errorMessage(error), timedOut: false }),
    );
    const first = await withTimeout(settled, this.recordTimeoutMs);
    if (first !== 'timeout') return first;
    await cancelQuery(client, this.target.host, this.target.port);
    if ((await withTimeout(settled, CANCEL_GRACE_MS)) === 'timeout') await this.reconnect(database);
    return { ok: false, message: `timed out after ${this.recordTimeoutMs} ms`, timedOut: true };
  }

  private async runQuery(record: QueryRecord, database: string | undefined, state: FileState): Promise<RecordFailure | undefined> {
    const outcome = await this.execute(record.sql, database);
    if (!outcome.ok) return { line: record.line, reason: outcome.timedOut ? 'timeout' : 'error', message: outcome.message };
    const typeOids = outcome.result.fields.map((field) => field.dataTypeID);
    const values = formatResult(outcome.result.rows as Array<Array<string | null>>, record.types, typeOids, record.sort);
    const hashed = record.label !== undefined || (state.hashThreshold > 0 && values.length > state.hashThreshold);
    const hash = hashed ? hashValues(values) : undefined;
    if (record.label !== undefined && hash !== undefined) {
      const previous = state.labels.get(record.label);
      if (previous === undefined) state.labels.set(record.label, hash);
      else if (previous !== hash) return { line: record.line, reason: 'mismatch', message: `label ${record.label}: hash differs from an earlier query` };
    }
    const mismatch = compare(record, values, hash);
    return mismatch === undefined ? undefined : { line: record.line, reason: 'mismatch', message: mismatch };
  }

  private async runRecord(record: SltRecord, database: string | undefined, state: FileState): Promise<RecordFailure | undefined> {
    if (record.kind === 'query') return this.runQuery(record, database, state);
    if (record.kind !== 'statement') return undefined;
    const outcome = await this.execute(record.sql, database);
    if (outcome.ok && record.expectError) return { line: record.line, reason: 'unexpected-success', message: 'statement succeeded, error expected' };
    if (!outcome.ok && !record.expectError) return { line: record.line, reason: outcome.timedOut ? 'timeout' : 'error', message: outcome.message };
    return undefined;
  }

  /** False once CREATE DATABASE failed: files then share the default database. */
  get canCreateDatabase(): boolean {
    return this.createDatabaseWorks;
  }

  /** Runs one script file in a fresh database. `file` is how the result names it. */
  async runFile(path: string, file: string = path): Promise<FileResult> {
    const started = performance.now();
    const records = parseScript(readFileSync(path, 'utf8'), this.engine);
    const result: FileResult = { file, run: 0, passed: 0, failed: 0, skipped: 0, wallMs: 0, failures: [] };
    const state: FileState = { hashThreshold: 0, labels: new Map() };
    const database = await this.openFileDatabase();
    try {
      for (const record of records) {
        if (record.kind === 'halt') break;
        if (record.kind === 'hash-threshold') {
          state.hashThreshold = record.threshold;
          continue;
        }
        if (record.skip) {
          result.skipped++;
          continue;
        }
        result.run++;
        const failure = await this.runRecord(record, database, state);
        if (failure === undefined) result.passed++;
        else {
          result.failed++;
          result.failures.push(failure);
        }
        this.options.onRecord?.(result);
      }
    } finally {
      await this.closeFileDatabase(database, records);
    }
    result.wallMs = performance.now() - started;
    return result;
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    await this.admin?.end().catch(() => undefined);
    this.client = undefined;
    this.admin = undefined;
  }
}

interface FileState {
  hashThreshold: number;
  labels: Map<string, string>;
}
