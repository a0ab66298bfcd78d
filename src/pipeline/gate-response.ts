import type { ChatResponse } from '../canonical/types.js';
import { stripCalls } from '../gate/strip-calls.js';
import { gateNote, touchesCalls } from './gate-note.js';
import type { ChatCall, PipelineDeps } from './types.js';

export interface GatedBody {
  body: unknown;
  headers: Record<string, string>;
  approvalIds: string[];
  denied: number;
}

/**
 * Stage: the effector gate on a whole (non-streamed) response. Withheld and refused calls are taken
 * out of the client's body — every other field kept — and explained in the assistant content; the
 * approval id also goes in `x-redline-approval-id`. Other calls in the same response pass.
 */
export async function applyGateToResponse(
  deps: PipelineDeps,
  call: ChatCall,
  provider: string,
  model: string,
  response: ChatResponse,
  clientBody: unknown,
): Promise<GatedBody> {
  const headers: Record<string, string> = { 'x-request-id': call.requestId };
  if (!deps.gate || !response.toolCalls.length) return { body: clientBody, headers, approvalIds: [], denied: 0 };
  const outcome = await deps.gate.inspect({
    call,
    model,
    provider,
    tools: call.request.tools,
    toolCalls: response.toolCalls,
    heldResponse: () => structuredClone(clientBody),
  });
  const approvalIds = outcome.held.map((h) => h.approvalId);
  if (!touchesCalls(outcome)) return { body: clientBody, headers, approvalIds, denied: 0 };
  deps.metrics.approvalsHeld.inc(outcome.held.length);
  if (approvalIds.length) headers['x-redline-approval-id'] = approvalIds.join(',');
  const removed = [...outcome.held.map((h) => h.call.id), ...outcome.denied.map((c) => c.id)];
  const body = stripCalls(call.format, clientBody, removed, gateNote(outcome));
  return { body, headers, approvalIds, denied: outcome.denied.length };
}
