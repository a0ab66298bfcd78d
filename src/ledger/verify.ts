import type { KeyObject } from 'node:crypto';
import { EMPTY_ROOT, Frontier, leafHash } from './merkle.js';
import type { LedgerStore } from './stores/types.js';
import { verifyTreeHead, type SignedTreeHead } from './tree-head.js';

export interface VerifyProblem {
  /** Log position concerned (for a tree head: its tree size). */
  position: number;
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  heads: number;
  /** Records after the newest tree head: not yet covered by a signature (normal while a gateway runs). */
  uncovered: number;
  problems: VerifyProblem[];
}

const MAX_PROBLEMS = 50;

/**
 * Recompute the whole log and check it against every signed tree head.
 * - modified record: its bytes no longer hash to the stored leaf hash (named exactly), or, if the
 *   leaf hash was rewritten too, the next tree head's root no longer matches (range named);
 * - deleted, inserted or reordered record: a gap in positions, or a record whose own `index`
 *   differs from the position it is stored at; and the following tree head fails;
 * - truncation: a tree head larger than the log.
 * `kept`: tree heads kept outside the database (`redline audit head`, an attestation). Someone who
 * can write the database cannot sign, but could cut the log back to an older head and delete the
 * newer heads with it; a head kept elsewhere still covers the cut-off records.
 * One streaming pass over a compact frontier: O(n) hashes, no proof re-computation.
 */
export async function verifyLedger(store: LedgerStore, publicKey: KeyObject, keyId: string, kept: SignedTreeHead[] = []): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  const problem = (position: number, message: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ position, message });
  };

  const heads = await store.heads();
  for (const h of heads) {
    if (h.key_id !== keyId) problem(h.tree_size, `tree head of size ${h.tree_size} (${h.timestamp}) is signed by unknown key ${h.key_id}`);
    else if (!verifyTreeHead(h, publicKey)) problem(h.tree_size, `tree head of size ${h.tree_size} (${h.timestamp}) has an invalid signature`);
  }
  // Kept heads must be genuine to prove anything; a forged one is a problem of its own, not a check.
  const keptValid = kept.filter((h) => {
    const ok = h.key_id === keyId && verifyTreeHead(h, publicKey);
    if (!ok) problem(h.tree_size, `kept tree head of size ${h.tree_size} (${h.timestamp}) is not signed by this ledger's key`);
    return ok;
  });
  const byPosition = [...heads, ...keptValid].sort((a, b) => a.tree_size - b.tree_size);
  let nextHead = 0;
  let lastGood = 0;
  const frontier = new Frontier();
  const checkHeads = () => {
    let root: Buffer | undefined;
    while (nextHead < byPosition.length && byPosition[nextHead].tree_size === frontier.size) {
      const h: SignedTreeHead = byPosition[nextHead++];
      root ??= frontier.size === 0 ? EMPTY_ROOT : frontier.root();
      if (root.toString('hex') !== h.root_hash) {
        problem(
          h.tree_size,
          `tree head of size ${h.tree_size} (${h.timestamp}) does not match the stored records: a record at positions ${lastGood}…${h.tree_size - 1} was modified, inserted, deleted or reordered`,
        );
      } else {
        lastGood = h.tree_size;
      }
    }
  };
  checkHeads();

  let expected = 0;
  // A shifted run of records (after a deletion or insertion) is reported once, where it starts.
  let shift = 0;
  for await (const page of store.scan()) {
    for (const row of page) {
      if (row.index !== expected) {
        problem(expected, `position ${expected} is missing (deleted record): the next stored position is ${row.index}`);
      }
      expected = row.index + 1;
      const computed = leafHash(row.record);
      if (!computed.equals(row.leafHash)) problem(row.index, `record at position ${row.index} was modified: it no longer matches its leaf hash`);
      const claimed = claimedIndex(row.record, row.index);
      const offset = typeof claimed === 'number' ? claimed - row.index : NaN;
      if (claimed !== row.index && offset !== shift) {
        problem(row.index, `record at position ${row.index} claims position ${String(claimed)}: a record was inserted, deleted or reordered`);
      }
      shift = offset;
      frontier.push(computed);
      checkHeads();
    }
  }

  for (; nextHead < byPosition.length; nextHead++) {
    const h = byPosition[nextHead];
    problem(h.tree_size, `tree head of size ${h.tree_size} (${h.timestamp}) is beyond the end of the log (${frontier.size} records): records were deleted`);
  }
  if (frontier.size > 0 && heads.length === 0) problem(0, 'no signed tree head covers the log');
  const covered = byPosition.length ? byPosition[byPosition.length - 1].tree_size : 0;
  return {
    ok: problems.length === 0,
    records: frontier.size,
    heads: heads.length,
    uncovered: Math.max(0, frontier.size - covered),
    problems,
  };
}

/**
 * The position a record states for itself. Fast path without JSON.parse (the costliest step of
 * verification): the member as the ledger writes it. A crafted record could satisfy this with a
 * nested "index" member, but not the leaf hash and tree-head checks — this check only exists to
 * name the position of a shifted record precisely.
 */
function claimedIndex(record: string, position: number): unknown {
  const member = '"index":' + position;
  const at = record.indexOf(member);
  if (at >= 0) {
    const next = record.charCodeAt(at + member.length);
    if (next === 0x2c /* , */ || next === 0x7d /* } */) return position;
  }
  try {
    return (JSON.parse(record) as { index?: unknown }).index;
  } catch {
    return undefined;
  }
}
