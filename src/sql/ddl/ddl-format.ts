/**
 * Value printing for DDL error details ("Key (a)=(1) is duplicated."), in the session's settings.
 */
import type { TableDesc } from '../../catalog/descriptors.js';
import { TableCodec } from '../../catalog/table-codec.js';
import type { Value } from '../../catalog/types/sql-type.js';
import type { DdlContext } from './ddl-context.js';

export function valueFormatter(table: TableDesc, ctx: DdlContext): (slot: number, v: Value) => string {
  const codec = TableCodec.of(table);
  return (slot, v) => (v === null ? 'null' : (codec.types[slot]?.toText(v, ctx.bind.typeContext) ?? String(v)));
}
