/**
 * IndexScan: rows of a table found through one of its indexes (the primary index included),
 * for key ranges computed at open time from equality / IN / range predicates on the index's
 * leading columns (the values may be parameters).
 *
 * - Each alternative is one tuple of equality values for the leading columns (several for IN
 *   lists), optionally followed by a range on the next column.
 * - The planner keeps the full predicate as a filter above this node, so the ranges only have to
 *   cover every matching row, not exclude every other one (NULLs, type edge cases).
 * - A lookup of the whole primary key is a point get (EXPLAIN shows it as an Index Scan).
 */
import type { IndexDesc, TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { KvEntry, KvRange } from '../../mvcc/versioned-kv.js';
import type { BoundExpr } from '../bind/bound-expr.js';
import { compileExpr, type Evaluator, type Row } from './compile-expr.js';
import type { ExecContext } from './exec-context.js';
import type { ExplainNode, RowCursor } from './operator.js';
import type { StoredRowCursor, StoredRowsPlan } from './stored-rows.js';
import { formatExpr } from '../plan/format-expr.js';

export interface RangeBound {
  readonly expr: BoundExpr;
  readonly inclusive: boolean;
}

export interface IndexPredicate {
  /** Per leading column, its candidate values (one for '=', several for IN). */
  readonly equal: ReadonlyArray<readonly BoundExpr[]>;
  /** Range on the column after the equal ones. */
  readonly lower: RangeBound | undefined;
  readonly upper: RangeBound | undefined;
  /** For EXPLAIN: the conditions the ranges come from. */
  readonly conditions: readonly BoundExpr[];
}

/** The row key expressions are evaluated over: they read parameters and constants only. */
const NO_ROW: Row = [];

export class IndexScanPlan implements StoredRowsPlan {
  readonly width: number;
  private readonly equalEvals: ReadonlyArray<readonly Evaluator[]>;
  private readonly lowerEval: Evaluator | undefined;
  private readonly upperEval: Evaluator | undefined;
  /** The whole primary key is given: point gets, no iterator. */
  private readonly pointLookup: boolean;
  /** Every key column has exactly one candidate value (no IN list). */
  private readonly singleTuple: boolean;

  constructor(
    readonly table: TableDesc,
    readonly alias: string,
    readonly index: IndexDesc,
    readonly predicate: IndexPredicate,
  ) {
    this.width = table.columns.length + 1;
    this.equalEvals = predicate.equal.map((alts) => alts.map(compileExpr));
    this.lowerEval = predicate.lower === undefined ? undefined : compileExpr(predicate.lower.expr);
    this.upperEval = predicate.upper === undefined ? undefined : compileExpr(predicate.upper.expr);
    this.pointLookup = index.primary && !table.hiddenRowId && this.equalEvals.length === index.columns.length;
    this.singleTuple = this.equalEvals.every((alts) => alts.length === 1);
  }

  explain(): ExplainNode {
    const alias = this.alias === this.table.name ? '' : ` ${this.alias}`;
    const cond = this.predicate.conditions.map(formatExpr).join(' AND ');
    return { label: `Index Scan using ${this.index.name} on ${this.table.name}${alias}`, details: [`Index Cond: ${cond}`], children: [] };
  }

  open(ctx: ExecContext): RowCursor {
    return this.openStored(ctx);
  }

  openStored(ctx: ExecContext): PointCursor | IndexCursor {
    const codec = TableCodec.of(this.table);
    const none = NO_ROW;
    if (this.pointLookup && this.singleTuple) {
      // One value per key column (the usual `pk = $1`): no cartesian product to build.
      const evals = this.equalEvals;
      const tuple = new Array<Value>(evals.length);
      for (let i = 0; i < evals.length; i++) tuple[i] = ((evals[i] as readonly Evaluator[])[0] as Evaluator)(none, ctx);
      return new PointCursor(ctx, codec, tuple.includes(null) ? [] : [tuple]);
    }
    const tuples = cartesian(this.equalEvals.map((alts) => alts.map((e) => e(none, ctx))));
    const lower = this.lowerEval === undefined ? undefined : this.lowerEval(none, ctx);
    const upper = this.upperEval === undefined ? undefined : this.upperEval(none, ctx);
    if (this.pointLookup) return new PointCursor(ctx, codec, tuples.filter((t) => !t.some((v) => v === null)));
    const ranges: KvRange[] = [];
    for (const tuple of tuples) {
      if (tuple.some((v) => v === null) || lower === null || upper === null) continue;
      ranges.push(
        codec.indexRange(this.index, tuple, bound(lower, this.predicate.lower), bound(upper, this.predicate.upper)),
      );
    }
    return new IndexCursor(ctx, codec, this.index, ranges);
  }
}

function bound(value: Value | undefined, b: RangeBound | undefined): { value: Value; inclusive: boolean } | undefined {
  return value === undefined || b === undefined ? undefined : { value, inclusive: b.inclusive };
}

function cartesian(lists: ReadonlyArray<readonly Value[]>): Value[][] {
  let out: Value[][] = [[]];
  for (const alts of lists) {
    const next: Value[][] = [];
    const seen = new Set<Value>();
    for (const prefix of out) {
      for (const v of alts) {
        if (lists.length === 1 && seen.has(v)) continue;
        seen.add(v);
        next.push([...prefix, v]);
      }
    }
    out = next;
  }
  return out;
}

/** Whole-primary-key lookups: one point get per key tuple (Bloom filters help; no iterator). */
class PointCursor implements RowCursor, StoredRowCursor {
  private at = 0;
  /** Keys already returned: IN lists may name one key twice (1.0 and 1.00). */
  private seen: Set<string> | undefined;
  /** The row key of the row nextStored() returned last. */
  private key: Uint8Array | undefined;

  constructor(
    private readonly ctx: ExecContext,
    private readonly codec: TableCodec,
    private readonly tuples: readonly Value[][],
  ) {}

  next(): Row | undefined {
    const value = this.nextStored();
    return value === undefined ? undefined : this.codec.decodeRow(this.key as Uint8Array, value);
  }

  storedKey(): Uint8Array {
    return this.key as Uint8Array;
  }

  nextStored(): Uint8Array | undefined {
    while (this.at < this.tuples.length) {
      const tuple = this.tuples[this.at++] as Value[];
      const key = this.codec.primaryKeyOf(tuple);
      if (this.tuples.length > 1) {
        const id = Buffer.from(key).toString('latin1');
        this.seen ??= new Set<string>();
        if (this.seen.has(id)) continue;
        this.seen.add(id);
      }
      const value = this.ctx.txn.get(key);
      if (value !== undefined) {
        this.key = key;
        return value;
      }
    }
    return undefined;
  }

  close(): void {
    this.at = this.tuples.length;
  }
}

class IndexCursor implements RowCursor, StoredRowCursor {
  private at = 0;
  private iterator: IterableIterator<KvEntry> | undefined;
  /** The row key of the row nextStored() returned last. */
  private key: Uint8Array | undefined;

  constructor(
    private readonly ctx: ExecContext,
    private readonly codec: TableCodec,
    private readonly index: IndexDesc,
    private readonly ranges: readonly KvRange[],
  ) {}

  next(): Row | undefined {
    const value = this.nextStored();
    return value === undefined ? undefined : this.codec.decodeRow(this.key as Uint8Array, value);
  }

  storedKey(): Uint8Array {
    return this.key as Uint8Array;
  }

  nextStored(): Uint8Array | undefined {
    for (;;) {
      if (this.iterator === undefined) {
        const range = this.ranges[this.at++];
        if (range === undefined) return undefined;
        this.iterator = this.ctx.txn.scan(range);
      }
      const r = this.iterator.next();
      if (r.done === true) {
        this.iterator = undefined;
        continue;
      }
      const value = this.fetch(r.value);
      if (value !== undefined) return value;
    }
  }

  /** The row value an index entry leads to (the entry itself on the primary index). */
  private fetch(entry: KvEntry): Uint8Array | undefined {
    if (this.index.primary) {
      this.key = entry.key;
      return entry.value;
    }
    const rowKey = this.codec.rowKeyOfIndexEntry(entry.key, entry.value);
    this.key = rowKey;
    return this.ctx.txn.get(rowKey);
  }

  close(): void {
    this.iterator?.return?.();
    this.iterator = undefined;
    this.at = this.ranges.length;
  }
}
