/**
 * Public surface of src/sql: the Database (SqlDatabase for the wire server, db.query() for
 * embedded use), the session contract, and the parser loader.
 */
export { Database, type DatabaseOptions } from './database.js';
export type { QueryResult } from './embedded.js';
export type * from './session-api.js';
export { loadParser } from './parse.js';
export { SERVER_VERSION, SERVER_VERSION_NUM } from './session/settings.js';
