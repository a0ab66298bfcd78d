import { guardDecoder } from '../event-json.js';
import type { WireCodec } from '../types.js';
import { parseAnthropicRequest, renderAnthropicRequest } from './request.js';
import { parseAnthropicResponse, renderAnthropicResponse } from './response.js';
import { anthropicStreamDecoder, anthropicStreamEncoder, anthropicStreamError } from './stream.js';

/** The Anthropic Messages wire format. */
export const anthropicCodec: WireCodec = {
  format: 'anthropic',
  parseRequest: parseAnthropicRequest,
  renderRequest: renderAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  renderResponse: renderAnthropicResponse,
  streamDecoder: () => guardDecoder(anthropicStreamDecoder()),
  streamEncoder: anthropicStreamEncoder,
  streamError: anthropicStreamError,
};
