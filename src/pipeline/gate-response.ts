import type { ChatResponse } from '../canonical/types.js';
import { gateNote, touchesCalls } from './gate-note.js';
import type { ChatCall, GateOutcome, PipelineDeps } from './types.js';

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
  const removed = new Set([...outcome.held.map((h) => h.call.id), ...outcome.denied.map((c) => c.id)]);
  const body = call.format === 'anthropic' ? withoutAnthropicCalls(clientBody, removed, outcome) : withoutOpenAICalls(clientBody, removed, outcome);
  return { body, headers, approvalIds, denied: outcome.denied.length };
}

type Json = Record<string, unknown>;

function withoutOpenAICalls(body: unknown, removed: Set<string>, outcome: GateOutcome): unknown {
  const copy = structuredClone(body) as { choices?: Array<{ message?: Json; finish_reason?: string }> };
  for (const choice of copy.choices ?? []) {
    const msg = choice.message;
    if (!msg || !Array.isArray(msg.tool_calls)) continue;
    const kept = (msg.tool_calls as Array<{ id: string }>).filter((c) => !removed.has(c.id));
    if (kept.length === msg.tool_calls.length) continue;
    msg.content = [typeof msg.content === 'string' ? msg.content : '', gateNote(outcome)].filter(Boolean).join('\n\n');
    if (kept.length) msg.tool_calls = kept;
    else {
      delete msg.tool_calls;
      choice.finish_reason = 'stop';
    }
  }
  return copy;
}

function withoutAnthropicCalls(body: unknown, removed: Set<string>, outcome: GateOutcome): unknown {
  const copy = structuredClone(body) as { content?: Array<Json>; stop_reason?: string };
  const blocks = copy.content ?? [];
  const kept = blocks.filter((b) => !(b.type === 'tool_use' && removed.has(String(b.id))));
  const firstTool = kept.findIndex((b) => b.type === 'tool_use');
  const note = { type: 'text', text: gateNote(outcome) };
  if (firstTool === -1) kept.push(note);
  else kept.splice(firstTool, 0, note);
  copy.content = kept;
  if (firstTool === -1 && copy.stop_reason === 'tool_use') copy.stop_reason = 'end_turn';
  return copy;
}
