/**
 * The contract between the wire server (src/wire) and the SQL layer: what a connection asks of the
 * database, independent of the protocol's bytes. The wire layer knows messages; the SQL layer knows
 * statements, types and value formats. Values cross this boundary already formatted: a string is a
 * value in text format (the wire writes it as UTF-8), a Uint8Array is raw bytes (binary format,
 * or text already encoded), null is SQL NULL.
 */

/** A column of a result, as RowDescription carries it. */
export interface FieldDescription {
  readonly name: string;
  /** OID of the table the column comes from, or 0. */
  readonly tableOid: number;
  /** Attribute number of the column in that table, or 0. */
  readonly columnAttr: number;
  readonly typeOid: number;
  /** pg_type.typlen: fixed size in bytes, or -1 (varlena) / -2 (cstring). */
  readonly typeSize: number;
  /** atttypmod, e.g. varchar(10) → 14; -1 when none. */
  readonly typeModifier: number;
}

/** 0 = text, 1 = binary (the protocol's format codes). */
export type FormatCode = 0 | 1;

/** A formatted result row: one entry per field. */
export type WireRow = Array<string | Uint8Array | null>;

/**
 * A result row already laid out as the body of a DataRow message — int16 field count, then per
 * field an int32 byte length (-1 for NULL) and that many bytes of the value's text output — which
 * the wire copies as it is. Only sessions opened with SessionOptions.encodedText get rows this way,
 * and only in text format. Borrowed: valid until the session's next execute(), which reuses the
 * memory (copy a row to keep it).
 */
export type EncodedRow = Uint8Array;

/** A row of a result: values (WireRow), or a whole row already encoded (EncodedRow). */
export type ResultRow = WireRow | EncodedRow;

/** Transaction status as ReadyForQuery reports it: idle, in a block, in a failed block. */
export type TxStatus = 'I' | 'T' | 'E';

/** An error or notice for the client; fields as ErrorResponse / NoticeResponse carry them. */
export interface SqlDiagnostic {
  readonly severity: 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement text. */
  readonly position?: number;
}

/** A statement that was parsed (and, where possible, analyzed) for the extended protocol. */
export interface PreparedStatement {
  /** Parameter type OIDs: those the client sent, the rest inferred. */
  readonly paramTypeOids: readonly number[];
  /** Result columns, or undefined when the statement returns no rows (→ NoData). */
  readonly fields: readonly FieldDescription[] | undefined;
  /** True for an empty query string (→ EmptyQueryResponse). */
  readonly isEmpty: boolean;
}

/** COPY FROM STDIN: the wire feeds CopyData into the sink, then CopyDone or CopyFail. */
export interface CopyInSink {
  readonly overallFormat: FormatCode;
  readonly columnFormats: readonly FormatCode[];
  write(data: Uint8Array): void;
  /** After CopyDone: completes the COPY; resolves with the command tag ("COPY 3"). */
  finish(): Promise<string>;
  /** After CopyFail (or a dropped connection): abandons the COPY. */
  abort(message: string): void;
}

/** COPY TO STDOUT: the wire sends each chunk as CopyData, then CopyDone and CommandComplete. */
export interface CopyOutSource {
  readonly overallFormat: FormatCode;
  readonly columnFormats: readonly FormatCode[];
  /** The next chunk of data (one or more lines), or undefined at the end. */
  next(): Promise<Uint8Array | undefined>;
  /** Valid after next() returned undefined: "COPY n". */
  readonly tag: string;
}

/** What one Execute (or one statement of a simple query) produced. */
export type ExecuteResult =
  | { readonly kind: 'rows'; readonly rows: ResultRow[]; readonly suspended: boolean; readonly tag: string }
  | { readonly kind: 'command'; readonly tag: string }
  | { readonly kind: 'empty' }
  | { readonly kind: 'copyIn'; readonly sink: CopyInSink }
  | { readonly kind: 'copyOut'; readonly source: CopyOutSource };

/** A bound statement, ready to execute (the protocol's portal). */
export interface Portal {
  /** Result columns with the formats requested in Bind, or undefined (→ NoData). */
  readonly fields: readonly FieldDescription[] | undefined;
  /**
   * Runs (or continues) the statement. maxRows = 0 means all rows. For a 'rows' result,
   * suspended = true means more rows remain (→ PortalSuspended; tag is then unused).
   */
  execute(maxRows: number): Promise<ExecuteResult>;
  /**
   * Optional: as execute(), but a result that needed no waiting (a point read) is returned
   * directly, without a promise, so the wire answers it without a microtask turn. A failure may
   * be thrown or come as a rejected promise.
   */
  executeNow?(maxRows: number): ExecuteResult | Promise<ExecuteResult>;
  close(): void;
}

/**
 * A session's named prepared statements: one namespace for the protocol's Parse/Close and SQL's
 * PREPARE/EXECUTE/DEALLOCATE, as in PostgreSQL (so DEALLOCATE ALL and DISCARD ALL, which
 * connection poolers send between clients, drop both kinds). The unnamed statement is the wire's.
 */
export interface NamedStatements {
  get(name: string): PreparedStatement | undefined;
  /** Adds a statement a Parse message made. Throws SqlError 42P05 when the name is taken, 54000 past the limit. */
  add(name: string, statement: PreparedStatement): void;
  /** Removes it; false when there was none. */
  delete(name: string): boolean;
}

/** A NOTIFY as the client receives it (NotificationResponse). */
export interface SessionNotification {
  /** The notifying session's backend pid. */
  readonly pid: number;
  readonly channel: string;
  readonly payload: string;
}

/** One client connection's session: transaction state, settings, prepared statements' owner. */
export interface SqlSession {
  /** Named prepared statements (Parse and PREPARE share them). */
  readonly statements: NamedStatements;
  txStatus(): TxStatus;
  /** Splits a simple-query string into statements, parsed and ready. Throws SqlError (42601...). */
  prepareBatch(sql: string): PreparedStatement[];
  /** Parse message: exactly one statement (or empty). paramTypeOids: 0 = unspecified. */
  prepare(sql: string, paramTypeOids: readonly number[]): PreparedStatement;
  /**
   * Bind message. params in the given formats (0 text / 1 binary): a text-format value as its
   * bytes or already decoded (a string); result formats per Bind rules.
   */
  bind(
    statement: PreparedStatement,
    params: ReadonlyArray<Uint8Array | string | null>,
    paramFormats: readonly FormatCode[],
    resultFormats: readonly FormatCode[],
  ): Portal;
  /**
   * Simple-query errors inside a transaction block move it to 'E' (and statements other than
   * ROLLBACK get 25P02); the SQL layer keeps that state, the wire only reports txStatus().
   * Called by the wire when a statement failed so the session can record the failure.
   */
  noteError(): void;
  /** Diagnostics (NOTICE, WARNING) raised since the last call. */
  takeNotices(): SqlDiagnostic[];
  /** Settings that changed since the last call and that clients track (ParameterStatus). */
  takeParameterChanges(): Array<[name: string, value: string]>;
  /**
   * LISTEN: the notifications the client may receive now (none inside a transaction block; the
   * wire sends them before ReadyForQuery, and at once to an idle connection after wake).
   */
  takeNotifications?(): readonly SessionNotification[];
  /** Registers what to call when a notification arrives for this session (from any session). */
  onNotification?(wake: () => void): void;
  /** Cancels the statement running now, if any (it fails with 57014). */
  cancel(): void;
  /** Rolls back any open transaction and releases the session. */
  close(): Promise<void>;
  /**
   * The columns (text format) of the open SQL cursor `name` (DECLARE … CURSOR), or undefined when
   * there is none: SQL cursors are portals too, so Describe Portal finds them (psycopg's server-side
   * cursors ask for their description that way).
   */
  describeCursor?(name: string): readonly FieldDescription[] | undefined;
}

/** How a role logs in, for the wire server's authentication. */
export interface RoleAuth {
  readonly name: string;
  readonly canLogin: boolean;
  readonly superuser: boolean;
  /** Stored verifier: 'SCRAM-SHA-256$…' or 'md5…' (as PostgreSQL stores them), or undefined. */
  readonly password: string | undefined;
}

export interface SessionOptions {
  readonly user: string;
  readonly database: string;
  readonly applicationName: string;
  readonly backendPid: number;
  /** Settings from the StartupMessage (e.g. options=-c search_path=…, DateStyle). */
  readonly settings: ReadonlyMap<string, string>;
  /**
   * Text-format result rows may come whole as an EncodedRow (a DataRow body) when the SQL layer
   * can print them straight from the stored rows (a projection of plain columns over a table),
   * and values as their UTF-8 bytes (a Uint8Array) instead of a string: the wire writes either as
   * is. Off by default: other callers get WireRows of strings for text format.
   */
  readonly encodedText?: boolean;
  /** Named prepared statements a session may hold (Parse and PREPARE together; default 10,000). */
  readonly preparedStatementsMax?: number;
}

/** The database as the wire server sees it. */
export interface SqlDatabase {
  role(name: string): RoleAuth | undefined;
  hasDatabase(name: string): boolean;
  /** Initial ParameterStatus values for a new session. */
  startupParameters(options: SessionOptions): Array<[name: string, value: string]>;
  openSession(options: SessionOptions): SqlSession;
}
