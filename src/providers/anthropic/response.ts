import { z } from 'zod';
import type { ChatResponse, FinishReason, ToolCall } from '../../canonical/types.js';
import { argsObject, argsText } from '../tool-args.js';
import { validate } from '../validate.js';

/** Anthropic Messages response bodies ↔ canonical responses. */

const FROM_ANTHROPIC: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

const TO_ANTHROPIC: Record<FinishReason, string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  content_filter: 'refusal',
  error: 'end_turn',
};

export const finishFromAnthropic = (r: string | null | undefined): FinishReason => (r ? (FROM_ANTHROPIC[r] ?? 'stop') : 'stop');
export const finishToAnthropic = (r: FinishReason): string => TO_ANTHROPIC[r];

const usageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
});

/** Anthropic counts cached prompt tokens separately; canonical input tokens are the whole prompt. */
export function inputTokens(u: z.infer<typeof usageSchema> | undefined | null): number {
  return (u?.input_tokens ?? 0) + (u?.cache_creation_input_tokens ?? 0) + (u?.cache_read_input_tokens ?? 0);
}

const responseSchema = z.looseObject({
  id: z.string().default(''),
  model: z.string().default(''),
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullish(),
  usage: usageSchema.nullish(),
});

export function parseAnthropicResponse(body: unknown): ChatResponse {
  const b = validate(responseSchema, body, 502, 'malformed upstream response');
  let text = '';
  const toolCalls: ToolCall[] = [];
  for (const block of b.content as Array<Record<string, unknown>>) {
    if (block.type === 'text' && typeof block.text === 'string') text += block.text;
    else if (block.type === 'tool_use') toolCalls.push({ id: String(block.id ?? ''), name: String(block.name ?? ''), arguments: argsText(block.input) });
  }
  return {
    id: b.id,
    model: b.model,
    text,
    toolCalls,
    finishReason: finishFromAnthropic(b.stop_reason),
    usage: { inputTokens: inputTokens(b.usage), outputTokens: b.usage?.output_tokens ?? 0 },
  };
}

export function renderAnthropicResponse(res: ChatResponse): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (res.text || !res.toolCalls.length) content.push({ type: 'text', text: res.text });
  for (const c of res.toolCalls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: argsObject(c.arguments) });
  return {
    id: res.id,
    type: 'message',
    role: 'assistant',
    model: res.model,
    content,
    stop_reason: finishToAnthropic(res.finishReason),
    stop_sequence: null,
    usage: { input_tokens: res.usage.inputTokens, output_tokens: res.usage.outputTokens },
  };
}
