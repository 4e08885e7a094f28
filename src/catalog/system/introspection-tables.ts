/**
 * The system tables added for client introspection (psql's \d family, ORMs): registered by
 * index.ts next to the core ones. information_schema.columns here (all 44 of PostgreSQL's columns)
 * replaces the core subset of information-schema.ts.
 */
import type { SystemTable } from './system-table.js';
import { PG_ATTRDEF } from './pg-attrdef.js';
import { PG_CONSTRAINT } from './pg-constraint.js';
import { PG_COLLATION } from './pg-collation.js';
import { PG_TABLESPACE } from './pg-tablespace.js';
import { PG_SEQUENCE } from './pg-sequence.js';
import { PG_DEPEND } from './pg-depend.js';
import { PG_INDEXES, PG_TABLES, PG_VIEWS } from './pg-tables-views-indexes.js';
import { PG_USER } from './pg-user.js';
import { INFO_COLUMNS_FULL } from './info-columns.js';
import { INFO_KEY_COLUMN_USAGE, INFO_REFERENTIAL_CONSTRAINTS, INFO_TABLE_CONSTRAINTS } from './info-constraints.js';
import { INFO_SEQUENCES, INFO_VIEWS } from './info-views-sequences.js';
import {
  PG_AUTH_MEMBERS, PG_EVENT_TRIGGER, PG_INHERITS, PG_POLICY, PG_PUBLICATION, PG_PUBLICATION_NAMESPACE,
  PG_PUBLICATION_REL, PG_STATISTIC_EXT, PG_TRIGGER,
} from './pg-empty-tables.js';

export const INTROSPECTION_TABLES: readonly SystemTable[] = [
  PG_ATTRDEF, PG_CONSTRAINT, PG_DEPEND, PG_TABLES, PG_VIEWS, PG_INDEXES, PG_USER, PG_COLLATION, PG_TABLESPACE, PG_SEQUENCE, PG_AUTH_MEMBERS, PG_EVENT_TRIGGER,
  PG_INHERITS, PG_POLICY, PG_PUBLICATION, PG_PUBLICATION_NAMESPACE, PG_PUBLICATION_REL, PG_STATISTIC_EXT, PG_TRIGGER,
  INFO_COLUMNS_FULL, INFO_TABLE_CONSTRAINTS, INFO_KEY_COLUMN_USAGE, INFO_REFERENTIAL_CONSTRAINTS, INFO_VIEWS, INFO_SEQUENCES,
];
