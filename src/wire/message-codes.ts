/**
 * Message type bytes and startup request codes of the PostgreSQL v3 protocol, both directions.
 * - Frontend codes are what a client sends (our reader decodes them); backend codes are what we send.
 * - Startup-phase messages carry no type byte; they are told apart by the 32-bit request code.
 */

/** Type bytes of client messages (after startup). */
export const FrontendCode = {
  query: 0x51, // 'Q'
  parse: 0x50, // 'P'
  bind: 0x42, // 'B'
  describe: 0x44, // 'D'
  execute: 0x45, // 'E'
  close: 0x43, // 'C'
  flush: 0x48, // 'H'
  sync: 0x53, // 'S'
  terminate: 0x58, // 'X'
  password: 0x70, // 'p': PasswordMessage, SASLInitialResponse, SASLResponse, GSSResponse
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  copyFail: 0x66, // 'f'
  functionCall: 0x46, // 'F'
} as const;

/** Type bytes of server messages. */
export const BackendCode = {
  authentication: 0x52, // 'R'
  parameterStatus: 0x53, // 'S'
  backendKeyData: 0x4b, // 'K'
  readyForQuery: 0x5a, // 'Z'
  rowDescription: 0x54, // 'T'
  dataRow: 0x44, // 'D'
  commandComplete: 0x43, // 'C'
  emptyQueryResponse: 0x49, // 'I'
  errorResponse: 0x45, // 'E'
  noticeResponse: 0x4e, // 'N'
  parseComplete: 0x31, // '1'
  bindComplete: 0x32, // '2'
  closeComplete: 0x33, // '3'
  noData: 0x6e, // 'n'
  parameterDescription: 0x74, // 't'
  portalSuspended: 0x73, // 's'
  copyInResponse: 0x47, // 'G'
  copyOutResponse: 0x48, // 'H'
  copyData: 0x64, // 'd'
  copyDone: 0x63, // 'c'
  negotiateProtocolVersion: 0x76, // 'v'
  notificationResponse: 0x41, // 'A'
} as const;

/** Sub-codes of the Authentication ('R') message. */
export const AuthCode = {
  ok: 0,
  cleartextPassword: 3,
  md5Password: 5,
  sasl: 10,
  saslContinue: 11,
  saslFinal: 12,
} as const;

/** The 32-bit code after the length of a startup-phase packet. */
export const StartupCode = {
  protocol3: 196608, // 3 << 16
  sslRequest: 80877103,
  cancelRequest: 80877102,
  gssEncRequest: 80877104,
} as const;

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
export const STARTUP_PACKET_BYTES_MAX = 10_000;
