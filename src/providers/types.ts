import type { ChatRequest, ChatResponse, SseEvent, StreamEvent, WireFormat } from '../canonical/types.js';

/**
 * A codec knows one vendor wire format and nothing about policy or HTTP.
 * It turns that format's bodies into the canonical types and back.
 */
export interface WireCodec {
  readonly format: WireFormat;
  /** Validate and parse a client/upstream request body. Throws `WireError` (status 400) with a clear message on bad input. */
  parseRequest(body: unknown): ChatRequest;
  /** Render a canonical request in this wire format (Gemini: the model goes in the URL, not the body). */
  renderRequest(req: ChatRequest): Record<string, unknown>;
  /** Parse a non-streaming response body of this format. Throws `WireError` (status 502) when malformed. */
  parseResponse(body: unknown): ChatResponse;
  renderResponse(res: ChatResponse): Record<string, unknown>;
  /** A stateful decoder for one stream: each upstream SSE event becomes zero or more canonical events. */
  streamDecoder(): (ev: SseEvent) => StreamEvent[];
  /** A stateful encoder for one stream: each canonical event becomes zero or more SSE events of this format. */
  streamEncoder(): (ev: StreamEvent) => SseEvent[];
  /** The SSE event(s) that end a stream with an error, in this format's own error shape. */
  streamError(type: string, message: string, code?: string): SseEvent[];
}

export type ProviderKind = 'openai' | 'anthropic' | 'gemini' | 'openai-compatible';

export interface ProviderConfig {
  name: string;
  kind: ProviderKind;
  base_url: string;
  api_key?: string;
  api_key_env?: string;
  timeout_ms?: number;
  headers?: Record<string, string>;
}

export interface UpstreamCall {
  /** Request body already in the provider's wire format. */
  body: Record<string, unknown>;
  /** Upstream model name (Gemini puts it in the URL). */
  model: string;
  stream: boolean;
  signal?: AbortSignal;
  requestId: string;
}

/** What came back from an upstream. Exactly one of json / events is set when ok. */
export interface UpstreamResult {
  ok: boolean;
  status: number;
  /** Non-streaming success body, or the upstream's error body (parsed JSON when possible). */
  json?: unknown;
  /** Streaming success: the upstream's SSE events in order. Iteration throws `UpstreamError` on a broken stream. */
  events?: AsyncIterable<SseEvent>;
  /** Upstream response headers worth passing through (e.g. request ids), lower-case names. */
  headers: Record<string, string>;
}

/** An upstream adapter: a codec plus how to reach that vendor over HTTP. */
export interface Provider {
  readonly name: string;
  readonly kind: ProviderKind;
  readonly codec: WireCodec;
  send(call: UpstreamCall): Promise<UpstreamResult>;
  /** Model ids the upstream lists (used by GET /v1/models); may return [] if it has no such endpoint. */
  listModels(signal?: AbortSignal): Promise<string[]>;
  close(): Promise<void>;
}

/** Bad input or bad upstream output, with the HTTP status the gateway should answer with. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** The upstream could not be reached, timed out, or broke its stream. */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly kind: 'timeout' | 'connect' | 'broken_stream' | 'bad_response',
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}
