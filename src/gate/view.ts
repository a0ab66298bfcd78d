import type { Principal } from '../auth/types.js';
import type { ApprovalRow } from './store.js';

/** Row fields every caller of the tenant may see. */
const PUBLIC_FIELDS = [
  'id', 'status', 'tenant', 'request_id', 'requester_key_id', 'model', 'provider', 'tool_name', 'call_id',
  'created_at', 'expires_at', 'decided_at', 'approval_expires_at', 'operator_key_id', 'reason', 'released_at',
] as const satisfies ReadonlyArray<keyof ApprovalRow>;

/**
 * What a caller sees of an approval. Operators (and admins) see the call under review — tool
 * name, exact arguments and binding hash — because deciding needs it. Clients see the status and
 * the tool name only: a client that could read the arguments of a pending call could execute it
 * without approval, which is exactly what the gate exists to prevent. The binding hash is kept from
 * clients too, since low-entropy arguments (coordinates) could be guessed from it.
 */
export type ApprovalView = Pick<ApprovalRow, (typeof PUBLIC_FIELDS)[number]> & {
  /** Operators only. */
  arguments?: string;
  binding_hash?: string;
  effector_reasons?: string[];
  decision_signature?: string | null;
  signer_key_id?: string;
  /** Present once, in the answer that releases the approved call to its requester. */
  format?: string;
  response?: unknown;
};

export const isOperator = (p: Principal) => p.role === 'operator' || p.role === 'admin';

export function toView(row: ApprovalRow, viewer: Principal): ApprovalView {
  const view = Object.fromEntries(PUBLIC_FIELDS.map((f) => [f, row[f]])) as unknown as ApprovalView;
  if (isOperator(viewer)) {
    view.arguments = row.arguments;
    view.binding_hash = row.binding_hash;
    view.effector_reasons = JSON.parse(row.reasons) as string[];
    view.decision_signature = row.decision_sig;
    view.signer_key_id = row.signer_key_id;
  }
  return view;
}
