/**
 * YCSB's ZipfianGenerator (Gray et al., "Quickly Generating Billion-Record Synthetic Databases",
 * SIGMOD 1994), transcribed from site.ycsb.generator.ZipfianGenerator: item `base` is the most
 * popular, then `base + 1`, and so on.
 *
 * - Same constants and arithmetic as the Java original: theta = zipfian constant (0.99), zeta(2),
 *   alpha = 1/(1-theta), eta, and the `(long)` cast (truncation toward zero).
 * - zeta(n) may be supplied (ScrambledZipfianGenerator passes its precomputed ZETAN), since summing
 *   10^10 terms is not an option at start-up.
 */
import { assert } from '../../src/util/index.js';
import type { RandomSource } from './random-source.js';

export const ZIPFIAN_CONSTANT = 0.99;

/** zeta(n, theta) = sum over i in [1, n] of 1 / i^theta. */
export function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += 1 / Math.pow(i + 1, theta);
  return sum;
}

export class ZipfianGenerator {
  readonly items: number;
  private readonly base: number;
  private readonly theta: number;
  private readonly alpha: number;
  private readonly zetan: number;
  private readonly eta: number;
  private readonly halfPowTheta: number;

  /** Items in [min, max]; `zetan` is zeta(max - min + 1, constant) if known. */
  constructor(min: number, max: number, zipfianConstant: number = ZIPFIAN_CONSTANT, zetan?: number) {
    assert(max >= min, 'zipfian range is empty');
    assert(zipfianConstant > 0 && zipfianConstant < 1, 'zipfian constant must be in (0, 1)');
    this.items = max - min + 1;
    this.base = min;
    this.theta = zipfianConstant;
    const zeta2theta = zeta(2, this.theta);
    this.alpha = 1 / (1 - this.theta);
    this.zetan = zetan ?? zeta(this.items, this.theta);
    this.eta = (1 - Math.pow(2 / this.items, 1 - this.theta)) / (1 - zeta2theta / this.zetan);
    this.halfPowTheta = Math.pow(0.5, this.theta);
  }

  /** ZipfianGenerator.nextLong(items): the next rank, drawing one uniform double from `random`. */
  next(random: RandomSource): number {
    const u = random.nextDouble();
    const uz = u * this.zetan;
    if (uz < 1) return this.base;
    if (uz < 1 + this.halfPowTheta) return this.base + 1;
    return this.base + Math.trunc(this.items * Math.pow(this.eta * u - this.eta + 1, this.alpha));
  }
}
