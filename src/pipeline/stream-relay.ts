import type { SseEvent, StreamEvent, ToolCall, WireFormat } from '../canonical/types.js';
import { codecFor } from '../providers/index.js';
import type { WireCodec } from '../providers/types.js';
import { GatewayError, toGatewayError } from '../server/errors.js';
import { gateStreamTail, type StreamTail } from './gate-stream.js';
import type { BaseFacts, DecisionFacts } from './record.js';
import { recordDecision } from './record.js';
import type { Route } from './route.js';
import { refusal, screen, screenSync } from './screen.js';
import { outputSegments } from './segments.js';
import type { ResponseSink } from './sink.js';
import type { ChatCall, PipelineDeps } from './types.js';

/**
 * Stage: screen a stream as it streams. Model text is released only after a screen of everything
 * so far has passed, and the newest `holdback_chars` stay held, so the text that completes a
 * violation is never delivered: on a violation the stream ends with an error event in the client's
 * format instead. Only the answer's first `lead_chars` go out without that margin (still screened),
 * so the first token is not held back. Tool calls and the finish are held to the end, where the whole output is screened
 * (judge included) and effector calls go to the approval gate.
 *
 * Same format: the upstream's own SSE events are forwarded (lossless). Otherwise the canonical
 * events are re-encoded in the client's format.
 */
export async function relayStream(
  deps: PipelineDeps,
  call: ChatCall,
  route: Route,
  events: AsyncIterable<SseEvent>,
  sink: ResponseSink,
  facts: BaseFacts,
  isEffector: (name: string) => boolean,
): Promise<void> {
  const relay = new Relay(deps, call, route, sink, isEffector);
  try {
    for await (const ev of events) {
      if (sink.closed) break;
      if (!relay.push(ev)) {
        await relay.cut(facts, 'output');
        return;
      }
    }
  } catch (err) {
    await relay.fail(facts, toGatewayError(err));
    return;
  }
  if (sink.closed) {
    await recordDecision(deps, call, { ...facts, outcome: 'client_error', response: relay.text });
    return;
  }
  await relay.finish(facts);
}

interface Held {
  out: SseEvent[];
  chars: number;
}

class Relay {
  readonly passthrough: boolean;
  private readonly decode: (ev: SseEvent) => StreamEvent[];
  private readonly encode: (ev: StreamEvent) => SseEvent[];
  private readonly client: WireCodec;
  private readonly holdback: number;
  private readonly lead: number;
  private readonly window: Held[] = [];
  private windowChars = 0;
  /** Text characters already sent to the client. */
  private releasedChars = 0;
  private sinceScreen = 0;
  /** Everything after the first tool call or finish: held to the end. */
  readonly tail: Array<{ raw: SseEvent; events: StreamEvent[] }> = [];
  text = '';
  readonly toolCalls = new Map<number, ToolCall>();
  start?: { id: string; model: string };
  /** Anthropic passthrough: content blocks the client has been (or will be) sent before the tail. */
  sentBlocks = 0;
  lastVerdict?: DecisionFacts['output'];

  constructor(
    private readonly deps: PipelineDeps,
    private readonly call: ChatCall,
    private readonly route: Route,
    private readonly sink: ResponseSink,
    private readonly isEffector: (name: string) => boolean,
  ) {
    this.passthrough = route.provider.codec.format === call.format;
    this.decode = route.provider.codec.streamDecoder();
    this.client = codecFor(call.format);
    this.encode = this.client.streamEncoder();
    this.holdback = deps.config.streaming.holdback_chars;
    this.lead = deps.config.streaming.lead_chars;
  }

  /** Take one upstream event; false when the text so far violates the policy. */
  push(raw: SseEvent): boolean {
    const events = this.decode(raw);
    let chars = 0;
    for (const ev of events) {
      if (ev.type === 'start') this.start ??= { id: ev.id, model: ev.model };
      else if (ev.type === 'text') chars += ev.text.length;
      else if (ev.type === 'tool_call') this.addToolDelta(ev);
    }
    if (this.tail.length || events.some((e) => e.type === 'tool_call' || e.type === 'finish')) {
      for (const ev of events) if (ev.type === 'text') this.text += ev.text;
      this.tail.push({ raw, events });
      return true;
    }
    if (raw.event === 'content_block_start') this.sentBlocks++;
    const out = this.passthrough ? [raw] : events.flatMap(this.encode);
    if (!chars) {
      // Framing only (message start, pings): nothing to screen; keep order behind held text.
      if (this.window.length) this.window.push({ out, chars: 0 });
      else this.send(out);
      return true;
    }
    for (const ev of events) if (ev.type === 'text') this.text += ev.text;
    this.window.push({ out, chars });
    this.windowChars += chars;
    this.sinceScreen += chars;
    // Screen at most every holdback/4 new characters (enough to keep the window ahead of release),
    // and at once while the opening text still fits in the lead.
    if (!this.inLead() && (this.windowChars <= this.holdback || this.sinceScreen < this.holdback / 4)) return true;
    this.sinceScreen = 0;
    const result = screenSync(this.deps, outputSegments(this.text, []), this.call.principal.tenant);
    this.lastVerdict = result.verdict;
    if (result.refused) return false;
    while (this.window.length && (this.windowChars - this.window[0]!.chars >= this.holdback || this.inLead())) {
      const item = this.window.shift()!;
      this.windowChars -= item.chars;
      this.releasedChars += item.chars;
      this.send(item.out);
    }
    return true;
  }

  /** The oldest held piece still fits in the answer's first `lead_chars` characters. */
  private inLead(): boolean {
    return this.window.length > 0 && this.releasedChars + this.window[0]!.chars <= this.lead;
  }

  private addToolDelta(ev: Extract<StreamEvent, { type: 'tool_call' }>): void {
    const existing = this.toolCalls.get(ev.index);
    if (existing) existing.arguments += ev.argsDelta;
    else this.toolCalls.set(ev.index, { id: ev.id ?? `call_${ev.index}`, name: ev.name ?? '', arguments: ev.argsDelta });
  }

  private send(out: SseEvent[]): void {
    if (!out.length) return;
    if (!this.sink.opened) this.sink.open({ 'x-request-id': this.call.requestId });
    this.sink.write(out);
  }

  /** Upstream done: screen everything, gate tool calls, record, then release what is held. */
  async finish(facts: BaseFacts): Promise<void> {
    const calls = [...this.toolCalls.values()];
    let verdict;
    try {
      verdict = await screen(this.deps, outputSegments(this.text, calls, this.isEffector), this.call.principal.tenant, 'output');
    } catch (err) {
      return this.fail(facts, toGatewayError(err));
    }
    this.lastVerdict = verdict.verdict;
    if (verdict.refused) return this.cut({ ...facts, output: verdict.verdict }, 'output');
    let tail: StreamTail;
    try {
      tail = await gateStreamTail(this.deps, this.call, this, calls);
    } catch (err) {
      return this.fail(facts, toGatewayError(err));
    }
    try {
      await recordDecision(this.deps, this.call, {
        ...facts,
        // An in-stream vendor error arrives as a finish with reason 'error': the client gets the
        // error event, and the record says what happened.
        outcome: this.upstreamFailed() ? 'upstream_error' : 'forwarded',
        output: verdict.verdict,
        response: this.text,
        approvals: tail.approvalIds,
        denied: tail.denied,
      });
    } catch (err) {
      return this.endWithError(toGatewayError(err));
    }
    for (const item of this.window.splice(0)) this.send(item.out);
    this.send(tail.out);
    for (const id of tail.approvalIds) this.sink.comment(`x-redline-approval-id: ${id}`);
    this.sink.end();
  }

  private upstreamFailed(): boolean {
    return this.tail.some((t) => t.events.some((e) => e.type === 'finish' && e.finishReason === 'error'));
  }

  /** The tail in the client's format when nothing in it is withheld. */
  plainTail(): SseEvent[] {
    return this.passthrough ? this.tail.map((t) => t.raw) : this.tail.flatMap((t) => t.events.flatMap(this.encode));
  }

  /** Encode canonical events in the client's format (translation mode), continuing this stream's encoder. */
  encodeEvents(events: StreamEvent[]): SseEvent[] {
    return events.flatMap(this.encode);
  }

  get clientFormat(): WireFormat {
    return this.call.format;
  }

  async cut(facts: BaseFacts, where: 'output'): Promise<void> {
    const verdict = this.lastVerdict;
    const err = verdict ? refusal(verdict, where) : new GatewayError(403, 'policy_violation', 'Redline: output refused');
    try {
      await recordDecision(this.deps, this.call, { ...facts, outcome: 'stream_cut', output: verdict, response: this.text });
    } catch (recordErr) {
      return this.endWithError(toGatewayError(recordErr));
    }
    this.endWithError(err);
  }

  async fail(facts: BaseFacts, err: GatewayError): Promise<void> {
    try {
      await recordDecision(this.deps, this.call, { ...facts, outcome: 'upstream_error', response: this.text });
    } catch (recordErr) {
      return this.endWithError(toGatewayError(recordErr));
    }
    this.endWithError(err);
  }

  /** Before anything was sent the client still gets a plain HTTP error; after, an error event. */
  private endWithError(err: GatewayError): void {
    if (!this.sink.opened) throw err;
    this.window.length = 0;
    this.sink.write(this.client.streamError(err.type, err.message, err.code));
    this.sink.end();
  }
}

export type { Relay };
