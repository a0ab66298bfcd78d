import { Pool, type Dispatcher } from 'undici';
import type { SseEvent } from '../canonical/types.js';
import { ENDPOINTS, type Endpoint } from './endpoints.js';
import { SseParser } from './sse.js';
import { upstreamFailure } from './upstream-errors.js';
import { UpstreamError, type Provider, type ProviderConfig, type ProviderKind, type UpstreamCall, type UpstreamResult, type WireCodec } from './types.js';

/** Upstream response headers passed back to the pipeline (correlation and back-off only). */
const PASS_HEADERS = ['x-request-id', 'request-id', 'retry-after'];

/**
 * One upstream vendor over HTTP: a keep-alive undici pool to its origin, the vendor's auth
 * headers, and its codec. Bodies go out as one JSON string and come back either parsed once
 * (JSON) or as SSE events parsed straight off the socket.
 */
export class HttpProvider implements Provider {
  readonly kind: ProviderKind;
  readonly name: string;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly endpoint: Endpoint;
  /** Built once: auth and custom headers. The key lives only here, never in logs or errors. */
  private readonly baseHeaders: Record<string, string>;

  constructor(
    settings: ProviderConfig,
    readonly codec: WireCodec,
  ) {
    this.kind = settings.kind;
    this.name = settings.name;
    this.endpoint = ENDPOINTS[settings.kind];
    const url = new URL(settings.base_url);
    this.prefix = url.pathname.replace(/\/+$/, '');
    const timeout = settings.timeout_ms ?? 60_000;
    this.pool = new Pool(url.origin, {
      connections: 64,
      pipelining: 1,
      headersTimeout: timeout,
      // Between body chunks: a stream that goes quiet this long is treated as dead.
      bodyTimeout: timeout,
      connect: { timeout: Math.min(timeout, 10_000) },
    });
    const key = settings.api_key ?? (settings.api_key_env ? process.env[settings.api_key_env] : undefined);
    this.baseHeaders = { ...settings.headers, ...this.endpoint.authHeaders(key || undefined), 'content-type': 'application/json' };
  }

  async send(call: UpstreamCall): Promise<UpstreamResult> {
    const res = await this.request('POST', this.prefix + this.endpoint.chatPath(call.model, call.stream), call.signal, {
      body: JSON.stringify(call.body),
      accept: call.stream ? 'text/event-stream' : 'application/json',
    });
    const headers = passHeaders(res.headers);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      return { ok: false, status: res.statusCode, json: await this.errorBody(res, call.signal), headers };
    }
    if (call.stream) return { ok: true, status: res.statusCode, events: this.events(res.body, call.signal), headers };
    let json: unknown;
    try {
      json = await res.body.json();
    } catch (err) {
      throw bodyFailure(err, this.name, call.signal);
    }
    return { ok: true, status: res.statusCode, json, headers };
  }

  async listModels(signal?: AbortSignal): Promise<string[]> {
    const res = await this.request('GET', this.prefix + this.endpoint.modelsPath, signal);
    if (res.statusCode === 404) {
      await res.body.dump();
      return [];
    }
    if (res.statusCode < 200 || res.statusCode >= 300) {
      await res.body.dump();
      throw new UpstreamError(502, `upstream ${this.name} answered ${res.statusCode} to the model list`, 'bad_response');
    }
    try {
      return this.endpoint.modelIds(await res.body.json());
    } catch (err) {
      throw bodyFailure(err, this.name, signal);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal | undefined,
    opts: { body?: string; accept?: string } = {},
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await this.pool.request({
        method,
        path,
        signal,
        body: opts.body,
        headers: opts.accept ? { ...this.baseHeaders, accept: opts.accept } : this.baseHeaders,
      });
    } catch (err) {
      throw upstreamFailure(err, this.name, 'connect', signal);
    }
  }

  private async errorBody(res: Dispatcher.ResponseData, signal?: AbortSignal): Promise<unknown> {
    let text: string;
    try {
      text = await res.body.text();
    } catch (err) {
      throw upstreamFailure(err, this.name, 'stream', signal);
    }
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }

  /** The upstream's SSE events; throws UpstreamError('broken_stream') if it ends before its final event. */
  private async *events(body: Dispatcher.ResponseData['body'], signal?: AbortSignal): AsyncGenerator<SseEvent> {
    const parser = new SseParser();
    const isTerminal = this.endpoint.isTerminal;
    let finished = false;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        for (const ev of parser.push(chunk)) {
          if (isTerminal(ev)) finished = true;
          yield ev;
        }
      }
      for (const ev of parser.end()) {
        if (isTerminal(ev)) finished = true;
        yield ev;
      }
    } catch (err) {
      throw upstreamFailure(err, this.name, 'stream', signal);
    }
    if (!finished) throw new UpstreamError(502, `upstream ${this.name} ended its stream before the final event`, 'broken_stream');
  }
}

function bodyFailure(err: unknown, provider: string, signal?: AbortSignal): unknown {
  if (err instanceof SyntaxError) return new UpstreamError(502, `upstream ${provider} sent a body that is not JSON`, 'bad_response');
  return upstreamFailure(err, provider, 'stream', signal);
}

function passHeaders(h: Dispatcher.ResponseData['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASS_HEADERS) {
    const v = h[name];
    if (typeof v === 'string') out[name] = v;
  }
  return out;
}
