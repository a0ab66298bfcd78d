import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { WireFormat } from '../../src/canonical/types.js';
import { codecFor, createProvider, formatSse } from '../../src/providers/index.js';
import type { Provider } from '../../src/providers/types.js';
import { startStandIn, type StandIn } from '../helpers/upstreams.js';

/**
 * The official SDKs must accept (1) the stand-in's vendor streams as they are and (2) what the
 * codecs produce when translating from another vendor. (2) uses a minimal translating relay:
 * client format in → canonical → provider format → stand-in → canonical → client format out.
 */

let up: StandIn;
const closers: Array<() => Promise<void>> = [];

async function relay(clientFormat: WireFormat, provider: Provider): Promise<string> {
  const client = codecFor(clientFormat);
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const request = client.parseRequest(JSON.parse(Buffer.concat(chunks).toString()));
    const result = await provider.send({ body: provider.codec.renderRequest(request), model: request.model, stream: request.stream, requestId: 't' });
    if (!request.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(client.renderResponse(provider.codec.parseResponse(result.json))));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const decode = provider.codec.streamDecoder();
    const encode = client.streamEncoder();
    for await (const ev of result.events!) for (const out of decode(ev).flatMap(encode)) res.write(formatSse(out));
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())), () => provider.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const tools = {
  openai: [{ type: 'function' as const, function: { name: 'schedule', description: 'Book maintenance', parameters: { type: 'object', properties: { tail: { type: 'string' } } } } }],
  anthropic: [{ name: 'schedule', description: 'Book maintenance', input_schema: { type: 'object' as const, properties: { tail: { type: 'string' } } } }],
};
const toolReply = () => ({ text: 'Booking now.', chunks: 3, toolCalls: [{ name: 'schedule', arguments: { tail: 'N123' } }] });

before(async () => {
  up = await startStandIn();
});
after(async () => {
  for (const close of closers) await close();
  await up.close();
});

describe('official SDKs against the stand-in upstream', () => {
  it('openai SDK: plain completion and a streamed tool call', async () => {
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${up.url}/v1`, maxRetries: 0 });
    const plain = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'abc' }] });
    assert.equal(plain.choices[0]!.message.content, 'ok: 3 chars');
    up.setScript(toolReply);
    try {
      const stream = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'book it' }], tools: tools.openai, stream_options: { include_usage: true } });
      const final = await stream.finalChatCompletion();
      const msg = final.choices[0]!.message;
      assert.equal(msg.content, 'Booking now.');
      assert.deepEqual(msg.tool_calls?.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)]), [['schedule', { tail: 'N123' }]]);
      assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(final.usage?.total_tokens, 18);
    } finally {
      up.setScript();
    }
  });

  it('anthropic SDK: plain message and a streamed tool use', async () => {
    const client = new Anthropic({ apiKey: 'ak-x', baseURL: up.url, maxRetries: 0 });
    const plain = await client.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'abcd' }] });
    assert.deepEqual(plain.content, [{ type: 'text', text: 'ok: 4 chars' }]);
    up.setScript(toolReply);
    try {
      const final = await client.messages.stream({ model: 'claude-sonnet-4-5', max_tokens: 50, messages: [{ role: 'user', content: 'book it' }], tools: tools.anthropic }).finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(final.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? [b.name, b.input] : b.type)), ['Booking now.', ['schedule', { tail: 'N123' }]]);
      assert.equal(final.usage.output_tokens, 7);
    } finally {
      up.setScript();
    }
  });
});

describe('official SDKs against translated streams', () => {
  it('openai SDK ← Anthropic upstream: text, tool call, finish and usage survive', async () => {
    const base = await relay('openai', createProvider({ name: 'a', kind: 'anthropic', base_url: up.url, api_key: 'k' }));
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: base, maxRetries: 0 });
    up.setScript(toolReply);
    try {
      const final = await client.chat.completions.stream({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'book it' }], tools: tools.openai }).finalChatCompletion();
      const msg = final.choices[0]!.message;
      assert.equal(msg.content, 'Booking now.');
      assert.equal(msg.tool_calls?.[0]?.type === 'function' && msg.tool_calls[0].function.arguments, '{"tail":"N123"}');
      assert.match(msg.tool_calls![0]!.id, /^toolu_standin/);
      assert.equal(final.choices[0]!.finish_reason, 'tool_calls');
      assert.equal(final.usage?.prompt_tokens, 11);
      const plain = await client.chat.completions.create({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'book it' }], tools: tools.openai });
      assert.equal(plain.choices[0]!.message.tool_calls?.length, 1);
      assert.equal(up.received.at(-1)!.body.max_tokens, 4096);
    } finally {
      up.setScript();
    }
  });

  it('anthropic SDK ← OpenAI upstream: blocks, tool input and stop reason survive', async () => {
    const base = await relay('anthropic', createProvider({ name: 'o', kind: 'openai', base_url: `${up.url}/v1`, api_key: 'k' }));
    const client = new Anthropic({ apiKey: 'ak-x', baseURL: base, maxRetries: 0 });
    up.setScript(toolReply);
    try {
      const final = await client.messages.stream({ model: 'gpt-4o', max_tokens: 50, messages: [{ role: 'user', content: 'book it' }], tools: tools.anthropic }).finalMessage();
      assert.equal(final.stop_reason, 'tool_use');
      assert.deepEqual(final.content.map((b) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? [b.name, b.input] : b.type)), ['Booking now.', ['schedule', { tail: 'N123' }]]);
      assert.deepEqual(final.usage.input_tokens, 11);
      assert.equal(up.received.at(-1)!.body.max_completion_tokens, 50);
    } finally {
      up.setScript();
    }
  });

  it('anthropic SDK ← Gemini upstream (text only)', async () => {
    const base = await relay('anthropic', createProvider({ name: 'g', kind: 'gemini', base_url: up.url, api_key: 'k' }));
    const client = new Anthropic({ apiKey: 'ak-x', baseURL: base, maxRetries: 0 });
    const final = await client.messages.stream({ model: 'gemini-2.5-flash', max_tokens: 50, messages: [{ role: 'user', content: 'twelve chars' }] }).finalMessage();
    assert.deepEqual(final.content.map((b) => (b.type === 'text' ? b.text : b.type)), ['ok: 12 chars']);
    assert.equal(final.stop_reason, 'end_turn');
  });
});
