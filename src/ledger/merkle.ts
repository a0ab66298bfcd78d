import { createHash } from 'node:crypto';

/**
 * Merkle tree hashing, proofs and proof verification exactly as RFC 9162 (Certificate Transparency
 * 2.0) §2.1: SHA-256, leaf hash H(0x00 || leaf), node hash H(0x01 || left || right) — the distinct
 * prefixes stop a leaf from being passed off as an inner node (second-preimage attacks).
 */

const LEAF = Buffer.from([0x00]);
const NODE = Buffer.from([0x01]);

export const EMPTY_ROOT = createHash('sha256').digest();

export function leafHash(leaf: Buffer | string): Buffer {
  return createHash('sha256').update(LEAF).update(leaf).digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE).update(left).update(right).digest();
}

/** Largest power of two strictly smaller than n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The compact form of a growing tree: the roots of its perfect subtrees, largest first (one per set
 * bit of the size). Appending is amortised O(1) hashes and the root is O(log n), so the gateway
 * never re-hashes the log; verification streams every record through one of these.
 */
export class Frontier {
  private readonly roots: Buffer[] = [];
  private readonly heights: number[] = [];
  size = 0;

  push(leaf: Buffer): void {
    let hash = leaf;
    let height = 0;
    while (this.heights.length && this.heights[this.heights.length - 1] === height) {
      this.heights.pop();
      hash = nodeHash(this.roots.pop()!, hash);
      height++;
    }
    this.roots.push(hash);
    this.heights.push(height);
    this.size++;
  }

  /** The subtree roots, largest first: with the size, all it takes to carry on appending. */
  snapshot(): Buffer[] {
    return [...this.roots];
  }

  /** Rebuild from a snapshot; the heights follow from the size's set bits, high to low. */
  static restore(size: number, roots: Buffer[]): Frontier {
    const f = new Frontier();
    for (let height = 52; height >= 0; height--) if (Math.floor(size / 2 ** height) % 2 === 1) f.heights.push(height);
    if (f.heights.length !== roots.length) throw new Error(`a frontier of size ${size} has ${f.heights.length} roots, not ${roots.length}`);
    f.roots.push(...roots);
    f.size = size;
    return f;
  }

  /** MTH of the leaves pushed so far; folding right-to-left matches the RFC's split at the largest power of two. */
  root(): Buffer {
    if (this.roots.length === 0) return EMPTY_ROOT;
    let r = this.roots[this.roots.length - 1];
    for (let i = this.roots.length - 2; i >= 0; i--) r = nodeHash(this.roots[i], r);
    return r;
  }
}

/**
 * A full tree over a list of leaf hashes, for proofs. Every complete aligned subtree's hash is kept
 * per level (about 2n hashes in all, one contiguous buffer per level), so the hash of any subtree
 * the RFC's recursion asks for costs O(log n) instead of re-hashing its leaves.
 */
export class MerkleTree {
  private readonly levels: Buffer[][] = [[]];

  constructor(leaves: Iterable<Buffer> = []) {
    for (const leaf of leaves) this.push(leaf);
  }

  get size(): number {
    return this.levels[0].length;
  }

  push(leaf: Buffer): void {
    this.levels[0].push(leaf);
    let level = 0;
    while (this.levels[level].length % 2 === 0) {
      const row = this.levels[level];
      const parent = nodeHash(row[row.length - 2], row[row.length - 1]);
      if (!this.levels[level + 1]) this.levels[level + 1] = [];
      this.levels[level + 1].push(parent);
      level++;
    }
  }

  leaf(index: number): Buffer {
    return this.levels[0][index];
  }

  /** MTH(D[start : start + n]) for the aligned ranges the RFC recursion produces. */
  private subtree(start: number, n: number): Buffer {
    if (n === 0) return EMPTY_ROOT;
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      const hash = this.levels[level]?.[start / n];
      if (hash) return hash;
    }
    if (n === 1) return this.levels[0][start];
    const k = splitPoint(n);
    return nodeHash(this.subtree(start, k), this.subtree(start + k, n - k));
  }

  root(size = this.size): Buffer {
    this.check(size);
    return this.subtree(0, size);
  }

  /** RFC 9162 §2.1.3.1 PATH(m, D[n]). */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.check(size);
    if (index < 0 || index >= size) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
    const path: Buffer[] = [];
    const walk = (m: number, start: number, n: number): void => {
      if (n <= 1) return;
      const k = splitPoint(n);
      if (m < k) {
        walk(m, start, k);
        path.push(this.subtree(start + k, n - k));
      } else {
        walk(m - k, start + k, n - k);
        path.push(this.subtree(start, k));
      }
    };
    walk(index, 0, size);
    return path;
  }

  /** RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true). */
  consistencyProof(first: number, second = this.size): Buffer[] {
    this.check(second);
    if (first < 0 || first > second) throw new RangeError(`no consistency proof from ${first} to ${second}`);
    if (first === 0 || first === second) return [];
    const proof: Buffer[] = [];
    const sub = (m: number, start: number, n: number, complete: boolean): void => {
      if (m === n) {
        if (!complete) proof.push(this.subtree(start, n));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        sub(m, start, k, complete);
        proof.push(this.subtree(start + k, n - k));
      } else {
        sub(m - k, start + k, n - k, false);
        proof.push(this.subtree(start, k));
      }
    };
    sub(first, 0, second, true);
    return proof;
  }

  private check(size: number): void {
    if (!Number.isInteger(size) || size < 0 || size > this.size) throw new RangeError(`tree has ${this.size} leaves, not ${size}`);
  }
}

/** RFC 9162: "if LSB(fn) is not set, right-shift both fn and sn equally until either LSB(fn) is set or fn is 0". */
function climbRightEdge(fn: number, sn: number): [number, number] {
  while (fn % 2 === 0 && fn !== 0) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return [fn, sn];
}

/** RFC 9162 §2.1.3.2: does `path` prove leaf `hash` at `index` in the tree of `size` with `root`? */
export function verifyInclusion(hash: Buffer, index: number, size: number, path: Buffer[], root: Buffer): boolean {
  if (index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = hash;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      [fn, sn] = climbRightEdge(fn, sn);
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (second, secondRoot) extends (first, firstRoot)? */
export function verifyConsistency(first: number, second: number, firstRoot: Buffer, secondRoot: Buffer, proof: Buffer[]): boolean {
  if (first < 0 || first > second) return false;
  if (first === 0) return proof.length === 0 && firstRoot.equals(EMPTY_ROOT);
  if (first === second) return proof.length === 0 && firstRoot.equals(secondRoot);
  if (proof.length === 0) return false;
  const path = (first & (first - 1)) === 0 ? [firstRoot, ...proof] : [...proof];
  let fn = first - 1;
  let sn = second - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      [fn, sn] = climbRightEdge(fn, sn);
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return fr.equals(firstRoot) && sr.equals(secondRoot) && sn === 0;
}
