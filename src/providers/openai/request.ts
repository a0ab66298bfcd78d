import { z } from 'zod';
import type { ChatMessage, ChatRequest, ImagePart, ToolChoice } from '../../canonical/types.js';
import { validate } from '../validate.js';

/** OpenAI Chat Completions request bodies ↔ canonical requests. */

const textPart = z.looseObject({ type: z.literal('text'), text: z.string() });
const imagePart = z.looseObject({ type: z.literal('image_url'), image_url: z.looseObject({ url: z.string() }) });
const refusalPart = z.looseObject({ type: z.literal('refusal'), refusal: z.string() });
// Audio and files cannot be translated or screened as text; they are accepted and passed through.
const opaquePart = z.looseObject({ type: z.literal(['input_audio', 'file']) });
const textContent = z.union([z.string(), z.array(textPart)]);

const toolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion('role', [
  z.looseObject({ role: z.literal(['system', 'developer']), content: textContent }),
  z.looseObject({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, imagePart, opaquePart]))]),
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textPart, refusalPart]))]).nullish(),
    refusal: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  z.looseObject({ role: z.literal('tool'), content: textContent, tool_call_id: z.string() }),
]);

const positiveInt = z.number().int().positive().nullish();

const requestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  tools: z
    .array(
      z.looseObject({
        type: z.literal('function'),
        function: z.looseObject({
          name: z.string().min(1),
          description: z.string().nullish(),
          parameters: z.record(z.string(), z.unknown()).nullish(),
        }),
      }),
    )
    .nullish(),
  tool_choice: z
    .union([
      z.enum(['none', 'auto', 'required']),
      z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
    ])
    .nullish(),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  stream: z.boolean().nullish(),
});

type WireMessage = z.infer<typeof message>;
type Part = { type: string; text?: string; refusal?: string; image_url?: { url: string } };

function partsText(content: string | readonly Part[] | null | undefined): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  const texts: string[] = [];
  for (const p of content) {
    if (p.type === 'text' && p.text !== undefined) texts.push(p.text);
    else if (p.type === 'refusal' && p.refusal !== undefined) texts.push(p.refusal);
  }
  return texts.join('\n');
}

/** `data:image/png;base64,AAAA` becomes inline data; any other URL stays a URL. */
export function imageFromUrl(url: string): ImagePart {
  const m = /^data:([^;,]+);base64,/.exec(url);
  return m ? { type: 'image', mediaType: m[1], data: url.slice(m[0].length) } : { type: 'image', url };
}

export function imageToUrl(img: ImagePart): string {
  return img.data !== undefined ? `data:${img.mediaType ?? 'image/png'};base64,${img.data}` : (img.url ?? '');
}

function toCanonical(m: WireMessage): ChatMessage {
  switch (m.role) {
    case 'user': {
      const out: ChatMessage = { role: 'user', content: partsText(m.content as string | Part[]) };
      if (Array.isArray(m.content)) {
        const images = (m.content as Part[]).filter((p) => p.type === 'image_url').map((p) => imageFromUrl(p.image_url!.url));
        if (images.length) out.images = images;
      }
      return out;
    }
    case 'assistant': {
      const text = partsText(m.content as string | Part[] | null | undefined) || (m.refusal ?? '');
      const out: ChatMessage = { role: 'assistant', content: text };
      if (m.tool_calls?.length) {
        out.toolCalls = m.tool_calls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }));
      }
      return out;
    }
    case 'tool':
      return { role: 'tool', content: partsText(m.content), toolCallId: m.tool_call_id };
    default:
      return { role: 'system', content: partsText(m.content) };
  }
}

export function parseOpenAIRequest(body: unknown): ChatRequest {
  const b = validate(requestSchema, body, 400, 'invalid request');
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const m of b.messages) {
    const c = toCanonical(m);
    // System and developer messages become system prompts wherever they appear.
    if (c.role === 'system') system.push(c.content);
    else messages.push(c);
  }
  const req: ChatRequest = {
    model: b.model,
    system,
    messages,
    tools: (b.tools ?? []).map((t) => ({
      name: t.function.name,
      description: t.function.description ?? '',
      parameters: t.function.parameters ?? {},
    })),
    stream: b.stream === true,
  };
  const choice = b.tool_choice;
  if (choice) req.toolChoice = typeof choice === 'string' ? choice : ({ name: choice.function.name } satisfies ToolChoice);
  const maxTokens = b.max_completion_tokens ?? b.max_tokens;
  if (maxTokens != null) req.maxTokens = maxTokens;
  if (b.temperature != null) req.temperature = b.temperature;
  if (b.top_p != null) req.topP = b.top_p;
  if (b.stop != null) req.stop = typeof b.stop === 'string' ? [b.stop] : b.stop;
  return req;
}

function renderMessage(m: ChatMessage): Record<string, unknown> {
  switch (m.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: m.toolCallId ?? '', content: m.content };
    case 'assistant': {
      const out: Record<string, unknown> = { role: 'assistant', content: m.content || (m.toolCalls?.length ? null : '') };
      if (m.toolCalls?.length) {
        out.tool_calls = m.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
      }
      return out;
    }
    default: {
      if (!m.images?.length) return { role: m.role, content: m.content };
      const parts: Record<string, unknown>[] = m.content ? [{ type: 'text', text: m.content }] : [];
      for (const img of m.images) parts.push({ type: 'image_url', image_url: { url: imageToUrl(img) } });
      return { role: m.role, content: parts };
    }
  }
}

export interface OpenAIRenderOptions {
  /** OpenAI proper wants `max_completion_tokens`; many OpenAI-compatible servers only know `max_tokens`. */
  maxTokensField: 'max_tokens' | 'max_completion_tokens';
}

export function renderOpenAIRequest(req: ChatRequest, opts: OpenAIRenderOptions): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    messages: [...req.system.map((s) => ({ role: 'system', content: s })), ...req.messages.map(renderMessage)],
  };
  if (req.tools.length) {
    body.tools = req.tools.map((t) => ({
      type: 'function',
      function: { name: t.name, description: t.description, parameters: t.parameters },
    }));
  }
  if (req.toolChoice) {
    body.tool_choice = typeof req.toolChoice === 'string' ? req.toolChoice : { type: 'function', function: { name: req.toolChoice.name } };
  }
  if (req.maxTokens !== undefined) body[opts.maxTokensField] = req.maxTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop?.length) body.stop = req.stop;
  if (req.stream) {
    body.stream = true;
    // Usage arrives only when asked for; the ledger and metrics want it.
    body.stream_options = { include_usage: true };
  }
  return body;
}
