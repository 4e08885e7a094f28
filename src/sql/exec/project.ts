/**
 * Project: computes one output row of expressions per input row.
 *
 * - A projection of plain columns over a table scan (SELECT * or a column list) can also print its
 *   rows as text straight from the stored rows (openText), skipping decode and format.
 */
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, PhysicalPlan, RowCursor } from './operator.js';
import { formatExpr } from '../plan/format-expr.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { TypeContext } from '../../catalog/types/sql-type.js';
import type { ByteWriter } from '../../catalog/encoding/key-writer.js';
import { isStoredRowsPlan, type StoredRowCursor, type StoredRowsPlan, type TextRow, type TextRowCursor } from './stored-rows.js';

export class ProjectPlan implements PhysicalPlan {
  private readonly evaluators: readonly Evaluator[];
  readonly width: number;
  /** When every expression is a column of a table scan's row: the scan, its table codec, the slots. */
  private readonly stored: { source: StoredRowsPlan; codec: TableCodec; slots: number[] } | undefined;

  constructor(
    readonly input: PhysicalPlan,
    readonly exprs: readonly BoundExpr[],
  ) {
    this.evaluators = exprs.map(compileExpr);
    this.width = exprs.length;
    this.stored = storedColumns(input, exprs);
  }

  explain(): ExplainNode {
    return { label: 'Result', details: [`Output: ${this.exprs.map(formatExpr).join(', ')}`], children: [this.input] };
  }

  open(ctx: ExecContext): RowCursor {
    const input = this.input.open(ctx);
    const evaluators = this.evaluators;
    const n = evaluators.length;
    return {
      next(): Row | undefined {
        const row = input.next();
        if (row === undefined) return undefined;
        const out: Row = new Array(n);
        for (let i = 0; i < n; i++) out[i] = (evaluators[i] as Evaluator)(row, ctx);
        return out;
      },
      close: () => input.close(),
    };
  }

  /**
   * For a projection of plain columns over a table scan: rows straight in text output, printed
   * from the stored row (text columns are not even decoded) into `arena`; undefined for any other
   * projection.
   */
  openText(ctx: ExecContext, text: TypeContext, arena: ByteWriter): TextRowCursor | undefined {
    const stored = this.stored;
    if (stored === undefined) return undefined;
    return new StoredTextCursor(stored.source.openStored(ctx), stored.codec, stored.slots, text, arena);
  }
}

/** StoredTextCursor starts a new arena buffer once this much of the current one is used. */
const TEXT_ARENA_TURN_BYTES = 64 * 1024;

/** openText's cursor (a class: one object per execution, no closures). */
class StoredTextCursor implements TextRowCursor {
  constructor(
    private readonly input: StoredRowCursor,
    private readonly codec: TableCodec,
    private readonly slots: readonly number[],
    private readonly text: TypeContext,
    private readonly arena: ByteWriter,
  ) {}

  /** The row printed at the end of the arena (a view of it: see PhysicalPlan.openText). */
  next(): TextRow | undefined {
    const value = this.input.nextStored();
    if (value === undefined) return undefined;
    const arena = this.arena;
    // The rows printed before stay where they are: past TEXT_ARENA_TURN_BYTES the arena moves on
    // to a new buffer rather than growing (and copying them), so a large chunk is never one buffer.
    if (arena.pos >= TEXT_ARENA_TURN_BYTES) arena.detach();
    const start = arena.pos;
    this.codec.writeTextFields(arena, this.input.storedKey(), value, this.slots, this.text);
    return arena.buf.subarray(start, arena.pos);
  }

  close(): void {
    this.input.close();
  }
}

function storedColumns(input: PhysicalPlan, exprs: readonly BoundExpr[]): ProjectPlan['stored'] {
  if (!isStoredRowsPlan(input)) return undefined;
  const codec = TableCodec.of(input.table);
  const types = codec.types;
  const slots: number[] = [];
  for (const e of exprs) {
    if (e.kind !== 'column' || e.slot >= types.length || e.type.oid !== types[e.slot]?.oid) return undefined;
    slots.push(e.slot);
  }
  return { source: input, codec, slots };
}
