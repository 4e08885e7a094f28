/**
 * Scope: the relations visible to an expression (FROM items and their columns) and where each
 * column sits in the row the expression will be evaluated against.
 *
 * - A range entry's columns occupy slots [offset, offset + width) of the row; `width` may exceed
 *   the visible columns (dropped columns and a table scan's trailing primary-key slot).
 * - Lookups follow PostgreSQL: an unqualified name must match exactly one entry (else 42702),
 *   a qualified one must name an entry by alias (else 42P01 "missing FROM-clause entry").
 * - USING / NATURAL join columns hide their duplicates from unqualified lookup (merged columns).
 */
import type { SqlType } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { ColumnExpr } from './bound-expr.js';
import { ambiguousColumn, undefinedColumn } from './bind-errors.js';

export interface ScopeColumn {
  readonly name: string;
  readonly slot: number;
  readonly type: SqlType;
  readonly typmod: number;
  readonly tableOid: number;
  readonly attnum: number;
  /** Hidden from unqualified lookup and from `*` (merged USING column duplicates). */
  readonly hiddenUnqualified?: boolean;
  /** A system column (tableoid): found by name, never part of `*`. */
  readonly systemColumn?: boolean;
}

export interface RangeEntry {
  readonly alias: string;
  /** Schema-qualified name for "table.col" references that use the schema. */
  readonly schemaName?: string;
  readonly columns: readonly ScopeColumn[];
  /** A plain table's PRIMARY KEY attnums (GROUP BY functional dependency, regroup.ts). */
  readonly primaryKeyAttnums?: readonly number[];
}

export class Scope {
  constructor(
    readonly entries: readonly RangeEntry[],
    /** Extra columns visible without qualification first (USING merged columns). */
    readonly merged: readonly ScopeColumn[] = [],
  ) {}

  static empty(): Scope {
    return new Scope([]);
  }

  /** Resolves a column reference (1–3 name parts). */
  resolve(parts: readonly string[], location?: number): ColumnExpr {
    if (parts.length === 1) return this.resolveUnqualified(parts[0] as string, location);
    const column = parts[parts.length - 1] as string;
    const table = parts[parts.length - 2] as string;
    const schema = parts.length >= 3 ? parts[parts.length - 3] : undefined;
    const entry = this.entries.find((e) => e.alias === table && (schema === undefined || e.schemaName === schema));
    if (entry === undefined) {
      throw new SqlError(SQLSTATE.undefinedTable, `missing FROM-clause entry for table "${table}"`, {
        position: location === undefined ? undefined : location + 1,
      });
    }
    const col = entry.columns.find((c) => c.name === column);
    if (col === undefined) throw undefinedColumn(`${table}.${column}`, location);
    return toColumnExpr(col, location);
  }

  private resolveUnqualified(name: string, location?: number): ColumnExpr {
    const merged = this.merged.find((c) => c.name === name);
    if (merged !== undefined) return toColumnExpr(merged, location);
    let found: ScopeColumn | undefined;
    for (const entry of this.entries) {
      for (const c of entry.columns) {
        if (c.name !== name || c.hiddenUnqualified === true) continue;
        if (found !== undefined) throw ambiguousColumn(name, location);
        found = c;
      }
    }
    if (found === undefined) throw undefinedColumn(quoteIfNeeded(name), location);
    return toColumnExpr(found, location);
  }

  /** The entry for `alias` (for `t.*`), or undefined. */
  entry(alias: string): RangeEntry | undefined {
    return this.entries.find((e) => e.alias === alias);
  }

  /** Columns of `*` in order: merged columns first, then each entry's visible columns. */
  star(): ScopeColumn[] {
    const out: ScopeColumn[] = [...this.merged];
    for (const e of this.entries) for (const c of e.columns) if (c.hiddenUnqualified !== true && c.systemColumn !== true) out.push(c);
    return out;
  }
}

export function toColumnExpr(c: ScopeColumn, location?: number): ColumnExpr {
  const expr: ColumnExpr = {
    kind: 'column',
    slot: c.slot,
    type: c.type,
    typmod: c.typmod,
    name: c.name,
    tableOid: c.tableOid,
    attnum: c.attnum,
  };
  return location === undefined ? expr : { ...expr, location };
}

/** PostgreSQL quotes a column name in "does not exist" messages: column "x" does not exist. */
function quoteIfNeeded(name: string): string {
  return `"${name}"`;
}
