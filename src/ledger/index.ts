import type { RedlineConfig } from '../config/schema.js';
import { loadContentKeys } from './content.js';
import { MerkleLedger } from './ledger.js';
import { loadSigningKey } from './signing-key.js';
import { openLedgerStore } from './stores/open-store.js';

export type { Ledger, LedgerEvent, LedgerEventType } from './types.js';
export type { SignedTreeHead } from './tree-head.js';
export type { VerifyReport, VerifyProblem } from './verify.js';
export type { InclusionProof } from './prove.js';
export { MerkleLedger } from './ledger.js';
export { loadSigningKey } from './signing-key.js';
export { loadDecryptionKey } from './content.js';
export { verifyLedger } from './verify.js';
export { proveRequest, verifyInclusionProof } from './prove.js';
export { exportRecords } from './export.js';
export { openLedgerStore } from './stores/open-store.js';
export { buildAttestation, type Attestation } from './attestation.js';
export { verifyAttestation } from './attestation-verify.js';
export { parsePublicKey } from './public-key.js';
export { verifyTreeHead } from './tree-head.js';

/**
 * Open the ledger the gateway appends to: the configured store (SQLite by default, or a shared
 * PostgreSQL), the signing key and content secrets (generated in data_dir on first start).
 * `nodeId` names this process in its records and tree heads (default host:pid).
 */
export async function openLedger(config: RedlineConfig, opts: { nodeId?: string } = {}): Promise<MerkleLedger> {
  const key = await loadSigningKey(config);
  const contentKeys = loadContentKeys(config);
  const store = await openLedgerStore(config.storage, { synchronous: config.ledger.synchronous });
  try {
    return await MerkleLedger.open(config, store, key, contentKeys, opts.nodeId);
  } catch (err) {
    await store.close().catch(() => {});
    throw err;
  }
}
