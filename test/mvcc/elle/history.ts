/**
 * A list-append history in the style of Jepsen's Elle: every append writes a globally unique
 * element, so each read of a key reveals the whole order of the appends it saw.
 */
export type Op =
  | { readonly f: 'r'; readonly key: number; readonly value: readonly number[] }
  | { readonly f: 'append'; readonly key: number; readonly value: number };

export interface TxnRecord {
  readonly id: number;
  /** 'ok' = committed, 'fail' = known aborted. */
  readonly status: 'ok' | 'fail';
  readonly ops: readonly Op[];
}

export type AnomalyType =
  | 'G0'
  | 'G1a'
  | 'G1b'
  | 'G1c'
  | 'G-single'
  | 'G2'
  | 'lost-update'
  | 'lost-append'
  | 'incompatible-order'
  | 'duplicate-elements'
  | 'garbage-read'
  | 'internal';

export type Anomalies = Partial<Record<AnomalyType, string[]>>;

/** Anomalies each consistency model forbids (Adya / Elle), as checked here. */
export const FORBIDDEN: Record<'read committed' | 'snapshot isolation' | 'serializable', readonly AnomalyType[]> = {
  'read committed': ['G0', 'G1a', 'G1b', 'G1c', 'lost-append', 'duplicate-elements', 'garbage-read', 'internal', 'incompatible-order'],
  'snapshot isolation': [
    'G0', 'G1a', 'G1b', 'G1c', 'G-single', 'lost-update', 'lost-append',
    'incompatible-order', 'duplicate-elements', 'garbage-read', 'internal',
  ],
  serializable: [
    'G0', 'G1a', 'G1b', 'G1c', 'G-single', 'G2', 'lost-update', 'lost-append',
    'incompatible-order', 'duplicate-elements', 'garbage-read', 'internal',
  ],
};

/** The forbidden anomalies present in `found`. */
export function violations(found: Anomalies, model: keyof typeof FORBIDDEN): Anomalies {
  const out: Anomalies = {};
  for (const type of FORBIDDEN[model]) {
    const list = found[type];
    if (list !== undefined && list.length > 0) out[type] = list;
  }
  return out;
}
