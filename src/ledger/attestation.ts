import { sign } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json.js';
import { treeOf } from './prove.js';
import type { SigningKey } from './signing-key.js';
import type { LedgerStore } from './stores/types.js';
import { signTreeHead, type SignedTreeHead } from './tree-head.js';
import { verifyLedger } from './verify.js';

export const ATTESTATION_FORMAT = 'redline-attestation/1';

/**
 * A signed, content-free statement about a period: what policy was in force, what the gateway
 * decided (counts only), what happened to effector tool calls, and the signed tree heads at both
 * ends with the RFC 9162 consistency proof between them, so a vendor can check it without the
 * database and later hold the deployment to those heads. No prompt, response, request id or
 * tenant name appears unless tenants are asked for.
 */
export interface Attestation {
  format: typeof ATTESTATION_FORMAT;
  deployment_id: string;
  period: { from: string; to: string };
  generated_at: string;
  records: { count: number; first_index: number | null; last_index: number | null };
  policies: {
    /** Effective (merged) policy hashes named by decisions in the period. */
    effective: Array<{ policy: string; decisions: number }>;
    changes: Array<{ index: number; timestamp: string; type: string; policy: string | null }>;
  };
  /** Decision records per category × decision × provider ("none" when no category was involved). */
  counts: Array<{ category: string; decision: string; provider: string; count: number }>;
  /** Decision records per decision × provider (each record once). */
  decisions: Array<{ decision: string; provider: string; count: number }>;
  /** On how many decision records each detector stage actually ran. */
  stages: Record<string, number>;
  effectors: { held: number; approved: number; denied: number; expired: number; released: number; denied_tool_calls: number };
  administrative: Record<string, number>;
  tenants?: Array<{ tenant: string; decision: string; count: number }>;
  tree_heads: { start: SignedTreeHead; end: SignedTreeHead; consistency_proof: string[] };
  key_id: string;
  public_key: string;
  signature: string;
}

export function attestationBytes(a: Omit<Attestation, 'signature'> & { signature?: string }): Buffer {
  const { signature: _ignored, ...body } = a;
  return Buffer.from(ATTESTATION_FORMAT + '\n' + canonicalJson(body));
}

type Rec = Record<string, unknown>;

const categoriesOf = (rec: Rec): string[] => {
  const ids = new Set<string>();
  const add = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      if (typeof c === 'string') ids.add(c);
      else if (c && typeof (c as Rec).id === 'string') ids.add((c as Rec).id as string);
    }
  };
  add(rec.categories);
  add((rec.input as Rec | null)?.categories);
  add((rec.output as Rec | null)?.categories);
  return ids.size ? [...ids].sort() : ['none'];
};

const stagesOf = (rec: Rec): string[] => {
  const s = new Set<string>();
  for (const v of [rec.stages, (rec.input as Rec | null)?.stages, (rec.output as Rec | null)?.stages]) {
    if (Array.isArray(v)) for (const x of v) if (typeof x === 'string') s.add(x);
  }
  return [...s];
};

function bump<K extends string>(map: Map<string, number>, ...parts: K[]): void {
  const key = JSON.stringify(parts);
  map.set(key, (map.get(key) ?? 0) + 1);
}
const rows = <T>(map: Map<string, number>, make: (parts: string[], count: number) => T): T[] =>
  [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => make(JSON.parse(k) as string[], n));

export interface AttestOptions {
  from: string;
  to: string;
  deploymentId: string;
  includeTenants?: boolean;
  /** The ledger's current head (signing one if needed): the period's end must be covered. */
  head: () => Promise<SignedTreeHead>;
}

export async function buildAttestation(store: LedgerStore, key: SigningKey, opts: AttestOptions): Promise<Attestation> {
  const from = Date.parse(opts.from);
  const to = Date.parse(opts.to);
  if (Number.isNaN(from) || Number.isNaN(to)) throw new Error('--from and --to must be ISO 8601 times');
  if (!(from < to)) throw new Error('--from must be before --to');

  const end = await opts.head();
  const report = await verifyLedger(store, key.publicKey, key.keyId);
  if (!report.ok) throw new Error(`the ledger does not verify, refusing to attest: ${report.problems[0]?.message}`);

  const counts = new Map<string, number>();
  const decisions = new Map<string, number>();
  const tenants = new Map<string, number>();
  const policies = new Map<string, number>();
  const administrative = new Map<string, number>();
  const stages: Record<string, number> = {};
  const effectors = { held: 0, approved: 0, denied: 0, expired: 0, released: 0, denied_tool_calls: 0 };
  const changes: Attestation['policies']['changes'] = [];
  let first: number | null = null;
  let last: number | null = null;
  let count = 0;

  for await (const page of store.scan()) {
    for (const row of page) {
      if (row.index >= end.tree_size) break;
      const rec = JSON.parse(row.record) as Rec;
      const t = Date.parse(String(rec.timestamp));
      if (!(t >= from && t < to)) continue;
      first ??= row.index;
      last = row.index;
      count++;
      const type = String(rec.type);
      if (type === 'decision') {
        const decision = String(rec.decision ?? 'unknown');
        const provider = typeof rec.provider === 'string' ? rec.provider : 'none';
        for (const c of categoriesOf(rec)) bump(counts, c, decision, provider);
        bump(decisions, decision, provider);
        if (opts.includeTenants) bump(tenants, String(rec.tenant ?? 'none'), decision);
        if (typeof rec.policy === 'string') policies.set(rec.policy, (policies.get(rec.policy) ?? 0) + 1);
        for (const s of stagesOf(rec)) stages[s] = (stages[s] ?? 0) + 1;
        if (typeof rec.denied_tool_calls === 'number') effectors.denied_tool_calls += rec.denied_tool_calls;
      } else if (type.startsWith('approval_')) {
        const k = type.slice('approval_'.length) as keyof typeof effectors;
        if (k in effectors) effectors[k]++;
      } else {
        administrative.set(type, (administrative.get(type) ?? 0) + 1);
        if (type === 'policy_loaded' || type === 'policy_changed') {
          const hash = rec.policy ?? rec.policy_hash ?? rec.hash;
          changes.push({ index: row.index, timestamp: String(rec.timestamp), type, policy: typeof hash === 'string' ? hash : null });
        }
      }
    }
  }

  // Start: the newest stored head at or before the period's first record; otherwise sign one now
  // for exactly that size (a tree head is a statement about the leaves, which verify just checked).
  const startSize = first ?? end.tree_size;
  const tree = await treeOf(store, end.tree_size);
  const stored = (await store.heads()).filter((h) => h.tree_size <= startSize && h.key_id === key.keyId).pop();
  const start =
    stored ??
    signTreeHead(
      { tree_size: startSize, timestamp: new Date().toISOString(), root_hash: tree.root(startSize).toString('hex'), key_id: key.keyId },
      key.privateKey,
    );
  if (!stored) await store.putHead(start, 'attest');

  const body: Omit<Attestation, 'signature'> = {
    format: ATTESTATION_FORMAT,
    deployment_id: opts.deploymentId,
    period: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
    generated_at: new Date().toISOString(),
    records: { count, first_index: first, last_index: last },
    policies: { effective: [...policies.entries()].sort().map(([policy, n]) => ({ policy, decisions: n })), changes },
    counts: rows(counts, ([category, decision, provider], n) => ({ category, decision, provider, count: n })),
    decisions: rows(decisions, ([decision, provider], n) => ({ decision, provider, count: n })),
    stages,
    effectors,
    administrative: Object.fromEntries([...administrative.entries()].sort()),
    ...(opts.includeTenants ? { tenants: rows(tenants, ([tenant, decision], n) => ({ tenant, decision, count: n })) } : {}),
    tree_heads: { start, end, consistency_proof: tree.consistencyProof(start.tree_size, end.tree_size).map((h) => h.toString('hex')) },
    key_id: key.keyId,
    public_key: key.publicKeyPem,
  };
  return { ...body, signature: sign(null, attestationBytes(body), key.privateKey).toString('base64') };
}

