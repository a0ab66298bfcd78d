import type { SignedTreeHead } from './tree-head.js';

export type LedgerEventType =
  | 'decision'
  | 'policy_loaded'
  | 'policy_changed'
  | 'key_created'
  | 'key_revoked'
  | 'approval_held'
  | 'approval_approved'
  | 'approval_denied'
  | 'approval_expired'
  | 'approval_released'
  | 'gateway_start'
  | 'gateway_stop';

export interface LedgerEvent {
  type: LedgerEventType;
  request_id?: string;
  tenant?: string;
  /** Classified content: the ledger never stores it in clear (HMAC digests by default, AES-256-GCM when ledger.content = encrypted). */
  content?: { prompt?: string; response?: string };
  [field: string]: unknown; // decision fields: model, provider, decision, categories, rules, policy, stages, timing …
}

export interface Ledger {
  /** Resolves only once the record is durable (group commit allowed). Rejects if it cannot be recorded. */
  append(event: LedgerEvent): Promise<{ index: number; leafHash: string }>;
  /** Latest STH (issues one if none yet, or if the newest does not cover the whole log). */
  head(): Promise<SignedTreeHead>;
  /** Flush, final STH, close the store. */
  close(): Promise<void>;
}
