/**
 * What the session reports for a utility statement before running it: its command tag and its
 * result columns (only SHOW returns rows).
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';
import type { OutputColumn } from '../plan/logical-plan.js';
import { TEXT } from '../bind/resolve.js';
import { canonicalSettingName } from '../session/settings.js';
import { SHOW_EXTENSION_COLUMNS } from './show-extension.js';

const OBJECT_NAMES: Record<string, string> = {
  OBJECT_TABLE: 'TABLE',
  OBJECT_INDEX: 'INDEX',
  OBJECT_VIEW: 'VIEW',
  OBJECT_SEQUENCE: 'SEQUENCE',
  OBJECT_SCHEMA: 'SCHEMA',
  OBJECT_DATABASE: 'DATABASE',
  OBJECT_ROLE: 'ROLE',
  OBJECT_COLUMN: 'TABLE',
  OBJECT_TABCONSTRAINT: 'TABLE',
  OBJECT_TYPE: 'TYPE',
  OBJECT_FUNCTION: 'FUNCTION',
};

export function utilityTag(ast: Node): string {
  const tag = nodeTag(ast);
  const body = (ast as unknown as Record<string, Record<string, unknown>>)[tag] ?? {};
  switch (tag) {
    case 'CreateStmt':
      return 'CREATE TABLE';
    case 'IndexStmt':
      return 'CREATE INDEX';
    case 'ViewStmt':
      return 'CREATE VIEW';
    case 'CreateSeqStmt':
      return 'CREATE SEQUENCE';
    case 'AlterSeqStmt':
      return 'ALTER SEQUENCE';
    case 'CreateSchemaStmt':
      return 'CREATE SCHEMA';
    case 'CreatedbStmt':
      return 'CREATE DATABASE';
    case 'DropdbStmt':
      return 'DROP DATABASE';
    case 'CreateRoleStmt':
      return body['stmt_type'] === 'ROLESTMT_USER' ? 'CREATE ROLE' : 'CREATE ROLE';
    case 'AlterRoleStmt':
      return 'ALTER ROLE';
    case 'DropRoleStmt':
      return 'DROP ROLE';
    case 'DropStmt':
      return `DROP ${OBJECT_NAMES[String(body['removeType'])] ?? 'OBJECT'}`;
    case 'AlterTableStmt':
      return body['objtype'] === 'OBJECT_INDEX' ? 'ALTER INDEX' : body['objtype'] === 'OBJECT_SEQUENCE' ? 'ALTER SEQUENCE' : body['objtype'] === 'OBJECT_VIEW' ? 'ALTER VIEW' : 'ALTER TABLE';
    case 'RenameStmt':
      return `ALTER ${OBJECT_NAMES[String(body['renameType'] === 'OBJECT_COLUMN' || body['renameType'] === 'OBJECT_TABCONSTRAINT' ? 'OBJECT_TABLE' : body['renameType'])] ?? 'TABLE'}`;
    case 'TruncateStmt':
      return 'TRUNCATE TABLE';
    case 'VariableSetStmt':
      return body['kind'] === 'VAR_RESET' || body['kind'] === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
    case 'VariableShowStmt':
      return 'SHOW';
    case 'DiscardStmt':
      return 'DISCARD ALL';
    case 'TransactionStmt':
      return transactionTag(String(body['kind']));
    case 'CopyStmt':
      return 'COPY';
    case 'CreateTableAsStmt':
      return 'SELECT';
    case 'AlterOwnerStmt':
      return `ALTER ${String(body['objectType']).replace('OBJECT_', '')}`;
    default:
      return tag.replace(/Stmt$/, '').toUpperCase();
  }
}

function transactionTag(kind: string): string {
  switch (kind) {
    case 'TRANS_STMT_BEGIN':
      return 'BEGIN';
    case 'TRANS_STMT_START':
      return 'START TRANSACTION';
    case 'TRANS_STMT_COMMIT':
      return 'COMMIT';
    case 'TRANS_STMT_SAVEPOINT':
      return 'SAVEPOINT';
    case 'TRANS_STMT_RELEASE':
      return 'RELEASE';
    default:
      return 'ROLLBACK';
  }
}

export function utilityColumns(ast: Node): OutputColumn[] | undefined {
  if (!('VariableShowStmt' in ast)) return undefined;
  const name = ast.VariableShowStmt.name ?? '';
  if (name === 'all') {
    return ['name', 'setting', 'description'].map((n) => ({ name: n, type: TEXT(), typmod: -1, tableOid: 0, attnum: 0 }));
  }
  const extension = SHOW_EXTENSION_COLUMNS[name.toLowerCase()];
  if (extension !== undefined) return extension.map((n) => ({ name: n, type: TEXT(), typmod: -1, tableOid: 0, attnum: 0 }));
  const canonical = canonicalSettingName(name) ?? showAlias(name);
  return [{ name: canonical, type: TEXT(), typmod: -1, tableOid: 0, attnum: 0 }];
}

function showAlias(name: string): string {
  if (name === 'transaction_isolation' || name === 'transaction isolation level') return 'transaction_isolation';
  if (name === 'session_authorization') return 'session_authorization';
  return name;
}
