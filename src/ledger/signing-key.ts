import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { RedlineConfig } from '../config/schema.js';
import { readOrCreateSecretFile } from './key-files.js';

export interface SigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  /** Hex SHA-256 of the public key (SPKI DER), first 16 bytes: names the key in tree heads. */
  keyId: string;
}

/** Default file for the generated key, inside data_dir. */
export const signingKeyPath = (config: RedlineConfig) => config.ledger.signing_key_file ?? join(config.data_dir, 'ledger-signing-key.pem');

/**
 * The gateway's Ed25519 signing key (tree heads, attestations, approvals). Sources, in order: the
 * PEM in env `ledger.signing_key_env`; the file `ledger.signing_key_file`; the default file in
 * data_dir. A missing file is generated at first start with mode 0600. The key is never logged,
 * and errors name only the source, never the material.
 */
export async function loadSigningKey(config: RedlineConfig): Promise<SigningKey> {
  let pem: string;
  let source: string;
  if (config.ledger.signing_key_env) {
    source = `env ${config.ledger.signing_key_env}`;
    const value = process.env[config.ledger.signing_key_env];
    if (!value) throw new Error(`signing key: ${source} is not set`);
    pem = value;
  } else {
    const file = signingKeyPath(config);
    source = `file ${file}`;
    pem = readOrCreateSecretFile(file, () =>
      generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`signing key: ${source} does not hold a PKCS#8 PEM private key`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`signing key: ${source} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), keyId: keyIdOf(publicKey) };
}

export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ format: 'der', type: 'spki' })).digest('hex').slice(0, 32);
}
