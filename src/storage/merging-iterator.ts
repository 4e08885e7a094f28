/**
 * Merges several InternalIterators into one sorted stream (LevelDB's MergingIterator, with a heap).
 *
 * Invariants:
 * - Forward: every valid child is positioned at an entry >= the current one, and the heap is a
 *   min-heap on (key, child index). Reverse: children are at entries <= the current one and the
 *   heap is a max-heap on key (ties still by child index).
 * - Switching direction repositions every non-current child strictly past the current key
 *   (forward: > key, reverse: < key), as LevelDB does, so no entry is skipped or repeated.
 * - Equal internal keys in several children are all yielded, lower child index first; pass the
 *   newest source first.
 * - key()/value() are the current child's views: valid until the next move.
 * - close() closes every child.
 */
import { assert } from '../util/assert.js';
import type { InternalIterator } from './internal-iterator.js';
import { compareInternalKeys } from './internal-key.js';

const FORWARD = 1;
const REVERSE = -1;

export class MergingIterator implements InternalIterator {
  private readonly children: InternalIterator[];
  private readonly heap: Int32Array;
  private size = 0;
  private direction = FORWARD;
  private scratch: Buffer = Buffer.allocUnsafe(64);

  constructor(children: readonly InternalIterator[]) {
    this.children = children.slice();
    this.heap = new Int32Array(children.length);
  }

  valid(): boolean {
    return this.size > 0;
  }

  seekToFirst(): void {
    for (const child of this.children) child.seekToFirst();
    this.rebuild(FORWARD);
  }

  seekToLast(): void {
    for (const child of this.children) child.seekToLast();
    this.rebuild(REVERSE);
  }

  seek(ikey: Uint8Array): void {
    for (const child of this.children) child.seek(ikey);
    this.rebuild(FORWARD);
  }

  seekForPrev(ikey: Uint8Array): void {
    for (const child of this.children) child.seekForPrev(ikey);
    this.rebuild(REVERSE);
  }

  next(): void {
    assert(this.size > 0, 'next() on an invalid iterator');
    if (this.direction !== FORWARD) this.switchToForward();
    const current = this.children[this.heap[0] as number] as InternalIterator;
    current.next();
    this.afterMove(current);
  }

  prev(): void {
    assert(this.size > 0, 'prev() on an invalid iterator');
    if (this.direction !== REVERSE) this.switchToReverse();
    const current = this.children[this.heap[0] as number] as InternalIterator;
    current.prev();
    this.afterMove(current);
  }

  key(): Uint8Array {
    assert(this.size > 0, 'key() on an invalid iterator');
    return (this.children[this.heap[0] as number] as InternalIterator).key();
  }

  value(): Uint8Array {
    assert(this.size > 0, 'value() on an invalid iterator');
    return (this.children[this.heap[0] as number] as InternalIterator).value();
  }

  close(): void {
    for (const child of this.children) child.close();
    this.size = 0;
  }

  private afterMove(current: InternalIterator): void {
    if (!current.valid()) {
      this.size--;
      this.heap[0] = this.heap[this.size] as number;
    }
    if (this.size > 1) this.siftDown(0);
  }

  /** Copies the current key so repositioning other children cannot disturb it. */
  private currentKeyCopy(): Uint8Array {
    const key = this.key();
    if (key.length > this.scratch.length) this.scratch = Buffer.allocUnsafe(Math.max(key.length, this.scratch.length * 2));
    this.scratch.set(key, 0);
    return this.scratch.subarray(0, key.length);
  }

  private switchToForward(): void {
    const key = this.currentKeyCopy();
    const currentIndex = this.heap[0] as number;
    for (let i = 0; i < this.children.length; i++) {
      if (i === currentIndex) continue;
      const child = this.children[i] as InternalIterator;
      child.seek(key);
      if (child.valid() && compareInternalKeys(child.key(), key) === 0) child.next();
    }
    this.rebuild(FORWARD);
  }

  private switchToReverse(): void {
    const key = this.currentKeyCopy();
    const currentIndex = this.heap[0] as number;
    for (let i = 0; i < this.children.length; i++) {
      if (i === currentIndex) continue;
      const child = this.children[i] as InternalIterator;
      child.seekForPrev(key);
      if (child.valid() && compareInternalKeys(child.key(), key) === 0) child.prev();
    }
    this.rebuild(REVERSE);
  }

  private rebuild(direction: number): void {
    this.direction = direction;
    this.size = 0;
    for (let i = 0; i < this.children.length; i++) {
      if ((this.children[i] as InternalIterator).valid()) this.heap[this.size++] = i;
    }
    for (let i = (this.size >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /** True when child a must come out of the heap before child b. */
  private before(a: number, b: number): boolean {
    const c = compareInternalKeys((this.children[a] as InternalIterator).key(), (this.children[b] as InternalIterator).key());
    if (c !== 0) return this.direction === FORWARD ? c < 0 : c > 0;
    return a < b;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const size = this.size;
    let i = start;
    const item = heap[i] as number;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let best = left;
      if (right < size && this.before(heap[right] as number, heap[left] as number)) best = right;
      if (!this.before(heap[best] as number, item)) break;
      heap[i] = heap[best] as number;
      i = best;
    }
    heap[i] = item;
  }
}
