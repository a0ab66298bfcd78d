import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { bindingHash, decisionPayload, type BindingFields } from '../../src/gate/binding.js';
import { ephemeralSigner } from '../../src/gate/signer.js';

const fields: BindingFields = { tenant: 'army', requestId: 'req-1', toolName: 'fire', arguments: '{"a": 1}', callId: 'call_1' };

test('binding hash is SHA-256 of the RFC 8785 canonical JSON of the five fields', () => {
  const expected = createHash('sha256')
    .update('{"arguments":"{\\"a\\": 1}","call_id":"call_1","request_id":"req-1","tenant":"army","tool_name":"fire"}')
    .digest('hex');
  assert.equal(bindingHash(fields), expected);
});

test('binding hash changes with every bound field, including argument whitespace', () => {
  const base = bindingHash(fields);
  const variants: Partial<BindingFields>[] = [
    { tenant: 'navy' },
    { requestId: 'req-2' },
    { toolName: 'fire2' },
    { arguments: '{"a":1}' },
    { callId: 'call_2' },
  ];
  for (const v of variants) assert.notEqual(bindingHash({ ...fields, ...v }), base, JSON.stringify(v));
});

test('a decision signature verifies only over the exact decision fields', () => {
  const signer = ephemeralSigner();
  const d = { approvalId: 'apr_1', bindingHash: 'ab'.repeat(32), decision: 'approved' as const, operatorKeyId: 'op', decidedAt: 't1', expiresAt: 't2' };
  const sig = signer.sign(decisionPayload(d));
  assert.equal(signer.verify(decisionPayload(d), sig), true);
  assert.equal(signer.verify(decisionPayload({ ...d, decision: 'denied' }), sig), false);
  assert.equal(signer.verify(decisionPayload({ ...d, operatorKeyId: 'other' }), sig), false);
  assert.equal(ephemeralSigner().verify(decisionPayload(d), sig), false, 'another key does not verify');
});
