/**
 * YCSB's ScrambledZipfianGenerator: zipfian popularity, but the popular items are spread over the
 * key space by hashing the rank (site.ycsb.generator.ScrambledZipfianGenerator).
 *
 * - For the constant 0.99 the underlying generator covers [0, 10^10] with the precomputed
 *   ZETAN = 26.46902820178302, exactly as YCSB does; the rank is then mapped to
 *   min + fnvhash64(rank) % itemCount.
 * - Values are in [min, max]; CoreWorkload builds it over [0, recordCount] and redraws any value past
 *   the last inserted key, which `KeyChooser` in workload.ts does.
 */
import { assert } from '../../src/util/index.js';
import { fnvhash64 } from './fnv-hash.js';
import type { RandomSource } from './random-source.js';
import { ZIPFIAN_CONSTANT, ZipfianGenerator } from './zipfian-generator.js';

export const ZETAN = 26.46902820178302;
export const ITEM_COUNT = 10_000_000_000;

export class ScrambledZipfianGenerator {
  private readonly min: number;
  private readonly itemCount: bigint;
  private readonly generator: ZipfianGenerator;

  constructor(min: number, max: number, zipfianConstant: number = ZIPFIAN_CONSTANT) {
    assert(max >= min, 'scrambled zipfian range is empty');
    this.min = min;
    this.itemCount = BigInt(max - min + 1);
    this.generator =
      zipfianConstant === ZIPFIAN_CONSTANT
        ? new ZipfianGenerator(0, ITEM_COUNT, zipfianConstant, ZETAN)
        : new ZipfianGenerator(0, ITEM_COUNT, zipfianConstant);
  }

  next(random: RandomSource): number {
    const rank = this.generator.next(random);
    return this.min + Number(fnvhash64(BigInt(rank)) % this.itemCount);
  }
}
