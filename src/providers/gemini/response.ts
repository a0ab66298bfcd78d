import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChatResponse, FinishReason, ToolCall, Usage } from '../../canonical/types.js';
import { argsObject, argsText } from '../tool-args.js';
import { WireError } from '../types.js';
import { validate } from '../validate.js';

/** Gemini generateContent response bodies ↔ canonical responses (also one streamed chunk each). */

const CONTENT_FILTER = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

export function finishFromGemini(r: string, hasCalls: boolean): FinishReason {
  if (r === 'MAX_TOKENS') return 'length';
  if (CONTENT_FILTER.has(r)) return 'content_filter';
  if (r === 'MALFORMED_FUNCTION_CALL') return 'error';
  // Gemini says STOP after a function call; canonical (like OpenAI) says tool_calls.
  return hasCalls ? 'tool_calls' : 'stop';
}

const TO_GEMINI: Record<FinishReason, string> = {
  stop: 'STOP',
  tool_calls: 'STOP',
  length: 'MAX_TOKENS',
  content_filter: 'SAFETY',
  error: 'OTHER',
};

const partSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional(), id: z.string().optional() }).optional(),
});

export const chunkSchema = z.looseObject({
  candidates: z
    .array(z.looseObject({ content: z.looseObject({ parts: z.array(partSchema).optional() }).optional(), finishReason: z.string().optional() }))
    .optional(),
  promptFeedback: z.looseObject({ blockReason: z.string().optional() }).optional(),
  usageMetadata: z.looseObject({ promptTokenCount: z.number().optional(), candidatesTokenCount: z.number().optional() }).optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

export type GeminiChunk = z.infer<typeof chunkSchema>;

/** The pieces of one response or stream chunk. `firstCall` numbers synthesised call ids across a stream. */
export function chunkPieces(b: GeminiChunk, firstCall: number) {
  const cand = b.candidates?.[0];
  let text = '';
  const calls: ToolCall[] = [];
  for (const p of cand?.content?.parts ?? []) {
    if (p.text !== undefined && !p.thought) text += p.text;
    if (p.functionCall) {
      const n = firstCall + calls.length;
      calls.push({ id: p.functionCall.id ?? `call_${n}`, name: p.functionCall.name, arguments: argsText(p.functionCall.args ?? {}) });
    }
  }
  const blocked = b.promptFeedback?.blockReason ? 'SAFETY' : undefined;
  const finishReason = cand?.finishReason ?? blocked;
  const u = b.usageMetadata;
  const usage: Usage | undefined = u ? { inputTokens: u.promptTokenCount ?? 0, outputTokens: u.candidatesTokenCount ?? 0 } : undefined;
  return { text, calls, finishReason, usage };
}

export function parseGeminiResponse(body: unknown): ChatResponse {
  const b = validate(chunkSchema, body, 502, 'malformed upstream response');
  if (!b.candidates?.length && !b.promptFeedback) {
    throw new WireError(502, "malformed upstream response: 'candidates' is missing or empty", 'candidates');
  }
  const { text, calls, finishReason, usage } = chunkPieces(b, 0);
  return {
    id: b.responseId ?? `gemini-${randomUUID()}`,
    model: b.modelVersion ?? '',
    text,
    toolCalls: calls,
    finishReason: finishFromGemini(finishReason ?? 'STOP', calls.length > 0),
    usage: usage ?? { inputTokens: 0, outputTokens: 0 },
  };
}

export function geminiParts(text: string, calls: ToolCall[]): Record<string, unknown>[] {
  const parts: Record<string, unknown>[] = text ? [{ text }] : [];
  for (const c of calls) parts.push({ functionCall: { name: c.name, args: argsObject(c.arguments) } });
  return parts;
}

export const finishToGemini = (r: FinishReason): string => TO_GEMINI[r];

export function geminiUsage(u: Usage): Record<string, number> {
  return { promptTokenCount: u.inputTokens, candidatesTokenCount: u.outputTokens, totalTokenCount: u.inputTokens + u.outputTokens };
}

export function renderGeminiResponse(res: ChatResponse): Record<string, unknown> {
  const parts = geminiParts(res.text, res.toolCalls);
  return {
    candidates: [{ content: { role: 'model', parts: parts.length ? parts : [{ text: '' }] }, finishReason: finishToGemini(res.finishReason), index: 0 }],
    usageMetadata: geminiUsage(res.usage),
    modelVersion: res.model,
    responseId: res.id,
  };
}
