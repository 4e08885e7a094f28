/**
 * BindContext: what name resolution and type resolution read while binding one statement —
 * the catalog snapshot, the current database and search_path, the parameter types (inferred
 * ones are filled in as the binder meets them) and the session's type settings.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { SqlType, TypeContext } from '../../catalog/types/sql-type.js';
import type { Scope } from './scope.js';
import type { ColumnExpr } from './bound-expr.js';
import type { CteDefinition } from './bind-with.js';
import type { OutputColumn } from '../plan/logical-plan.js';

/** The scope of an enclosing query, for correlated subqueries. */
export interface OuterScope {
  readonly scope: Scope;
  /** Set when the subquery nested directly inside this level reads an outer column. */
  readonly correlated: { value: boolean };
  /** This level's columns the nested subquery reads (the grouping check of a grouped query). */
  readonly reads: ColumnExpr[];
}

export interface BindContext {
  readonly catalog: Catalog;
  readonly databaseOid: number;
  readonly databaseName: string;
  /** Schema names in search order ('$user' already replaced), pg_catalog implied first. */
  readonly searchPath: readonly string[];
  readonly user: string;
  readonly typeContext: TypeContext;
  /** Parameter types by index (0-based); undefined = not yet known. Filled during binding. */
  readonly paramTypes: Array<SqlType | undefined>;
  /** Source text, for error positions. */
  readonly sql: string;
  /** Enclosing queries' scopes, outermost first (empty at the top level). */
  readonly outer?: readonly OuterScope[];
  /** Common table expressions visible by name (WITH). */
  readonly ctes?: ReadonlyMap<string, CteDefinition>;
  /** The columns of the session's open cursor `name` (FETCH), undefined when there is none. */
  readonly cursorColumns?: (name: string) => readonly OutputColumn[] | undefined;
}
