/**
 * The extended-query protocol of one connection: named and unnamed prepared statements and
 * portals, and the Parse/Bind/Describe/Execute/Close messages acting on them.
 * - The unnamed statement and portal are replaced by the next Parse/Bind (or Query) naming "".
 * - Named statements live in the session (SqlSession.statements), in one namespace with SQL's
 *   PREPARE: EXECUTE runs a Parse's statement, DEALLOCATE ALL / DISCARD ALL drop them.
 * - A named statement or portal must be closed before its name is reused (42P05 / 42P03).
 * - Portals die at the end of the transaction: closeAllPortals() runs at Sync, and after a simple
 *   Query, whenever the session is then idle.
 * - Errors are thrown (SqlError); the connection then skips messages until Sync.
 * - A blank query string is answered by the protocol itself (empty-statement.ts).
 * - Describe Portal also finds a SQL cursor (DECLARE) of that name: one namespace, as in PostgreSQL.
 */
import type { FormatCode, Portal, PreparedStatement, SqlSession } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { BackendCode } from './message-codes.js';
import { EMPTY_STATEMENT, EmptyPortal, isBlankQuery } from './empty-statement.js';
import type { FrontendMessage } from './frontend-messages.js';
import { runPortal } from './portal-runner.js';
import type { WireChannel } from './wire-channel.js';

type Msg<K extends FrontendMessage['kind']> = Extract<FrontendMessage, { kind: K }>;

interface PortalEntry {
  readonly portal: Portal;
  readonly resultFormats: readonly FormatCode[];
}

export class ExtendedQuery {
  /** The unnamed statement (named ones are the session's). */
  private unnamedStatement: PreparedStatement | undefined;
  /** Named portals; the unnamed one lives in its own fields (no map churn, no entry object per Bind). */
  private readonly portals = new Map<string, PortalEntry>();
  private unnamed: Portal | undefined;
  private unnamedFormats: readonly FormatCode[] = [];

  constructor(
    private readonly channel: WireChannel,
    private readonly session: SqlSession,
    private readonly rowsPerChunkMax: number,
    private readonly portalsMax: number,
  ) {}

  parse(message: Msg<'parse'>): void {
    const named = this.session.statements;
    if (message.name !== '' && named.get(message.name) !== undefined) {
      throw new SqlError('42P05', `prepared statement "${message.name}" already exists`);
    }
    const statement = isBlankQuery(message.sql) ? EMPTY_STATEMENT : this.session.prepare(message.sql, message.paramTypeOids);
    if (message.name === '') this.unnamedStatement = statement;
    else named.add(message.name, statement);
    this.channel.writer.simple(BackendCode.parseComplete);
  }

  bind(message: Msg<'bind'>): void {
    const statement = this.statement(message.statement);
    if (message.portal !== '' && this.portals.has(message.portal)) {
      throw new SqlError('42P03', `portal "${message.portal}" already exists`);
    }
    const count = message.params.length;
    const formats = message.paramFormats.length;
    if (formats > 1 && formats !== count) {
      throw new SqlError(SQLSTATE.protocolViolation, `bind message has ${formats} parameter formats but ${count} parameters`);
    }
    if (count !== statement.paramTypeOids.length) {
      throw new SqlError(
        SQLSTATE.protocolViolation,
        `bind message supplies ${count} parameters, but prepared statement "${message.statement}" requires ${statement.paramTypeOids.length}`,
      );
    }
    if (message.portal === '') this.closePortal('');
    if (message.portal !== '' && this.portals.size >= this.portalsMax) {
      throw new SqlError(SQLSTATE.programLimitExceeded, `too many portals (maximum ${this.portalsMax})`);
    }
    const portal =
      statement === EMPTY_STATEMENT
        ? new EmptyPortal()
        : this.session.bind(statement, message.params, message.paramFormats, message.resultFormats);
    if (message.portal === '') {
      this.unnamed = portal;
      this.unnamedFormats = message.resultFormats;
    } else this.portals.set(message.portal, { portal, resultFormats: message.resultFormats });
    this.channel.writer.simple(BackendCode.bindComplete);
  }

  describe(message: Msg<'describe'>): void {
    const writer = this.channel.writer;
    if (message.target === 'S') {
      const statement = this.statement(message.name);
      writer.parameterDescription(statement.paramTypeOids);
      if (statement.fields === undefined) writer.simple(BackendCode.noData);
      else writer.rowDescription(statement.fields, []);
      return;
    }
    const portal = this.portalOf(message.name);
    const cursorFields = portal !== undefined ? undefined : this.session.describeCursor?.(message.name);
    if (cursorFields !== undefined) {
      // A SQL cursor (DECLARE): a portal of the same namespace, with text results.
      if (cursorFields.length === 0) writer.simple(BackendCode.noData);
      else writer.rowDescription(cursorFields, []);
      return;
    }
    const fields = this.portal(message.name).fields;
    if (fields === undefined) writer.simple(BackendCode.noData);
    else writer.rowDescription(fields, this.resultFormatsOf(message.name));
  }

  /** Undefined when answered synchronously (see runPortal). */
  execute(message: Msg<'execute'>): Promise<void> | undefined {
    return runPortal(this.channel, this.session, this.portal(message.portal), message.maxRows, this.rowsPerChunkMax);
  }

  close(message: Msg<'close'>): void {
    if (message.target !== 'S') this.closePortal(message.name);
    else if (message.name === '') this.unnamedStatement = undefined;
    else this.session.statements.delete(message.name);
    this.channel.writer.simple(BackendCode.closeComplete);
  }

  /** A Query message replaces the unnamed statement and portal. */
  dropUnnamed(): void {
    this.unnamedStatement = undefined;
    this.closePortal('');
  }

  closeAllPortals(): void {
    const unnamed = this.unnamed;
    if (unnamed !== undefined) {
      this.unnamed = undefined;
      unnamed.close();
    }
    if (this.portals.size === 0) return;
    for (const entry of this.portals.values()) entry.portal.close();
    this.portals.clear();
  }

  private closePortal(name: string): void {
    const portal = this.portalOf(name);
    if (portal === undefined) return;
    if (name === '') this.unnamed = undefined;
    else this.portals.delete(name);
    portal.close();
  }

  private statement(name: string): PreparedStatement {
    const statement = name === '' ? this.unnamedStatement : this.session.statements.get(name);
    if (statement !== undefined) return statement;
    const text = name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`;
    throw new SqlError('26000', text);
  }

  private portalOf(name: string): Portal | undefined {
    return name === '' ? this.unnamed : this.portals.get(name)?.portal;
  }

  /** The result formats Bind gave the portal `name` (which exists). */
  private resultFormatsOf(name: string): readonly FormatCode[] {
    return name === '' ? this.unnamedFormats : (this.portals.get(name)?.resultFormats ?? []);
  }

  private portal(name: string): Portal {
    const portal = this.portalOf(name);
    if (portal !== undefined) return portal;
    throw new SqlError('34000', `portal "${name}" does not exist`);
  }
}
