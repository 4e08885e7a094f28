/**
 * Differential checks against real PostgreSQL: the same SQL runs on a reference server (PostgreSQL
 * 15) and on a subject (stratadb), and the outcomes must match — column names, column type OIDs,
 * rows as PostgreSQL's text, or the error's SQLSTATE.
 *
 * - Values are compared as the text each server sends (no client-side parsing), so formatting
 *   differences (float digits, date styles, numeric scale) count as differences.
 * - Rows are compared in order when the query has ORDER BY semantics (`ordered`), else as sorted
 *   multisets; only the SQLSTATE of an error is compared, not its message.
 * - Both sides use one connection each, in autocommit unless the SQL itself opens a transaction.
 */
import pg from 'pg';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

export interface Outcome {
  readonly columns: ReadonlyArray<{ readonly name: string; readonly typeOid: number }>;
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
  /** SQLSTATE when the statement failed. */
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
}

const RAW_TYPES = { getTypeParser: () => (value: string): string => value };
const ROWS_SHOWN_MAX = 5;

/** Runs `sql` and captures its outcome as text (last result of a multi-statement string). */
export async function outcomeOf(client: pg.Client, sql: string, values?: readonly unknown[]): Promise<Outcome> {
  try {
    const raw = (await client.query({ text: sql, values: values as unknown[] | undefined, rowMode: 'array', types: RAW_TYPES })) as unknown as
      | pg.QueryArrayResult
      | pg.QueryArrayResult[];
    const result = Array.isArray(raw) ? (raw[raw.length - 1] as pg.QueryArrayResult) : raw;
    return {
      columns: result.fields.map((field) => ({ name: field.name, typeOid: field.dataTypeID })),
      rows: result.rows as Array<Array<string | null>>,
      errorCode: undefined,
      errorMessage: undefined,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return { columns: [], rows: [], errorCode: code ?? 'client', errorMessage: error instanceof Error ? error.message : String(error) };
  }
}

function rowKey(row: ReadonlyArray<string | null>): string {
  return JSON.stringify(row);
}

function showRows(rows: ReadonlyArray<ReadonlyArray<string | null>>): string {
  const shown = rows.slice(0, ROWS_SHOWN_MAX).map(rowKey).join(', ');
  return rows.length > ROWS_SHOWN_MAX ? `${shown}, … (${rows.length} rows)` : `${shown} (${rows.length} rows)`;
}

/** A description of how `subject` differs from `reference`, or undefined when they match. */
export function diffOutcomes(reference: Outcome, subject: Outcome, ordered: boolean): string | undefined {
  if (reference.errorCode !== undefined || subject.errorCode !== undefined) {
    if (reference.errorCode === subject.errorCode) return undefined;
    return `error: reference ${reference.errorCode ?? 'none'} (${reference.errorMessage ?? 'ok'}), subject ${subject.errorCode ?? 'none'} (${subject.errorMessage ?? 'ok'})`;
  }
  const columnsA = reference.columns.map((c) => `${c.name}:${c.typeOid}`).join(', ');
  const columnsB = subject.columns.map((c) => `${c.name}:${c.typeOid}`).join(', ');
  if (columnsA !== columnsB) return `columns (name:type oid): reference [${columnsA}], subject [${columnsB}]`;
  const rowsA = reference.rows.map(rowKey);
  const rowsB = subject.rows.map(rowKey);
  if (!ordered) {
    rowsA.sort();
    rowsB.sort();
  }
  if (rowsA.length === rowsB.length && rowsA.every((row, i) => row === rowsB[i])) return undefined;
  return `rows: reference ${showRows(reference.rows)}; subject ${showRows(subject.rows)}`;
}

/** One connection to each server; `check` runs a statement on both and reports any difference. */
export class Differential {
  private constructor(
    private readonly reference: pg.Client,
    private readonly subject: pg.Client,
  ) {}

  static async connect(reference: Endpoint, subject: Endpoint): Promise<Differential> {
    const a = new pg.Client({ host: reference.host, port: reference.port, user: reference.user, database: reference.database });
    const b = new pg.Client({ host: subject.host, port: subject.port, user: subject.user, database: subject.database });
    await Promise.all([a.connect(), b.connect()]);
    return new Differential(a, b);
  }

  /** Runs `sql` on both; returns the difference (prefixed with the SQL) or undefined. */
  async check(sql: string, options: { ordered?: boolean; values?: readonly unknown[] } = {}): Promise<string | undefined> {
    const [a, b] = await Promise.all([outcomeOf(this.reference, sql, options.values), outcomeOf(this.subject, sql, options.values)]);
    const difference = diffOutcomes(a, b, options.ordered ?? /\border\s+by\b/i.test(sql));
    return difference === undefined ? undefined : `${sql}\n  ${difference}`;
  }

  /** Runs every statement on both and returns all differences (empty when they agree). */
  async checkAll(statements: readonly string[]): Promise<string[]> {
    const differences: string[] = [];
    for (const sql of statements) {
      const difference = await this.check(sql);
      if (difference !== undefined) differences.push(difference);
    }
    return differences;
  }

  async close(): Promise<void> {
    await Promise.all([this.reference.end(), this.subject.end()]);
  }
}
