import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WireFormat } from '../canonical/types.js';
import { handleChat } from '../pipeline/chat.js';
import type { ChatCall, PipelineDeps } from '../pipeline/types.js';
import { codecFor } from '../providers/index.js';
import { GatewayError } from './errors.js';
import { replySink } from './sse-sink.js';

/**
 * The HTTP end of a chat API: parse the body with the inbound format's codec, then hand the call to
 * the pipeline. Errors thrown here reach the app's error handler, which answers in the API's shape.
 */
export function chatHandler(deps: PipelineDeps, format: WireFormat) {
  const codec = codecFor(format);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new GatewayError(400, 'invalid_request_error', 'request body must be a JSON object');
    }
    const chat = codec.parseRequest(body);
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(new Error('request timeout')), deps.config.server.request_timeout_ms);
    const call: ChatCall = {
      requestId: request.id,
      principal: request.principal,
      format,
      rawBody: body as Record<string, unknown>,
      request: chat,
      startedNs: process.hrtime.bigint(),
      signal: abort.signal,
    };
    try {
      await handleChat(deps, call, replySink(reply, () => abort.abort(new Error('client closed'))));
    } finally {
      clearTimeout(timeout);
    }
    return reply;
  };
}
