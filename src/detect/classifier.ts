import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Embeddings } from './embeddings.js';
import { Scratch, denseInput, featurise, hashBase, type FeatureLayout, type SparseVector } from './features.js';
import type { ConceptHits } from './rules.js';

/**
 * Stage 4: the embedded trained classifier. One logistic head per trained category over the
 * features of features.ts; trained by scripts/train.ts (seeded) and shipped as models/detector.json
 * plus the word-vector slice models/embeddings.bin.
 */

export const MODEL_FORMAT = 'redline-detector/1';

export interface HeadArtefact {
  bias: number;
  /** base64 Float32 weights for the dense part (embedding, concepts, concept pairs). */
  dense: string;
  /** base64 Uint32 indices and Float32 values of the non-zero hashed n-gram weights. */
  hashIdx: string;
  hashVal: string;
  /** Optional hidden layer over [mean word vector, concept bits]: tanh(U·d + c)·v added to the logit. */
  mlp?: { inputs: number; hidden: number; U: string; c: string; v: string };
}

export interface ModelArtefact {
  format: string;
  seed: number;
  corpus: { rows: number; sha256: string };
  layout: FeatureLayout;
  conceptNames: string[];
  embeddings: string;
  heads: Record<string, HeadArtefact>;
}

interface Head {
  bias: number;
  mlp?: { inputs: number; hidden: number; U: Float32Array; c: Float32Array; v: Float32Array };
}

export class Classifier {
  /** Heads in artefact order; `scores` fills one value per head in this order. */
  private readonly heads: Head[] = [];
  private readonly headIndex = new Map<string, number>();
  /**
   * Weights interleaved by head ([feature * heads + head]) so one pass over the features scores
   * every head and each hashed n-gram costs one cache line (the hashed tables are MBs).
   */
  private readonly denseW: Float32Array;
  private readonly hashedW: Float32Array;
  private readonly hb: number;
  /** For each model concept, its index in the runtime RuleSet (-1 when the policy no longer has it). */
  private conceptMap: Int32Array = new Int32Array(0);
  /** Scratch buffers (one screen at a time: evaluation is synchronous). */
  private readonly dense: Float32Array;
  private readonly scratch = new Scratch();
  private hits = new Uint8Array(0);
  private readonly z: Float64Array;

  constructor(
    readonly artefact: ModelArtefact,
    readonly embeddings: Embeddings,
  ) {
    this.hb = hashBase(artefact.layout);
    this.dense = new Float32Array(artefact.layout.dims + artefact.conceptNames.length);
    const entries = Object.entries(artefact.heads);
    const H = entries.length;
    this.z = new Float64Array(H);
    this.denseW = new Float32Array(this.hb * H);
    this.hashedW = new Float32Array((1 << artefact.layout.hashBits) * H);
    entries.forEach(([cat, h], k) => {
      const dense = f32(h.dense);
      for (let j = 0; j < dense.length && j < this.hb; j++) this.denseW[j * H + k] = dense[j]!;
      const idx = u32(h.hashIdx);
      const val = f32(h.hashVal);
      for (let i = 0; i < idx.length; i++) this.hashedW[idx[i]! * H + k] = val[i]!;
      const mlp = h.mlp ? { inputs: h.mlp.inputs, hidden: h.mlp.hidden, U: f32(h.mlp.U), c: f32(h.mlp.c), v: f32(h.mlp.v) } : undefined;
      this.headIndex.set(cat, k);
      this.heads.push({ bias: h.bias, ...(mlp ? { mlp } : {}) });
    });
  }

  static load(file: string): Classifier {
    const artefact = JSON.parse(readFileSync(file, 'utf8')) as ModelArtefact;
    if (artefact.format !== MODEL_FORMAT) throw new Error(`${file}: unknown model format ${artefact.format}`);
    return new Classifier(artefact, Embeddings.load(join(dirname(file), artefact.embeddings)));
  }

  get categories(): string[] {
    return [...this.headIndex.keys()];
  }

  /** Position of `category` in `categories` (and in the output of `scores`), or -1. */
  headOf(category: string): number {
    return this.headIndex.get(category) ?? -1;
  }

  /** Align the model's concept list with the policy's (a deployment may add concepts). */
  bindConcepts(runtimeNames: string[]): number[] {
    const pos = new Map(runtimeNames.map((n, i) => [n, i]));
    this.conceptMap = Int32Array.from(this.artefact.conceptNames, (n) => pos.get(n) ?? -1);
    return [...this.conceptMap];
  }

  /** Features of normalised text; the result shares scratch buffers and is valid until the next call. */
  features(normalised: string, runtimeHits: ConceptHits): SparseVector {
    if (this.hits.length !== this.conceptMap.length) this.hits = new Uint8Array(this.conceptMap.length);
    const hits = this.hits;
    for (let i = 0; i < hits.length; i++) {
      const j = this.conceptMap[i]!;
      hits[i] = j >= 0 && runtimeHits[j] === 1 ? 1 : 0;
    }
    return featurise(normalised, hits, this.embeddings, this.artefact.layout, this.scratch);
  }

  /** Probability that the text belongs to `category` (review rows are trained towards ~0.575). */
  score(category: string, x: SparseVector): number | undefined {
    const k = this.headIndex.get(category);
    if (k === undefined) return undefined;
    return this.scores(x)[k];
  }

  /**
   * Every head's probability in one pass (order of `categories`); the returned array is reused by
   * the next call. Each head sums its terms in feature order, exactly as a head scored alone would.
   */
  scores(x: SparseVector): Float64Array {
    const H = this.heads.length;
    const z = this.z;
    for (let k = 0; k < H; k++) z[k] = this.heads[k]!.bias;
    const { idx, val } = x;
    const dw = this.denseW;
    const hw = this.hashedW;
    const hb = this.hb;
    if (H === 2) {
      // The shipped model: two heads, kept in locals.
      let z0 = z[0]!;
      let z1 = z[1]!;
      for (let i = 0; i < x.dense; i++) {
        const b = idx[i]! * 2;
        const v = val[i]!;
        z0 += dw[b]! * v;
        z1 += dw[b + 1]! * v;
      }
      for (let i = x.dense; i < x.length; i++) {
        const b = (idx[i]! - hb) * 2;
        const v = val[i]!;
        z0 += hw[b]! * v;
        z1 += hw[b + 1]! * v;
      }
      z[0] = z0;
      z[1] = z1;
    } else {
      for (let i = 0; i < x.dense; i++) {
        const b = idx[i]! * H;
        const v = val[i]!;
        for (let k = 0; k < H; k++) z[k] += dw[b + k]! * v;
      }
      for (let i = x.dense; i < x.length; i++) {
        const b = (idx[i]! - hb) * H;
        const v = val[i]!;
        for (let k = 0; k < H; k++) z[k] += hw[b + k]! * v;
      }
    }
    let d: Float32Array | undefined;
    let on: Int32Array | undefined;
    for (let k = 0; k < H; k++) {
      const mlp = this.heads[k]!.mlp;
      if (mlp && mlp.inputs === x.mean.length + x.concepts.length) z[k] += hiddenSparse(mlp, x.mean, (on ??= this.conceptsOn(x.concepts)));
      // A model whose hidden layer reads other inputs: the whole dense input as one block.
      else if (mlp) z[k] += hiddenSparse(mlp, (d ??= denseInput(x, this.dense) as Float32Array), NO_BITS);
      z[k] = 1 / (1 + Math.exp(-z[k]!));
    }
    return z;
  }

  private onBuf = new Int32Array(0);

  /** Positions of the concept bits that are set, then -1. */
  private conceptsOn(bits: Uint8Array): Int32Array {
    if (this.onBuf.length <= bits.length) this.onBuf = new Int32Array(bits.length + 1);
    let n = 0;
    for (let i = 0; i < bits.length; i++) if (bits[i]) this.onBuf[n++] = i;
    this.onBuf[n] = -1;
    return this.onBuf;
  }
}

const NO_BITS = Int32Array.of(-1);

/**
 * Σ_h v_h · tanh(U_h · [mean, concept bits] + c_h), without building the dense input: the concept inputs are
 * 0 or 1, so a set bit adds its weight (w·1 = w exactly) and a clear bit is skipped (w·0 adds a
 * zero, which leaves a non-zero sum unchanged and at most flips the sign of a zero sum, which tanh
 * and the logit ignore). Each unit adds its terms in input order. Eight hidden units are summed side
 * by side: eight independent chains keep the CPU's adders busy instead of waiting on one.
 */
function hiddenSparse(m: { inputs: number; hidden: number; U: Float32Array; c: Float32Array; v: Float32Array }, mean: Float32Array, on: Int32Array): number {
  const { inputs: n, U, c, v } = m;
  const dims = mean.length;
  let z = 0;
  let h = 0;
  for (; h + 8 <= m.hidden; h += 8) {
    const b0 = h * n;
    let a0 = c[h]!;
    let a1 = c[h + 1]!;
    let a2 = c[h + 2]!;
    let a3 = c[h + 3]!;
    let a4 = c[h + 4]!;
    let a5 = c[h + 5]!;
    let a6 = c[h + 6]!;
    let a7 = c[h + 7]!;
    for (let i = 0; i < dims; i++) {
      const x = mean[i]!;
      const b = b0 + i;
      a0 += U[b]! * x;
      a1 += U[b + n]! * x;
      a2 += U[b + 2 * n]! * x;
      a3 += U[b + 3 * n]! * x;
      a4 += U[b + 4 * n]! * x;
      a5 += U[b + 5 * n]! * x;
      a6 += U[b + 6 * n]! * x;
      a7 += U[b + 7 * n]! * x;
    }
    for (let k = 0; on[k]! >= 0; k++) {
      const b = b0 + dims + on[k]!;
      a0 += U[b]!;
      a1 += U[b + n]!;
      a2 += U[b + 2 * n]!;
      a3 += U[b + 3 * n]!;
      a4 += U[b + 4 * n]!;
      a5 += U[b + 5 * n]!;
      a6 += U[b + 6 * n]!;
      a7 += U[b + 7 * n]!;
    }
    z += v[h]! * Math.tanh(a0);
    z += v[h + 1]! * Math.tanh(a1);
    z += v[h + 2]! * Math.tanh(a2);
    z += v[h + 3]! * Math.tanh(a3);
    z += v[h + 4]! * Math.tanh(a4);
    z += v[h + 5]! * Math.tanh(a5);
    z += v[h + 6]! * Math.tanh(a6);
    z += v[h + 7]! * Math.tanh(a7);
  }
  for (; h < m.hidden; h++) {
    const base = h * n;
    let a = c[h]!;
    for (let i = 0; i < dims; i++) a += U[base + i]! * mean[i]!;
    for (let k = 0; on[k]! >= 0; k++) a += U[base + dims + on[k]!]!;
    z += v[h]! * Math.tanh(a);
  }
  return z;
}

export function b64(a: Float32Array | Uint32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function f32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function u32(s: string): Uint32Array {
  const b = Buffer.from(s, 'base64');
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
