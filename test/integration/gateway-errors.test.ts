import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import OpenAI from 'openai';
import { gatewayFixture } from '../helpers/gateway.js';
import { RED_LINE_PROMPT } from '../helpers/prompts.js';

describe('bad input, upstream failures and the side endpoints', () => {
  const fx = gatewayFixture((url) => ({
    server: { host: '127.0.0.1', port: 0, body_limit_bytes: 64 * 1024 },
    providers: [
      { name: 'vendor-a', kind: 'openai', base_url: `${url}/v1`, api_key: 'k', timeout_ms: 300 },
      { name: 'vendor-b', kind: 'anthropic', base_url: url, api_key: 'k', timeout_ms: 300 },
    ],
    routes: [
      { model: 'claude-*', provider: 'vendor-b' },
      { model: '*', provider: 'vendor-a' },
    ],
  }));

  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${fx.gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fx.gw.clientKey}`, ...headers }, body });

  test('malformed JSON gets 400 in the OpenAI shape', async () => {
    const res = await post('/v1/chat/completions', '{"model": "gpt-4o-mini", "messages": [');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string; message: string } };
    assert.equal(body.error.type, 'invalid_request_error');
    assert.match(body.error.message, /not valid JSON/);
  });

  test('malformed JSON gets 400 in the Anthropic shape on /v1/messages', async () => {
    const res = await post('/v1/messages', '{nope');
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string } };
    assert.equal(body.type, 'error');
    assert.equal(body.error.type, 'invalid_request_error');
  });

  test('wrong types name the field', async () => {
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: 'hello' }));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string } };
    assert.match(body.error.message, /messages/);
  });

  test('a body over the limit gets 413', async () => {
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const res = await post('/v1/chat/completions', big);
    assert.equal(res.status, 413);
    const body = (await res.json()) as { error: { message: string } };
    assert.match(body.error.message, /body_limit_bytes/);
  });

  test('an unknown route gets 404 in the API shape', async () => {
    const res = await post('/v1/embeddings', '{}');
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { message: string } };
    assert.match(body.error.message, /unknown route/);
  });

  test('an upstream 500 becomes a 5xx in the client shape, and the gateway keeps serving', async () => {
    fx.up.setScript(() => ({ error: { status: 500, message: 'boom' } }));
    const client = new OpenAI({ baseURL: `${fx.gw.url}/v1`, apiKey: fx.gw.clientKey, maxRetries: 0 });
    await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.InternalServerError);
      return true;
    });
    fx.up.setScript();
    const ok = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(ok.choices[0]?.message.content, 'ok: 2 chars');
  });

  test('an upstream timeout becomes 504', async () => {
    fx.up.setScript(() => ({ delayMs: 1500 }));
    const res = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }));
    assert.equal(res.status, 504);
    const body = (await res.json()) as { error: { type: string } };
    assert.equal(body.error.type, 'upstream_error');
  });

  test('a broken upstream stream ends with an error event, not a hang or a crash', async () => {
    fx.up.setScript(() => ({ text: 'one two three four five six', chunks: 6, breakAfterChunks: 2 }));
    const client = new OpenAI({ baseURL: `${fx.gw.url}/v1`, apiKey: fx.gw.clientKey, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    if (stream instanceof Error) {
      assert.ok(stream instanceof OpenAI.APIError, 'a failure before the stream opened is a proper API error');
    } else {
      await assert.rejects(async () => {
        for await (const _ of stream as AsyncIterable<unknown>) void _;
      }, OpenAI.APIError);
    }
    const health = await fetch(`${fx.gw.url}/healthz`);
    assert.equal(health.status, 200);
  });

  test('POST /v1/screen returns the decision without forwarding', async () => {
    const blocked = await post('/v1/screen', JSON.stringify({ text: RED_LINE_PROMPT }));
    const b = (await blocked.json()) as { decision: string; categories: Array<{ id: string }>; policy: string };
    assert.equal(b.decision, 'block');
    assert.equal(b.categories[0]?.id, 'autonomous_weapons');
    assert.match(b.policy, /^[0-9a-f]{64}$/);
    const allowed = await post('/v1/screen', JSON.stringify({ request: { model: 'x', messages: [{ role: 'user', content: 'How do I kill a stuck Python process?' }] } }));
    assert.equal(((await allowed.json()) as { decision: string }).decision, 'allow');
    assert.equal(fx.up.received.length, 0);
    const bad = await post('/v1/screen', JSON.stringify({ nothing: 1 }));
    assert.equal(bad.status, 400);
  });

  test('/healthz and /metrics answer without a key; metrics carry no content', async () => {
    const health = (await (await fetch(`${fx.gw.url}/healthz`)).json()) as { status: string };
    assert.equal(health.status, 'ok');
    const metrics = await (await fetch(`${fx.gw.url}/metrics`)).text();
    assert.match(metrics, /redline_requests_total\{/);
    assert.ok(!metrics.includes('loitering'), 'no prompt text in metrics');
  });
});
