/**
 * Stand-in vendor servers for tests: one node:http server on 127.0.0.1 (port 0) that answers all
 * three wire formats byte-for-byte the way the vendors do (event names, `[DONE]`, ids, usage).
 *
 *   const up = await startStandIn();                 // default reply: "ok: <N> chars" (N = last user text length)
 *   // base_url for providers: openai / openai-compatible → `${up.url}/v1`; anthropic and gemini → up.url
 *   up.setScript((req) => ({ text: 'hello there', chunks: 2 }));
 *   up.setScript(() => ({ toolCalls: [{ name: 'fire', arguments: { target: 'x' } }] }));
 *   up.setScript(() => ({ error: { status: 429 } }));           // vendor-shaped error body unless `body` given
 *   up.setScript(() => ({ delayMs: 500 }));                      // hold the headers back (timeouts)
 *   up.setScript(() => ({ text: 'a b c d', chunks: 4, breakAfterChunks: 2 })); // socket destroyed mid-stream
 *   up.setScript(() => ({ streamErrorAfterChunks: 1 }));         // the vendor's own in-stream error event
 *   up.received;       // every request: { format, method, path, headers, body, model, stream }
 *   startStandIn(undefined, { record: false, models: ['m1'] }); // load tests: keep nothing; custom model lists
 *   await up.close();
 *
 * Endpoints: POST /v1/chat/completions (OpenAI), GET /v1/models (OpenAI list, or Anthropic list when
 * an `anthropic-version` header is present), POST /v1/messages (Anthropic),
 * POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse (Gemini),
 * GET /v1beta/models (Gemini list). Requests missing what the vendor requires (model, messages,
 * Anthropic max_tokens, Gemini contents) get the vendor's 400, like the real thing.
 * Responses are written by hand here, not by the gateway's codecs, so tests check one against the other.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Format = 'openai' | 'anthropic' | 'gemini';

export interface ReceivedRequest {
  format: Format;
  method: string;
  /** Path and query as received, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined for GET). */
  body: any;
  /** Requested model (body `model`, or from the URL for Gemini). */
  model: string;
  stream: boolean;
}

export interface Reply {
  /** Assistant text. Default: `ok: <N> chars` where N is the length of the last user text. Use '' for none. */
  text?: string;
  /** Stream pieces the text is split into (default 3). */
  chunks?: number;
  /** Tool calls the model makes; arguments as JSON text or an object. */
  toolCalls?: Array<{ name: string; arguments: string | Record<string, unknown> }>;
  /** Canonical finish reason; default `tool_calls` when there are tool calls, else `stop`. */
  finishReason?: 'stop' | 'length' | 'tool_calls' | 'content_filter';
  /** Default { inputTokens: 11, outputTokens: 7 }. */
  usage?: { inputTokens: number; outputTokens: number };
  /** Answer with this HTTP error instead; `body` defaults to the vendor's error shape. */
  error?: { status: number; body?: unknown; message?: string };
  /** Wait this long before sending headers. */
  delayMs?: number;
  /** Wait this long between stream events. */
  chunkDelayMs?: number;
  /**
   * Streaming: destroy the socket right after this many content pieces (text pieces and tool-call
   * pieces), before anything else is written. 0 = after the opening frames. (Gemini's last text
   * piece rides on its finishing frame, so there N must be below the piece count.)
   */
  breakAfterChunks?: number;
  /** Streaming: after this many content pieces stop writing until `StandIn.resume()` is called. */
  pauseAfterChunks?: number;
  /** Streaming: after this many content pieces send the vendor's in-stream error event and end the response. */
  streamErrorAfterChunks?: number;
  /** Model name reported back; default the requested model. */
  model?: string;
}

export type Script = (req: ReceivedRequest) => Reply | Promise<Reply>;

export interface StandIn {
  /** `http://127.0.0.1:<port>` (OpenAI base_url is this plus `/v1`). */
  url: string;
  received: ReceivedRequest[];
  /** Replace the script; no argument restores the default reply. */
  setScript(fn?: Script): void;
  /** Let streams paused by `pauseAfterChunks` go on. */
  resume(): void;
  close(): Promise<void>;
}

/** The last user turn's text, whatever the format (tool results excluded). */
export function lastUserText(req: ReceivedRequest): string {
  const b = req.body ?? {};
  if (req.format === 'gemini') {
    const turn = [...(b.contents ?? [])].reverse().find((c: any) => (c.role ?? 'user') === 'user' && c.parts?.some((p: any) => typeof p.text === 'string'));
    return (turn?.parts ?? []).filter((p: any) => typeof p.text === 'string').map((p: any) => p.text).join('\n');
  }
  const turn = [...(b.messages ?? [])].reverse().find((m: any) => m.role === 'user');
  if (!turn) return '';
  if (typeof turn.content === 'string') return turn.content;
  return (turn.content ?? []).filter((p: any) => p.type === 'text').map((p: any) => p.text).join('\n');
}

const defaultScript: Script = (req) => ({ text: `ok: ${lastUserText(req).length} chars` });

export interface StandInOptions {
  /** Ids for the model lists (default gpt-4o-mini, claude-sonnet-4-5, gemini-2.5-flash). */
  models?: string[];
  /** Keep every request in `received` (default true); turn off for load tests so memory stays flat. */
  record?: boolean;
}

export async function startStandIn(script?: Script, opts: StandInOptions = {}): Promise<StandIn> {
  let current = script ?? defaultScript;
  const received: ReceivedRequest[] = [];
  const models = opts.models ?? ['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
  let seq = 0;
  let paused: Array<() => void> = [];
  const whenResumed = () => new Promise<void>((resolve) => paused.push(resolve));
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    const route = routeOf(req.method ?? 'GET', path, req.headers);
    if (!route) return sendJson(res, 404, openaiError(404, `no stand-in route for ${req.method} ${path}`));
    if (route.list) return sendJson(res, 200, modelList(route.format, models));
    const raw = await readBody(req);
    let body: any;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 400, errorBody(route.format, 400, 'request body is not valid JSON'));
    }
    const model = route.format === 'gemini' ? route.model! : String(body?.model ?? '');
    const stream = route.format === 'gemini' ? route.stream! : body?.stream === true;
    const r: ReceivedRequest = { format: route.format, method: req.method ?? 'POST', path, headers: req.headers, body, model, stream };
    if (opts.record !== false) received.push(r);
    const problem = missing(r);
    if (problem) return sendJson(res, 400, errorBody(r.format, 400, problem));
    const reply = await current(r);
    if (reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed) return;
    if (reply.error) {
      return sendJson(res, reply.error.status, reply.error.body ?? errorBody(r.format, reply.error.status, reply.error.message ?? 'stand-in error'));
    }
    const answer = normalise(r, reply, ++seq);
    if (!stream) return sendJson(res, 200, WHOLE[r.format](answer));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-request-id': `req_standin${answer.seq}` });
    await writeStream(res, STREAMS[r.format](answer), reply, whenResumed);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    setScript(fn) {
      current = fn ?? defaultScript;
    },
    resume() {
      for (const go of paused.splice(0)) go();
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

interface Route {
  format: Format;
  list?: boolean;
  model?: string;
  stream?: boolean;
}

function routeOf(method: string, path: string, headers: IncomingHttpHeaders): Route | undefined {
  const [pathname] = path.split('?') as [string];
  if (method === 'GET' && pathname === '/v1/models') return { format: headers['anthropic-version'] ? 'anthropic' : 'openai', list: true };
  if (method === 'GET' && pathname === '/v1beta/models') return { format: 'gemini', list: true };
  if (method !== 'POST') return undefined;
  if (pathname === '/v1/chat/completions') return { format: 'openai' };
  if (pathname === '/v1/messages') return { format: 'anthropic' };
  const g = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(pathname);
  if (g) return { format: 'gemini', model: decodeURIComponent(g[1]!), stream: g[2] === 'streamGenerateContent' };
  return undefined;
}

/** What the real vendors reject before generating anything. */
function missing(r: ReceivedRequest): string | undefined {
  const b = r.body;
  if (!b || typeof b !== 'object') return 'body must be a JSON object';
  if (r.format === 'gemini') return Array.isArray(b.contents) && b.contents.length ? undefined : 'contents is required';
  if (typeof b.model !== 'string' || !b.model) return 'model: Field required';
  if (!Array.isArray(b.messages)) return 'messages: Field required';
  if (r.format === 'anthropic' && typeof b.max_tokens !== 'number') return 'max_tokens: Field required';
  return undefined;
}

/** A reply with every default filled in. */
interface Answer {
  seq: number;
  model: string;
  pieces: string[];
  text: string;
  calls: Array<{ name: string; args: string }>;
  finish: NonNullable<Reply['finishReason']>;
  usage: { inputTokens: number; outputTokens: number };
  includeUsage: boolean;
}

function normalise(r: ReceivedRequest, reply: Reply, seq: number): Answer {
  const text = reply.text ?? (defaultScript(r) as Reply).text!;
  const calls = (reply.toolCalls ?? []).map((c) => ({ name: c.name, args: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments) }));
  return {
    seq,
    model: reply.model ?? r.model,
    pieces: split(text, reply.chunks ?? 3),
    text,
    calls,
    finish: reply.finishReason ?? (calls.length ? 'tool_calls' : 'stop'),
    usage: reply.usage ?? { inputTokens: 11, outputTokens: 7 },
    includeUsage: r.body?.stream_options?.include_usage === true,
  };
}

function split(text: string, n: number): string[] {
  const chars = Array.from(text);
  if (!chars.length) return [];
  const count = Math.max(1, Math.min(n, chars.length));
  const size = Math.ceil(chars.length / count);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

/** Split JSON argument text in two, as vendors stream it in pieces. */
const halves = (s: string): string[] => (s.length < 2 ? [s] : [s.slice(0, s.length >> 1), s.slice(s.length >> 1)]);

// ---- whole (non-streaming) bodies ------------------------------------------------------------

const OPENAI_FINISH = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', content_filter: 'content_filter' };
const ANTHROPIC_FINISH = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use', content_filter: 'refusal' };
const GEMINI_FINISH = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP', content_filter: 'SAFETY' };
const CREATED = 1767225600;

const openaiUsage = (a: Answer) => ({
  prompt_tokens: a.usage.inputTokens,
  completion_tokens: a.usage.outputTokens,
  total_tokens: a.usage.inputTokens + a.usage.outputTokens,
});
const geminiUsage = (a: Answer) => ({
  promptTokenCount: a.usage.inputTokens,
  candidatesTokenCount: a.usage.outputTokens,
  totalTokenCount: a.usage.inputTokens + a.usage.outputTokens,
});
const openaiCallId = (a: Answer, i: number) => `call_standin${a.seq}x${i}`;
const anthropicCallId = (a: Answer, i: number) => `toolu_standin${a.seq}x${i}`;

const WHOLE: Record<Format, (a: Answer) => unknown> = {
  openai: (a) => ({
    id: `chatcmpl-standin${a.seq}`,
    object: 'chat.completion',
    created: CREATED,
    model: a.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: a.text || (a.calls.length ? null : ''),
          refusal: null,
          ...(a.calls.length
            ? { tool_calls: a.calls.map((c, i) => ({ id: openaiCallId(a, i), type: 'function', function: { name: c.name, arguments: c.args } })) }
            : {}),
          annotations: [],
        },
        logprobs: null,
        finish_reason: OPENAI_FINISH[a.finish],
      },
    ],
    usage: openaiUsage(a),
    service_tier: 'default',
    system_fingerprint: 'fp_standin',
  }),
  anthropic: (a) => ({
    id: `msg_standin${a.seq}`,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content: [
      ...(a.text ? [{ type: 'text', text: a.text }] : []),
      ...a.calls.map((c, i) => ({ type: 'tool_use', id: anthropicCallId(a, i), name: c.name, input: JSON.parse(c.args || '{}') })),
    ],
    stop_reason: ANTHROPIC_FINISH[a.finish],
    stop_sequence: null,
    usage: { input_tokens: a.usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: a.usage.outputTokens },
  }),
  gemini: (a) => ({
    candidates: [
      {
        content: {
          parts: [...(a.text ? [{ text: a.text }] : []), ...a.calls.map((c) => ({ functionCall: { name: c.name, args: JSON.parse(c.args || '{}') } }))],
          role: 'model',
        },
        finishReason: GEMINI_FINISH[a.finish],
        index: 0,
      },
    ],
    usageMetadata: geminiUsage(a),
    modelVersion: a.model,
    responseId: `standin${a.seq}`,
  }),
};

// ---- streams ---------------------------------------------------------------------------------

/** One frame on the wire; `content` frames count towards breakAfterChunks / streamErrorAfterChunks. */
interface Frame {
  bytes: string;
  content?: boolean;
}

const data = (obj: unknown, content = false): Frame => ({ bytes: `data: ${JSON.stringify(obj)}\n\n`, content });
const named = (event: string, obj: unknown, content = false): Frame => ({ bytes: `event: ${event}\ndata: ${JSON.stringify(obj)}\n\n`, content });

function openaiStream(a: Answer): Frame[] {
  const head = { id: `chatcmpl-standin${a.seq}`, object: 'chat.completion.chunk', created: CREATED, model: a.model, service_tier: 'default', system_fingerprint: 'fp_standin' };
  const usageNull = a.includeUsage ? { usage: null } : {};
  const chunk = (delta: unknown, finish: string | null = null, content = false) =>
    data({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageNull }, content);
  const frames = [chunk({ role: 'assistant', content: '', refusal: null })];
  for (const p of a.pieces) frames.push(chunk({ content: p }, null, true));
  a.calls.forEach((c, i) => {
    frames.push(chunk({ tool_calls: [{ index: i, id: openaiCallId(a, i), type: 'function', function: { name: c.name, arguments: '' } }] }, null, true));
    for (const h of halves(c.args)) frames.push(chunk({ tool_calls: [{ index: i, function: { arguments: h } }] }, null, true));
  });
  frames.push(chunk({}, OPENAI_FINISH[a.finish]));
  if (a.includeUsage) frames.push(data({ ...head, choices: [], usage: openaiUsage(a) }));
  frames.push({ bytes: 'data: [DONE]\n\n' });
  return frames;
}

function anthropicStream(a: Answer): Frame[] {
  const message = {
    id: `msg_standin${a.seq}`,
    type: 'message',
    role: 'assistant',
    model: a.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: a.usage.inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 },
  };
  const frames = [named('message_start', { type: 'message_start', message })];
  let index = 0;
  if (a.pieces.length) {
    frames.push(named('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    frames.push({ bytes: 'event: ping\ndata: {"type": "ping"}\n\n' });
    for (const p of a.pieces) frames.push(named('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } }, true));
    frames.push(named('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  a.calls.forEach((c, i) => {
    const block = { type: 'tool_use', id: anthropicCallId(a, i), name: c.name, input: {} };
    frames.push(named('content_block_start', { type: 'content_block_start', index, content_block: block }, true));
    for (const json of ['', ...halves(c.args)]) {
      frames.push(named('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json } }, json !== ''));
    }
    frames.push(named('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  });
  frames.push(
    named('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: ANTHROPIC_FINISH[a.finish], stop_sequence: null },
      usage: { output_tokens: a.usage.outputTokens },
    }),
  );
  frames.push(named('message_stop', { type: 'message_stop' }));
  return frames;
}

function geminiStream(a: Answer): Frame[] {
  // Gemini frames its SSE with CRLF and repeats usage on every chunk.
  const frame = (parts: unknown[], finish?: string): Frame => ({
    bytes: `data: ${JSON.stringify({
      candidates: [{ content: { parts, role: 'model' }, ...(finish ? { finishReason: finish } : {}), index: 0 }],
      usageMetadata: finish ? geminiUsage(a) : { promptTokenCount: a.usage.inputTokens, totalTokenCount: a.usage.inputTokens },
      modelVersion: a.model,
      responseId: `standin${a.seq}`,
    })}\r\n\r\n`,
    content: parts.some((p) => JSON.stringify(p) !== '{"text":""}'),
  });
  const frames = a.pieces.map((p) => frame([{ text: p }]));
  const callParts = a.calls.map((c) => ({ functionCall: { name: c.name, args: JSON.parse(c.args || '{}') } }));
  // The finish rides on the last piece, as Gemini does.
  const last = frames.length && !callParts.length ? [{ text: a.pieces.at(-1)! }] : callParts.length ? callParts : [{ text: '' }];
  if (frames.length && !callParts.length) frames.pop();
  frames.push(frame(last, GEMINI_FINISH[a.finish]));
  return frames;
}

const STREAMS: Record<Format, (a: Answer) => Frame[]> = { openai: openaiStream, anthropic: anthropicStream, gemini: geminiStream };

async function writeStream(res: ServerResponse, frames: Frame[], reply: Reply, whenResumed: () => Promise<void>): Promise<void> {
  let content = 0;
  for (const f of frames) {
    if (res.destroyed) return;
    // Cut in before the first frame that follows the N-th content piece (framing before any content is still sent).
    const due = (n: number | undefined) => n !== undefined && content >= n && (f.content || content > 0);
    if (due(reply.streamErrorAfterChunks)) {
      res.end(streamErrorFrame(frames));
      return;
    }
    if (due(reply.breakAfterChunks)) {
      res.socket?.destroy();
      return;
    }
    // Wait until the bytes reach the socket, so a later break really happens mid-stream.
    await new Promise<void>((resolve) => res.write(f.bytes, () => resolve()));
    if (f.content) content++;
    if (f.content && content === reply.pauseAfterChunks) await whenResumed();
    if (reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
  }
  res.end();
}

function streamErrorFrame(frames: Frame[]): string {
  if (frames[0]!.bytes.startsWith('event:')) {
    return `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`;
  }
  if (frames[0]!.bytes.endsWith('\r\n\r\n')) {
    return `data: ${JSON.stringify({ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } })}\r\n\r\n`;
  }
  return `data: ${JSON.stringify({ error: { message: 'The server had an error while processing your request.', type: 'server_error', param: null, code: null } })}\n\n`;
}

// ---- errors, lists, plumbing -----------------------------------------------------------------

function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

const GEMINI_STATUS: Record<number, string> = { 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' };

const openaiError = (status: number, message: string) => ({
  error: { message, type: status >= 500 ? 'server_error' : errorType(status), param: null, code: null },
});

function errorBody(format: Format, status: number, message: string): unknown {
  if (format === 'anthropic') return { type: 'error', error: { type: errorType(status), message }, request_id: 'req_standin' };
  if (format === 'gemini') return { error: { code: status, message, status: GEMINI_STATUS[status] ?? 'INTERNAL' } };
  return openaiError(status, message);
}

function modelList(format: Format, models: string[]): unknown {
  if (format === 'anthropic') {
    const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2026-01-01T00:00:00Z' }));
    return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
  }
  if (format === 'gemini') return { models: models.map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: ['generateContent'] })) };
  return { object: 'list', data: models.map((id) => ({ id, object: 'model', created: CREATED, owned_by: 'standin' })) };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': 'req_standin' });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Unref'd: a long scripted delay must not keep the test process alive after close().
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
