/**
 * SeqScan: every row of a table in primary-key order, read from the primary index's key range
 * in the statement's transaction. Rows have one slot per column plus the trailing row-key slot.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, RowCursor } from './operator.js';
import type { StoredRowCursor, StoredRowsPlan } from './stored-rows.js';

export class SeqScanPlan implements StoredRowsPlan {
  readonly width: number;

  constructor(
    readonly table: TableDesc,
    readonly alias: string,
  ) {
    this.width = table.columns.length + 1;
  }

  explain(): ExplainNode {
    const alias = this.alias === this.table.name ? '' : ` ${this.alias}`;
    return { label: `Seq Scan on ${this.table.name}${alias}`, details: [], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    const codec = TableCodec.of(this.table);
    const iterator = ctx.txn.scan(codec.rowRange());
    return {
      next(): Row | undefined {
        const r = iterator.next();
        if (r.done === true) return undefined;
        return codec.decodeRow(r.value.key, r.value.value);
      },
      close(): void {
        iterator.return?.();
      },
    };
  }

  openStored(ctx: ExecContext): StoredRowCursor {
    const iterator = ctx.txn.scan(TableCodec.of(this.table).rowRange());
    let key: Uint8Array | undefined;
    return {
      nextStored(): Uint8Array | undefined {
        const r = iterator.next();
        if (r.done === true) return undefined;
        key = r.value.key;
        return r.value.value;
      },
      storedKey: () => key as Uint8Array,
      close(): void {
        iterator.return?.();
      },
    };
  }
}
