import { randomUUID } from 'node:crypto';
import type { FinishReason, SseEvent, StreamEvent } from '../../canonical/types.js';
import { eventJson } from '../event-json.js';
import { finishFromAnthropic, finishToAnthropic, inputTokens } from './response.js';

/** Anthropic streaming: named events (message_start … message_stop), each data carrying its `type`. */

interface Data {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: Parameters<typeof inputTokens>[0] };
  content_block?: { type?: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; stop_reason?: string | null };
  usage?: { output_tokens?: number | null } & Parameters<typeof inputTokens>[0];
}

export function anthropicStreamDecoder(): (ev: SseEvent) => StreamEvent[] {
  /** Anthropic content-block index → canonical tool-call index (0, 1, … over tool_use blocks only). */
  const toolIndex = new Map<number, number>();
  let input = 0;
  let output = 0;
  let finish: FinishReason = 'stop';
  let done = false;
  return (ev) => {
    if (done || ev.event === 'ping') return [];
    const d = eventJson<Data>(ev.data);
    switch (d.type ?? ev.event) {
      case 'message_start':
        input = inputTokens(d.message?.usage);
        output = d.message?.usage?.output_tokens ?? 0;
        return [{ type: 'start', id: d.message?.id ?? '', model: d.message?.model ?? '' }];
      case 'content_block_start': {
        const block = d.content_block;
        if (block?.type === 'text' && block.text) return [{ type: 'text', text: block.text }];
        if (block?.type !== 'tool_use') return [];
        const index = toolIndex.size;
        toolIndex.set(d.index ?? 0, index);
        return [{ type: 'tool_call', index, id: block.id ?? `call_${index}`, name: block.name ?? '', argsDelta: '' }];
      }
      case 'content_block_delta': {
        const delta = d.delta;
        if (delta?.type === 'text_delta' && delta.text) return [{ type: 'text', text: delta.text }];
        const index = toolIndex.get(d.index ?? 0);
        if (delta?.type === 'input_json_delta' && index !== undefined && delta.partial_json) {
          return [{ type: 'tool_call', index, argsDelta: delta.partial_json }];
        }
        return [];
      }
      case 'message_delta':
        if (d.delta?.stop_reason) finish = finishFromAnthropic(d.delta.stop_reason);
        if (d.usage?.output_tokens != null) output = d.usage.output_tokens;
        if (d.usage?.input_tokens != null) input = inputTokens(d.usage);
        return [];
      case 'message_stop':
        done = true;
        return [{ type: 'finish', finishReason: finish, usage: { inputTokens: input, outputTokens: output } }];
      case 'error':
        done = true;
        return [{ type: 'finish', finishReason: 'error' }];
      default:
        return [];
    }
  };
}

export function anthropicStreamError(type: string, message: string): SseEvent[] {
  return [{ event: 'error', data: JSON.stringify({ type: 'error', error: { type, message } }) }];
}

const sse = (event: string, data: Record<string, unknown>): SseEvent => ({ event, data: JSON.stringify({ type: event, ...data }) });

/** Content blocks are strictly sequential in Anthropic streams: each is opened, filled and closed in turn. */
export function anthropicStreamEncoder(): (ev: StreamEvent) => SseEvent[] {
  let started = false;
  let block = -1;
  let open: { kind: 'text' } | { kind: 'tool'; index: number } | undefined;
  const begin = (id?: string, model?: string): SseEvent[] => {
    if (started) return [];
    started = true;
    const message = {
      id: id || `msg_${randomUUID().replaceAll('-', '')}`,
      type: 'message',
      role: 'assistant',
      model: model ?? '',
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    };
    return [sse('message_start', { message })];
  };
  const close = (): SseEvent[] => {
    if (!open) return [];
    open = undefined;
    return [sse('content_block_stop', { index: block })];
  };
  return (ev) => {
    switch (ev.type) {
      case 'start':
        return begin(ev.id, ev.model);
      case 'text': {
        const out = begin();
        if (open?.kind !== 'text') {
          out.push(...close());
          open = { kind: 'text' };
          out.push(sse('content_block_start', { index: ++block, content_block: { type: 'text', text: '' } }));
        }
        out.push(sse('content_block_delta', { index: block, delta: { type: 'text_delta', text: ev.text } }));
        return out;
      }
      case 'tool_call': {
        const out = begin();
        if (open?.kind !== 'tool' || open.index !== ev.index) {
          out.push(...close());
          open = { kind: 'tool', index: ev.index };
          const content_block = { type: 'tool_use', id: ev.id ?? `call_${ev.index}`, name: ev.name ?? '', input: {} };
          out.push(sse('content_block_start', { index: ++block, content_block }));
        }
        if (ev.argsDelta) out.push(sse('content_block_delta', { index: block, delta: { type: 'input_json_delta', partial_json: ev.argsDelta } }));
        return out;
      }
      case 'finish': {
        if (ev.finishReason === 'error') return [...begin(), ...anthropicStreamError('api_error', 'the upstream model stream failed')];
        const usage = { input_tokens: ev.usage?.inputTokens ?? 0, output_tokens: ev.usage?.outputTokens ?? 0 };
        return [
          ...begin(),
          ...close(),
          sse('message_delta', { delta: { stop_reason: finishToAnthropic(ev.finishReason), stop_sequence: null }, usage }),
          sse('message_stop', {}),
        ];
      }
    }
  };
}
