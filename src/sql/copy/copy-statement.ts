/**
 * COPY … FROM STDIN and COPY … TO STDOUT (text and CSV) through the session contract's copyIn /
 * copyOut results. File and PROGRAM forms are refused (a server-side file is not the client's).
 *
 * - FROM: the received bytes are buffered (at most COPY_IN_BYTES_MAX) and parsed at CopyDone;
 *   the rows are inserted with constraint checks in the statement's transaction.
 * - TO: rows stream from the query's cursor in chunks of COPY_OUT_ROWS_PER_CHUNK lines.
 */
import type { CopyStmt, Node } from '../parse.js';
import type { CopyInSink, CopyOutSource, ExecuteResult } from '../session-api.js';
import type { Transaction } from '../../mvcc/index.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { defArgText, stringList } from '../bind/ast-util.js';
import { notSupported } from '../bind/bind-errors.js';
import { bindDmlTarget } from '../bind/dml-target.js';
import { bindTextRowsInsert } from '../bind/bind-insert.js';
import { bindQuery } from '../bind/bind-select.js';
import { planPhysical } from '../plan/planner.js';
import { RowsSourcePlan } from '../exec/rows-source.js';
import type { Session } from '../session/session.js';
import type { SqlPrepared } from '../session/prepared.js';
import { defaultCopyOptions, formatLine, parseCsv, parseText, type CopyOptions } from './copy-format.js';

export const COPY_IN_BYTES_MAX = 256 * 1024 * 1024;
export const COPY_OUT_ROWS_PER_CHUNK = 256;

function copyOptions(options: readonly Node[] | undefined): CopyOptions {
  let format: 'text' | 'csv' = 'text';
  const raw = new Map<string, string | undefined>();
  for (const o of options ?? []) {
    const d = (o as { DefElem: { defname?: string; arg?: Node } }).DefElem;
    raw.set(d.defname ?? '', defArgText(d.arg));
  }
  const f = raw.get('format');
  if (f !== undefined) {
    if (f !== 'text' && f !== 'csv') throw notSupported(`COPY format "${f}"`);
    format = f;
  }
  const base = defaultCopyOptions(format);
  const header = raw.get('header');
  for (const key of raw.keys()) {
    if (!['format', 'header', 'delimiter', 'null', 'quote', 'escape'].includes(key)) throw notSupported(`COPY option ${key}`);
  }
  return {
    format,
    delimiter: raw.get('delimiter') ?? base.delimiter,
    nullString: raw.get('null') ?? base.nullString,
    header: raw.has('header') && (header === undefined || !['false', 'off', '0'].includes(header)),
    quote: raw.get('quote') ?? base.quote,
    escape: raw.get('escape') ?? raw.get('quote') ?? base.escape,
  };
}

export function runCopy(session: Session, p: SqlPrepared, s: CopyStmt, txn: Transaction): ExecuteResult {
  if (s.filename !== undefined || s.is_program === true) {
    throw new SqlError('42501', 'COPY to or from a file is not supported', { hint: 'Use COPY … FROM STDIN / TO STDOUT (psql\'s \\copy).' });
  }
  if (s.whereClause !== undefined) throw notSupported('COPY FROM … WHERE');
  const options = copyOptions(s.options);
  const ctx = session.bindContext(session.catalogFor(txn), [], p.text);
  const columns = s.attlist === undefined ? undefined : stringList(s.attlist);
  if (s.is_from === true) {
    if (s.relation === undefined) throw notSupported('COPY (query) FROM');
    const target = bindDmlTarget(ctx, s.relation, 'copy to');
    const source = new RowsSourcePlan(0);
    const insert = bindTextRowsInsert(ctx, target, columns, source);
    return { kind: 'copyIn', sink: copyInSink(session, p, txn, options, source, insert) };
  }
  const query: Node =
    s.query ??
    ({ SelectStmt: { targetList: [{ ResTarget: { val: { ColumnRef: { fields: [{ A_Star: {} }] } } } }], fromClause: [{ RangeVar: s.relation }] } } as Node);
  const bound = bindQuery(ctx, query);
  const selected = columns === undefined ? bound.columns.map((_c, i) => i) : columns.map((name) => {
    const at = bound.columns.findIndex((c) => c.name === name);
    if (at < 0) throw new SqlError(SQLSTATE.undefinedColumn, `column "${name}" of relation "${s.relation?.relname}" does not exist`);
    return at;
  });
  const cursor = planPhysical(bound.plan).open(session.execContext(txn, ctx.catalog, []));
  const header = options.header ? formatLine(selected.map((i) => bound.columns[i]?.name ?? ''), options) : '';
  const typeCtx = session.typeContext();
  let count = 0;
  let done = false;
  const source: CopyOutSource = {
    overallFormat: 0,
    columnFormats: selected.map(() => 0 as const),
    tag: '',
    async next(): Promise<Uint8Array | undefined> {
      if (done) return undefined;
      let text = count === 0 ? header : '';
      for (let n = 0; n < COPY_OUT_ROWS_PER_CHUNK; n++) {
        const row = cursor.next();
        if (row === undefined) {
          done = true;
          cursor.close();
          (source as { tag: string }).tag = `COPY ${count}`;
          await session.finishStatement(p);
          break;
        }
        count++;
        text += formatLine(selected.map((i) => {
          const v = row[i] ?? null;
          return v === null ? null : (bound.columns[i]?.type.toText(v, typeCtx) ?? String(v));
        }), options);
      }
      return text === '' && done ? undefined : Buffer.from(text, 'utf8');
    },
  };
  return { kind: 'copyOut', source };
}

function copyInSink(session: Session, p: SqlPrepared, txn: Transaction, options: CopyOptions, source: RowsSourcePlan, insert: ReturnType<typeof bindTextRowsInsert>): CopyInSink {
  const chunks: Buffer[] = [];
  let bytes = 0;
  return {
    overallFormat: 0,
    columnFormats: Array.from({ length: source.width }, () => 0 as const),
    write(data: Uint8Array): void {
      bytes += data.length;
      if (bytes > COPY_IN_BYTES_MAX) throw new SqlError(SQLSTATE.programLimitExceeded, `COPY data exceeds ${COPY_IN_BYTES_MAX} bytes`);
      chunks.push(Buffer.from(data));
    },
    async finish(): Promise<string> {
      try {
        const text = Buffer.concat(chunks).toString('utf8');
        const rows = options.format === 'csv' ? parseCsv(text, options) : parseText(text, options);
        for (const r of rows) {
          if (r.length !== source.width) {
            throw new SqlError('22P04', r.length < source.width ? `missing data for column` : 'extra data after last expected column');
          }
        }
        source.rows = rows;
        const result = insert.run(session.execContext(txn, session.catalogFor(txn), []));
        await session.finishStatement(p);
        return `COPY ${result.count}`;
      } catch (error) {
        session.failStatement();
        throw error;
      }
    },
    abort(message: string): void {
      void message;
      session.failStatement();
    },
  };
}
