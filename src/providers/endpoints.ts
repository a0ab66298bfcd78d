import type { SseEvent } from '../canonical/types.js';
import type { ProviderKind } from './types.js';

/**
 * Where and how each vendor is reached: paths under base_url, auth headers, which stream event
 * is the last one (so a cut-off stream can be told from a finished one), and the model list shape.
 */
export interface Endpoint {
  chatPath(model: string, stream: boolean): string;
  modelsPath: string;
  authHeaders(key: string | undefined): Record<string, string>;
  /** Checked on every event of the hot path: cheap string tests, no JSON parsing. */
  isTerminal(ev: SseEvent): boolean;
  modelIds(body: unknown): string[];
}

const startsWithError = (data: string) => /^\s*\{\s*"error"\s*:/.test(data);

const idsOf = (list: unknown, key: 'id' | 'name'): string[] =>
  Array.isArray(list) ? list.map((m) => (m as Record<string, unknown>)?.[key]).filter((v): v is string => typeof v === 'string') : [];

const openai: Endpoint = {
  chatPath: () => '/chat/completions',
  modelsPath: '/models',
  authHeaders: (key): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
  isTerminal: (ev) => ev.data === '[DONE]' || startsWithError(ev.data),
  modelIds: (body) => idsOf((body as { data?: unknown })?.data, 'id'),
};

const anthropic: Endpoint = {
  chatPath: () => '/v1/messages',
  modelsPath: '/v1/models?limit=1000',
  authHeaders: (key) => ({ ...(key ? { 'x-api-key': key } : {}), 'anthropic-version': '2023-06-01' }),
  isTerminal: (ev) => ev.event === 'message_stop' || ev.event === 'error',
  modelIds: (body) => idsOf((body as { data?: unknown })?.data, 'id'),
};

/** Gemini model names may come as `models/gemini-…`; the URL wants the bare id. */
const geminiModel = (model: string) => encodeURIComponent(model.replace(/^models\//, ''));

const gemini: Endpoint = {
  chatPath: (model, stream) =>
    `/v1beta/models/${geminiModel(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
  modelsPath: '/v1beta/models?pageSize=1000',
  authHeaders: (key): Record<string, string> => (key ? { 'x-goog-api-key': key } : {}),
  // A JSON string escapes its quotes, so `"finishReason"` only matches the field itself.
  isTerminal: (ev) => ev.data.includes('"finishReason"') || ev.data.includes('"blockReason"') || startsWithError(ev.data),
  modelIds: (body) => idsOf((body as { models?: unknown })?.models, 'name').map((n) => n.replace(/^models\//, '')),
};

export const ENDPOINTS: Record<ProviderKind, Endpoint> = { openai, 'openai-compatible': openai, anthropic, gemini };
