/**
 * SessionTypeContext: the TypeContext a session formats and parses values with — its type
 * settings plus, for a running statement, the statement's catalog snapshot and transaction start.
 *
 * - One small object per statement execution and no closures: the settings part is read once per
 *   settings version (TypeSettings) and copied in; the reg* name lookups are methods that ask the
 *   session with this context's catalog.
 * - Immutable: a statement's values print the same however the session changes afterwards.
 */
import type { Catalog } from '../../catalog/catalog.js';
import type { TypeContext } from '../../catalog/types/sql-type.js';

/** The session settings a TypeContext carries (read once per settings version). */
export interface TypeSettings {
  readonly timeZone: string;
  readonly dateStyle: string;
  readonly intervalStyle: string;
  readonly extraFloatDigits: number;
}

/** Resolves reg* names in `catalog` (undefined: the session's current catalog). */
export interface RegNameResolver {
  regName(catalog: Catalog | undefined, typeOid: number, oid: number): string | undefined;
  regOid(catalog: Catalog | undefined, typeOid: number, name: string): number | undefined;
}

export class SessionTypeContext implements TypeContext {
  readonly timeZone: string;
  readonly dateStyle: string;
  readonly intervalStyle: string;
  readonly extraFloatDigits: number;

  constructor(
    settings: TypeSettings,
    private readonly resolver: RegNameResolver,
    private readonly catalog: Catalog | undefined,
    /** µs since 2000-01-01 UTC fixing now(), 'now' and 'today'; the wall clock when undefined. */
    readonly nowUs: bigint | undefined,
  ) {
    this.timeZone = settings.timeZone;
    this.dateStyle = settings.dateStyle;
    this.intervalStyle = settings.intervalStyle;
    this.extraFloatDigits = settings.extraFloatDigits;
  }

  regName(typeOid: number, oid: number): string | undefined {
    return this.resolver.regName(this.catalog, typeOid, oid);
  }

  regOid(typeOid: number, name: string): number | undefined {
    return this.resolver.regOid(this.catalog, typeOid, name);
  }
}
