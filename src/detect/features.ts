import type { Embeddings } from './embeddings.js';
import type { ConceptHits } from './rules.js';
import { HashTable } from './hash-table.js';
import { NEGATOR_HASHES, STOPWORD_HASHES, mix } from './tokens.js';

/**
 * Feature vector shared by training and inference (one sparse vector per text):
 *   [0, dims)                 mean unit word vector of content words (generalises across wording)
 *   [dims, dims+C)            policy concepts present (engagement verb, "without operator", "everyone", …)
 *   [dims+C, dims+C+C*C)      pairs of concepts present together (what the red lines are about:
 *                             selection AND engagement AND no human; scale AND personal data)
 *   [hashBase, hashBase+2^b)  hashed word unigrams and bigrams, scaled by 1/sqrt(count)
 * Words are hashed while the text is scanned, so no token strings are allocated on the hot path.
 */

export interface FeatureLayout {
  dims: number;
  concepts: number;
  hashBits: number;
  /**
   * Words in the scope of a negation (up to NEGATION_SPAN words after "no", "without", … in the
   * same clause) are hashed as different unigrams, so "no manual confirmation" and "manual
   * confirmation" are different evidence. Absent in older artefacts.
   */
  negation?: boolean;
}

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
  /** Number of used entries in idx/val (the arrays may be longer scratch buffers). */
  length: number;
  /** Entries [0, dense) index the dense part (< hashBase); the rest are hashed n-grams. */
  dense: number;
  /** Mean unit word vector (also used for nearest-neighbour exemplars). */
  mean: Float32Array;
  /** Concept bits in model order (input of the hidden layer with `mean`). */
  concepts: Uint8Array;
}

/** Dense input of the hidden layer: mean word vector then concept bits. */
export function denseInput(x: SparseVector, out: Float32Array | Float64Array): Float32Array | Float64Array {
  out.set(x.mean, 0);
  for (let i = 0; i < x.concepts.length; i++) out[x.mean.length + i] = x.concepts[i]!;
  return out;
}

const EMBED_WEIGHT = 2;

export function featureCount(l: FeatureLayout): number {
  return hashBase(l) + (1 << l.hashBits);
}

export function hashBase(l: FeatureLayout): number {
  return l.dims + l.concepts + l.concepts * l.concepts;
}

/** Reusable buffers so a screen allocates almost nothing (evaluation is synchronous). */
export class Scratch {
  idx = new Int32Array(1024);
  val = new Float32Array(1024);
  hashes = new Int32Array(1024);
  /** Embedding rows of the content words, in text order. */
  rows = new Int32Array(512);
  /** Mean word vector buffer (length = layout dims once used). */
  mean = new Float32Array(0);
  ensure(n: number): void {
    if (this.idx.length >= n) return;
    const size = Math.max(n, this.idx.length * 2);
    this.idx = new Int32Array(size);
    this.val = new Float32Array(size);
  }
  ensureHashes(n: number): void {
    if (this.hashes.length < n) this.hashes = new Int32Array(Math.max(n, this.hashes.length * 2));
    if (this.rows.length < n) this.rows = new Int32Array(Math.max(n, this.rows.length * 2));
  }
}

const STOP = new HashTable(STOPWORD_HASHES.size);
for (const h of STOPWORD_HASHES) STOP.set(h, 0);

const NEGATORS = new HashTable(NEGATOR_HASHES.size);
for (const h of NEGATOR_HASHES) NEGATORS.set(h, 0);
const NEGATION_SPAN = 4;
const NEGATED = 0x5bd1e995;
/** . , ; : ! ? ( ) and newline end a clause, and with it a negation's scope. */
const endsClause = (c: number) => c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 40 || c === 41 || c === 10;

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 39 || c === 45;

/**
 * Features of normalised text. With `scratch`, the result's arrays (mean included) are the scratch
 * buffers and are only valid until the next call; without it, fresh arrays (training).
 */
export function featurise(normalised: string, hits: ConceptHits, emb: Embeddings, layout: FeatureLayout, scratch?: Scratch): SparseVector {
  const s = scratch ?? new Scratch();
  if (s.mean.length !== layout.dims) s.mean = new Float32Array(layout.dims);
  else s.mean.fill(0);
  const mean = s.mean;
  const mask = (1 << layout.hashBits) - 1;
  s.ensureHashes(normalised.length + 2);
  let nh = 0;
  let n = 0;
  let prev = -1;
  let negated = 0;
  const negation = layout.negation === true;
  const len = normalised.length;
  for (let i = 0; i < len; ) {
    let c = normalised.charCodeAt(i);
    if (!isWordChar(c) || c === 39 || c === 45) {
      if (negated && endsClause(c)) negated = 0;
      i++;
      continue;
    }
    // FNV-1a over the token's characters.
    let h = 0x811c9dc5;
    while (i < len && isWordChar((c = normalised.charCodeAt(i)))) {
      h ^= c;
      h = Math.imul(h, 0x01000193);
      i++;
    }
    h >>>= 0;
    if (negation && negated > 0) {
      s.hashes[nh++] = mix(h, NEGATED) & mask;
      negated--;
    } else s.hashes[nh++] = h & mask;
    if (negation && NEGATORS.get(h) >= 0) negated = NEGATION_SPAN;
    if (prev >= 0) s.hashes[nh++] = mix(prev, h) & mask;
    prev = h;
    if (STOP.get(h) < 0) {
      const row = emb.rowOfHash(h);
      if (row >= 0) s.rows[n++] = row;
    }
  }
  emb.addRows(s.rows, n, mean);
  let norm = 0;
  for (let d = 0; d < layout.dims; d++) norm += mean[d]! * mean[d]!;
  norm = Math.sqrt(norm);
  if (n > 0 && norm > 0) for (let d = 0; d < layout.dims; d++) mean[d]! /= norm;

  let on = 0;
  for (let i = 0; i < hits.length; i++) if (hits[i]) on++;
  const size = layout.dims + on + (on * (on - 1)) / 2 + nh;
  if (scratch) scratch.ensure(size);
  const idx = scratch ? scratch.idx : new Int32Array(size);
  const val = scratch ? scratch.val : new Float32Array(size);
  let k = 0;
  for (let d = 0; d < layout.dims; d++, k++) {
    idx[k] = d;
    val[k] = mean[d]! * EMBED_WEIGHT;
  }
  const pairBase = layout.dims + layout.concepts;
  for (let a = 0; a < hits.length; a++) {
    if (!hits[a]) continue;
    idx[k] = layout.dims + a;
    val[k++] = 1;
    for (let b = a + 1; b < hits.length; b++) {
      if (!hits[b]) continue;
      idx[k] = pairBase + a * layout.concepts + b;
      val[k++] = 1;
    }
  }
  const dense = k;
  const hb = hashBase(layout);
  const hv = nh ? 1 / Math.sqrt(nh) : 0;
  for (let j = 0; j < nh; j++) {
    idx[k] = hb + s.hashes[j]!;
    val[k++] = hv;
  }
  return { idx, val, length: k, dense, mean, concepts: hits };
}
