import { createHash } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json.js';

/**
 * What ties an approval to one exact tool call, and what an operator's decision signs.
 * Both are RFC 8785 canonical JSON so the bytes are reproducible by anyone who wants to verify
 * them (an auditor, the CLI, another implementation) without knowing our key order.
 */

export interface BindingFields {
  tenant: string;
  requestId: string;
  toolName: string;
  /** The arguments as JSON text, exactly as the model produced them (not re-serialised). */
  arguments: string;
  callId: string;
}

export type GateDecision = 'approved' | 'denied';

export interface DecisionFields {
  approvalId: string;
  bindingHash: string;
  decision: GateDecision;
  operatorKeyId: string;
  decidedAt: string;
  expiresAt: string;
}

/** What the gateway seals at hold time, so a row edited in the database cannot be released. */
export interface HoldFields {
  approvalId: string;
  bindingHash: string;
  /** SHA-256 of the canonical JSON of the held response body. */
  heldSha256: string;
  /** Call ids taken out of the held body on release (other withheld or refused calls). */
  stripCallIds: string[];
  requesterKeyId: string;
  createdAt: string;
  expiresAt: string;
}

const canonicalBytes = (value: unknown) => Buffer.from(canonicalJson(value), 'utf8');

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** SHA-256 (hex) of the canonical JSON of any JSON value. */
export const canonicalSha256 = (value: unknown) => sha256Hex(canonicalBytes(value));

/** The binding hash: SHA-256 over canonical {tenant, request_id, tool_name, arguments, call_id}. */
export function bindingHash(f: BindingFields): string {
  return sha256Hex(
    canonicalBytes({ tenant: f.tenant, request_id: f.requestId, tool_name: f.toolName, arguments: f.arguments, call_id: f.callId }),
  );
}

/** The bytes an operator decision signature covers. */
export function decisionPayload(f: DecisionFields): Buffer {
  return canonicalBytes({
    approval_id: f.approvalId,
    binding_hash: f.bindingHash,
    decision: f.decision,
    operator_key_id: f.operatorKeyId,
    decided_at: f.decidedAt,
    expires_at: f.expiresAt,
  });
}

/** The bytes the hold seal covers. */
export function holdPayload(f: HoldFields): Buffer {
  return canonicalBytes({
    approval_id: f.approvalId,
    binding_hash: f.bindingHash,
    held_sha256: f.heldSha256,
    strip_call_ids: f.stripCallIds,
    requester_key_id: f.requesterKeyId,
    created_at: f.createdAt,
    expires_at: f.expiresAt,
  });
}
