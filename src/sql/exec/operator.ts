/**
 * The physical operator interface: an immutable plan node (cacheable, shared between sessions)
 * that opens a cursor per execution. Execution is pull-based: next() returns the next row or
 * undefined at the end.
 *
 * - A row returned by next() stays valid until the following next() call; consumers that keep
 *   rows (sort, hash join build side, aggregation) copy them if the producer reuses its buffer.
 *   Producers here return fresh arrays unless their doc says otherwise.
 * - close() releases what the cursor holds (open KV iterators) and is safe to call twice.
 */
import type { ExecContext } from './exec-context.js';
import type { Row } from './compile-expr.js';
import type { TypeContext } from '../../catalog/types/sql-type.js';
import type { ByteWriter } from '../../catalog/encoding/key-writer.js';
import type { TextRowCursor } from './stored-rows.js';

export interface RowCursor {
  next(): Row | undefined;
  close(): void;
}

export interface ExplainNode {
  readonly label: string;
  readonly details: readonly string[];
  readonly children: readonly PhysicalPlan[];
}

export interface PhysicalPlan {
  readonly width: number;
  explain(): ExplainNode;
  open(ctx: ExecContext): RowCursor;
  /**
   * The same rows already in PostgreSQL's text output under `text` (stored-rows.ts TextRow), when
   * this plan can produce them cheaper than open() and formatting; undefined when it cannot. Rows
   * are appended to `arena` and handed out as views of it: they stay valid until the arena's
   * owner resets it (the session does at its next fetch), as growing moves it to a new buffer.
   */
  openText?(ctx: ExecContext, text: TypeContext, arena: ByteWriter): TextRowCursor | undefined;
}

/** A cursor over an array of rows (materialized results). */
export class ArrayCursor implements RowCursor {
  private at = 0;
  constructor(private readonly rows: readonly Row[]) {}
  next(): Row | undefined {
    return this.rows[this.at++];
  }
  close(): void {
    this.at = this.rows.length;
  }
}
