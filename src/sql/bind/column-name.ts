/**
 * The output column name of a select-list expression without an alias, following PostgreSQL's
 * FigureColname: a column's name, a function's name, a cast's argument name (or its type name),
 * "case", "coalesce", "?column?" otherwise.
 */
import type { Node } from '../parse.js';
import { nodeTag } from '../parse.js';

const SVF_NAMES: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** [name, strength]: strength 2 = a real name, 1 = a type name fallback, 0 = none. */
function figure(node: Node): [string, number] {
  const tag = nodeTag(node);
  const body = (node as unknown as Record<string, Record<string, unknown>>)[tag] ?? {};
  switch (tag) {
    case 'ColumnRef': {
      const fields = (body['fields'] as Node[] | undefined) ?? [];
      const last = fields[fields.length - 1];
      if (last !== undefined && 'String' in last) return [last.String.sval ?? '', 2];
      return ['?column?', 0];
    }
    case 'FuncCall': {
      const names = (body['funcname'] as Node[] | undefined) ?? [];
      const last = names[names.length - 1];
      return [last !== undefined && 'String' in last ? (last.String.sval ?? '') : '?column?', 2];
    }
    case 'TypeCast': {
      const [name, strength] = figure(body['arg'] as Node);
      if (strength > 1) return [name, strength];
      const typeNames = ((body['typeName'] as { names?: Node[] } | undefined)?.names ?? []) as Node[];
      const last = typeNames[typeNames.length - 1];
      return [last !== undefined && 'String' in last ? (last.String.sval ?? '') : name, 1];
    }
    case 'CollateClause':
      return figure(body['arg'] as Node);
    case 'CaseExpr': {
      // PostgreSQL names a CASE after its ELSE result when that has a strong name (a column, a function).
      const [name, strength] = body['defresult'] === undefined ? ['case', 0] : figure(body['defresult'] as Node);
      return strength > 1 ? [name, strength] : ['case', 1];
    }
    case 'CoalesceExpr':
      return ['coalesce', 2];
    case 'GroupingFunc':
      return ['grouping', 2];
    case 'MinMaxExpr':
      return [body['op'] === 'IS_GREATEST' ? 'greatest' : 'least', 2];
    case 'NullIfExpr':
      return ['nullif', 2];
    case 'A_Expr':
      return body['kind'] === 'AEXPR_NULLIF' ? ['nullif', 2] : ['?column?', 0];
    case 'SQLValueFunction':
      return [SVF_NAMES[String(body['op'])] ?? '?column?', 2];
    case 'SubLink': {
      const t = body['subLinkType'];
      if (t === 'EXISTS_SUBLINK') return ['exists', 2];
      if (t === 'ARRAY_SUBLINK') return ['array', 2];
      if (t === 'EXPR_SUBLINK') {
        const select = (body['subselect'] as { SelectStmt?: { targetList?: Node[] } } | undefined)?.SelectStmt;
        const first = select?.targetList?.[0] as { ResTarget?: { name?: string; val?: Node } } | undefined;
        if (first?.ResTarget?.name !== undefined) return [first.ResTarget.name, 2];
        if (first?.ResTarget?.val !== undefined) return figure(first.ResTarget.val);
      }
      return ['?column?', 0];
    }
    case 'A_ArrayExpr':
      return ['array', 2];
    case 'A_Indirection':
      // A subscripted value keeps its name: `a[1]` is "a", as PostgreSQL's FigureColname.
      return figure(body['arg'] as Node);
    default:
      return ['?column?', 0];
  }
}

export function figureColumnName(node: Node): string {
  return figure(node)[0];
}
