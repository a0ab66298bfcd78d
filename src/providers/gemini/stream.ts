import { randomUUID } from 'node:crypto';
import type { SseEvent, StreamEvent, ToolCall } from '../../canonical/types.js';
import { eventJson } from '../event-json.js';
import { chunkPieces, finishFromGemini, finishToGemini, geminiParts, geminiUsage, type GeminiChunk } from './response.js';

/**
 * Gemini streaming (`:streamGenerateContent?alt=sse`): every `data:` is a whole
 * GenerateContentResponse holding the next piece; the last one carries `finishReason`.
 * There is no terminator event like OpenAI's [DONE].
 */
export function geminiStreamDecoder(): (ev: SseEvent) => StreamEvent[] {
  let started = false;
  let done = false;
  let calls = 0;
  return (ev) => {
    if (done) return [];
    const chunk = eventJson<GeminiChunk & { error?: unknown }>(ev.data);
    if (chunk.error) {
      done = true;
      return [{ type: 'finish', finishReason: 'error' }];
    }
    const out: StreamEvent[] = [];
    if (!started) {
      started = true;
      out.push({ type: 'start', id: chunk.responseId ?? `gemini-${randomUUID()}`, model: chunk.modelVersion ?? '' });
    }
    const { text, calls: newCalls, finishReason, usage } = chunkPieces(chunk, calls);
    if (text) out.push({ type: 'text', text });
    for (const c of newCalls) out.push({ type: 'tool_call', index: calls++, id: c.id, name: c.name, argsDelta: c.arguments });
    if (finishReason) {
      done = true;
      const finish: StreamEvent = { type: 'finish', finishReason: finishFromGemini(finishReason, calls > 0) };
      if (usage) finish.usage = usage;
      out.push(finish);
    }
    return out;
  };
}

export function geminiStreamError(_type: string, message: string, code?: string): SseEvent[] {
  return [{ data: JSON.stringify({ error: { code: 500, message, status: code ?? 'INTERNAL' } }) }];
}

/** Gemini delivers each function call whole, so tool-call deltas are gathered until the finish. */
export function geminiStreamEncoder(): (ev: StreamEvent) => SseEvent[] {
  let id = '';
  let model = '';
  const calls = new Map<number, ToolCall>();
  const chunk = (body: Record<string, unknown>): SseEvent => ({ data: JSON.stringify({ ...body, modelVersion: model, responseId: id }) });
  return (ev) => {
    switch (ev.type) {
      case 'start':
        id = ev.id;
        model = ev.model;
        return [];
      case 'text':
        return [chunk({ candidates: [{ content: { role: 'model', parts: [{ text: ev.text }] }, index: 0 }] })];
      case 'tool_call': {
        const call = calls.get(ev.index);
        if (call) call.arguments += ev.argsDelta;
        else calls.set(ev.index, { id: ev.id ?? `call_${ev.index}`, name: ev.name ?? '', arguments: ev.argsDelta });
        return [];
      }
      case 'finish': {
        if (ev.finishReason === 'error') return geminiStreamError('api_error', 'the upstream model stream failed');
        const parts = geminiParts('', [...calls.values()]);
        const candidate = { content: { role: 'model', parts: parts.length ? parts : [{ text: '' }] }, finishReason: finishToGemini(ev.finishReason), index: 0 };
        return [chunk({ candidates: [candidate], usageMetadata: geminiUsage(ev.usage ?? { inputTokens: 0, outputTokens: 0 }) })];
      }
    }
  };
}
