import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_VENDOR_KEY, DEFAULT_VENDOR_POLICY, loadPolicyStack } from '../../src/policy/layers.js';
import { signBytes } from '../../src/policy/signature.js';

function copyVendor(): string {
  const dir = mkdtempSync(join(tmpdir(), 'redline-sig-'));
  const file = join(dir, 'vendor.yaml');
  copyFileSync(DEFAULT_VENDOR_POLICY, file);
  copyFileSync(`${DEFAULT_VENDOR_POLICY}.sig`, `${file}.sig`);
  return file;
}

test('the shipped vendor policy verifies against the shipped key', () => {
  const stack = loadPolicyStack({ policy: { tenants: {}, on_review: 'block' } });
  assert.ok(stack.layers[0]!.signed);
  assert.match(stack.hash, /^[0-9a-f]{64}$/);
});

test('an edited vendor file is refused at load', () => {
  const file = copyVendor();
  writeFileSync(file, readFileSync(file, 'utf8').replace('action: block', 'action: allow'));
  assert.throws(() => loadPolicyStack({ policy: { vendor: file, tenants: {}, on_review: 'block' } }), /does not match its signature/);
});

test('a missing signature file is refused', () => {
  const file = copyVendor();
  writeFileSync(`${file}.sig`, '');
  assert.throws(() => loadPolicyStack({ policy: { vendor: file, tenants: {}, on_review: 'block' } }), /does not match its signature/);
});

test('a file re-signed by another key is refused under the vendor key, accepted under its own', () => {
  const file = copyVendor();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(`${file}.sig`, signBytes(readFileSync(file), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()));
  assert.throws(() => loadPolicyStack({ policy: { vendor: file, tenants: {}, on_review: 'block' } }), /signature/);
  const own = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  assert.ok(loadPolicyStack({ policy: { vendor: file, vendor_public_key: own, tenants: {}, on_review: 'block' } }).layers[0]!.signed);
  assert.ok(readFileSync(DEFAULT_VENDOR_KEY, 'utf8').includes('PUBLIC KEY'));
});
