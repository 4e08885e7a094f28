/**
 * One client connection from accept to close: startup, authentication, then the message loop
 * (simple query, extended query, COPY), until Terminate, a FATAL error or the socket closing.
 * - Messages are handled strictly one at a time, in order; output is flushed before waiting for
 *   input, at Flush, and between chunks of a large result, except that the replies of an open
 *   extended-query pipeline wait for its Sync or Flush (all of one Sync's replies go out in one
 *   write, as PostgreSQL sends them), unless they pile up past the channel's flush threshold.
 * - Messages are handled synchronously, straight from the socket's 'data' event, as long as none
 *   needs to wait: no promise or microtask turn per message or per round trip. Only a message that
 *   returned a promise (Query, Flush, an Execute whose statement waits) suspends the loop until it
 *   settles.
 * - After an error in an extended-query message, messages are skipped until Sync.
 * - CopyData/CopyDone/CopyFail outside a COPY are ignored (the client may still be sending after
 *   a COPY failed), as PostgreSQL does.
 * - The session is closed exactly once, whatever way the connection ends; a protocol violation
 *   ends only this connection.
 */
import type { Socket } from 'node:net';
import type { SecureContext } from 'node:tls';
import type { SessionOptions, SqlDatabase, SqlSession } from '../sql/session-api.js';
import { SqlError, SQLSTATE } from '../util/index.js';
import { authenticate } from './authenticator.js';
import { ConnectionLost } from './connection-lost.js';
import { errorDiagnostic } from './error-diagnostic.js';
import { ExtendedQuery } from './extended-query.js';
import type { IdlePoller } from './idle-poller.js';
import { decodeFrame, type FrontendMessage } from './frontend-messages.js';
import { AuthCode, STARTUP_PACKET_BYTES_MAX } from './message-codes.js';
import { NO_FRAME } from './message-reader.js';
import { PayloadReader } from './payload-reader.js';
import { ProtocolError } from './protocol-error.js';
import { runSimpleQuery } from './simple-query.js';
import { sendNotices, sendNotifications, sendReadyForQuery } from './session-messages.js';
import { negotiateStartup, type StartupInfo } from './startup-negotiation.js';
import { WireChannel } from './wire-channel.js';
import type { ResolvedWireOptions } from './wire-options.js';

export interface BackendKey {
  readonly pid: number;
  readonly secretKey: number;
}

/** What a connection needs from its server. */
export interface ConnectionHost {
  readonly db: SqlDatabase;
  readonly options: ResolvedWireOptions;
  readonly tlsContext: SecureContext | undefined;
  /** Keeps the loop polling after hot waits (WireOptions.idlePollUs); undefined when off. */
  readonly idlePoller?: IdlePoller | undefined;
  /** A backend key for a new session, or undefined when maxConnections are in use. */
  admit(connection: Connection): BackendKey | undefined;
  cancel(pid: number, secretKey: number): void;
  /** The session of `connection` is about to close, and why (pg_stat_database's session counters). */
  sessionEnding(connection: Connection, reason: SessionEndReason): void;
  release(connection: Connection): void;
}

/** How a session ended: Terminate from the client, the client gone without one, a FATAL error. */
export type SessionEndReason = 'normal' | 'abandoned' | 'fatal';

export class Connection {
  readonly channel: WireChannel;
  private session: SqlSession | undefined;
  private extended: ExtendedQuery | undefined;
  private skipUntilSync = false;
  /**
   * An extended-query pipeline is open: its replies may wait for its Sync or Flush (PostgreSQL
   * sends them together; a client must not wait for them before either).
   */
  private pipelineOpen = false;
  private shuttingDown = false;
  private terminated = false;
  private endReason: SessionEndReason = 'abandoned';
  /** Reads every message's payload (reused: no object per message). */
  private readonly payload = new PayloadReader();
  /** Settle the promise loop() returned (set by loop()). */
  private loopEnded: () => void = NOOP;
  private loopFailed: (error: unknown) => void = NOOP;

  constructor(
    socket: Socket,
    private readonly host: ConnectionHost,
  ) {
    const options = host.options;
    const startupMax = Math.min(STARTUP_PACKET_BYTES_MAX, options.messageBytesMax);
    this.channel = new WireChannel(socket, options.messageBytesMax, startupMax, options.inboundBytesMax, host.idlePoller);
  }

  /** Serves the connection until it ends; never rejects. */
  async serve(): Promise<void> {
    // Cleared as soon as the session starts: an idle session has no timer at all.
    const timer = setTimeout(() => this.startupTimedOut(), this.host.options.startupTimeoutMs);
    try {
      const session = await this.start();
      clearTimeout(timer);
      if (session !== undefined) await this.loop();
    } catch (error) {
      this.fail(error);
    } finally {
      clearTimeout(timer);
      await this.cleanup();
    }
  }

  /** Cancels the running statement (a CancelRequest matched this connection). */
  cancel(): void {
    this.session?.cancel();
  }

  /** Server shutdown: cancel running work (its client gets FATAL 57P01), tell an idle client, close. */
  shutdown(): void {
    this.shuttingDown = true;
    this.endReason = 'fatal';
    this.session?.cancel();
    if (this.channel.waitingForInput) {
      if (this.session !== undefined) this.channel.writer.diagnostic(ADMIN_SHUTDOWN, false);
      this.channel.end();
    } else if (this.channel.waitingForDrain) this.channel.destroy();
  }

  /**
   * pg_terminate_backend: as shutdown, but a statement that fails meanwhile (cancelled) ends the
   * connection with FATAL 57P01 instead of an ERROR, as PostgreSQL's terminated backend does.
   */
  terminate(): void {
    this.terminated = true;
    this.shutdown();
  }

  private async start(): Promise<SqlSession | undefined> {
    const outcome = await negotiateStartup(this.channel, this.host.tlsContext);
    if (outcome.kind === 'gone') return undefined;
    if (outcome.kind === 'cancel') {
      this.host.cancel(outcome.pid, outcome.secretKey);
      this.channel.end();
      return undefined;
    }
    const key = this.host.admit(this);
    if (key === undefined) throw fatal(SQLSTATE.tooManyConnections, 'sorry, too many clients already');
    const info = outcome.info;
    const role = this.host.db.role(info.user);
    await authenticate(this.channel, this.host.options.authMethod, info.user, role);
    this.channel.writer.authentication(AuthCode.ok);
    if (role === undefined) throw fatal(SQLSTATE.invalidAuthorizationSpecification, `role "${info.user}" does not exist`);
    if (!role.canLogin) {
      throw fatal(SQLSTATE.invalidAuthorizationSpecification, `role "${info.user}" is not permitted to log in`);
    }
    if (!this.host.db.hasDatabase(info.database)) {
      throw fatal(SQLSTATE.invalidCatalogName, `database "${info.database}" does not exist`);
    }
    return this.openSession(info, key);
  }

  private openSession(info: StartupInfo, key: BackendKey): SqlSession {
    const options: SessionOptions = {
      user: info.user,
      database: info.database,
      applicationName: info.applicationName,
      backendPid: key.pid,
      settings: info.settings,
      encodedText: true,
      preparedStatementsMax: this.host.options.preparedStatementsMax,
    };
    const session = this.host.db.openSession(options);
    this.session = session;
    session.onNotification?.(this.notificationArrived);
    this.extended = new ExtendedQuery(this.channel, session, this.host.options.rowsPerChunkMax, this.host.options.preparedStatementsMax);
    const writer = this.channel.writer;
    for (const [name, value] of this.host.db.startupParameters(options)) writer.parameterStatus(name, value);
    writer.backendKeyData(key.pid, key.secretKey);
    writer.readyForQuery(session.txStatus());
    this.log('debug', 'session started', { user: info.user, database: info.database, pid: key.pid });
    return session;
  }

  /** Serves messages until the connection ends; rejects with an error that ends it (→ fail()). */
  private loop(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.loopEnded = resolve;
      this.loopFailed = reject;
      this.pump();
    });
  }

  /**
   * Handles every message already buffered, in order, synchronously; stops when it must wait: for
   * input (the channel calls pump again from its 'data' event) or for a message that returned a
   * promise (its settlement calls pump again). A round trip whose statement needs no I/O thus runs
   * from 'data' to socket.write without a promise or a microtask turn.
   */
  private readonly pump = (): void => {
    const channel = this.channel;
    try {
      for (;;) {
        if (this.shuttingDown) {
          channel.writer.diagnostic(ADMIN_SHUTDOWN, false);
          channel.end();
          return this.loopEnded();
        }
        const type = channel.nextFrameBuffered();
        if (type === NO_FRAME) {
          if (!channel.waitForInput(this.pump, !this.pipelineOpen)) this.loopEnded();
          return;
        }
        const ended = this.handle(type);
        if (ended === true) return this.endLoop();
        if (ended !== false) {
          ended.then(this.pump, this.messageRejected);
          return;
        }
      }
    } catch (error) {
      this.loopFailed(error);
    }
  };

  /**
   * A NOTIFY arrived for this session: an idle connection (waiting for a query, no extended
   * pipeline open) sends it now, as PostgreSQL's idle backend does; else it goes out before the
   * next ReadyForQuery that finds the session outside a transaction block.
   */
  private readonly notificationArrived = (): void => {
    const session = this.session;
    if (session === undefined || !this.channel.waitingForInput || this.pipelineOpen) return;
    if (sendNotifications(this.channel.writer, session)) this.channel.sendNow();
  };

  /**
   * A message's promise rejected: a failure as a synchronous one (messageFailed), then on to the
   * next message; an error that ends the connection ends the loop.
   */
  private readonly messageRejected = (error: unknown): void => {
    try {
      this.messageFailed(error);
    } catch (fatal) {
      this.loopFailed(fatal);
      return;
    }
    this.pump();
  };

  private endLoop(): void {
    this.channel.end();
    this.loopEnded();
  }

  /**
   * Handles the message nextFrameBuffered() just framed; true when the connection should end
   * (Terminate). Messages that complete synchronously (all but Query, and Execute when its statement
   * must wait) return a plain boolean: no promise per message; the others their promise (the loop
   * goes on when it settles: pump, or messageRejected).
   */
  private handle(type: number): boolean | Promise<void> {
    try {
      const reader = this.channel.reader;
      const message = decodeFrame(type, this.payload.reset(reader.frameBuffer, reader.frameStart, reader.frameEnd));
      if (message.kind === 'terminate') {
        this.endReason = 'normal';
        return true;
      }
      if (this.skipUntilSync && message.kind !== 'sync') return false;
      return this.dispatch(message, type) ?? false;
    } catch (error) {
      this.messageFailed(error);
      return false;
    }
  }

  /** A message failed: report it and skip to Sync (protocol errors and a lost client end the loop). */
  private messageFailed(error: unknown): void {
    if (error instanceof ProtocolError || error instanceof ConnectionLost) throw error;
    this.reportError(error);
    this.skipUntilSync = true;
    this.pipelineOpen = false; // the ErrorResponse goes out at once, as PostgreSQL's does
  }

  private dispatch(message: FrontendMessage, type: number): Promise<void> | undefined {
    const session = this.session as SqlSession;
    const extended = this.extended as ExtendedQuery;
    this.pipelineOpen = PIPELINE_KINDS.has(message.kind);
    switch (message.kind) {
      case 'query':
        return this.simpleQuery(message.sql);
      case 'parse':
        extended.parse(message);
        return undefined;
      case 'bind':
        extended.bind(message);
        return undefined;
      case 'describe':
        extended.describe(message);
        return undefined;
      case 'execute':
        return extended.execute(message);
      case 'close':
        extended.close(message);
        return undefined;
      case 'flush':
        return this.channel.flush();
      case 'sync':
        this.skipUntilSync = false;
        if (session.txStatus() === 'I') extended.closeAllPortals();
        sendReadyForQuery(this.channel.writer, session);
        return undefined;
      case 'copyData':
      case 'copyDone':
      case 'copyFail':
        return undefined;
      case 'functionCall':
        this.channel.writer.diagnostic(FUNCTION_CALL_UNSUPPORTED, false);
        sendReadyForQuery(this.channel.writer, session);
        return undefined;
      case 'password':
      case 'terminate':
        throw new ProtocolError(`invalid frontend message type ${type}`);
    }
  }

  private async simpleQuery(sql: string): Promise<void> {
    const session = this.session as SqlSession;
    const extended = this.extended as ExtendedQuery;
    extended.dropUnnamed();
    await runSimpleQuery(this.channel, session, sql, this.host.options.rowsPerChunkMax, (error) => this.reportError(error));
    if (session.txStatus() === 'I') extended.closeAllPortals(); // a COMMIT / ROLLBACK ends them
  }

  /** Sends an ERROR (after pending notices) and records the failure in the session. */
  private reportError(error: unknown): void {
    if (error instanceof ProtocolError || error instanceof ConnectionLost) throw error;
    // A statement cancelled by a shutdown or pg_terminate_backend ends the connection with the
    // FATAL alone, as PostgreSQL's backend does (no 57014 ERROR first).
    if (this.terminated || this.shuttingDown) throw fatal(ADMIN_SHUTDOWN.code, ADMIN_SHUTDOWN.message);
    const { diagnostic, internal } = errorDiagnostic(error);
    if (diagnostic.severity !== 'ERROR') throw error;
    if (internal) this.log('error', 'internal error while serving a statement', { error: String(error) });
    if (this.session !== undefined) sendNotices(this.channel.writer, this.session);
    this.channel.writer.diagnostic(diagnostic, false);
    this.session?.noteError();
  }

  /** Ends the connection after a FATAL error (or silently when the client is gone). */
  private fail(error: unknown): void {
    if (error instanceof ConnectionLost || this.channel.isClosed) return;
    this.endReason = 'fatal';
    const { diagnostic, internal } = errorDiagnostic(error);
    if (internal) this.log('error', 'internal error, closing connection', { error: String(error) });
    else this.log('debug', 'connection ended with an error', { code: diagnostic.code, message: diagnostic.message });
    this.channel.writer.diagnostic({ ...diagnostic, severity: diagnostic.severity === 'PANIC' ? 'PANIC' : 'FATAL' }, false);
    this.channel.end();
  }

  private startupTimedOut(): void {
    if (this.session !== undefined) return;
    this.log('info', 'startup timed out', { remote: this.channel.remoteAddress });
    this.channel.destroy();
  }

  private async cleanup(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    try {
      this.extended?.closeAllPortals();
      if (session !== undefined) {
        this.host.sessionEnding(this, this.endReason);
        await session.close();
      }
    } catch (error) {
      this.log('error', 'closing the session failed', { error: String(error) });
    } finally {
      if (!this.channel.isClosed) this.channel.end();
      this.host.release(this);
    }
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    this.host.options.logger?.(level, message, fields);
  }
}

const NOOP = (): void => undefined;

/** Extended-query messages whose replies may be held until the pipeline's Sync or Flush. */
const PIPELINE_KINDS: ReadonlySet<FrontendMessage['kind']> = new Set(['parse', 'bind', 'describe', 'execute', 'close']);

const ADMIN_SHUTDOWN = {
  severity: 'FATAL',
  code: SQLSTATE.adminShutdown,
  message: 'terminating connection due to administrator command',
} as const;

const FUNCTION_CALL_UNSUPPORTED = {
  severity: 'ERROR',
  code: SQLSTATE.featureNotSupported,
  message: 'the function call protocol message is not supported',
} as const;

function fatal(code: string, message: string): SqlError {
  return new SqlError(code, message, { severity: 'FATAL' });
}
