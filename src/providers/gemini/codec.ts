import { guardDecoder } from '../event-json.js';
import type { WireCodec } from '../types.js';
import { parseGeminiRequest, renderGeminiRequest } from './request.js';
import { parseGeminiResponse, renderGeminiResponse } from './response.js';
import { geminiStreamDecoder, geminiStreamEncoder, geminiStreamError } from './stream.js';

/** The Gemini generateContent wire format (the model goes in the URL, not the body). */
export const geminiCodec: WireCodec = {
  format: 'gemini',
  parseRequest: parseGeminiRequest,
  renderRequest: renderGeminiRequest,
  parseResponse: parseGeminiResponse,
  renderResponse: renderGeminiResponse,
  streamDecoder: () => guardDecoder(geminiStreamDecoder()),
  streamEncoder: geminiStreamEncoder,
  streamError: geminiStreamError,
};
