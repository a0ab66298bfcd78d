import type { Provider, UpstreamResult } from '../providers/types.js';
import { GatewayError, toGatewayError } from '../server/errors.js';
import type { Route } from './route.js';
import type { ChatCall, PipelineDeps } from './types.js';

/**
 * Stage: call the upstream. Same wire format → the client's raw body goes as it is (only the model
 * name rewritten when the route says so): lossless passthrough. Otherwise the canonical request is
 * rendered in the provider's format.
 */
export function upstreamBody(call: ChatCall, route: Route): Record<string, unknown> {
  if (isPassthrough(call, route.provider)) {
    return route.upstreamModel === call.request.model ? call.rawBody : { ...call.rawBody, model: route.upstreamModel };
  }
  return route.provider.codec.renderRequest({ ...call.request, model: route.upstreamModel });
}

export const isPassthrough = (call: ChatCall, provider: Provider) => provider.codec.format === call.format;

export async function callUpstream(deps: PipelineDeps, call: ChatCall, route: Route): Promise<{ result: UpstreamResult; ms: number }> {
  const started = process.hrtime.bigint();
  try {
    const result = await route.provider.send({
      body: upstreamBody(call, route),
      model: route.upstreamModel,
      stream: call.request.stream,
      signal: call.signal,
      requestId: call.requestId,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    deps.metrics.upstreamSeconds.observe({ provider: route.provider.name }, ms / 1000);
    return { result, ms };
  } catch (err) {
    const e = toGatewayError(err);
    deps.metrics.upstreamErrors.inc({ provider: route.provider.name, kind: (err as { kind?: string }).kind ?? 'unknown' });
    throw e.status === 500 ? new GatewayError(502, 'upstream_error', `upstream ${route.provider.name} failed`) : e;
  }
}

/** An upstream's non-2xx answer, re-expressed in the client's error shape without its internals. */
export function upstreamFailure(providerName: string, result: UpstreamResult): GatewayError {
  const message = upstreamMessage(result.json);
  const status = result.status >= 400 && result.status < 600 ? result.status : 502;
  const type = status >= 500 ? 'upstream_error' : status === 429 ? 'rate_limit_error' : 'invalid_request_error';
  return new GatewayError(status, type, `upstream ${providerName} answered ${result.status}${message ? `: ${message}` : ''}`, 'upstream_error');
}

function upstreamMessage(body: unknown): string | undefined {
  const b = body as { error?: { message?: unknown } | unknown[]; message?: unknown } | undefined;
  const candidates = [Array.isArray(b?.error) ? undefined : (b?.error as { message?: unknown } | undefined)?.message, b?.message];
  const msg = candidates.find((m) => typeof m === 'string') as string | undefined;
  return msg?.slice(0, 300);
}
