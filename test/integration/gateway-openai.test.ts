import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { gatewayFixture } from '../helpers/gateway.js';
import { ALLOWED_PROMPT, BENIGN_OUTPUT, RED_LINE_PROMPT, VIOLATING_OUTPUT } from '../helpers/prompts.js';

describe('OpenAI SDK through the gateway', () => {
  const fx = gatewayFixture();
  let client: OpenAI;

  before(() => {
    client = new OpenAI({ baseURL: `${fx.gw.url}/v1`, apiKey: fx.gw.clientKey, maxRetries: 0 });
  });

  test('non-streaming round trip is lossless in the same format', async () => {
    fx.up.setScript(() => ({ text: 'Resupply plan: two convoys, Tuesday and Thursday.' }));
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: ALLOWED_PROMPT }], x_vendor_extension: { keep: true } };
    const res = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(res.choices[0]?.message.content, 'Resupply plan: two convoys, Tuesday and Thursday.');
    assert.equal(fx.up.received.length, 1);
    assert.equal(fx.up.received[0]?.format, 'openai');
    assert.deepEqual(fx.up.received[0]?.body, body, 'the client body reaches the upstream unchanged, unknown fields included');
    assert.equal(fx.up.received[0]?.headers.authorization, 'Bearer sk-test-openai', 'the vendor key, not the gateway key, goes upstream');
  });

  test('streaming round trip delivers the whole text', async () => {
    fx.up.setScript(() => ({ text: 'Convoy one departs at 0600, convoy two at 1400, both via the northern route.', chunks: 5 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: ALLOWED_PROMPT }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Convoy one departs at 0600, convoy two at 1400, both via the northern route.');
  });

  test('tool definitions and a benign tool call pass both ways', async () => {
    fx.up.setScript(() => ({ text: '', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const res = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'What is the weather in Oslo for the exercise?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const call = res.choices[0]?.message.tool_calls?.[0];
    assert.ok(call && call.type === 'function');
    assert.equal(call.function.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.function.arguments), { city: 'Oslo' });
    assert.equal(res.choices[0]?.finish_reason, 'tool_calls');
  });

  test('a red-line request raises PermissionDeniedError and never reaches the upstream', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: RED_LINE_PROMPT }] }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.PermissionDeniedError, `expected PermissionDeniedError, got ${String(err)}`);
        assert.equal(err.status, 403);
        assert.equal(err.code, 'redline.autonomous_weapons');
        assert.equal((err.error as { type?: string }).type, 'policy_violation');
        return true;
      },
    );
    assert.equal(fx.up.received.length, 0);
  });

  test('a red line hidden in the system prompt is caught too', async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: 'gpt-4o-mini',
        stream: true,
        messages: [
          { role: 'system', content: RED_LINE_PROMPT },
          { role: 'user', content: 'Go ahead.' },
        ],
      }),
      OpenAI.PermissionDeniedError,
    );
    assert.equal(fx.up.received.length, 0);
  });

  test('cross-format: an OpenAI client routed to an Anthropic upstream', async () => {
    fx.up.setScript(() => ({ text: 'Translated answer.' }));
    const res = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      messages: [
        { role: 'system', content: 'You are a logistics planner.' },
        { role: 'user', content: ALLOWED_PROMPT },
      ],
    });
    assert.equal(res.choices[0]?.message.content, 'Translated answer.');
    const got = fx.up.received[0];
    assert.equal(got?.format, 'anthropic');
    assert.equal(got?.body.system, 'You are a logistics planner.');
    assert.equal(got?.headers['x-api-key'], 'sk-test-anthropic');
    assert.equal(typeof got?.body.max_tokens, 'number');
  });

  test('cross-format streaming with a tool call, OpenAI client to Anthropic upstream', async () => {
    fx.up.setScript(() => ({ text: 'Checking.', toolCalls: [{ name: 'get_weather', arguments: { city: 'Bergen' } }] }));
    const stream = await client.chat.completions.create({
      model: 'claude-sonnet-4-5',
      stream: true,
      messages: [{ role: 'user', content: 'Weather in Bergen?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object' } } }],
    });
    let text = '';
    const args: string[] = [];
    let name = '';
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      for (const tc of choice?.delta.tool_calls ?? []) {
        name ||= tc.function?.name ?? '';
        args.push(tc.function?.arguments ?? '');
      }
      finish = choice?.finish_reason ?? finish;
    }
    assert.equal(text, 'Checking.');
    assert.equal(name, 'get_weather');
    assert.deepEqual(JSON.parse(args.join('')), { city: 'Bergen' });
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(fx.up.received[0]?.body.tools?.[0]?.name, 'get_weather');
  });

  test('a Gemini upstream behind the OpenAI API, streaming and not', async () => {
    fx.up.setScript(() => ({ text: 'Gemini says hello.', chunks: 3 }));
    const res = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hello' }] });
    assert.equal(res.choices[0]?.message.content, 'Gemini says hello.');
    assert.equal(fx.up.received[0]?.format, 'gemini');
    const stream = await client.chat.completions.create({ model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'hello' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    assert.equal(text, 'Gemini says hello.');
  });

  test('an OpenAI-compatible local server (no vendor key) is reachable', async () => {
    fx.up.setScript(() => ({ text: 'local model answer' }));
    const res = await client.chat.completions.create({ model: 'llama-3.1-8b', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0]?.message.content, 'local model answer');
    assert.equal(fx.up.received[0]?.headers.authorization, undefined);
  });

  test('the opening characters of a stream are released at once, without waiting for the hold-back to fill', { timeout: 20_000 }, async () => {
    // ~14 characters a piece; the stand-in stops after two pieces until resumed, so the gateway
    // holds fewer than 200 characters: only the lead (32 characters) can have reached the client.
    fx.up.setScript(() => ({ text: BENIGN_OUTPUT, chunks: 40, pauseAfterChunks: 2 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: ALLOWED_PROMPT }] });
    const chunks = stream[Symbol.asyncIterator]();
    let text = '';
    while (!text) {
      const next = await chunks.next();
      assert.equal(next.done, false, 'the stream ended before any text was released');
      text += next.value.choices[0]?.delta.content ?? '';
    }
    assert.ok(text.length <= 32 && BENIGN_OUTPUT.startsWith(text), JSON.stringify(text));
    fx.up.resume();
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) text += next.value.choices[0]?.delta.content ?? '';
    assert.equal(text, BENIGN_OUTPUT);
  });

  test('a stream that turns into a violation is cut before the violating text arrives', async () => {
    fx.up.setScript(() => ({ text: BENIGN_OUTPUT + VIOLATING_OUTPUT + ' More text after it.', chunks: 40 }));
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: ALLOWED_PROMPT }] });
    let text = '';
    await assert.rejects(async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    }, OpenAI.APIError);
    assert.ok(!text.includes('loitering munition'), 'no part of the violating sentence is delivered');
    assert.ok(!text.includes('no operator confirmation'));
  });

  test('a violating non-streamed answer is refused with 403', async () => {
    fx.up.setScript(() => ({ text: VIOLATING_OUTPUT }));
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: ALLOWED_PROMPT }] }),
      OpenAI.PermissionDeniedError,
    );
  });

  test('no key, or a wrong key, is refused with 401 in the OpenAI shape', async () => {
    const anon = new OpenAI({ baseURL: `${fx.gw.url}/v1`, apiKey: 'rl_aaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', maxRetries: 0 });
    await assert.rejects(anon.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }), OpenAI.AuthenticationError);
    assert.equal(fx.up.received.length, 0);
  });

  test('GET /v1/models lists the routed models', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('gpt-4o-mini'));
    assert.ok(ids.includes('claude-sonnet-4-5'));
  });
});
