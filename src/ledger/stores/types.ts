import type { PendingRecord } from '../record-text.js';
import type { SignedTreeHead } from '../tree-head.js';

/** One stored record: its position, its canonical JSON (the RFC 9162 leaf) and that leaf's hash. */
export interface StoredRecord {
  index: number;
  record: string;
  leafHash: Buffer;
}

/**
 * Where the ledger keeps records and tree heads. The ledger logic (hashing, group commit, signing)
 * is written once; each store provides one total order with no gaps and no duplicate positions,
 * even with several writer processes.
 */
export interface LedgerStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * In one exclusive, durable transaction: read the leaf hashes other writers appended at positions
   * >= `knownSize`, then insert `batch` at positions start, start+1, … (see renderBatch).
   * Resolves after commit with `start`, the foreign leaves (positions knownSize … start-1) and the
   * batch's own leaf hashes.
   */
  appendBatch(knownSize: number, batch: PendingRecord[]): Promise<{ start: number; foreign: Buffer[]; leaves: Buffer[] }>;
  /** Leaf hashes at positions >= from, in order (stops at the first gap). */
  leafHashesFrom(from: number, to?: number): Promise<Buffer[]>;
  /** Records in position order from `from` (keyset pages, so a missing position shows as a gap). */
  scan(from?: number, pageSize?: number): AsyncIterable<StoredRecord[]>;
  findByRequestId(requestId: string): Promise<StoredRecord[]>;
  /** Store a tree head; `frontier` (the subtree roots at that size) lets a restart skip re-reading every leaf. */
  putHead(head: SignedTreeHead, node: string, frontier?: Buffer[]): Promise<void>;
  /** The newest head stored with a frontier. */
  latestCheckpoint(): Promise<{ head: SignedTreeHead; frontier: Buffer[] } | undefined>;
  heads(): Promise<SignedTreeHead[]>;
  latestHead(): Promise<SignedTreeHead | undefined>;
  close(): Promise<void>;
}
