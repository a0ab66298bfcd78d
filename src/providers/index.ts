import type { WireFormat } from '../canonical/types.js';
import { anthropicCodec } from './anthropic/codec.js';
import { geminiCodec } from './gemini/codec.js';
import { HttpProvider } from './http-provider.js';
import { createOpenAICodec } from './openai/codec.js';
import type { Provider, ProviderConfig, WireCodec } from './types.js';

/** The vendor adapters: `codecFor` a wire format, `createProvider` for a configured upstream. */

const openaiCodec = createOpenAICodec({ maxTokensField: 'max_tokens' });
// OpenAI proper deprecates max_tokens (reasoning models reject it); compatible servers may only know it.
const openaiUpstreamCodec = createOpenAICodec({ maxTokensField: 'max_completion_tokens' });

const CODECS: Record<WireFormat, WireCodec> = { openai: openaiCodec, anthropic: anthropicCodec, gemini: geminiCodec };

export function codecFor(format: WireFormat): WireCodec {
  return CODECS[format];
}

/** Accepts the validated config entry (ProviderSettings) or any ProviderConfig. */
export function createProvider(settings: ProviderConfig): Provider {
  const codec = settings.kind === 'openai' ? openaiUpstreamCodec : settings.kind === 'openai-compatible' ? openaiCodec : CODECS[settings.kind];
  return new HttpProvider(settings, codec);
}

export { WireError, UpstreamError } from './types.js';
export type { Provider, WireCodec } from './types.js';
export { formatSse, parseSse, SseParser } from './sse.js';
