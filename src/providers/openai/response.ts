import { z } from 'zod';
import type { ChatResponse, FinishReason } from '../../canonical/types.js';
import { validate } from '../validate.js';

/** OpenAI Chat Completions response bodies ↔ canonical responses. */

const FROM_OPENAI: Record<string, FinishReason> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  function_call: 'tool_calls',
  content_filter: 'content_filter',
};

export const finishFromOpenAI = (r: string | null | undefined): FinishReason => (r ? (FROM_OPENAI[r] ?? 'stop') : 'stop');

/** OpenAI has no "error" finish reason; an errored stream is ended by an error chunk instead. */
export const finishToOpenAI = (r: FinishReason): string => (r === 'error' ? 'stop' : r);

const responseSchema = z.looseObject({
  id: z.string().default(''),
  model: z.string().default(''),
  choices: z
    .array(
      z.looseObject({
        message: z.looseObject({
          content: z.string().nullish(),
          refusal: z.string().nullish(),
          tool_calls: z
            .array(z.looseObject({ id: z.string(), function: z.looseObject({ name: z.string(), arguments: z.string().default('') }) }))
            .nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z.looseObject({ prompt_tokens: z.number().default(0), completion_tokens: z.number().default(0) }).nullish(),
});

export function parseOpenAIResponse(body: unknown): ChatResponse {
  const b = validate(responseSchema, body, 502, 'malformed upstream response');
  const choice = b.choices[0]!;
  return {
    id: b.id,
    model: b.model,
    text: choice.message.content ?? choice.message.refusal ?? '',
    toolCalls: (choice.message.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })),
    finishReason: finishFromOpenAI(choice.finish_reason),
    usage: { inputTokens: b.usage?.prompt_tokens ?? 0, outputTokens: b.usage?.completion_tokens ?? 0 },
  };
}

export function renderOpenAIResponse(res: ChatResponse): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: res.text || (res.toolCalls.length ? null : ''),
    refusal: null,
  };
  if (res.toolCalls.length) {
    message.tool_calls = res.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  }
  return {
    id: res.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishToOpenAI(res.finishReason) }],
    usage: {
      prompt_tokens: res.usage.inputTokens,
      completion_tokens: res.usage.outputTokens,
      total_tokens: res.usage.inputTokens + res.usage.outputTokens,
    },
  };
}
