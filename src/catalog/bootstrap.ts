/**
 * The descriptors a new store starts with: the `postgres` database with its `public` schema and
 * the bootstrap superuser (oid 10, as PostgreSQL's initdb user); `public` is owned by the
 * predefined role pg_database_owner, as in PostgreSQL 15.
 */
import type { Descriptor } from './descriptors.js';
import { BOOTSTRAP_OID } from './descriptors.js';

export function bootstrapDescriptors(superuser: string): Descriptor[] {
  return [
    {
      kind: 'role',
      oid: BOOTSTRAP_OID.superuser,
      name: superuser,
      superuser: true,
      canLogin: true,
      createDb: true,
      createRole: true,
      password: undefined,
    },
    {
      kind: 'role',
      oid: BOOTSTRAP_OID.databaseOwner,
      name: 'pg_database_owner',
      superuser: false,
      canLogin: false,
      createDb: false,
      createRole: false,
      password: undefined,
    },
    { kind: 'database', oid: BOOTSTRAP_OID.postgresDb, name: 'postgres', ownerOid: BOOTSTRAP_OID.superuser },
    {
      kind: 'schema',
      oid: BOOTSTRAP_OID.publicSchema,
      name: 'public',
      databaseOid: BOOTSTRAP_OID.postgresDb,
      ownerOid: BOOTSTRAP_OID.databaseOwner,
    },
  ];
}
