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
  dense: Float32Array;
  hashed: Float32Array;
  mlp?: { inputs: number; hidden: number; U: Float32Array; c: Float32Array; v: Float32Array };
}

export class Classifier {
  private readonly heads = new Map<string, Head>();
  private readonly hb: number;
  /** For each model concept, its index in the runtime RuleSet (-1 when the policy no longer has it). */
  private conceptMap: Int32Array = new Int32Array(0);
  /** Scratch buffer for the hidden layer's input (one screen at a time: evaluation is synchronous). */
  private readonly dense: Float32Array;
  private readonly scratch = new Scratch();

  constructor(
    readonly artefact: ModelArtefact,
    readonly embeddings: Embeddings,
  ) {
    this.hb = hashBase(artefact.layout);
    this.dense = new Float32Array(artefact.layout.dims + artefact.conceptNames.length);
    for (const [cat, h] of Object.entries(artefact.heads)) {
      const hashed = new Float32Array(1 << artefact.layout.hashBits);
      const idx = u32(h.hashIdx);
      const val = f32(h.hashVal);
      for (let i = 0; i < idx.length; i++) hashed[idx[i]!] = val[i]!;
      const mlp = h.mlp ? { inputs: h.mlp.inputs, hidden: h.mlp.hidden, U: f32(h.mlp.U), c: f32(h.mlp.c), v: f32(h.mlp.v) } : undefined;
      this.heads.set(cat, { bias: h.bias, dense: f32(h.dense), hashed, ...(mlp ? { mlp } : {}) });
    }
  }

  static load(file: string): Classifier {
    const artefact = JSON.parse(readFileSync(file, 'utf8')) as ModelArtefact;
    if (artefact.format !== MODEL_FORMAT) throw new Error(`${file}: unknown model format ${artefact.format}`);
    return new Classifier(artefact, Embeddings.load(join(dirname(file), artefact.embeddings)));
  }

  get categories(): string[] {
    return [...this.heads.keys()];
  }

  /** Align the model's concept list with the policy's (a deployment may add concepts). */
  bindConcepts(runtimeNames: string[]): number[] {
    const pos = new Map(runtimeNames.map((n, i) => [n, i]));
    this.conceptMap = Int32Array.from(this.artefact.conceptNames, (n) => pos.get(n) ?? -1);
    return [...this.conceptMap];
  }

  features(normalised: string, runtimeHits: ConceptHits): SparseVector {
    const hits = new Uint8Array(this.conceptMap.length);
    for (let i = 0; i < hits.length; i++) {
      const j = this.conceptMap[i]!;
      hits[i] = j >= 0 && runtimeHits[j] === 1 ? 1 : 0;
    }
    return featurise(normalised, hits, this.embeddings, this.artefact.layout, this.scratch);
  }

  /** Probability that the text belongs to `category` (review rows are trained towards ~0.65). */
  score(category: string, x: SparseVector): number | undefined {
    const head = this.heads.get(category);
    if (!head) return undefined;
    let z = head.bias;
    const { idx, val } = x;
    const hb = this.hb;
    for (let i = 0; i < x.length; i++) {
      const j = idx[i]!;
      z += (j < hb ? head.dense[j]! : head.hashed[j - hb]!) * val[i]!;
    }
    if (head.mlp) z += hiddenLayer(head.mlp, denseInput(x, this.dense));
    return 1 / (1 + Math.exp(-z));
  }
}

/** Σ_h v_h · tanh(U_h · d + c_h) */
export function hiddenLayer(m: { inputs: number; hidden: number; U: ArrayLike<number>; c: ArrayLike<number>; v: ArrayLike<number> }, d: ArrayLike<number>): number {
  let z = 0;
  for (let h = 0; h < m.hidden; h++) {
    let a = m.c[h]!;
    const base = h * m.inputs;
    for (let i = 0; i < m.inputs; i++) a += m.U[base + i]! * d[i]!;
    z += m.v[h]! * Math.tanh(a);
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
