/**
 * The ErrorResponse fields PostgreSQL attaches to an integrity violation (23502, 23503, 23505,
 * 23514): the relation's schema and name, and the violated constraint or the NULL column. ORMs
 * read them (node-postgres: error.schema, .table, .constraint, .column) to tell which constraint
 * failed without parsing the message.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { TableDesc } from '../../catalog/descriptors.js';
import type { SqlErrorFields } from '../../util/index.js';

type ViolationFields = Pick<SqlErrorFields, 'schema' | 'table' | 'column' | 'constraint'>;

/** `table`'s schema and name with the violated constraint's name. */
export function constraintFields(catalog: Catalog, table: TableDesc, constraint: string): ViolationFields {
  return { schema: schemaName(catalog, table), table: table.name, constraint };
}

/** `table`'s schema and name with the column a NOT NULL violation names. */
export function columnFields(catalog: Catalog, table: TableDesc, column: string): ViolationFields {
  return { schema: schemaName(catalog, table), table: table.name, column };
}

function schemaName(catalog: Catalog, table: TableDesc): string | undefined {
  const schema = catalog.descriptor(table.schemaOid);
  return schema?.kind === 'schema' ? schema.name : undefined;
}
