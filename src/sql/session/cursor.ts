/**
 * Cursor: one SQL cursor (DECLARE … CURSOR) of a session, over the rows of its query, which are
 * materialized when it is declared (PostgreSQL reads lazily but from the snapshot of DECLARE,
 * so the rows are the same; a WITH HOLD cursor is materialized at commit there as well).
 *
 * - FETCH / MOVE follow PostgreSQL 15's DoPortalRunFetch and PortalRunSelect (pquery.c) step for
 *   step: the portal position (portalPos, atStart, atEnd) and the scan position move exactly as
 *   they do there, so every direction and count returns PostgreSQL's rows and counts.
 * - A cursor that cannot scan backward (NO SCROLL, or a query PostgreSQL could not run backward
 *   without SCROLL) raises 55000 "cursor can only scan forward" wherever PostgreSQL does.
 * - ALL is FETCH_ALL: any count of at least FETCH_ALL_COUNT.
 */
import type { Transaction } from '../../mvcc/index.js';
import { SqlError } from '../../util/index.js';
import type { Row } from '../exec/compile-expr.js';
import type { OutputColumn } from '../plan/logical-plan.js';

/** PostgreSQL's FETCH_ALL (LONG_MAX; the parser's 32-bit build gives 2^31 - 1). */
export const FETCH_ALL_COUNT = 2147483647;

export type FetchDirection = 'FETCH_FORWARD' | 'FETCH_BACKWARD' | 'FETCH_ABSOLUTE' | 'FETCH_RELATIVE';

export interface CursorOptions {
  readonly name: string;
  /** The DECLARE statement's text, for pg_cursors. */
  readonly statement: string;
  readonly columns: readonly OutputColumn[];
  readonly rows: readonly Row[];
  readonly hold: boolean;
  readonly binary: boolean;
  readonly scroll: boolean;
  /** The transaction that declared it: the cursor ends with it (unless WITH HOLD and committed). */
  readonly txn: Transaction;
  readonly createdMs: number;
  /** TxnBlock.nextMark() at DECLARE: ROLLBACK TO a savepoint made before it closes the cursor. */
  readonly mark: number;
}

export class Cursor {
  /** Rows returned so far counted from the start (PostgreSQL's portalPos). */
  private portalPos = 0;
  private atStart = true;
  private atEnd = false;
  /** Scan position: 0 before the first row, k on row k, rows.length + 1 after the last. */
  private scanPos = 0;

  constructor(readonly options: CursorOptions) {}

  /**
   * Runs FETCH (into `out`) or MOVE (`out` undefined); returns the row count of its tag.
   * `count` is howMany (FETCH_ALL_COUNT for ALL).
   */
  fetch(direction: FetchDirection, count: number, out: Row[] | undefined): number {
    if (direction === 'FETCH_FORWARD' && count < 0) return this.fetch('FETCH_BACKWARD', -count, out);
    if (direction === 'FETCH_BACKWARD' && count < 0) return this.fetch('FETCH_FORWARD', -count, out);
    if (direction === 'FETCH_ABSOLUTE') return this.absolute(count, out);
    if (direction === 'FETCH_RELATIVE' && count !== 0) {
      const forward = count > 0;
      if (Math.abs(count) > 1) this.runSelect(forward, Math.abs(count) - 1, undefined);
      return this.runSelect(forward, 1, out);
    }
    let forward = direction !== 'FETCH_BACKWARD';
    if (count === 0) {
      // Zero re-fetches the current row, if any (RELATIVE 0 too).
      const onRow = !this.atStart && !this.atEnd;
      if (out === undefined) return onRow ? 1 : 0;
      if (onRow) {
        this.runSelect(false, 1, undefined);
        count = 1;
        forward = true;
      }
    }
    if (!forward && count >= FETCH_ALL_COUNT && out === undefined) {
      // MOVE BACKWARD ALL is a rewind.
      let result = this.portalPos;
      if (result > 0 && !this.atEnd) result--;
      this.rewind();
      return result;
    }
    return this.runSelect(forward, count, out);
  }

  private absolute(count: number, out: Row[] | undefined): number {
    if (count > 0) {
      if (count - 1 <= Math.floor(this.portalPos / 2)) {
        this.rewind();
        if (count > 1) this.runSelect(true, count - 1, undefined);
      } else {
        let pos = this.portalPos;
        if (this.atEnd) pos++;
        if (count <= pos) this.runSelect(false, pos - count + 1, undefined);
        else if (count > pos + 1) this.runSelect(true, count - pos - 1, undefined);
      }
      return this.runSelect(true, 1, out);
    }
    if (count < 0) {
      this.runSelect(true, FETCH_ALL_COUNT, undefined);
      if (count < -1) this.runSelect(false, -count - 1, undefined);
      return this.runSelect(false, 1, out);
    }
    this.rewind();
    return this.runSelect(true, 0, out);
  }

  /** DoPortalRewind. */
  private rewind(): void {
    if (this.atStart && !this.atEnd) return;
    this.requireScroll();
    this.scanPos = 0;
    this.atStart = true;
    this.atEnd = false;
    this.portalPos = 0;
  }

  /** PortalRunSelect: `count` rows (FETCH_ALL_COUNT: all) in one direction, bookkeeping as PostgreSQL. */
  private runSelect(forward: boolean, count: number, out: Row[] | undefined): number {
    if (!forward) this.requireScroll();
    const moving = forward ? !this.atEnd && count > 0 : !this.atStart && count > 0;
    if (!moving) return 0;
    const all = count >= FETCH_ALL_COUNT;
    const processed = forward ? this.scanForward(all ? Number.POSITIVE_INFINITY : count, out) : this.scanBackward(all ? Number.POSITIVE_INFINITY : count, out);
    if (forward) {
      if (processed > 0) this.atStart = false;
      if (all || processed < count) this.atEnd = true;
      this.portalPos += processed;
    } else {
      if (processed > 0 && this.atEnd) {
        this.atEnd = false;
        this.portalPos++;
      }
      if (all || processed < count) {
        this.atStart = true;
        this.portalPos = 0;
      } else {
        this.portalPos -= processed;
      }
    }
    return processed;
  }

  private scanForward(count: number, out: Row[] | undefined): number {
    const rows = this.options.rows;
    let n = 0;
    while (n < count && this.scanPos <= rows.length) {
      this.scanPos++;
      const row = rows[this.scanPos - 1];
      if (row === undefined) break;
      out?.push(row);
      n++;
    }
    return n;
  }

  private scanBackward(count: number, out: Row[] | undefined): number {
    const rows = this.options.rows;
    let n = 0;
    while (n < count && this.scanPos > 0) {
      this.scanPos--;
      const row = this.scanPos >= 1 ? rows[this.scanPos - 1] : undefined;
      if (row === undefined) break;
      out?.push(row);
      n++;
    }
    return n;
  }

  private requireScroll(): void {
    if (this.options.scroll) return;
    throw new SqlError('55000', 'cursor can only scan forward', { hint: 'Declare it with SCROLL option to enable backward scan.' });
  }
}
