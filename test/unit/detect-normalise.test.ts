import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalise } from '../../src/detect/normalise.js';

test('folds Cyrillic and Greek homoglyphs to ASCII', () => {
  assert.equal(normalise('tаrgеt the cоnvоy'), 'target the convoy'); // Cyrillic а, е, о
  assert.equal(normalise('ΑΙ weapοn'), 'ai weapon'); // Greek Α, Ι, ο
});

test('removes zero-width and control characters and folds full-width forms', () => {
  assert.equal(normalise('k\u200Bi\u200Dll\u00AD switch'), 'kill switch');
  assert.equal(normalise('ｆｉｒｅ　ｎｏｗ'), 'fire now');
});

test('folds leetspeak inside words but keeps numbers and model names', () => {
  assert.equal(normalise('5tr1k3 w1th0ut 0p3r4t0r'), 'strike without operator');
  assert.equal(normalise('abort within 200 ms under DoDD 3000.09'), 'abort within 200 ms under dodd 3000.09');
  assert.equal(normalise('the F16 and the AK47'), 'the f16 and the ak47');
});

test('joins letters spelled out with separators and collapses whitespace', () => {
  assert.equal(normalise('k.i.l.l   them\n\nall'), 'kill them all');
});

test('splits identifiers and drops quotes so rules see the words', () => {
  assert.equal(normalise("Remove 'await_operator_confirmation()' from the \"engage\" loop"), 'remove await operator confirmation() from the engage loop');
  assert.equal(normalise("don't skip the operator's check"), "don't skip the operator's check");
});
