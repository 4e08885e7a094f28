/**
 * EXPLAIN text: the physical plan as PostgreSQL prints it with COSTS OFF — one line per node,
 * children indented under "->", details (Filter, Index Cond, Hash Cond, Sort Key…) beneath.
 */
import type { PhysicalPlan } from '../exec/operator.js';
import type { DmlPlan } from '../exec/dml-plan.js';
import { ProjectPlan } from '../exec/project.js';
import { ProjectSetPlan } from '../exec/project-set.js';

export function explainPlan(plan: PhysicalPlan): string[] {
  const lines: string[] = [];
  walk(plan, 0, true, lines);
  return lines;
}

export function explainDml(dml: DmlPlan): string[] {
  const verb = dml.command === 'INSERT' ? 'Insert on' : dml.command === 'UPDATE' ? 'Update on' : 'Delete on';
  const lines = [`${verb} ${dml.targetName}`];
  walk(dml.source, 1, false, lines);
  return lines;
}

function walk(plan: PhysicalPlan, depth: number, top: boolean, lines: string[]): void {
  const node = plan.explain();
  // A Filter over a scan is printed as the scan's own "Filter:" line, as PostgreSQL does.
  if (node.label === 'Filter' && node.children.length === 1) {
    const child = node.children[0] as PhysicalPlan;
    const inner = child.explain();
    emit(inner.label, [...inner.details, ...node.details], depth, top, lines);
    for (const c of inner.children) walk(c, depth + 1, false, lines);
    return;
  }
  // Projections are part of their input's target list in PostgreSQL's plans, not nodes — except
  // one computing over a ProjectSet's results (`unnest(a) + 1`), which PostgreSQL shows as a Result.
  if (node.label === 'Result' && node.children.length === 1) {
    const over = computesOverSets(plan);
    if (over) emit('Result', [], depth, top, lines);
    walk(node.children[0] as PhysicalPlan, over ? depth + 1 : depth, top && !over, lines);
    return;
  }
  emit(node.label, node.details, depth, top, lines);
  const hash = node.label.startsWith('Hash Join');
  node.children.forEach((c, i) => {
    if (hash && i === 1) {
      emit('Hash', [], depth + 1, false, lines);
      walk(c, depth + 2, false, lines);
    } else walk(c, depth + 1, false, lines);
  });
}

function computesOverSets(plan: PhysicalPlan): boolean {
  return plan instanceof ProjectPlan && plan.input instanceof ProjectSetPlan && plan.exprs.some((e) => e.kind !== 'column');
}

function emit(label: string, details: readonly string[], depth: number, top: boolean, lines: string[]): void {
  // PostgreSQL: a child at depth d is indented 6(d-1)+2 spaces before "->  "; its details 6d+2.
  const pad = depth === 0 ? '' : ' '.repeat(depth * 6 - 4);
  lines.push(top || depth === 0 ? label : `${pad}->  ${label}`);
  const detailPad = depth === 0 ? '  ' : ' '.repeat(depth * 6 + 2);
  for (const d of details) lines.push(`${detailPad}${d}`);
}
