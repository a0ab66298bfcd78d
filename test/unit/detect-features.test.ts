import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Embeddings } from '../../src/detect/embeddings.js';
import { featurise, hashBase, type FeatureLayout } from '../../src/detect/features.js';

const emb = new Embeddings(2, new Map([['operator', 0]]), Int8Array.from([100, 0]));
const base: FeatureLayout = { dims: 2, concepts: 0, hashBits: 16 };
/** The hashed n-gram buckets of a text (the sparse part of its feature vector). */
const buckets = (text: string, layout: FeatureLayout) => {
  const x = featurise(text, new Uint8Array(0), emb, layout);
  return new Set(Array.from(x.idx.subarray(x.dense, x.length), (i) => i - hashBase(layout)));
};

test('negation: a word after "no" in the same clause hashes differently, and the scope ends at the clause', () => {
  const on = { ...base, negation: true };
  const plain = buckets('operator confirmation', on);
  const negated = buckets('no operator confirmation', on);
  assert.ok([...plain].some((b) => !negated.has(b)), 'the negated unigrams differ from the plain ones');
  // After a full stop the scope is over: "confirmation" hashes as itself again.
  const closed = buckets('no. confirmation', on);
  assert.ok([...buckets('confirmation', on)].every((b) => closed.has(b)));
  // Older artefacts (no flag) see the same unigrams either way.
  assert.ok([...buckets('operator confirmation', base)].every((b) => buckets('no operator confirmation', base).has(b)));
});
