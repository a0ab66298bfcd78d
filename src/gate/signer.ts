import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/**
 * The gateway key that signs approval decisions. An interface, so the ledger's signing key
 * (src/ledger/signing-key.ts) can be wired in without this module depending on the ledger.
 */
export interface Signer {
  keyId: string;
  sign(data: Buffer): Buffer;
  verify(data: Buffer, sig: Buffer): boolean;
}

/** An Ed25519 signer over node:crypto key objects (e.g. what `loadSigningKey` returns). */
export function ed25519Signer(key: { privateKey: KeyObject; publicKey?: KeyObject; keyId: string }): Signer {
  const publicKey = key.publicKey ?? createPublicKey(key.privateKey);
  return {
    keyId: key.keyId,
    // Ed25519 takes no separate digest: algorithm must be null.
    sign: (data) => sign(null, data, key.privateKey),
    verify: (data, sig) => {
      try {
        return verify(null, data, publicKey, sig);
      } catch {
        return false;
      }
    },
  };
}

/** A throwaway key for tests and `redline serve` without a configured ledger key. */
export function ephemeralSigner(keyId = 'ephemeral'): Signer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return ed25519Signer({ privateKey, publicKey, keyId });
}
