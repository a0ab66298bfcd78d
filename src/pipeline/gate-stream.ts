import type { SseEvent, StreamEvent, ToolCall } from '../canonical/types.js';
import { codecFor } from '../providers/index.js';
import { gateNote, touchesCalls } from './gate-note.js';
import type { Relay } from './stream-relay.js';
import type { ChatCall, GateOutcome, PipelineDeps } from './types.js';

export interface StreamTail {
  out: SseEvent[];
  approvalIds: string[];
  denied: number;
}

/**
 * The held end of a stream (tool calls and finish) after the effector gate. When no call is
 * withheld the tail goes out as it came. Otherwise it is rebuilt without the withheld calls and
 * with an explanation in the assistant text.
 */
export async function gateStreamTail(deps: PipelineDeps, call: ChatCall, relay: Relay, calls: ToolCall[]): Promise<StreamTail> {
  if (!deps.gate || !calls.length) return { out: relay.plainTail(), approvalIds: [], denied: 0 };
  const outcome = await deps.gate.inspect({
    call,
    model: relay.start?.model ?? call.request.model,
    provider: relay.passthrough ? 'passthrough' : 'translated',
    tools: call.request.tools,
    toolCalls: calls,
    heldResponse: () => assembled(relay, calls),
  });
  const approvalIds = outcome.held.map((h) => h.approvalId);
  if (!touchesCalls(outcome)) return { out: relay.plainTail(), approvalIds, denied: 0 };
  const events = rebuiltTail(relay, outcome);
  const out = relay.passthrough ? synthesiseTail(relay, events) : relay.encodeEvents(events);
  return { out, approvalIds, denied: outcome.denied.length };
}

/** The tail's canonical events without the withheld calls, kept calls renumbered, note first. */
function rebuiltTail(relay: Relay, outcome: GateOutcome): StreamEvent[] {
  const keep = new Set(outcome.passed.map((c) => c.id));
  const kept = [...relay.toolCalls.entries()].filter(([, c]) => keep.has(c.id));
  const events: StreamEvent[] = [{ type: 'text', text: (relay.text ? '\n\n' : '') + gateNote(outcome) }];
  kept.forEach(([, c], i) => events.push({ type: 'tool_call', index: i, id: c.id, name: c.name, argsDelta: c.arguments }));
  const finish = relay.tail.flatMap((t) => t.events).find((e) => e.type === 'finish');
  events.push({
    type: 'finish',
    finishReason: kept.length ? 'tool_calls' : 'stop',
    usage: finish?.type === 'finish' ? finish.usage : undefined,
  });
  // Text that came after the tool calls (rare) keeps its place before the note.
  const lateText = relay.tail.flatMap((t) => t.events).filter((e) => e.type === 'text');
  return [...lateText, ...events];
}

/**
 * Passthrough streams: the client has seen the upstream's own framing, so the rebuilt tail must
 * continue it (OpenAI chunk ids, Anthropic content-block indices).
 */
function synthesiseTail(relay: Relay, events: StreamEvent[]): SseEvent[] {
  if (relay.clientFormat === 'anthropic') {
    const opened = relay.sentBlocks;
    const enc = codecFor('anthropic').streamEncoder();
    // A fresh encoder from a synthetic start (its message_start dropped: the client has one), with
    // block indices shifted past the blocks the client has already seen.
    enc({ type: 'start', id: relay.start?.id ?? 'msg', model: relay.start?.model ?? '' });
    return events.flatMap(enc).map((ev) => shiftIndex(ev, opened));
  }
  const enc = codecFor('openai').streamEncoder();
  enc({ type: 'start', id: relay.start?.id ?? 'chatcmpl', model: relay.start?.model ?? '' });
  return events.flatMap(enc);
}

function shiftIndex(ev: SseEvent, by: number): SseEvent {
  if (!by || !ev.data.includes('"index"')) return ev;
  const data = JSON.parse(ev.data) as { index?: number };
  if (typeof data.index !== 'number') return ev;
  data.index += by;
  return { ...ev, data: JSON.stringify(data) };
}

/** The full response as the upstream produced it, in the client's format (what an approval releases). */
function assembled(relay: Relay, calls: ToolCall[]): unknown {
  const finish = relay.tail.flatMap((t) => t.events).find((e) => e.type === 'finish');
  return codecFor(relay.clientFormat).renderResponse({
    id: relay.start?.id ?? '',
    model: relay.start?.model ?? '',
    text: relay.text,
    toolCalls: calls,
    finishReason: finish?.type === 'finish' ? finish.finishReason : 'tool_calls',
    usage: (finish?.type === 'finish' && finish.usage) || { inputTokens: 0, outputTokens: 0 },
  });
}
