import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { ATTESTATION_FORMAT, attestationBytes, type Attestation } from './attestation.js';
import { verifyConsistency } from './merkle.js';
import { keyIdOf } from './signing-key.js';
import { verifyTreeHead } from './tree-head.js';

/**
 * Check an attestation with nothing but the file and the gateway's public key (obtained out of
 * band, e.g. `redline keys public` at installation): the signature, both tree heads, the
 * consistency proof between them, and that the heads bracket the period's records.
 * Returns the reasons it fails; empty means it verifies.
 */
export function verifyAttestation(a: Attestation, publicKey: KeyObject): string[] {
  const failures: string[] = [];
  if (a?.format !== ATTESTATION_FORMAT) return [`not a ${ATTESTATION_FORMAT} document`];
  const keyId = keyIdOf(publicKey);
  if (a.key_id !== keyId) failures.push(`signed by key ${a.key_id}, not by the given public key ${keyId}`);
  try {
    if (keyIdOf(createPublicKey(a.public_key)) !== a.key_id) failures.push('the embedded public key does not match key_id');
  } catch {
    failures.push('the embedded public key is not a valid key');
  }
  let sigOk = false;
  try {
    sigOk = verify(null, attestationBytes(a), publicKey, Buffer.from(a.signature, 'base64'));
  } catch {
    sigOk = false;
  }
  if (!sigOk) failures.push('attestation signature is invalid: the document was altered or signed by another key');

  const { start, end, consistency_proof } = a.tree_heads ?? ({} as Attestation['tree_heads']);
  if (!start || !end) return [...failures, 'tree heads missing'];
  for (const [name, h] of [['start', start], ['end', end]] as const) {
    if (h.key_id !== keyId || !verifyTreeHead(h, publicKey)) failures.push(`${name} tree head (size ${h.tree_size}) signature is invalid`);
  }
  let consistent = false;
  try {
    consistent = verifyConsistency(
      start.tree_size,
      end.tree_size,
      Buffer.from(start.root_hash, 'hex'),
      Buffer.from(end.root_hash, 'hex'),
      consistency_proof.map((h) => Buffer.from(h, 'hex')),
    );
  } catch {
    consistent = false;
  }
  if (!consistent) failures.push(`consistency proof from tree size ${start.tree_size} to ${end.tree_size} does not verify`);
  const r = a.records;
  if (r.count > 0 && (r.first_index === null || r.last_index === null || r.first_index < start.tree_size || r.last_index >= end.tree_size)) {
    failures.push(`the tree heads (${start.tree_size}…${end.tree_size}) do not bracket the period's records (${r.first_index}…${r.last_index})`);
  }
  if (!(Date.parse(a.period.from) < Date.parse(a.period.to))) failures.push('period is empty or malformed');
  return failures;
}
