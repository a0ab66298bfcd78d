import { z } from 'zod';
import type { ChatMessage, ChatRequest, ImagePart } from '../../canonical/types.js';
import { argsObject, argsText } from '../tool-args.js';
import { validate } from '../validate.js';

/** Anthropic Messages request bodies ↔ canonical requests. */

/** Anthropic requires max_tokens; translated requests that carry none get this. */
export const DEFAULT_MAX_TOKENS = 4096;

const textBlock = z.looseObject({ type: z.literal('text'), text: z.string() });
const imageBlock = z.looseObject({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.looseObject({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.looseObject({ type: z.literal('url'), url: z.string() }),
    z.looseObject({ type: z.literal('file') }),
  ]),
});
const toolUseBlock = z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() });
// Documents and search results can carry plain text: it is read as text so screening sees it.
const documentBlock = z.looseObject({
  type: z.literal('document'),
  source: z.looseObject({ type: z.string(), data: z.string().optional(), content: z.union([z.string(), z.array(z.looseObject({ type: z.string() }))]).optional() }),
});
const searchResultBlock = z.looseObject({ type: z.literal('search_result'), content: z.array(textBlock) });
const toolResultBlock = z.looseObject({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, documentBlock, searchResultBlock]))]).optional(),
  is_error: z.boolean().optional(),
});
// Blocks that carry nothing translatable (thinking, server tools) are accepted as they are.
const otherBlock = z.looseObject({
  type: z.literal(['thinking', 'redacted_thinking', 'server_tool_use', 'web_search_tool_result']),
});

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(z.discriminatedUnion('type', [textBlock, imageBlock, toolUseBlock, toolResultBlock, documentBlock, searchResultBlock, otherBlock]))]),
});

const requestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().positive(),
  system: z.union([z.string(), z.array(textBlock)]).optional(),
  messages: z.array(message),
  tools: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        description: z.string().optional(),
        // Server tools (web search, code execution…) have a `type` and no input_schema.
        input_schema: z.record(z.string(), z.unknown()).optional(),
        type: z.string().optional(),
      }),
    )
    .optional(),
  tool_choice: z
    .discriminatedUnion('type', [
      z.looseObject({ type: z.literal(['auto', 'any', 'none']) }),
      z.looseObject({ type: z.literal('tool'), name: z.string() }),
    ])
    .optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  stream: z.boolean().optional(),
});

type Block = { type: string; text?: string; source?: Record<string, unknown> } & Record<string, unknown>;

function image(block: Block): ImagePart | undefined {
  const s = block.source as { type: string; media_type?: string; data?: string; url?: string };
  if (s.type === 'base64') return { type: 'image', mediaType: s.media_type, data: s.data };
  if (s.type === 'url') return { type: 'image', url: s.url };
  return undefined;
}

const joinTexts = (blocks: unknown): string =>
  Array.isArray(blocks)
    ? (blocks as Block[])
        .filter((x) => x.type === 'text' && typeof x.text === 'string')
        .map((x) => x.text)
        .join('\n')
    : '';

/** Text inside a search result or a document with a plain-text or content source ('' for PDFs, files). */
function nestedText(b: Block): string {
  if (b.type === 'search_result') return joinTexts(b.content);
  const src = b.source as { type: string; data?: string; content?: unknown };
  if (src.type === 'text') return src.data ?? '';
  if (src.type === 'content') return typeof src.content === 'string' ? src.content : joinTexts(src.content);
  return '';
}

function textAndImages(blocks: readonly Block[], msg: ChatMessage): void {
  const texts: string[] = [];
  const images: ImagePart[] = [];
  for (const b of blocks) {
    if (b.type === 'text') texts.push(b.text ?? '');
    else if (b.type === 'document' || b.type === 'search_result') {
      const text = nestedText(b);
      if (text) texts.push(text);
    } else if (b.type === 'image') {
      const img = image(b);
      if (img) images.push(img);
    }
  }
  msg.content = texts.join('\n');
  if (images.length) msg.images = images;
}

/** One Anthropic message can hold tool results and text; canonical form splits them (results first). */
function toCanonical(m: z.infer<typeof message>, out: ChatMessage[]): void {
  if (typeof m.content === 'string') {
    out.push({ role: m.role, content: m.content });
    return;
  }
  const blocks = m.content as Block[];
  for (const b of blocks) {
    if (b.type !== 'tool_result') continue;
    const tool: ChatMessage = { role: 'tool', content: '', toolCallId: b.tool_use_id as string };
    const c = b.content as string | Block[] | undefined;
    if (typeof c === 'string') tool.content = c;
    else if (c) textAndImages(c, tool);
    if (b.is_error) tool.isError = true;
    out.push(tool);
  }
  const rest = blocks.filter((b) => b.type !== 'tool_result');
  const toolUses = rest.filter((b) => b.type === 'tool_use');
  if (rest.length === 0 && blocks.length > 0) return;
  const msg: ChatMessage = { role: m.role, content: '' };
  textAndImages(rest, msg);
  if (toolUses.length) msg.toolCalls = toolUses.map((b) => ({ id: b.id as string, name: b.name as string, arguments: argsText(b.input) }));
  out.push(msg);
}

export function parseAnthropicRequest(body: unknown): ChatRequest {
  const b = validate(requestSchema, body, 400, 'invalid request');
  const messages: ChatMessage[] = [];
  for (const m of b.messages) toCanonical(m, messages);
  const req: ChatRequest = {
    model: b.model,
    system: b.system === undefined ? [] : typeof b.system === 'string' ? [b.system] : b.system.map((s) => s.text),
    messages,
    tools: (b.tools ?? [])
      .filter((t) => t.input_schema !== undefined)
      .map((t) => ({ name: t.name, description: t.description ?? '', parameters: t.input_schema ?? {} })),
    maxTokens: b.max_tokens,
    stream: b.stream === true,
  };
  const tc = b.tool_choice;
  if (tc) req.toolChoice = tc.type === 'tool' ? { name: tc.name as string } : tc.type === 'any' ? 'required' : (tc.type as 'auto' | 'none');
  if (b.temperature !== undefined) req.temperature = b.temperature;
  if (b.top_p !== undefined) req.topP = b.top_p;
  if (b.stop_sequences?.length) req.stop = b.stop_sequences;
  return req;
}

function renderImage(img: ImagePart): Record<string, unknown> {
  const source =
    img.data !== undefined ? { type: 'base64', media_type: img.mediaType ?? 'image/png', data: img.data } : { type: 'url', url: img.url ?? '' };
  return { type: 'image', source };
}

function contentBlocks(m: ChatMessage): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  if (m.content) blocks.push({ type: 'text', text: m.content });
  for (const img of m.images ?? []) blocks.push(renderImage(img));
  for (const c of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: argsObject(c.arguments) });
  return blocks;
}

/** Consecutive tool results (and a user message right after them) share one user turn, as Anthropic requires. */
function renderMessages(messages: ChatMessage[]): Record<string, unknown>[] {
  const out: Array<{ role: string; content: Record<string, unknown>[] }> = [];
  for (const m of messages) {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    let blocks: Record<string, unknown>[];
    if (m.role === 'tool') {
      const result: Record<string, unknown> = { type: 'tool_result', tool_use_id: m.toolCallId ?? '' };
      result.content = m.images?.length ? contentBlocks({ ...m, toolCalls: undefined }) : m.content;
      if (m.isError) result.is_error = true;
      blocks = [result];
    } else {
      blocks = contentBlocks(m);
      if (!blocks.length) blocks = [{ type: 'text', text: '' }];
    }
    const last = out[out.length - 1];
    if (last && last.role === role && role === 'user') last.content.push(...blocks);
    else out.push({ role, content: blocks });
  }
  // A plain single text block reads better (and is smaller) as a string.
  return out.map((m) => (m.content.length === 1 && m.content[0]!.type === 'text' ? { role: m.role, content: m.content[0]!.text } : m));
}

export function renderAnthropicRequest(req: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: req.model,
    max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: renderMessages(req.messages),
  };
  if (req.system.length === 1) body.system = req.system[0];
  else if (req.system.length > 1) body.system = req.system.map((text) => ({ type: 'text', text }));
  if (req.tools.length) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: Object.keys(t.parameters).length ? t.parameters : { type: 'object', properties: {} },
    }));
  }
  const tc = req.toolChoice;
  if (tc) body.tool_choice = typeof tc === 'object' ? { type: 'tool', name: tc.name } : { type: tc === 'required' ? 'any' : tc };
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.stop?.length) body.stop_sequences = req.stop;
  if (req.stream) body.stream = true;
  return body;
}
