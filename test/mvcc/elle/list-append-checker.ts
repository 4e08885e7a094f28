/**
 * An Elle-style checker for list-append histories (Kingsbury & Alvaro, "Elle: Inferring
 * Isolation Anomalies from Experimental Observations", VLDB 2020), reduced to what these tests
 * need. From the committed transactions it recovers each key's version order (the longest read,
 * of which every other read must be a prefix), infers write-write, write-read and read-write
 * dependencies, and classifies the cycles of the dependency graph:
 * - G0: a cycle of ww edges; G1c: a cycle of ww/wr edges with a wr edge;
 * - G-single: a cycle with exactly one rw edge; G2: any other cycle with rw edges.
 * It also reports the non-cycle anomalies: G1a (aborted read), G1b (intermediate read), lost
 * update (two committed appends to a key from the same read version), lost append (a committed
 * append missing from the key's final version), incompatible orders, duplicates, garbage reads
 * and internal inconsistencies (a read that misses the transaction's own earlier appends).
 */
import type { Anomalies, AnomalyType, Op, TxnRecord } from './history.js';

type EdgeKind = 'ww' | 'wr' | 'rw';

interface Edge {
  readonly to: number;
  readonly kind: EdgeKind;
}

interface Analysis {
  readonly anomalies: Anomalies;
  readonly writerOf: Map<number, TxnRecord>;
  readonly order: Map<number, readonly number[]>;
}

export function checkListAppend(history: readonly TxnRecord[]): Anomalies {
  const analysis = analyze(history);
  const graph = buildGraph(history, analysis);
  classifyCycles(graph, analysis.anomalies);
  return analysis.anomalies;
}

function report(anomalies: Anomalies, type: AnomalyType, message: string): void {
  (anomalies[type] ??= []).push(message);
}

function analyze(history: readonly TxnRecord[]): Analysis {
  const anomalies: Anomalies = {};
  const writerOf = new Map<number, TxnRecord>();
  for (const txn of history) for (const op of txn.ops) if (op.f === 'append') writerOf.set(op.value, txn);
  const order = new Map<number, readonly number[]>();
  for (const txn of history) {
    if (txn.status !== 'ok') continue;
    checkInternal(txn, anomalies);
    for (const op of txn.ops) {
      if (op.f !== 'r') continue;
      if (new Set(op.value).size !== op.value.length) report(anomalies, 'duplicate-elements', `T${txn.id} read ${fmt(op)}`);
      const longest = order.get(op.key) ?? [];
      if (op.value.length > longest.length) order.set(op.key, op.value);
    }
  }
  for (const txn of history) {
    if (txn.status !== 'ok') continue;
    for (const op of txn.ops) {
      if (op.f !== 'r') continue;
      const longest = order.get(op.key) ?? [];
      if (!isPrefix(op.value, longest)) report(anomalies, 'incompatible-order', `T${txn.id} read ${fmt(op)}, longest ${longest.join(',')}`);
      checkReadSources(txn, op, writerOf, anomalies);
    }
    for (const op of txn.ops) {
      if (op.f === 'append' && !(order.get(op.key) ?? []).includes(op.value)) {
        report(anomalies, 'lost-append', `T${txn.id} committed append ${op.value} to ${op.key}, never in its final version`);
      }
    }
  }
  checkLostUpdates(history, anomalies);
  return { anomalies, writerOf, order };
}

function checkInternal(txn: TxnRecord, anomalies: Anomalies): void {
  const own = new Map<number, number[]>();
  for (const op of txn.ops) {
    if (op.f === 'append') {
      const list = own.get(op.key) ?? [];
      list.push(op.value);
      own.set(op.key, list);
    } else {
      const mine = own.get(op.key) ?? [];
      const tail = op.value.slice(op.value.length - mine.length);
      if (mine.length > 0 && !isPrefix(tail, mine)) report(anomalies, 'internal', `T${txn.id} read ${fmt(op)} after appending ${mine.join(',')}`);
    }
  }
}

function checkReadSources(txn: TxnRecord, op: Op & { f: 'r' }, writerOf: Map<number, TxnRecord>, anomalies: Anomalies): void {
  for (const element of op.value) {
    const writer = writerOf.get(element);
    if (writer === undefined) report(anomalies, 'garbage-read', `T${txn.id} read unknown element ${element}`);
    else if (writer.status === 'fail') report(anomalies, 'G1a', `T${txn.id} read ${element} of aborted T${writer.id}`);
  }
  const external = externalPart(txn, op);
  const last = external[external.length - 1];
  if (last === undefined) return;
  const writer = writerOf.get(last);
  if (writer === undefined || writer.id === txn.id) return;
  const writerAppends = writer.ops.filter((o) => o.f === 'append' && o.key === op.key);
  const final = writerAppends[writerAppends.length - 1];
  if (final !== undefined && final.value !== last) report(anomalies, 'G1b', `T${txn.id} read intermediate ${last} of T${writer.id}`);
}

/** Two committed transactions that read the same version of a key and both appended to it. */
function checkLostUpdates(history: readonly TxnRecord[], anomalies: Anomalies): void {
  const byVersion = new Map<string, number[]>();
  for (const txn of history) {
    if (txn.status !== 'ok') continue;
    const readVersion = new Map<number, string>();
    for (const op of txn.ops) {
      if (op.f === 'r' && !readVersion.has(op.key)) readVersion.set(op.key, op.value.join(','));
      if (op.f === 'append' && readVersion.has(op.key)) {
        const id = `${op.key}@${readVersion.get(op.key) as string}`;
        const list = byVersion.get(id) ?? [];
        if (!list.includes(txn.id)) list.push(txn.id);
        byVersion.set(id, list);
      }
    }
  }
  for (const [version, txns] of byVersion) {
    if (txns.length > 1) report(anomalies, 'lost-update', `T${txns.join(', T')} all read ${version} and appended to it`);
  }
}

function buildGraph(history: readonly TxnRecord[], analysis: Analysis): Map<number, Edge[]> {
  const graph = new Map<number, Edge[]>();
  const add = (from: number, to: number, kind: EdgeKind): void => {
    if (from === to) return;
    const edges = graph.get(from) ?? [];
    edges.push({ to, kind });
    graph.set(from, edges);
  };
  for (const txn of history) if (txn.status === 'ok') graph.set(txn.id, graph.get(txn.id) ?? []);
  for (const versions of analysis.order.values()) {
    for (let i = 1; i < versions.length; i++) {
      const a = analysis.writerOf.get(versions[i - 1] as number);
      const b = analysis.writerOf.get(versions[i] as number);
      if (a !== undefined && b !== undefined && a.status === 'ok' && b.status === 'ok') add(a.id, b.id, 'ww');
    }
  }
  for (const txn of history) {
    if (txn.status !== 'ok') continue;
    for (const op of txn.ops) {
      if (op.f !== 'r') continue;
      const external = externalPart(txn, op);
      const last = external[external.length - 1];
      const source = last === undefined ? undefined : analysis.writerOf.get(last);
      if (source !== undefined && source.status === 'ok') add(source.id, txn.id, 'wr');
      const versions = analysis.order.get(op.key) ?? [];
      const next = analysis.writerOf.get(versions[external.length] as number);
      if (next !== undefined && next.status === 'ok') add(txn.id, next.id, 'rw');
    }
  }
  return graph;
}

/** The part of a read not written by the reading transaction itself. */
function externalPart(txn: TxnRecord, op: Op & { f: 'r' }): readonly number[] {
  const mine = new Set<number>();
  for (const other of txn.ops) if (other.f === 'append' && other.key === op.key) mine.add(other.value);
  let end = op.value.length;
  while (end > 0 && mine.has(op.value[end - 1] as number)) end--;
  return op.value.slice(0, end);
}

function classifyCycles(graph: Map<number, Edge[]>, anomalies: Anomalies): void {
  const kinds = (allowed: readonly EdgeKind[]): Map<number, Edge[]> => filterGraph(graph, allowed);
  for (const scc of stronglyConnected(kinds(['ww']))) report(anomalies, 'G0', `ww cycle among T${scc.join(', T')}`);
  const wwwr = kinds(['ww', 'wr']);
  for (const scc of stronglyConnected(wwwr)) {
    if (hasInternalEdge(wwwr, scc, 'wr')) report(anomalies, 'G1c', `ww/wr cycle among T${scc.join(', T')}`);
  }
  for (const scc of stronglyConnected(graph)) {
    if (!hasInternalEdge(graph, scc, 'rw')) continue;
    const single = findSingleRw(graph, wwwr, new Set(scc));
    if (single !== undefined) report(anomalies, 'G-single', single);
    else report(anomalies, 'G2', `cycle with several rw edges among T${scc.slice(0, 12).join(', T')}`);
  }
}

function filterGraph(graph: Map<number, Edge[]>, allowed: readonly EdgeKind[]): Map<number, Edge[]> {
  const out = new Map<number, Edge[]>();
  for (const [node, edges] of graph) out.set(node, edges.filter((e) => allowed.includes(e.kind)));
  return out;
}

function hasInternalEdge(graph: Map<number, Edge[]>, scc: readonly number[], kind: EdgeKind): boolean {
  const members = new Set(scc);
  return scc.some((node) => (graph.get(node) ?? []).some((e) => e.kind === kind && members.has(e.to)));
}

/** A cycle with exactly one rw edge a→b: b reaches a over ww/wr edges. */
function findSingleRw(graph: Map<number, Edge[]>, wwwr: Map<number, Edge[]>, members: Set<number>): string | undefined {
  for (const a of members) {
    for (const edge of graph.get(a) ?? []) {
      if (edge.kind !== 'rw' || !members.has(edge.to)) continue;
      if (reaches(wwwr, edge.to, a, members)) return `T${a} -rw-> T${edge.to} ~ww/wr~> T${a}`;
    }
  }
  return undefined;
}

function reaches(graph: Map<number, Edge[]>, from: number, to: number, members: Set<number>): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length > 0) {
    const node = stack.pop() as number;
    if (node === to) return true;
    for (const edge of graph.get(node) ?? []) {
      if (members.has(edge.to) && !seen.has(edge.to)) {
        seen.add(edge.to);
        stack.push(edge.to);
      }
    }
  }
  return false;
}

/** Tarjan's algorithm, iterative; returns only components with more than one node. */
function stronglyConnected(graph: Map<number, Edge[]>): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<{ node: number; edge: number }> = [{ node: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1] as { node: number; edge: number };
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const next = (edges[frame.edge++] as Edge).to;
        if (!index.has(next)) {
          index.set(next, counter);
          low.set(next, counter++);
          stack.push(next);
          onStack.add(next);
          work.push({ node: next, edge: 0 });
        } else if (onStack.has(next)) low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(next) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack.pop() as number;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      if (component.length > 1) out.push(component.sort((x, y) => x - y));
    }
  }
  return out;
}

function isPrefix(prefix: readonly number[], list: readonly number[]): boolean {
  if (prefix.length > list.length) return false;
  for (let i = 0; i < prefix.length; i++) if (prefix[i] !== list[i]) return false;
  return true;
}

function fmt(op: Op): string {
  return op.f === 'r' ? `r(${op.key})=[${op.value.join(',')}]` : `append(${op.key}, ${op.value})`;
}
