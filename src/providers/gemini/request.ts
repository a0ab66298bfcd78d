import { z } from 'zod';
import type { ChatMessage, ChatRequest, ToolCall } from '../../canonical/types.js';
import { argsObject, argsText, resultObject } from '../tool-args.js';
import { validate } from '../validate.js';

/**
 * Gemini generateContent request bodies ↔ canonical requests. Gemini function calls have no ids:
 * canonical ids are synthesised as `call_<n>` and tool results are matched back by function name.
 */

const part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  inlineData: z.looseObject({ mimeType: z.string(), data: z.string() }).optional(),
  fileData: z.looseObject({ mimeType: z.string().optional(), fileUri: z.string() }).optional(),
  functionCall: z.looseObject({ name: z.string(), args: z.unknown().optional(), id: z.string().optional() }).optional(),
  functionResponse: z.looseObject({ name: z.string(), response: z.unknown().optional(), id: z.string().optional() }).optional(),
});

const requestSchema = z.looseObject({
  /** Not part of Gemini's body (the model is in the URL); accepted when a caller adds it. */
  model: z.string().optional(),
  contents: z.array(z.looseObject({ role: z.enum(['user', 'model', 'function']).optional(), parts: z.array(part) })),
  systemInstruction: z.looseObject({ parts: z.array(part) }).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z
          .array(
            z.looseObject({
              name: z.string().min(1),
              description: z.string().optional(),
              parameters: z.record(z.string(), z.unknown()).optional(),
              parametersJsonSchema: z.record(z.string(), z.unknown()).optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  toolConfig: z
    .looseObject({
      functionCallingConfig: z
        .looseObject({ mode: z.string().optional(), allowedFunctionNames: z.array(z.string()).optional() })
        .optional(),
    })
    .optional(),
  generationConfig: z
    .looseObject({
      maxOutputTokens: z.number().int().positive().optional(),
      temperature: z.number().optional(),
      topP: z.number().optional(),
      stopSequences: z.array(z.string()).optional(),
    })
    .optional(),
});

type Part = z.infer<typeof part>;

const textOf = (parts: Part[]) =>
  parts
    .filter((p) => p.text !== undefined && !p.thought)
    .map((p) => p.text)
    .join('\n');

export function parseGeminiRequest(body: unknown): ChatRequest {
  const b = validate(requestSchema, body, 400, 'invalid request');
  const messages: ChatMessage[] = [];
  /** Calls not yet answered, oldest first, so a functionResponse finds its call by name. */
  const pending: ToolCall[] = [];
  let callNo = 0;
  for (const c of b.contents) {
    const msg: ChatMessage = { role: c.role === 'model' ? 'assistant' : 'user', content: textOf(c.parts) };
    const images = c.parts.filter((p) => p.inlineData).map((p) => ({ type: 'image' as const, mediaType: p.inlineData!.mimeType, data: p.inlineData!.data }));
    if (images.length) msg.images = images;
    const calls = c.parts.filter((p) => p.functionCall).map((p) => ({
      id: p.functionCall!.id ?? `call_${callNo++}`,
      name: p.functionCall!.name,
      arguments: argsText(p.functionCall!.args ?? {}),
    }));
    if (calls.length) {
      msg.toolCalls = calls;
      pending.push(...calls);
    }
    for (const p of c.parts) {
      const fr = p.functionResponse;
      if (!fr) continue;
      const i = pending.findIndex((call) => (fr.id ? call.id === fr.id : call.name === fr.name));
      const call = i >= 0 ? pending.splice(i, 1)[0] : undefined;
      messages.push({ role: 'tool', name: fr.name, toolCallId: call?.id ?? fr.id ?? `call_${callNo++}`, content: argsText(fr.response ?? {}) });
    }
    if (msg.content || msg.images || msg.toolCalls) messages.push(msg);
  }
  const req: ChatRequest = {
    model: b.model ?? '',
    system: b.systemInstruction ? [textOf(b.systemInstruction.parts)] : [],
    messages,
    tools: (b.tools ?? []).flatMap((t) =>
      (t.functionDeclarations ?? []).map((f) => ({
        name: f.name,
        description: f.description ?? '',
        parameters: f.parametersJsonSchema ?? f.parameters ?? {},
      })),
    ),
    stream: false,
  };
  const fc = b.toolConfig?.functionCallingConfig;
  if (fc?.mode === 'NONE') req.toolChoice = 'none';
  else if (fc?.mode === 'AUTO') req.toolChoice = 'auto';
  else if (fc?.mode === 'ANY') req.toolChoice = fc.allowedFunctionNames?.length === 1 ? { name: fc.allowedFunctionNames[0]! } : 'required';
  const g = b.generationConfig;
  if (g?.maxOutputTokens !== undefined) req.maxTokens = g.maxOutputTokens;
  if (g?.temperature !== undefined) req.temperature = g.temperature;
  if (g?.topP !== undefined) req.topP = g.topP;
  if (g?.stopSequences?.length) req.stop = g.stopSequences;
  return req;
}

/** Gemini's `parameters` is an OpenAPI subset that rejects some JSON Schema keywords clients commonly send. */
function geminiSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(geminiSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$schema' || k === 'additionalProperties' || k === '$id') continue;
    out[k] = geminiSchema(v);
  }
  return out;
}

function renderMessage(m: ChatMessage, messages: ChatMessage[], at: number): Record<string, unknown>[] {
  if (m.role === 'tool') {
    const name = m.name ?? callName(messages, at, m.toolCallId);
    return [{ functionResponse: { name, response: resultObject(m.content) } }];
  }
  const parts: Record<string, unknown>[] = [];
  if (m.content) parts.push({ text: m.content });
  for (const img of m.images ?? []) {
    parts.push(img.data !== undefined ? { inlineData: { mimeType: img.mediaType ?? 'image/png', data: img.data } } : { fileData: { mimeType: img.mediaType ?? 'image/jpeg', fileUri: img.url } });
  }
  for (const c of m.toolCalls ?? []) parts.push({ functionCall: { name: c.name, args: argsObject(c.arguments) } });
  if (!parts.length) parts.push({ text: '' });
  return parts;
}

/** The tool name a result answers: Gemini needs it, OpenAI tool messages only carry the call id. */
function callName(messages: ChatMessage[], before: number, id: string | undefined): string {
  for (let i = before - 1; i >= 0; i--) {
    const call = messages[i]!.toolCalls?.find((c) => c.id === id);
    if (call) return call.name;
  }
  return id ?? '';
}

export function renderGeminiRequest(req: ChatRequest): Record<string, unknown> {
  const contents: Array<{ role: string; parts: Record<string, unknown>[] }> = [];
  req.messages.forEach((m, i) => {
    const role = m.role === 'assistant' ? 'model' : 'user';
    const parts = renderMessage(m, req.messages, i);
    const last = contents[contents.length - 1];
    // Gemini wants alternating turns: consecutive user-side messages (tool results, then text) merge.
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  });
  const body: Record<string, unknown> = { contents };
  if (req.system.length) body.systemInstruction = { parts: req.system.map((text) => ({ text })) };
  if (req.tools.length) {
    body.tools = [
      {
        functionDeclarations: req.tools.map((t) => {
          const decl: Record<string, unknown> = { name: t.name, description: t.description };
          if (Object.keys(t.parameters).length) decl.parameters = geminiSchema(t.parameters);
          return decl;
        }),
      },
    ];
  }
  const tc = req.toolChoice;
  if (tc) {
    const functionCallingConfig =
      typeof tc === 'object' ? { mode: 'ANY', allowedFunctionNames: [tc.name] } : { mode: tc === 'required' ? 'ANY' : tc.toUpperCase() };
    body.toolConfig = { functionCallingConfig };
  }
  const gen: Record<string, unknown> = {};
  if (req.maxTokens !== undefined) gen.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) gen.temperature = req.temperature;
  if (req.topP !== undefined) gen.topP = req.topP;
  if (req.stop?.length) gen.stopSequences = req.stop;
  if (Object.keys(gen).length) body.generationConfig = gen;
  return body;
}
