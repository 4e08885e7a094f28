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
  /** Named portals; the unnamed one lives in its own field (no map churn per Bind and Sync). */
  private readonly portals = new Map<string, PortalEntry>();
  private unnamed: PortalEntry | undefined;

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
    const entry = { portal, resultFormats: message.resultFormats };
    if (message.portal === '') this.unnamed = entry;
    else this.portals.set(message.portal, entry);
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
    const cursorFields = this.entryOf(message.name) !== undefined ? undefined : this.session.describeCursor?.(message.name);
    if (cursorFields !== undefined) {
      // A SQL cursor (DECLARE): a portal of the same namespace, with text results.
      if (cursorFields.length === 0) writer.simple(BackendCode.noData);
      else writer.rowDescription(cursorFields, []);
      return;
    }
    const entry = this.portal(message.name);
    if (entry.portal.fields === undefined) writer.simple(BackendCode.noData);
    else writer.rowDescription(entry.portal.fields, entry.resultFormats);
  }

  /** Undefined when answered synchronously (see runPortal). */
  execute(message: Msg<'execute'>): Promise<void> | undefined {
    const entry = this.portal(message.portal);
    return runPortal(this.channel, this.session, entry.portal, message.maxRows, this.rowsPerChunkMax);
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
      unnamed.portal.close();
    }
    if (this.portals.size === 0) return;
    for (const entry of this.portals.values()) entry.portal.close();
    this.portals.clear();
  }

  private closePortal(name: string): void {
    const entry = this.entryOf(name);
    if (entry === undefined) return;
    if (name === '') this.unnamed = undefined;
    else this.portals.delete(name);
    entry.portal.close();
  }

  private statement(name: string): PreparedStatement {
    const statement = name === '' ? this.unnamedStatement : this.session.statements.get(name);
    if (statement !== undefined) return statement;
    const text = name === '' ? 'unnamed prepared statement does not exist' : `prepared statement "${name}" does not exist`;
    throw new SqlError('26000', text);
  }

  private entryOf(name: string): PortalEntry | undefined {
    return name === '' ? this.unnamed : this.portals.get(name);
  }

  private portal(name: string): PortalEntry {
    const entry = this.entryOf(name);
    if (entry !== undefined) return entry;
    throw new SqlError('34000', `portal "${name}" does not exist`);
  }
}
