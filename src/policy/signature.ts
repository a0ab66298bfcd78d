import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { PolicyError } from './errors.js';

/**
 * Ed25519 detached signatures over the exact bytes of a policy file. The signature file holds the
 * base64 signature; the public key is PEM (SPKI) or the base64 of the raw 32-byte key.
 */

const RAW_ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Accepts PEM text, base64 raw 32-byte key, or a path to a file holding either. */
export function parsePublicKey(spec: string): KeyObject {
  let text = spec.trim();
  if (!text.includes('BEGIN') && !/^[A-Za-z0-9+/=]{43,44}$/.test(text) && existsSync(text)) {
    text = readFileSync(text, 'utf8').trim();
  }
  try {
    if (text.includes('BEGIN')) return createPublicKey(text);
    const raw = Buffer.from(text, 'base64');
    if (raw.length !== 32) throw new Error(`raw Ed25519 key must be 32 bytes, got ${raw.length}`);
    return createPublicKey({ key: Buffer.concat([RAW_ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch (err) {
    throw new PolicyError(`vendor public key is not a usable Ed25519 key: ${(err as Error).message}`);
  }
}

export function signBytes(data: Buffer, privateKeyPem: string): string {
  return sign(null, data, createPrivateKey(privateKeyPem)).toString('base64');
}

export function verifyBytes(data: Buffer, signatureB64: string, publicKey: KeyObject): boolean {
  const sig = Buffer.from(signatureB64.trim(), 'base64');
  if (sig.length !== 64) return false;
  return verify(null, data, publicKey, sig);
}

/** Throws a PolicyError naming the file unless `file.sig` is a valid signature of `file` by `publicKey`. */
export function verifyPolicyFile(file: string, data: Buffer, publicKey: KeyObject): void {
  const sigFile = `${file}.sig`;
  if (!existsSync(sigFile)) throw new PolicyError(`vendor policy ${file} has no signature file ${sigFile}: refusing to start`);
  if (!verifyBytes(data, readFileSync(sigFile, 'utf8'), publicKey)) {
    throw new PolicyError(`vendor policy ${file} does not match its signature ${sigFile} (edited or signed by another key): refusing to start`);
  }
}
