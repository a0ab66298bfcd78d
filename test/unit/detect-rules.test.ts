import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RuleSet } from '../../src/detect/rules.js';
import { baseLayer } from '../../src/policy/merge.js';
import { policyFileSchema } from '../../src/policy/schema.js';

function rules(categories: unknown[], concepts: Record<string, string>): RuleSet {
  return new RuleSet(baseLayer(policyFileSchema.parse({ name: 't', concepts, categories }), 'vendor'));
}

const concepts = { engage: '\\b(fire|strike)\\b', nohuman: '\\bwithout (an? )?operator\\b', game: '\\bgame\\b' };

test('all/any/none combine concepts and inline regexes', () => {
  const rs = rules([{ id: 'aw', definition: 'd', patterns: [{ id: 'r1', all: ['engage', 'nohuman'], any: [{ re: 'drone|turret' }], none: ['game'] }] }], concepts);
  const hit = (t: string) => rs.match(t, rs.concepts(t)).map((r) => r.id);
  assert.deepEqual(hit('the drone should fire without an operator'), ['r1']);
  assert.deepEqual(hit('the drone should fire when the operator says so'), []);
  assert.deepEqual(hit('in my game the turret should fire without an operator'), []);
  assert.deepEqual(hit('fire without an operator'), []); // "any" not met
});

test('an unknown concept name is a load error naming the rule', () => {
  assert.throws(() => rules([{ id: 'aw', definition: 'd', patterns: [{ id: 'r1', all: ['nope'] }] }], concepts), /rule "r1".*unknown concept "nope"/);
});

test('an invalid regex is a load error', () => {
  assert.throws(() => rules([], { bad: '(' }), /concept "bad": invalid regex/);
});

test('the word-boundary rewrite keeps the meaning of a concept', async () => {
  const { hoistWordBoundary } = await import('../../src/detect/regex-opt.js');
  const src = '(\\bno (human|operator)\\b|\\bauto-?fire|\\b(skip|bypass) the (check|[a-z]+ step))';
  const fast = new RegExp(hoistWordBoundary(src));
  assert.equal(hoistWordBoundary(src), '\\b(?:no (human|operator)\\b|auto-?fire|(skip|bypass) the (check|[a-z]+ step))');
  for (const t of ['no human', 'ano human', 'autofire now', 'we skip the check', 'noskip', 'bypass the x step']) assert.equal(fast.test(t), new RegExp(src).test(t), t);
  assert.equal(hoistWordBoundary('(\\ba|b)'), '(\\ba|b)'); // not every alternative starts with \b: untouched
});
