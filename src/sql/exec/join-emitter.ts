/**
 * Outer-join bookkeeping shared by the join operators: NULL padding of unmatched rows and the
 * record of which right rows matched (for RIGHT and FULL joins, emitted after the left side ends).
 */
import type { JoinType } from '../plan/logical-plan.js';
import type { Row } from './compile-expr.js';

export function joinLabel(type: JoinType): string {
  switch (type) {
    case 'left':
      return ' Left Join';
    case 'right':
      return ' Right Join';
    case 'full':
      return ' Full Join';
    default:
      return '';
  }
}

export class JoinEmitter {
  readonly keepsUnmatchedLeft: boolean;
  private readonly matchedRight: Uint8Array | undefined;
  private readonly leftNulls: Row;
  private readonly rightNulls: Row;
  private unmatchedAt = 0;

  constructor(type: JoinType, leftWidth: number, rightWidth: number, rightCount: number) {
    this.keepsUnmatchedLeft = type === 'left' || type === 'full';
    this.matchedRight = type === 'right' || type === 'full' ? new Uint8Array(rightCount) : undefined;
    this.leftNulls = new Array<null>(leftWidth).fill(null);
    this.rightNulls = new Array<null>(rightWidth).fill(null);
  }

  markRight(index: number): void {
    if (this.matchedRight !== undefined) this.matchedRight[index] = 1;
  }

  padLeft(left: Row): Row {
    return left.concat(this.rightNulls);
  }

  /** After the left side ended: the next right row that never matched, padded; or undefined. */
  nextUnmatchedRight(rightRows: readonly Row[]): Row | undefined {
    const matched = this.matchedRight;
    if (matched === undefined) return undefined;
    while (this.unmatchedAt < rightRows.length) {
      const i = this.unmatchedAt++;
      if (matched[i] === 0) return this.leftNulls.concat(rightRows[i] as Row);
    }
    return undefined;
  }
}
