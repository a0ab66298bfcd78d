import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyLayer, baseLayer, policyHash } from '../../src/policy/merge.js';
import { policyFileSchema } from '../../src/policy/schema.js';

const vendor = baseLayer(
  policyFileSchema.parse({
    name: 'vendor',
    concepts: { engage: '\\bfire\\b' },
    categories: [{ id: 'autonomous_weapons', definition: 'd', action: 'block', scopes: ['input', 'output'], thresholds: { review: 0.5, block: 0.8 }, patterns: [{ id: 'aw.r', all: ['engage'] }] }],
  }),
  'vendor',
);
const layer = (categories: unknown[], extra: Record<string, unknown> = {}) => policyFileSchema.parse({ name: 'deployment', categories, ...extra });

test('a layer that lowers the action of a vendor red line is refused, naming the category', () => {
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', action: 'review' }]), 'deployment'), /autonomous_weapons.*weaker/);
});

test('raising thresholds, dropping scopes, disabling or redefining a concept is refused', () => {
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', thresholds: { block: 0.95 } }]), 'deployment'), /thresholds.block 0.95 is higher/);
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', scopes: ['input'] }]), 'deployment'), /scopes would drop output/);
  // rule_confirm 0 (the vendor default here) lets every rule decide; raising it sets rules aside.
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', thresholds: { rule_confirm: 0.2 } }]), 'deployment'), /thresholds.rule_confirm 0.2 is higher/);
  // dampen_override defaults to 1 (never); a deployment may lower it, a tenant may not raise it again.
  const overriding = applyLayer(vendor, layer([{ id: 'autonomous_weapons', thresholds: { dampen_override: 0.9 } }]), 'deployment');
  assert.throws(() => applyLayer(overriding, layer([{ id: 'autonomous_weapons', thresholds: { dampen_override: 0.99 } }]), 'tenant'), /thresholds.dampen_override 0.99 is higher/);
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', enabled: false }]), 'deployment'), /cannot be disabled/);
  assert.throws(() => applyLayer(vendor, layer([], { concepts: { engage: 'never-matches' } }), 'deployment'), /concept "engage"/);
  assert.throws(() => applyLayer(vendor, layer([{ id: 'autonomous_weapons', patterns: [{ id: 'aw.r', all: ['engage'] }] }]), 'deployment'), /rule id "aw.r"/);
});

test('tightening and adding categories is accepted and changes the hash', () => {
  const stricter = applyLayer(
    vendor,
    layer([
      { id: 'autonomous_weapons', thresholds: { review: 0.3 }, scopes: ['input', 'output', 'tool_call'], examples: ['extra example'] },
      { id: 'offensive_cyber', definition: 'Attacking systems we do not own.', action: 'review', examples: ['write ransomware'] },
    ]),
    'deployment',
  );
  const aw = stricter.categories.find((c) => c.id === 'autonomous_weapons')!;
  assert.equal(aw.thresholds.review, 0.3);
  assert.deepEqual(aw.scopes, ['input', 'output', 'tool_call']);
  assert.equal(aw.action, 'block');
  assert.ok(stricter.categories.some((c) => c.id === 'offensive_cyber' && c.origin === 'deployment'));
  assert.notEqual(policyHash(stricter), policyHash(vendor));
  assert.equal(policyHash(vendor), policyHash(baseLayer(policyFileSchema.parse({ name: 'vendor', concepts: { engage: '\\bfire\\b' }, categories: [{ id: 'autonomous_weapons', definition: 'd', action: 'block', scopes: ['input', 'output'], thresholds: { review: 0.5, block: 0.8 }, patterns: [{ id: 'aw.r', all: ['engage'] }] }] }), 'vendor')));
});

test('a new category without a definition is refused', () => {
  assert.throws(() => applyLayer(vendor, layer([{ id: 'cbrn', action: 'block' }]), 'deployment'), /"cbrn".*needs a definition/);
});
