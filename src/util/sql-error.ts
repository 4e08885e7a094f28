/**
 * The typed error every SQL-facing failure becomes: PostgreSQL's SQLSTATE plus the fields an
 * ErrorResponse carries. Messages match PostgreSQL's text where PostgreSQL has one.
 */
export interface SqlErrorFields {
  readonly detail?: string;
  readonly hint?: string;
  /** 1-based character position in the statement text. */
  readonly position?: number;
  readonly severity?: 'ERROR' | 'FATAL' | 'PANIC';
  readonly cause?: unknown;
  /** The object an integrity violation names (ErrorResponse s, t, c, n), as PostgreSQL reports it. */
  readonly schema?: string;
  readonly table?: string;
  readonly column?: string;
  readonly constraint?: string;
}

export class SqlError extends Error {
  override readonly name = 'SqlError';
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly position: number | undefined;
  readonly severity: 'ERROR' | 'FATAL' | 'PANIC';
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly constraint: string | undefined;

  constructor(
    readonly code: string,
    message: string,
    fields: SqlErrorFields = {},
  ) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
    this.severity = fields.severity ?? 'ERROR';
    this.schema = fields.schema;
    this.table = fields.table;
    this.column = fields.column;
    this.constraint = fields.constraint;
  }
}

/** SQLSTATE codes used across layers (PostgreSQL's errcodes.txt names, camel-cased). */
export const SQLSTATE = {
  successfulCompletion: '00000',
  featureNotSupported: '0A000',
  invalidTextRepresentation: '22P02',
  numericValueOutOfRange: '22003',
  divisionByZero: '22012',
  stringDataRightTruncation: '22001',
  invalidDatetimeFormat: '22007',
  datetimeFieldOverflow: '22008',
  invalidParameterValue: '22023',
  notNullViolation: '23502',
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
  checkViolation: '23514',
  invalidTransactionState: '25000',
  activeSqlTransaction: '25001',
  noActiveSqlTransaction: '25P01',
  inFailedSqlTransaction: '25P02',
  readOnlySqlTransaction: '25006',
  invalidAuthorizationSpecification: '28000',
  invalidPassword: '28P01',
  serializationFailure: '40001',
  syntaxError: '42601',
  undefinedColumn: '42703',
  undefinedTable: '42P01',
  undefinedFunction: '42883',
  undefinedObject: '42704',
  duplicateTable: '42P07',
  duplicateObject: '42710',
  duplicateColumn: '42701',
  duplicateDatabase: '42P04',
  duplicateSchema: '42P06',
  ambiguousColumn: '42702',
  datatypeMismatch: '42804',
  groupingError: '42803',
  invalidSchemaName: '3F000',
  invalidCatalogName: '3D000',
  dependentObjectsStillExist: '2BP01',
  programLimitExceeded: '54000',
  statementTooComplex: '54001',
  tooManyConnections: '53300',
  diskFull: '53100',
  outOfMemory: '53200',
  queryCanceled: '57014',
  adminShutdown: '57P01',
  protocolViolation: '08P01',
  dataCorrupted: 'XX001',
  internalError: 'XX000',
  ioError: '58030',
} as const;
