import { canonicalJson } from '../crypto/canonical-json.js';
import type { WireFormat } from '../canonical/types.js';

/**
 * Edits of a raw vendor response body (the client's wire format) that remove tool calls by id
 * while keeping every other field, and find one call again for the release check. Working on the
 * raw body, not a re-rendered one, is what lets an approval release the response exactly as the
 * upstream produced it.
 */

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OpenAI Chat Completions: drop `choices[].message.tool_calls[]` by id; `note` is appended to the content. */
export function stripOpenAICalls(body: unknown, ids: Iterable<string>, note?: string): unknown {
  const remove = new Set(ids);
  const copy = structuredClone(body);
  if (!isObj(copy) || !Array.isArray(copy.choices)) return copy;
  for (const choice of copy.choices) {
    if (!isObj(choice) || !isObj(choice.message) || !Array.isArray(choice.message.tool_calls)) continue;
    const msg = choice.message;
    const calls = msg.tool_calls as unknown[];
    const kept = calls.filter((c) => !(isObj(c) && remove.has(String(c.id))));
    if (kept.length === calls.length) continue;
    if (note) msg.content = [typeof msg.content === 'string' ? msg.content : '', note].filter(Boolean).join('\n\n');
    if (kept.length) msg.tool_calls = kept;
    else {
      // An empty tool_calls array is rejected by some clients; absent is what OpenAI sends for no calls.
      delete msg.tool_calls;
      if (choice.finish_reason === 'tool_calls') choice.finish_reason = 'stop';
    }
  }
  return copy;
}

/** Anthropic Messages: drop `content[]` tool_use blocks by id; `note` becomes a text block before the remaining calls. */
export function stripAnthropicCalls(body: unknown, ids: Iterable<string>, note?: string): unknown {
  const remove = new Set(ids);
  const copy = structuredClone(body);
  if (!isObj(copy) || !Array.isArray(copy.content)) return copy;
  const blocks = copy.content as unknown[];
  const kept = blocks.filter((b) => !(isObj(b) && b.type === 'tool_use' && remove.has(String(b.id))));
  if (kept.length === blocks.length) return copy;
  const firstTool = kept.findIndex((b) => isObj(b) && b.type === 'tool_use');
  if (note) kept.splice(firstTool === -1 ? kept.length : firstTool, 0, { type: 'text', text: note });
  copy.content = kept;
  if (firstTool === -1 && copy.stop_reason === 'tool_use') copy.stop_reason = 'end_turn';
  return copy;
}

/**
 * Gemini calls often carry no id; the codec then names them `call_<n>` by their order among the
 * candidate's functionCall parts (src/providers/gemini/response.ts), and so do we.
 */
function geminiCallId(part: Json, n: number): string {
  const fc = part.functionCall as Json;
  return typeof fc.id === 'string' ? fc.id : `call_${n}`;
}

/** Gemini generateContent: drop `functionCall` parts by id. */
export function stripGeminiCalls(body: unknown, ids: Iterable<string>, note?: string): unknown {
  const remove = new Set(ids);
  const copy = structuredClone(body);
  if (!isObj(copy) || !Array.isArray(copy.candidates)) return copy;
  for (const cand of copy.candidates) {
    if (!isObj(cand) || !isObj(cand.content) || !Array.isArray(cand.content.parts)) continue;
    const parts = cand.content.parts as unknown[];
    let n = 0;
    const kept = parts.filter((p) => !(isObj(p) && isObj(p.functionCall) && remove.has(geminiCallId(p, n++))));
    if (kept.length === parts.length) continue;
    if (note) kept.push({ text: note });
    cand.content.parts = kept;
  }
  return copy;
}

export function stripCalls(format: WireFormat, body: unknown, ids: Iterable<string>, note?: string): unknown {
  if (format === 'anthropic') return stripAnthropicCalls(body, ids, note);
  if (format === 'gemini') return stripGeminiCalls(body, ids, note);
  return stripOpenAICalls(body, ids, note);
}

/** Every tool call id present in a raw body. */
export function callIds(format: WireFormat, body: unknown): string[] {
  return listCalls(format, body).map((c) => c.id);
}

interface RawCall {
  id: string;
  name: string;
  /** OpenAI: the arguments text; Anthropic/Gemini: the parsed input object. */
  args: unknown;
}

function listCalls(format: WireFormat, body: unknown): RawCall[] {
  const out: RawCall[] = [];
  if (!isObj(body)) return out;
  if (format === 'anthropic') {
    for (const b of Array.isArray(body.content) ? body.content : []) {
      if (isObj(b) && b.type === 'tool_use') out.push({ id: String(b.id), name: String(b.name), args: b.input });
    }
  } else if (format === 'gemini') {
    for (const cand of Array.isArray(body.candidates) ? body.candidates : []) {
      const parts = isObj(cand) && isObj(cand.content) && Array.isArray(cand.content.parts) ? cand.content.parts : [];
      let n = 0;
      for (const p of parts) {
        if (isObj(p) && isObj(p.functionCall)) out.push({ id: geminiCallId(p, n++), name: String(p.functionCall.name), args: p.functionCall.args });
      }
    }
  } else {
    for (const choice of Array.isArray(body.choices) ? body.choices : []) {
      const calls = isObj(choice) && isObj(choice.message) && Array.isArray(choice.message.tool_calls) ? choice.message.tool_calls : [];
      for (const c of calls) {
        if (isObj(c) && isObj(c.function)) out.push({ id: String(c.id), name: String(c.function.name), args: c.function.arguments });
      }
    }
  }
  return out;
}

/**
 * Does the raw body carry exactly this call (same id, name and arguments)? OpenAI keeps the
 * arguments as text, so they must match byte for byte; Anthropic and Gemini carry a parsed
 * object, so they are compared as RFC 8785 canonical JSON.
 */
export function bodyHasCall(format: WireFormat, body: unknown, call: { id: string; name: string; arguments: string }): boolean {
  const found = listCalls(format, body).filter((c) => c.id === call.id);
  if (found.length !== 1 || found[0]!.name !== call.name) return false;
  const args = found[0]!.args;
  if (format === 'openai') return args === call.arguments;
  try {
    return canonicalJson(args ?? {}) === canonicalJson(JSON.parse(call.arguments || '{}'));
  } catch {
    return false;
  }
}
