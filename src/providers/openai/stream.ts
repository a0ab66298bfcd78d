import { randomUUID } from 'node:crypto';
import type { FinishReason, SseEvent, StreamEvent, Usage } from '../../canonical/types.js';
import { eventJson } from '../event-json.js';
import { finishFromOpenAI, finishToOpenAI } from './response.js';

/** OpenAI streaming: `data: {chat.completion.chunk}` events, then `data: [DONE]`. */

interface Chunk {
  id?: string;
  model?: string;
  error?: unknown;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  choices?: Array<{
    index?: number;
    delta?: {
      content?: string | null;
      refusal?: string | null;
      tool_calls?: Array<{ index?: number; id?: string; function?: { name?: string; arguments?: string } }>;
    };
    finish_reason?: string | null;
  }>;
}

export function openAIStreamDecoder(): (ev: SseEvent) => StreamEvent[] {
  let started = false;
  let done = false;
  let finish: FinishReason | undefined;
  let usage: Usage | undefined;
  return (ev) => {
    if (done) return [];
    if (ev.data === '[DONE]') {
      done = true;
      // The finish goes out at [DONE] because usage (stream_options.include_usage) arrives after finish_reason.
      return [usage ? { type: 'finish', finishReason: finish ?? 'stop', usage } : { type: 'finish', finishReason: finish ?? 'stop' }];
    }
    const chunk = eventJson<Chunk>(ev.data);
    if (chunk.error) {
      done = true;
      return [{ type: 'finish', finishReason: 'error' }];
    }
    const out: StreamEvent[] = [];
    if (!started) {
      started = true;
      out.push({ type: 'start', id: chunk.id ?? '', model: chunk.model ?? '' });
    }
    if (chunk.usage) usage = { inputTokens: chunk.usage.prompt_tokens ?? 0, outputTokens: chunk.usage.completion_tokens ?? 0 };
    for (const choice of chunk.choices ?? []) {
      if ((choice.index ?? 0) !== 0) continue; // n > 1 is not translated
      const delta = choice.delta;
      if (delta?.content) out.push({ type: 'text', text: delta.content });
      if (delta?.refusal) out.push({ type: 'text', text: delta.refusal });
      for (const tc of delta?.tool_calls ?? []) {
        const e: StreamEvent = { type: 'tool_call', index: tc.index ?? 0, argsDelta: tc.function?.arguments ?? '' };
        if (tc.id) e.id = tc.id;
        if (tc.function?.name) e.name = tc.function.name;
        out.push(e);
      }
      if (choice.finish_reason) finish = finishFromOpenAI(choice.finish_reason);
    }
    return out;
  };
}

export function openAIStreamError(type: string, message: string, code?: string): SseEvent[] {
  return [{ data: JSON.stringify({ error: { message, type, param: null, code: code ?? null } }) }, { data: '[DONE]' }];
}

export function openAIStreamEncoder(): (ev: StreamEvent) => SseEvent[] {
  let id = '';
  let model = '';
  let created = 0;
  const seenTools = new Set<number>();
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, usage?: Usage): SseEvent => {
    const body: Record<string, unknown> = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    // Usage rides on the finish chunk, so clients that did not ask for a separate usage chunk never see `choices: []`.
    if (usage) {
      body.usage = { prompt_tokens: usage.inputTokens, completion_tokens: usage.outputTokens, total_tokens: usage.inputTokens + usage.outputTokens };
    }
    return { data: JSON.stringify(body) };
  };
  const begin = (startId?: string, startModel?: string): SseEvent[] => {
    if (created) return [];
    id = startId || `chatcmpl-${randomUUID().replaceAll('-', '')}`;
    model = startModel ?? '';
    created = Math.floor(Date.now() / 1000);
    return [chunk({ role: 'assistant', content: '' })];
  };
  return (ev) => {
    switch (ev.type) {
      case 'start':
        return begin(ev.id, ev.model);
      case 'text':
        return [...begin(), chunk({ content: ev.text })];
      case 'tool_call': {
        const first = !seenTools.has(ev.index);
        seenTools.add(ev.index);
        const call = first
          ? { index: ev.index, id: ev.id ?? `call_${ev.index}`, type: 'function', function: { name: ev.name ?? '', arguments: ev.argsDelta } }
          : { index: ev.index, function: { arguments: ev.argsDelta } };
        return [...begin(), chunk({ tool_calls: [call] })];
      }
      case 'finish':
        if (ev.finishReason === 'error') return [...begin(), ...openAIStreamError('upstream_error', 'the upstream model stream failed')];
        return [...begin(), chunk({}, finishToOpenAI(ev.finishReason), ev.usage), { data: '[DONE]' }];
    }
  };
}
