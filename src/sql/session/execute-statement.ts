/**
 * EXECUTE name [(arg, …)]: runs a named prepared statement (SQL PREPARE or a protocol Parse) with
 * the arguments as its parameters, as PostgreSQL's EvaluateParams does.
 *
 * - The arguments are bound without a FROM clause and coerced to the statement's parameter types
 *   with assignment rules (EXECUTE ins(1.5) into an int parameter rounds); a type that cannot be
 *   coerced is 42804, a wrong count 42601, a subquery 0A000, a parameter ($1) 42P02 — PostgreSQL's
 *   texts (an EXECUTE sent with parameters of its own over the extended protocol is not supported).
 * - They are evaluated once, when EXECUTE is bound, in the session's transaction (or a short
 *   read-only one): constants and functions of the session, never rows.
 * - The portal runs the named statement's plan (shared, from the plan cache) in the EXECUTE's
 *   place: its position in a simple-query batch decides when the implicit transaction commits, and
 *   its command tag and rows are the named statement's.
 */
import type { FormatCode, Portal } from '../session-api.js';
import type { Node } from '../parse.js';
import type { Value } from '../../catalog/types/sql-type.js';
import { SqlError, SQLSTATE } from '../../util/index.js';
import { bindExpr } from '../bind/bind-expr.js';
import { coerce } from '../bind/resolve.js';
import { Scope } from '../bind/scope.js';
import { compileExpr } from '../exec/compile-expr.js';
import { firstNode } from '../bind/ast-util.js';
import { SqlPrepared } from './prepared.js';
import { SqlPortal } from './portal.js';
import type { Session } from './session.js';

interface ExecuteStmt {
  readonly name?: string;
  readonly params?: readonly Node[];
}

const NO_ROW: Value[] = [];

/** The portal of `EXECUTE …` (`outer`): the named statement's, bound to the evaluated arguments. */
export function bindExecute(session: Session, outer: SqlPrepared, resultFormats: readonly FormatCode[]): Portal {
  // In a failed block the EXECUTE itself fails when it runs (25P02), arguments unevaluated.
  if (session.block.mode === 'failed') return new SqlPortal(session, outer, [], [], resultFormats);
  const stmt = (outer.ast as { ExecuteStmt: ExecuteStmt }).ExecuteStmt;
  const name = stmt.name ?? '';
  const target = session.statements.get(name);
  if (target === undefined) throw new SqlError('26000', `prepared statement "${name}" does not exist`);
  if (!(target instanceof SqlPrepared) || target.isEmpty) {
    return new SqlPortal(session, new SqlPrepared(session, '', undefined, [], outer.batch), [], [], resultFormats);
  }
  const values = evaluateArguments(session, name, target, stmt.params ?? []);
  // Runs in the EXECUTE's place (its batch position), on the named statement's plan.
  const inPlace = new SqlPrepared(session, target.text, target.ast, target.declaredParamOids, outer.batch);
  inPlace.sharePlanOf(target);
  target.executions++;
  return new SqlPortal(session, inPlace, [], [], resultFormats, values);
}

function evaluateArguments(session: Session, name: string, target: SqlPrepared, args: readonly Node[]): Value[] {
  const expected = session.planFor(target).paramTypes;
  if (args.length !== expected.length) {
    throw new SqlError(SQLSTATE.syntaxError, `wrong number of parameters for prepared statement "${name}"`, {
      detail: `Expected ${expected.length} parameters but got ${args.length}.`,
    });
  }
  if (args.length === 0) return [];
  return session.withReadTxn((txn) => {
    const catalog = session.catalogFor(txn);
    const bind = session.bindContext(catalog, [], '');
    const ctx = session.execContext(txn, catalog, []);
    const env = { ctx: bind, scope: Scope.empty(), aggs: undefined, clause: 'EXECUTE parameters' };
    return args.map((arg, i) => {
      rejectArgument(arg);
      const bound = bindExpr(arg, env);
      const type = expected[i]!;
      const location = locationOf(arg);
      let coerced;
      try {
        coerced = coerce(bind, bound, type, -1, 'assignment', location);
      } catch (error) {
        if (!(error instanceof SqlError) || (error.code !== '42846' && error.code !== '42804')) throw error;
        throw new SqlError('42804', `parameter $${i + 1} of type ${bound.type.sqlName} cannot be coerced to the expected type ${type.sqlName}`, {
          hint: 'You will need to rewrite or cast the expression.',
          ...(location === undefined ? {} : { position: location + 1 }),
        });
      }
      return compileExpr(coerced)(NO_ROW, ctx);
    });
  });
}

/** PostgreSQL's refusals of an EXECUTE argument: a subquery (0A000); a parameter, which a simple query has none of (42P02). */
function rejectArgument(arg: Node): void {
  const sublink = firstNode(arg, (n) => 'SubLink' in n);
  if (sublink !== undefined) throw withLocation(SQLSTATE.featureNotSupported, 'cannot use subquery in EXECUTE parameter', sublink);
  const param = firstNode(arg, (n) => 'ParamRef' in n);
  if (param === undefined) return;
  const number = (param as { ParamRef: { number?: number } }).ParamRef.number ?? 0;
  throw withLocation('42P02', `there is no parameter $${number}`, param);
}

function withLocation(code: string, message: string, node: Node): SqlError {
  const location = locationOf(node);
  return new SqlError(code, message, location === undefined ? {} : { position: location + 1 });
}

function locationOf(node: Node): number | undefined {
  const body = Object.values(node)[0] as { location?: number } | undefined;
  return body?.location !== undefined && body.location >= 0 ? body.location : undefined;
}
