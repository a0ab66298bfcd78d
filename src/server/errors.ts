import type { WireFormat } from '../canonical/types.js';

/**
 * A refusal or failure the gateway answers with. `type` is the OpenAI-style error type; the
 * Anthropic shape is derived from the status so each API keeps its own error vocabulary.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly code?: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

export const policyViolation = (category: string, message: string) =>
  new GatewayError(403, 'policy_violation', message, `redline.${category}`);

/** Anthropic's documented error types, by HTTP status. */
function anthropicType(status: number): string {
  if (status === 400 || status === 413 || status === 422) return status === 413 ? 'request_too_large' : 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529 || status === 503) return 'overloaded_error';
  return 'api_error';
}

/** The error body in the inbound API's own shape. */
export function errorBody(format: WireFormat, err: GatewayError, requestId: string): Record<string, unknown> {
  if (format === 'anthropic') {
    return { type: 'error', error: { type: anthropicType(err.status), message: err.message }, request_id: requestId };
  }
  return {
    error: { message: err.message, type: err.type, param: err.param ?? null, code: err.code ?? null, request_id: requestId },
  };
}

/** Map anything thrown in a handler to a GatewayError; unknown errors become a 500 without internals. */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  const e = err as { name?: string; status?: number; statusCode?: number; message?: string; param?: string; code?: string };
  if (e?.name === 'WireError' && typeof e.status === 'number') {
    return new GatewayError(e.status, e.status >= 500 ? 'upstream_error' : 'invalid_request_error', e.message ?? 'invalid request', undefined, e.param);
  }
  if (e?.name === 'ApprovalError' && typeof e.status === 'number') {
    return new GatewayError(e.status, (e as { type?: string }).type ?? 'invalid_request_error', e.message ?? 'approval error', e.code, e.param);
  }
  if (e?.name === 'UpstreamError' && typeof e.status === 'number') {
    return new GatewayError(e.status, 'upstream_error', e.message ?? 'upstream failed');
  }
  // Fastify's own errors (body too large, bad JSON, unsupported media type) carry statusCode.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const msg =
      e.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? 'request body is larger than the configured limit (server.body_limit_bytes)'
        : e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          ? 'unsupported content type: send application/json'
          : e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY'
            ? 'request body is empty: send a JSON object'
            : (e.message ?? 'bad request');
    return new GatewayError(e.statusCode, e.statusCode === 413 ? 'request_too_large' : 'invalid_request_error', msg);
  }
  return new GatewayError(500, 'internal_error', 'internal gateway error');
}
