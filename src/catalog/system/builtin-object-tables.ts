/**
 * The system tables describing PostgreSQL's built-in objects that stratadb has too: routines
 * (pg_proc), operators (pg_operator), languages, the plpgsql extension, and the comments on them
 * (pg_description, pg_shdescription). Registered by index.ts after the other lists, so these
 * definitions win over an empty placeholder of the same name.
 */
import type { SystemTable } from './system-table.js';
import { PG_PROC } from './pg-proc.js';
import { PG_OPERATOR } from './pg-operator.js';
import { PG_EXTENSION, PG_LANGUAGE } from './pg-language-extension.js';
import { PG_DESCRIPTION, PG_SHDESCRIPTION } from './pg-description.js';

export const BUILTIN_OBJECT_TABLES: readonly SystemTable[] = [PG_PROC, PG_OPERATOR, PG_LANGUAGE, PG_EXTENSION, PG_DESCRIPTION, PG_SHDESCRIPTION];
