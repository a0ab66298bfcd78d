import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { EMPTY_ROOT, Frontier, leafHash, MerkleTree, nodeHash, verifyConsistency, verifyInclusion } from '../../src/ledger/merkle.js';

// Reference implementation written straight from RFC 9162 §2.1.1 (recursive MTH), to check the
// incremental structures against.
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return createHash('sha256').digest();
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

const leaves = Array.from({ length: 70 }, (_, i) => leafHash(`record ${i}`));

test('leaf and node hashes use the RFC 9162 domain-separation prefixes', () => {
  assert.equal(leafHash('').toString('hex'), createHash('sha256').update(Buffer.from([0])).digest('hex'));
  const a = Buffer.alloc(32, 1);
  const b = Buffer.alloc(32, 2);
  assert.equal(nodeHash(a, b).toString('hex'), createHash('sha256').update(Buffer.concat([Buffer.from([1]), a, b])).digest('hex'));
  assert.equal(EMPTY_ROOT.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

test('frontier and full tree give the RFC root for every size', () => {
  const frontier = new Frontier();
  const tree = new MerkleTree();
  assert.deepEqual(frontier.root(), EMPTY_ROOT);
  for (let n = 1; n <= leaves.length; n++) {
    frontier.push(leaves[n - 1]);
    tree.push(leaves[n - 1]);
    const expected = mth(leaves.slice(0, n)).toString('hex');
    assert.equal(frontier.root().toString('hex'), expected, `frontier root at size ${n}`);
    assert.equal(tree.root().toString('hex'), expected, `tree root at size ${n}`);
  }
  assert.equal(tree.root(13).toString('hex'), mth(leaves.slice(0, 13)).toString('hex'));
});

test('a frontier restored from its snapshot carries on with the same roots', () => {
  for (const cut of [0, 1, 5, 8, 13, 32, 33]) {
    const original = new Frontier();
    leaves.slice(0, cut).forEach((l) => original.push(l));
    const restored = Frontier.restore(cut, original.snapshot());
    for (let n = cut; n < 45; n++) {
      restored.push(leaves[n]);
      assert.equal(restored.root().toString('hex'), mth(leaves.slice(0, n + 1)).toString('hex'), `cut ${cut}, size ${n + 1}`);
    }
  }
  assert.throws(() => Frontier.restore(5, [leaves[0]]), /has 2 roots/);
});

test('inclusion proofs verify for every leaf and fail when anything is changed', () => {
  const tree = new MerkleTree(leaves);
  for (const size of [1, 2, 3, 7, 8, 9, 31, 64, 70]) {
    const root = tree.root(size);
    for (let i = 0; i < size; i++) {
      const path = tree.inclusionProof(i, size);
      assert.ok(verifyInclusion(leaves[i], i, size, path, root), `leaf ${i} of ${size}`);
      if (size > 1) {
        assert.equal(verifyInclusion(leaves[(i + 1) % size], i, size, path, root), false, 'wrong leaf');
        assert.equal(verifyInclusion(leaves[i], (i + 1) % size, size, path, root), false, 'wrong index');
        const bad = path.map((p, j) => (j === 0 ? nodeHash(p, p) : p));
        assert.equal(verifyInclusion(leaves[i], i, size, bad, root), false, 'altered path');
      }
    }
  }
  assert.equal(verifyInclusion(leaves[0], 5, 5, [], tree.root(5)), false, 'index beyond size');
});

test('consistency proofs verify for every pair of sizes and fail for wrong roots', () => {
  const tree = new MerkleTree(leaves.slice(0, 40));
  for (let n = 1; n <= 40; n++) {
    for (let m = 0; m <= n; m++) {
      const proof = tree.consistencyProof(m, n);
      assert.ok(verifyConsistency(m, n, tree.root(m), tree.root(n), proof), `${m} -> ${n}`);
      if (m > 0 && m < n) {
        assert.equal(verifyConsistency(m, n, tree.root(m - 1), tree.root(n), proof), false, `${m} -> ${n} wrong first root`);
        assert.equal(verifyConsistency(m, n, tree.root(m), leafHash('x'), proof), false, `${m} -> ${n} wrong second root`);
      }
    }
  }
  // A different history for the first 5 leaves must not be provably consistent.
  const forked = new MerkleTree([leafHash('forged'), ...leaves.slice(1, 40)]);
  assert.equal(verifyConsistency(5, 40, forked.root(5), tree.root(40), tree.consistencyProof(5, 40)), false);
});
