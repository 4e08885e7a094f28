/**
 * pg_catalog.pg_depend: the dependencies clients read — a sequence owned by a column (SERIAL:
 * deptype 'a', identity: 'i'), which psql's \d on a sequence shows as "Owned by"; a nextval
 * default (SERIAL's) on its sequence; a view's '_RETURN' rule on the view and on the relations
 * it reads (pg_dump orders objects by these). Other dependencies stratadb keeps implicitly (an index on
 * its table, a constraint's index) are not listed.
 */
import type { Catalog } from '../catalog.js';
import type { SequenceDesc, ViewDesc } from '../descriptors.js';
import type { Value } from '../types/sql-type.js';
import { attrdefOid } from './pg-attrdef.js';
import { viewRuleOid } from './pg-rewrite.js';
import type { SystemTable } from './system-table.js';
import { typedColumns } from './typed-columns.js';

const PG_CLASS_OID = 1259;
const PG_ATTRDEF_OID = 2604;
const PG_REWRITE_OID = 2618;

/** A view's rule: internal to the view ('i'), normal dependencies on the relations it reads ('n'). */
function viewRows(view: ViewDesc, out: Value[][]): void {
  const rule = viewRuleOid(view);
  out.push([PG_REWRITE_OID, rule, 0, PG_CLASS_OID, view.oid, 0, 'i']);
  for (const ref of view.references ?? []) out.push([PG_REWRITE_OID, rule, 0, PG_CLASS_OID, ref, 0, 'n']);
}

function sequenceRows(catalog: Catalog, seq: SequenceDesc, out: Value[][]): void {
  if (seq.ownedBy === undefined) return;
  const { tableOid, attnum } = seq.ownedBy;
  const column = catalog.table(tableOid)?.columns[attnum - 1];
  const identity = column?.identity ?? '';
  out.push([PG_CLASS_OID, seq.oid, 0, PG_CLASS_OID, tableOid, attnum, identity === '' ? 'a' : 'i']);
  // A SERIAL default stored before defaults recorded their sequence: it draws from the owned one.
  if (identity === '' && column?.default !== undefined && column.default.sequenceOid === undefined) {
    defaultRows(tableOid, attnum, seq.oid, out);
  }
}

/** A nextval default depends on its sequence, and belongs to its column. */
function defaultRows(tableOid: number, attnum: number, sequenceOid: number, out: Value[][]): void {
  const attrdef = attrdefOid(tableOid, attnum);
  out.push([PG_ATTRDEF_OID, attrdef, 0, PG_CLASS_OID, tableOid, attnum, 'a']);
  out.push([PG_ATTRDEF_OID, attrdef, 0, PG_CLASS_OID, sequenceOid, 0, 'n']);
}

function rows(catalog: Catalog, db: number): Value[][] {
  const out: Value[][] = [];
  for (const schema of catalog.schemasOf(db)) {
    for (const r of catalog.relationsIn(schema.oid)) {
      if (r.kind === 'sequence') sequenceRows(catalog, r, out);
      else if (r.kind === 'view') viewRows(r, out);
      else {
        for (const c of r.columns) {
          const seq = c.default?.sequenceOid;
          if (seq !== undefined && !c.dropped && catalog.sequence(seq) !== undefined) defaultRows(r.oid, c.attnum, seq, out);
        }
      }
    }
  }
  return out;
}

export const PG_DEPEND: SystemTable = {
  schema: 'pg_catalog',
  name: 'pg_depend',
  oid: 2608,
  columns: typedColumns('classid:oid objid:oid objsubid:int4 refclassid:oid refobjid:oid refobjsubid:int4 deptype:char'),
  rows,
};
