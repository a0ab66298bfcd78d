import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { SseEvent, StreamEvent } from '../../src/canonical/types.js';
import { createProvider } from '../../src/providers/index.js';
import { UpstreamError, type Provider, type ProviderConfig, type UpstreamResult } from '../../src/providers/types.js';
import { startStandIn, type StandIn } from '../helpers/upstreams.js';

let up: StandIn;
const providers: Provider[] = [];

function provider(cfg: Partial<ProviderConfig> & Pick<ProviderConfig, 'kind'>): Provider {
  const base = cfg.kind === 'openai' || cfg.kind === 'openai-compatible' ? `${up.url}/v1` : up.url;
  const p = createProvider({ name: `test-${cfg.kind}`, base_url: base, timeout_ms: 5_000, ...cfg });
  providers.push(p);
  return p;
}

const canonicalRequest = (stream: boolean) => ({
  model: 'm-1',
  system: ['Be brief.'],
  messages: [{ role: 'user' as const, content: 'hello there' }],
  tools: [],
  stream,
});

async function call(p: Provider, stream: boolean, model = 'm-1'): Promise<UpstreamResult> {
  return p.send({ body: p.codec.renderRequest({ ...canonicalRequest(stream), model }), model, stream, requestId: 'r1' });
}

async function drain(result: UpstreamResult): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of result.events!) out.push(ev);
  return out;
}

async function streamedText(p: Provider, result: UpstreamResult): Promise<{ text: string; events: StreamEvent[] }> {
  const decode = p.codec.streamDecoder();
  const events = (await drain(result)).flatMap(decode);
  return { text: events.map((e) => (e.type === 'text' ? e.text : '')).join(''), events };
}

before(async () => {
  up = await startStandIn();
});
after(async () => {
  await Promise.all(providers.map((p) => p.close()));
  await up.close();
});

describe('HTTP providers against the stand-in upstream', () => {
  it('openai: bearer key, /v1/chat/completions, JSON answer', async () => {
    const p = provider({ kind: 'openai', api_key: 'sk-test-1', headers: { 'x-extra': 'yes' } });
    const result = await call(p, false);
    assert.equal(result.ok, true);
    const res = p.codec.parseResponse(result.json);
    assert.equal(res.text, 'ok: 11 chars');
    assert.equal(result.headers['x-request-id'], 'req_standin');
    const got = up.received.at(-1)!;
    assert.equal(got.path, '/v1/chat/completions');
    assert.equal(got.headers.authorization, 'Bearer sk-test-1');
    assert.equal(got.headers['x-extra'], 'yes');
    assert.equal(got.body.messages[0].content, 'Be brief.');
  });

  it('openai-compatible without a key sends no authorization header; streams to [DONE]', async () => {
    up.setScript(() => ({ text: 'streamed reply', chunks: 4 }));
    try {
      const p = provider({ kind: 'openai-compatible' });
      const result = await call(p, true);
      const { text, events } = await streamedText(p, result);
      assert.equal(text, 'streamed reply');
      assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'stop', usage: { inputTokens: 11, outputTokens: 7 } });
      assert.equal(up.received.at(-1)!.headers.authorization, undefined);
      assert.equal(up.received.at(-1)!.body.max_tokens, undefined);
    } finally {
      up.setScript();
    }
  });

  it('anthropic: x-api-key from api_key_env and anthropic-version; tool-call stream', async () => {
    process.env.REDLINE_TEST_ANTHROPIC_KEY = 'ak-env-2';
    up.setScript(() => ({ text: 'Calling.', toolCalls: [{ name: 'locate', arguments: { id: 7 } }] }));
    try {
      const p = provider({ kind: 'anthropic', api_key_env: 'REDLINE_TEST_ANTHROPIC_KEY' });
      const { text, events } = await streamedText(p, await call(p, true));
      assert.equal(text, 'Calling.');
      const args = events.filter((e) => e.type === 'tool_call').map((e) => (e.type === 'tool_call' ? e.argsDelta : '')).join('');
      assert.equal(args, '{"id":7}');
      assert.equal(events.at(-1)!.type === 'finish' && events.at(-1)!.type, 'finish');
      const got = up.received.at(-1)!;
      assert.equal(got.path, '/v1/messages');
      assert.equal(got.headers['x-api-key'], 'ak-env-2');
      assert.equal(got.headers['anthropic-version'], '2023-06-01');
      assert.equal(got.body.max_tokens, 4096);
    } finally {
      up.setScript();
      delete process.env.REDLINE_TEST_ANTHROPIC_KEY;
    }
  });

  it('gemini: model in the URL, x-goog-api-key, alt=sse streaming and plain generateContent', async () => {
    const p = provider({ kind: 'gemini', api_key: 'g-key-3' });
    const whole = await call(p, false, 'gemini-2.5-flash');
    assert.equal(p.codec.parseResponse(whole.json).text, 'ok: 11 chars');
    assert.equal(up.received.at(-1)!.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(up.received.at(-1)!.headers['x-goog-api-key'], 'g-key-3');
    const { text } = await streamedText(p, await call(p, true, 'models/gemini-2.5-flash'));
    assert.equal(text, 'ok: 11 chars');
    assert.equal(up.received.at(-1)!.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
  });

  it('returns upstream HTTP errors as ok:false with the parsed body', async () => {
    up.setScript(() => ({ error: { status: 429, message: 'slow down' } }));
    try {
      for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
        const result = await call(provider({ kind }), kind !== 'openai');
        assert.equal(result.ok, false);
        assert.equal(result.status, 429);
        assert.equal(result.events, undefined);
        assert.match(JSON.stringify(result.json), /slow down/);
      }
    } finally {
      up.setScript();
    }
  });

  it('a stream cut off mid-way throws broken_stream from the iterator, for every format', async () => {
    up.setScript(() => ({ text: 'one two three four', chunks: 4, breakAfterChunks: 2 }));
    try {
      for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
        const p = provider({ kind });
        const result = await call(p, true);
        assert.equal(result.ok, true);
        await assert.rejects(drain(result), (e: unknown) => e instanceof UpstreamError && e.kind === 'broken_stream' && e.status === 502, kind);
      }
    } finally {
      up.setScript();
    }
  });

  it('an in-stream vendor error event ends the stream without a broken_stream error', async () => {
    up.setScript(() => ({ text: 'one two', chunks: 2, streamErrorAfterChunks: 1 }));
    try {
      for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
        const p = provider({ kind });
        const { events } = await streamedText(p, await call(p, true));
        assert.deepEqual(events.at(-1), { type: 'finish', finishReason: 'error' }, kind);
      }
    } finally {
      up.setScript();
    }
  });

  it('a slow upstream becomes a 504 timeout', async () => {
    up.setScript(() => ({ delayMs: 1_500 }));
    try {
      const p = provider({ kind: 'openai', timeout_ms: 100 });
      await assert.rejects(call(p, false), (e: unknown) => e instanceof UpstreamError && e.kind === 'timeout' && e.status === 504);
    } finally {
      up.setScript();
    }
  });

  it("the caller's abort ends the stream with the abort itself, not an upstream error", async () => {
    up.setScript(() => ({ text: 'a b c d e f', chunks: 6, chunkDelayMs: 50 }));
    try {
      const p = provider({ kind: 'anthropic' });
      const ctl = new AbortController();
      const result = await p.send({ body: p.codec.renderRequest(canonicalRequest(true)), model: 'm-1', stream: true, signal: ctl.signal, requestId: 'r' });
      let seen = 0;
      await assert.rejects(
        (async () => {
          for await (const _ev of result.events!) if (++seen === 2) ctl.abort();
        })(),
        (e: unknown) => !(e instanceof UpstreamError) && (e as Error).name === 'AbortError',
      );
      assert.equal(seen, 2);
    } finally {
      up.setScript();
    }
  });

  it('lists models in each vendor shape', async () => {
    const expected = ['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
    for (const kind of ['openai', 'anthropic', 'gemini'] as const) {
      assert.deepEqual(await provider({ kind }).listModels(), expected, kind);
    }
    assert.equal(up.received.length > 0, true);
  });
});

describe('HTTP providers without a stand-in', () => {
  it('an unreachable upstream becomes a 502 connect error', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const p = createProvider({ name: 'gone', kind: 'openai', base_url: `http://127.0.0.1:${port}/v1`, timeout_ms: 2_000 });
    try {
      await assert.rejects(
        p.send({ body: { model: 'x', messages: [] }, model: 'x', stream: false, requestId: 'r' }),
        (e: unknown) => e instanceof UpstreamError && e.kind === 'connect' && e.status === 502 && !e.message.includes('http://'),
      );
    } finally {
      await p.close();
    }
  });

  it('a stream that ends cleanly but without its final event is broken', async () => {
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]}\n\n');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = createProvider({ name: 'short', kind: 'openai-compatible', base_url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/v1` });
    try {
      const result = await p.send({ body: { model: 'x', messages: [], stream: true }, model: 'x', stream: true, requestId: 'r' });
      const seen: SseEvent[] = [];
      await assert.rejects(
        (async () => {
          for await (const ev of result.events!) seen.push(ev);
        })(),
        (e: unknown) => e instanceof UpstreamError && e.kind === 'broken_stream',
      );
      assert.equal(seen.length, 1, 'events before the cut are still delivered');
    } finally {
      await p.close();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  it('a non-JSON success body is a bad_response', async () => {
    const srv = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>proxy login</html>');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const p = createProvider({ name: 'html', kind: 'anthropic', base_url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` });
    try {
      await assert.rejects(
        p.send({ body: {}, model: 'x', stream: false, requestId: 'r' }),
        (e: unknown) => e instanceof UpstreamError && e.kind === 'bad_response' && e.status === 502,
      );
    } finally {
      await p.close();
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });
});
