import { guardDecoder } from '../event-json.js';
import type { WireCodec } from '../types.js';
import { parseOpenAIRequest, renderOpenAIRequest, type OpenAIRenderOptions } from './request.js';
import { parseOpenAIResponse, renderOpenAIResponse } from './response.js';
import { openAIStreamDecoder, openAIStreamEncoder, openAIStreamError } from './stream.js';

/** The OpenAI Chat Completions wire format (also spoken by OpenAI-compatible servers). */
export function createOpenAICodec(opts: OpenAIRenderOptions = { maxTokensField: 'max_tokens' }): WireCodec {
  return {
    format: 'openai',
    parseRequest: parseOpenAIRequest,
    renderRequest: (req) => renderOpenAIRequest(req, opts),
    parseResponse: parseOpenAIResponse,
    renderResponse: renderOpenAIResponse,
    streamDecoder: () => guardDecoder(openAIStreamDecoder()),
    streamEncoder: openAIStreamEncoder,
    streamError: openAIStreamError,
  };
}
