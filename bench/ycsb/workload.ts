/**
 * The YCSB core workloads this benchmark runs (workloads/workloada, workloadc, workloadf of YCSB),
 * and the per-connection choosers CoreWorkload uses: operation, key, field, and field value.
 *
 * - Proportions are YCSB's: A = 50 % read / 50 % update, C = 100 % read,
 *   F = 50 % read / 50 % read-modify-write; requestdistribution = zipfian (scrambled, 0.99).
 * - Keys: the scrambled zipfian generator spans [0, recordCount] (CoreWorkload adds the expected
 *   inserts, zero here); a draw past the last loaded record is redrawn (CoreWorkload.nextKeynum).
 * - Values: 100 characters in [' ', DEL] like YCSB's RandomByteIterator; one field per update
 *   (writeallfields=false), chosen uniformly.
 */
import { assert } from '../../src/util/index.js';
import type { RandomSource } from './random-source.js';
import { ScrambledZipfianGenerator } from './scrambled-zipfian-generator.js';

export type OperationKind = 'read' | 'update' | 'rmw';
export type WorkloadName = 'A' | 'C' | 'F';

export interface Workload {
  readonly name: WorkloadName;
  readonly description: string;
  readonly readProportion: number;
  readonly updateProportion: number;
  readonly rmwProportion: number;
}

export const WORKLOADS: Readonly<Record<WorkloadName, Workload>> = {
  A: { name: 'A', description: 'update heavy: 50% read, 50% update', readProportion: 0.5, updateProportion: 0.5, rmwProportion: 0 },
  C: { name: 'C', description: 'read only: 100% read', readProportion: 1, updateProportion: 0, rmwProportion: 0 },
  F: { name: 'F', description: 'read-modify-write: 50% read, 50% RMW', readProportion: 0.5, updateProportion: 0, rmwProportion: 0.5 },
};

export const FIELD_COUNT = 10;
export const FIELD_LENGTH = 100;

/** DiscreteGenerator over the workload's operation proportions. */
export function chooseOperation(workload: Workload, random: RandomSource): OperationKind {
  const total = workload.readProportion + workload.updateProportion + workload.rmwProportion;
  let value = random.nextDouble() * total;
  if (value < workload.readProportion) return 'read';
  value -= workload.readProportion;
  if (value < workload.updateProportion) return 'update';
  return 'rmw';
}

/** CoreWorkload.nextKeynum for the zipfian request distribution. */
export class KeyChooser {
  private readonly generator: ScrambledZipfianGenerator;

  constructor(private readonly recordCount: number) {
    assert(recordCount > 0, 'record count must be positive');
    this.generator = new ScrambledZipfianGenerator(0, recordCount);
  }

  next(random: RandomSource): number {
    let keyNumber: number;
    do keyNumber = this.generator.next(random);
    while (keyNumber > this.recordCount - 1);
    return keyNumber;
  }
}

/** A field value of FIELD_LENGTH characters, each ' ' + (random & 95), as RandomByteIterator. */
export function fieldValue(random: RandomSource, scratch: Buffer): string {
  assert(scratch.length === FIELD_LENGTH, 'scratch buffer must be FIELD_LENGTH bytes');
  for (let i = 0; i < FIELD_LENGTH; i += 4) {
    const bits = random.nextUint32();
    for (let j = 0; j < 4 && i + j < FIELD_LENGTH; j++) scratch[i + j] = 32 + ((bits >>> (j * 8)) & 95);
  }
  return scratch.toString('latin1');
}
