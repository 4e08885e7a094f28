/**
 * Stored rows: a table scan's rows as the table stores them (encoded row values, see
 * catalog/encoding/row-encoding.ts), for a consumer that needs no decoded values — a projection of
 * plain columns whose result is printed as text (ProjectPlan.openText, TextRow).
 *
 * - nextStored() returns the row value the KV layer handed out: a copy nobody else writes, so it
 *   (and views into it) stay valid after later calls; storedKey() is that row's key (a row value
 *   may leave the primary-key columns to the key: TableCodec.textColumns).
 * - A stored-rows cursor visits the same rows, in the same order, as the plan's open() cursor.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import type { ExecContext } from './exec-context.js';
import type { PhysicalPlan } from './operator.js';

export interface StoredRowCursor {
  /** The next row's encoded value, or undefined at the end. */
  nextStored(): Uint8Array | undefined;
  /** The row key of the row nextStored() returned last. */
  storedKey(): Uint8Array;
  close(): void;
}

/** A scan whose rows (one slot per column of `table`, then the row key) can also come out encoded. */
export interface StoredRowsPlan extends PhysicalPlan {
  readonly table: TableDesc;
  openStored(ctx: ExecContext): StoredRowCursor;
}

export function isStoredRowsPlan(plan: PhysicalPlan): plan is StoredRowsPlan {
  return typeof (plan as Partial<StoredRowsPlan>).openStored === 'function';
}

/**
 * A row in PostgreSQL's text output, laid out as text fields (catalog/encoding/text-fields.ts: the
 * body of a DataRow message, session-api.ts EncodedRow): a view of the arena it was printed into
 * (PhysicalPlan.openText), valid until that arena is reset.
 */
export type TextRow = Uint8Array;

/** A cursor whose rows are already text output. */
export interface TextRowCursor {
  next(): TextRow | undefined;
  close(): void;
}
