/**
 * Name resolution of relations and schemas through search_path, as PostgreSQL does:
 * an unqualified name is looked up in each schema of the path in order (the first match wins);
 * a qualified one only in its schema. Creating an unqualified object uses the first existing
 * schema of the path (42P02/3F000 "no schema has been selected to create in" when none exists).
 */
import type { RelationDesc, SchemaDesc } from '../../catalog/descriptors.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import type { BindContext } from './bind-context.js';

export interface QualifiedName {
  readonly schema: string | undefined;
  readonly name: string;
}

export function schemaByName(ctx: BindContext, name: string): SchemaDesc | undefined {
  return ctx.catalog.schema(ctx.databaseOid, name);
}

export function requireSchema(ctx: BindContext, name: string): SchemaDesc {
  const schema = schemaByName(ctx, name);
  if (schema === undefined) throw new SqlError(SQLSTATE.invalidSchemaName, `schema "${name}" does not exist`);
  return schema;
}

/** The relation a (possibly qualified) name refers to, or undefined. */
export function lookupRelation(ctx: BindContext, q: QualifiedName): RelationDesc | undefined {
  if (q.schema !== undefined) {
    const schema = schemaByName(ctx, q.schema);
    // A missing schema reads as a missing relation (42P01), as PostgreSQL reports it.
    return schema === undefined ? undefined : ctx.catalog.relation(schema.oid, q.name);
  }
  for (const name of ctx.searchPath) {
    const schema = schemaByName(ctx, name);
    if (schema === undefined) continue;
    const rel = ctx.catalog.relation(schema.oid, q.name);
    if (rel !== undefined) return rel;
  }
  return undefined;
}

/** The schema a new object named `q` goes into. */
export function creationSchema(ctx: BindContext, q: QualifiedName): SchemaDesc {
  if (q.schema !== undefined) return requireSchema(ctx, q.schema);
  for (const name of ctx.searchPath) {
    const schema = schemaByName(ctx, name);
    if (schema !== undefined) return schema;
  }
  throw new SqlError(SQLSTATE.invalidSchemaName, 'no schema has been selected to create in');
}

/** Display form of a qualified name, as PostgreSQL prints it in messages. */
export function displayName(q: QualifiedName): string {
  return q.schema === undefined ? q.name : `${q.schema}.${q.name}`;
}

/** Resolves '$user' and drops schemas that do not exist (search_path semantics). */
export function effectiveSearchPath(path: readonly string[], user: string): string[] {
  return path.map((p) => (p === '$user' ? user : p));
}
