import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * A verifier's public key as given on the command line: a PEM file path, a PEM string, or the raw
 * 32-byte Ed25519 key in base64/hex — whatever `redline keys public` printed and was passed on.
 */
export function parsePublicKey(input: string): KeyObject {
  const text = existsSync(input) ? readFileSync(input, 'utf8') : input;
  let key: KeyObject;
  if (text.includes('-----BEGIN')) {
    key = createPublicKey(text);
  } else {
    const trimmed = text.trim();
    const raw = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (raw.length !== 32) throw new Error('public key: expected a PEM file, a PEM string, or a raw 32-byte Ed25519 key (base64 or hex)');
    key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('public key: not an Ed25519 key');
  return key;
}
