import { leafHash, MerkleTree, verifyInclusion } from './merkle.js';
import type { LedgerStore } from './stores/types.js';
import type { SignedTreeHead } from './tree-head.js';

export interface InclusionProof {
  request_id: string;
  index: number;
  /** Hex RFC 9162 leaf hash of `record`. */
  leaf_hash: string;
  /** The record exactly as hashed (canonical JSON; content sealed, never clear text). */
  record: string;
  tree_head: SignedTreeHead;
  /** Hex audit path, RFC 9162 §2.1.3. */
  inclusion_path: string[];
}

/** Load the leaf hashes of the first `size` positions into a proof-ready tree. */
export async function treeOf(store: LedgerStore, size: number): Promise<MerkleTree> {
  const leaves = await store.leafHashesFrom(0, size);
  if (leaves.length !== size) throw new Error(`the store holds ${leaves.length} contiguous records, the tree head says ${size}`);
  return new MerkleTree(leaves);
}

/** Inclusion proofs for every record of a request against `head`; each is checked before it is returned. */
export async function proveRequest(store: LedgerStore, head: SignedTreeHead, requestId: string): Promise<InclusionProof[]> {
  const records = (await store.findByRequestId(requestId)).filter((r) => r.index < head.tree_size);
  if (records.length === 0) return [];
  const tree = await treeOf(store, head.tree_size);
  const root = tree.root();
  if (root.toString('hex') !== head.root_hash) throw new Error(`the stored records do not match the tree head of size ${head.tree_size}; run \`redline audit verify\``);
  return records.map((r) => {
    const hash = leafHash(r.record);
    const path = tree.inclusionProof(r.index, head.tree_size);
    if (!verifyInclusion(hash, r.index, head.tree_size, path, root)) throw new Error(`record at position ${r.index} does not verify against the tree head`);
    return { request_id: requestId, index: r.index, leaf_hash: hash.toString('hex'), record: r.record, tree_head: head, inclusion_path: path.map((p) => p.toString('hex')) };
  });
}

/** Standalone check of a proof printed by `audit prove` (no database needed). */
export function verifyInclusionProof(p: InclusionProof): boolean {
  const hash = leafHash(p.record);
  return (
    hash.toString('hex') === p.leaf_hash &&
    verifyInclusion(hash, p.index, p.tree_head.tree_size, p.inclusion_path.map((h) => Buffer.from(h, 'hex')), Buffer.from(p.tree_head.root_hash, 'hex'))
  );
}
