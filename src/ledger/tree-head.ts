import { sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json.js';

/** A signed tree head (RFC 9162 §4.10 in spirit): the log's size and root at a moment, signed Ed25519. */
export interface SignedTreeHead {
  tree_size: number;
  /** ISO 8601 UTC. */
  timestamp: string;
  /** Hex SHA-256 Merkle tree hash. */
  root_hash: string;
  /** Hex id of the signing key (see signing-key.ts). */
  key_id: string;
  /** Base64 Ed25519 signature over the canonical JSON of the other fields. */
  signature: string;
}

type Unsigned = Omit<SignedTreeHead, 'signature'>;

/** What is signed: RFC 8785 JSON of exactly these four fields, prefixed so it cannot pass for another signed object. */
function signedBytes(h: Unsigned): Buffer {
  return Buffer.from('redline-sth/1\n' + canonicalJson({ tree_size: h.tree_size, timestamp: h.timestamp, root_hash: h.root_hash, key_id: h.key_id }));
}

export function signTreeHead(h: Unsigned, privateKey: KeyObject): SignedTreeHead {
  return { ...h, signature: sign(null, signedBytes(h), privateKey).toString('base64') };
}

export function verifyTreeHead(h: SignedTreeHead, publicKey: KeyObject): boolean {
  try {
    return verify(null, signedBytes(h), publicKey, Buffer.from(h.signature, 'base64'));
  } catch {
    return false;
  }
}
