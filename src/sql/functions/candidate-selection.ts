/**
 * PostgreSQL's choice among overloaded operators and functions (parse_func.c func_select_candidate,
 * parse_oper.c oper_select_candidate), over candidates described by their argument type oids.
 * Steps: exact match (for a binary operator, an unknown side takes the other side's type) →
 * keep candidates every input coerces to implicitly → most exact matches → most exact-or-preferred
 * matches → unknown inputs pick the string category if any candidate takes it, else the one
 * category all take, preferring preferred types → unknowns as the common known type → ambiguous.
 * Polymorphic parameters (anyelement, anyarray, anynonarray, anycompatible…) accept any matching
 * input; resolvePolymorphic() then binds them to concrete types.
 */
import { OID, arrayOf, typeByOid, TEXT, TypeCategory, type SqlType } from '../../catalog/types/index.js';
import { canCoerce } from './casts.js';

export interface Candidate {
  readonly args: readonly number[];
}

export type Selection<C> = { kind: 'found'; candidate: C } | { kind: 'none' } | { kind: 'ambiguous' };

const ANY_LIKE = new Set<number>([OID.anyelement, OID.any, OID.anycompatible]);
const ARRAY_LIKE = new Set<number>([OID.anyarray, OID.anycompatiblearray]);
const NON_ARRAY_LIKE = new Set<number>([OID.anynonarray, OID.anycompatiblenonarray]);

export function isPolymorphic(oid: number): boolean {
  return ANY_LIKE.has(oid) || ARRAY_LIKE.has(oid) || NON_ARRAY_LIKE.has(oid);
}

/** Whether an input of type `input` can be passed where `param` is declared (implicitly). */
export function acceptsInput(input: SqlType, param: number): boolean {
  if (input.oid === param) return true;
  if (ANY_LIKE.has(param)) return true;
  if (ARRAY_LIKE.has(param)) return input.oid === OID.unknown || input.element !== undefined;
  if (NON_ARRAY_LIKE.has(param)) return input.element === undefined;
  const target = typeByOid(param);
  return target !== undefined && canCoerce(input, target, 'i');
}

function categoryOf(oid: number): string {
  return typeByOid(oid)?.category ?? TypeCategory.pseudo;
}

function isPreferred(oid: number, category: string): boolean {
  const t = typeByOid(oid);
  return t !== undefined && t.preferred && t.category === category;
}

function keepBest<C extends Candidate>(cands: C[], score: (c: C) => number): C[] {
  let best = -1;
  let out: C[] = [];
  for (const c of cands) {
    const s = score(c);
    if (s > best) {
      best = s;
      out = [c];
    } else if (s === best) out.push(c);
  }
  return out;
}

function filterUnknowns<C extends Candidate>(inputs: readonly SqlType[], cands: C[]): C[] {
  let current = cands;
  for (let i = 0; i < inputs.length; i++) {
    if ((inputs[i] as SqlType).oid !== OID.unknown) continue;
    let category: string | undefined;
    let conflict = false;
    for (const c of current) {
      const cat = categoryOf(c.args[i] as number);
      if (category === undefined) category = cat;
      else if (cat !== category) {
        if (cat === TypeCategory.string) category = cat;
        else if (category !== TypeCategory.string) conflict = true;
      }
    }
    if (category === undefined || (conflict && category !== TypeCategory.string)) return cands;
    const chosen = category;
    const hasPreferred = current.some((c) => categoryOf(c.args[i] as number) === chosen && isPreferred(c.args[i] as number, chosen));
    current = current.filter((c) => {
      const arg = c.args[i] as number;
      return categoryOf(arg) === chosen && (!hasPreferred || isPreferred(arg, chosen));
    });
  }
  return current.length === 0 ? cands : current;
}

/** Runs PostgreSQL's selection over candidates of the right arity. */
export function selectCandidate<C extends Candidate>(inputs: readonly SqlType[], all: readonly C[], binaryOperator = false): Selection<C> {
  const sized = all.filter((c) => c.args.length === inputs.length);
  const exact = sized.find((c) => c.args.every((a, i) => a === (inputs[i] as SqlType).oid));
  if (exact !== undefined) return { kind: 'found', candidate: exact };
  if (binaryOperator && inputs.length === 2) {
    const [l, r] = inputs as [SqlType, SqlType];
    const known = l.oid === OID.unknown ? r : r.oid === OID.unknown ? l : undefined;
    if (known !== undefined && known.oid !== OID.unknown) {
      const found = sized.find((c) => c.args[0] === known.oid && c.args[1] === known.oid);
      if (found !== undefined) return { kind: 'found', candidate: found };
    }
  }
  let cands = sized.filter((c) => c.args.every((a, i) => acceptsInput(inputs[i] as SqlType, a)) && polymorphicConsistent(inputs, c.args));
  if (cands.length <= 1) return cands.length === 1 ? { kind: 'found', candidate: cands[0] as C } : { kind: 'none' };
  cands = keepBest(cands, (c) => c.args.filter((a, i) => a === (inputs[i] as SqlType).oid && a !== OID.unknown).length);
  if (cands.length === 1) return { kind: 'found', candidate: cands[0] as C };
  cands = keepBest(cands, (c) =>
    c.args.filter((a, i) => {
      const input = inputs[i] as SqlType;
      return input.oid !== OID.unknown && (a === input.oid || isPreferred(a, input.category));
    }).length,
  );
  if (cands.length === 1) return { kind: 'found', candidate: cands[0] as C };
  if (inputs.some((t) => t.oid === OID.unknown)) {
    cands = filterUnknowns(inputs, cands);
    if (cands.length === 1) return { kind: 'found', candidate: cands[0] as C };
    const known = inputs.filter((t) => t.oid !== OID.unknown);
    if (known.length > 0 && known.every((t) => t.oid === (known[0] as SqlType).oid)) {
      const common = known[0] as SqlType;
      const assumed = inputs.map((t) => (t.oid === OID.unknown ? common : t));
      const fits = cands.filter((c) => c.args.every((a, i) => acceptsInput(assumed[i] as SqlType, a)) && polymorphicConsistent(assumed, c.args));
      if (fits.length === 1) return { kind: 'found', candidate: fits[0] as C };
    }
  }
  return { kind: 'ambiguous' };
}

/**
 * check_generic_type_consistency: every anyelement/anynonarray input has one type, and every
 * anyarray input is an array of it (unknown inputs are unconstrained).
 */
export function polymorphicConsistent(inputs: readonly SqlType[], params: readonly number[]): boolean {
  let element: number | undefined;
  const hasArrayParam = params.some((p) => ARRAY_LIKE.has(p));
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as number;
    const input = inputs[i] as SqlType;
    if (input.oid === OID.unknown || !isPolymorphic(p) || p === OID.any) continue;
    const e = ARRAY_LIKE.has(p) ? input.element?.oid : input.oid;
    if (e === undefined) return false;
    // An array bound to anyelement would need an array-of-arrays type, which does not exist.
    if (hasArrayParam && !ARRAY_LIKE.has(p) && input.element !== undefined) return false;
    if (element !== undefined && element !== e && !(ANY_LIKE.has(p) && p === OID.anycompatible)) return false;
    element = e;
  }
  return true;
}

/**
 * Binds polymorphic parameters: the element type comes from anyarray inputs or from
 * anyelement/anynonarray inputs; unknown-only polymorphic inputs become text. Returns the
 * concrete parameter types and a resolver for a polymorphic result type.
 */
export function resolvePolymorphic(inputs: readonly SqlType[], params: readonly number[], result: number): { params: SqlType[]; result: SqlType } {
  let element: SqlType | undefined;
  params.forEach((p, i) => {
    const input = inputs[i] as SqlType;
    if (element !== undefined || input.oid === OID.unknown) return;
    if (ARRAY_LIKE.has(p)) element = input.element;
    else if (ANY_LIKE.has(p) || NON_ARRAY_LIKE.has(p)) element = input;
  });
  const elem = element ?? TEXT;
  const bind = (p: number, i: number): SqlType => {
    if (ARRAY_LIKE.has(p)) {
      // An int2vector / oidvector argument stays itself (its zero lower bound shows in array_lower).
      const input = i >= 0 ? inputs[i] : undefined;
      return input?.lowerBound !== undefined && input.element === elem ? input : (arrayOf(elem) ?? elem);
    }
    if (ANY_LIKE.has(p) || NON_ARRAY_LIKE.has(p)) return i >= 0 && p === OID.any ? (inputs[i] as SqlType) : elem;
    return typeByOid(p) as SqlType;
  };
  return { params: params.map(bind), result: bind(result, -1) };
}
