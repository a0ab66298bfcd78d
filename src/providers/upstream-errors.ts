import { UpstreamError } from './types.js';

const TIMEOUTS = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'ETIMEDOUT']);

/**
 * Map a transport failure to an UpstreamError. The caller's own abort (client went away) is not
 * the upstream's fault and is rethrown untouched. Messages name the provider, never the URL's
 * credentials or the request content.
 */
export function upstreamFailure(err: unknown, provider: string, phase: 'connect' | 'stream', signal?: AbortSignal): unknown {
  if (err instanceof UpstreamError) return err;
  if (signal?.aborted) return err;
  const code = (err as { code?: string })?.code ?? '';
  if (TIMEOUTS.has(code)) return new UpstreamError(504, `upstream ${provider} timed out`, 'timeout');
  if (phase === 'stream') return new UpstreamError(502, `upstream ${provider} broke off its stream`, 'broken_stream');
  return new UpstreamError(502, `upstream ${provider} could not be reached${code ? ` (${code})` : ''}`, 'connect');
}
