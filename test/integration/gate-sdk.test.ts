import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import Database from 'better-sqlite3';
import OpenAI from 'openai';
import { bindingHash } from '../../src/gate/binding.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { startStandIn, type StandIn } from '../helpers/upstreams.js';

/**
 * Issue 4 end to end: the official SDKs against the gateway and a stand-in upstream that answers
 * with a call of a weapon tool. The call is withheld (stream and non-stream, both APIs), a benign
 * call passes untouched, and the approval API releases the exact call once, to the requester.
 */

/** Irregular spacing on purpose: the release must give back these exact bytes. */
const FIRE_ARGS = '{"lat": 34.5213, "lon":69.1702}';
const PROMPT = 'Carry out the next step of the approved range exercise plan.';

const weaponOpenAI = {
  type: 'function' as const,
  function: {
    name: 'release_munition',
    description: 'Releases a munition at the given coordinates',
    parameters: { type: 'object', properties: { lat: { type: 'number' }, lon: { type: 'number' } } },
  },
};
const weatherOpenAI = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
};
const asAnthropic = (t: typeof weaponOpenAI | typeof weatherOpenAI) => ({
  name: t.function.name,
  description: t.function.description,
  input_schema: t.function.parameters as Anthropic.Tool.InputSchema,
});

const APPROVAL_ID = /apr_[0-9a-f]{32}/;

interface Api {
  status: number;
  json: any;
}

describe('approval gate through the OpenAI and Anthropic SDKs', () => {
  let up: StandIn;
  let gw: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let operator2: string;
  let foreignOperator: string;

  const api = async (method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<Api> => {
    const res = await fetch(`${gw.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, json: await res.json() };
  };
  const approve = (id: string, key: string, extra: Record<string, unknown> = {}) =>
    api('POST', `/v1/approvals/${id}/approve`, key, { reason: 'PID confirmed by JTAC', ...extra });

  before(async () => {
    up = await startStandIn();
    gw = await startTestGateway(up.url);
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.clientKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: gw.clientKey, maxRetries: 0 });
    operator2 = (await gw.gateway.keys.create('alpha', 'operator')).secret;
    foreignOperator = (await gw.gateway.keys.create('bravo', 'operator')).secret;
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });
  beforeEach(() => {
    up.setScript(() => ({
      text: '',
      toolCalls: [
        { name: 'release_munition', arguments: FIRE_ARGS },
        { name: 'get_weather', arguments: { city: 'Oslo' } },
      ],
    }));
  });

  test('OpenAI non-stream: weapon call withheld, weather passes; approve then fetch returns the exact call once', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], tools: [weaponOpenAI, weatherOpenAI] })
      .withResponse();
    const id = response.headers.get('x-redline-approval-id');
    assert.match(id ?? '', APPROVAL_ID);
    const msg = data.choices[0]!.message;
    assert.deepEqual(msg.tool_calls?.map((c) => (c.type === 'function' ? c.function.name : '')), ['get_weather']);
    assert.match(msg.content ?? '', new RegExp(id!));

    // The client sees the status but not the arguments of the pending call.
    const pending = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(pending.json.status, 'pending');
    assert.equal(pending.json.arguments, undefined);

    const queue = await api('GET', '/v1/approvals?status=pending', gw.operatorKey);
    const item = queue.json.data.find((a: { id: string }) => a.id === id);
    assert.equal(item.arguments, FIRE_ARGS);
    assert.equal((await approve(id!, gw.operatorKey, { binding_hash: item.binding_hash })).status, 200);

    const released = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(released.status, 200);
    assert.equal(released.json.status, 'released');
    const call = released.json.response.choices[0].message.tool_calls.find((c: any) => c.function.name === 'release_munition');
    assert.equal(call.function.arguments, FIRE_ARGS, 'arguments byte for byte as the upstream produced them');
    assert.equal(call.id, item.call_id);

    const replay = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(replay.status, 409);
    assert.equal(replay.json.error.code, 'approval_already_used');
  });

  test('OpenAI stream: weapon call withheld with the approval id in the text; deny means never released', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
      tools: [weaponOpenAI, weatherOpenAI],
    });
    let text = '';
    const names: string[] = [];
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta.content ?? '';
      for (const c of choice?.delta.tool_calls ?? []) if (c.function?.name) names.push(c.function.name);
      finish = choice?.finish_reason ?? finish;
    }
    assert.deepEqual(names, ['get_weather']);
    assert.equal(finish, 'tool_calls');
    const id = APPROVAL_ID.exec(text)?.[0];
    assert.ok(id, 'the explanation names the approval id');

    assert.equal((await api('POST', `/v1/approvals/${id}/deny`, gw.operatorKey, { reason: 'civilians in the area' })).status, 200);
    const view = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(view.json.status, 'denied');
    assert.equal(view.json.response, undefined);
    assert.equal((await approve(id!, operator2)).json.error.code, 'approval_not_pending');
  });

  test('Anthropic non-stream: withheld; cross-tenant, other arguments and self-approval are refused', async () => {
    const { data, response } = await anthropic.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: PROMPT }], tools: [asAnthropic(weaponOpenAI), asAnthropic(weatherOpenAI)] })
      .withResponse();
    const id = response.headers.get('x-redline-approval-id')!;
    assert.match(id, APPROVAL_ID);
    assert.deepEqual(data.content.filter((b) => b.type === 'tool_use').map((b) => (b.type === 'tool_use' ? b.name : '')), ['get_weather']);
    assert.equal(data.stop_reason, 'tool_use');

    // Another tenant: not found, existence not revealed.
    assert.equal((await api('GET', `/v1/approvals/${id}`, gw.otherTenantKey)).status, 404);
    assert.equal((await approve(id, foreignOperator)).status, 404);

    // An approval bound to other arguments.
    const item = (await api('GET', `/v1/approvals/${id}`, gw.operatorKey)).json;
    const other = bindingHash({ tenant: 'alpha', requestId: item.request_id, toolName: item.tool_name, arguments: '{"lat": 0, "lon":0}', callId: item.call_id });
    const mismatch = await approve(id, gw.operatorKey, { binding_hash: other });
    assert.equal(mismatch.status, 409);
    assert.equal(mismatch.json.error.code, 'binding_mismatch');

    // A client key cannot approve.
    assert.equal((await approve(id, gw.clientKey)).json.error.code, 'operator_required');
    assert.equal((await api('GET', `/v1/approvals/${id}`, gw.clientKey)).json.status, 'pending');
  });

  test('the key that made the request cannot approve it', async () => {
    const asOperator = new Anthropic({ baseURL: gw.url, apiKey: gw.operatorKey, maxRetries: 0 });
    const { response } = await asOperator.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: PROMPT }], tools: [asAnthropic(weaponOpenAI)] })
      .withResponse();
    const id = response.headers.get('x-redline-approval-id')!;
    const self = await approve(id, gw.operatorKey);
    assert.equal(self.status, 403);
    assert.equal(self.json.error.code, 'self_approval');
    assert.equal((await approve(id, operator2)).status, 200);
  });

  test('Anthropic stream: withheld; after approval the release carries the exact tool_use input', async () => {
    const stream = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      stream: true,
      messages: [{ role: 'user', content: PROMPT }],
      tools: [asAnthropic(weaponOpenAI), asAnthropic(weatherOpenAI)],
    });
    let text = '';
    const names: string[] = [];
    for await (const ev of stream) {
      if (ev.type === 'content_block_start' && ev.content_block.type === 'tool_use') names.push(ev.content_block.name);
      if (ev.type === 'content_block_delta' && ev.delta.type === 'text_delta') text += ev.delta.text;
    }
    assert.deepEqual(names, ['get_weather']);
    const id = APPROVAL_ID.exec(text)?.[0];
    assert.ok(id);
    assert.equal((await approve(id!, gw.operatorKey)).status, 200);
    const released = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(released.json.format, 'anthropic');
    const block = released.json.response.content.find((b: any) => b.type === 'tool_use' && b.name === 'release_munition');
    assert.deepEqual(block.input, JSON.parse(FIRE_ARGS));
  });

  test('a benign tool call alone passes untouched, with no approval', async () => {
    up.setScript(() => ({ text: '', toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }] }));
    const { data, response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], tools: [weaponOpenAI, weatherOpenAI] })
      .withResponse();
    assert.equal(response.headers.get('x-redline-approval-id'), null);
    assert.equal(data.choices[0]!.message.tool_calls?.length, 1);
    assert.equal(data.choices[0]!.finish_reason, 'tool_calls');
    const msg = await anthropic.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 256,
      messages: [{ role: 'user', content: PROMPT }],
      tools: [asAnthropic(weatherOpenAI)],
    });
    assert.deepEqual(msg.content.map((b) => b.type), ['tool_use']);
  });

  test('a held row edited in the database is never released (fail closed)', async () => {
    const { response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], tools: [weaponOpenAI] })
      .withResponse();
    const id = response.headers.get('x-redline-approval-id')!;
    assert.equal((await approve(id, gw.operatorKey)).status, 200);
    const db = new Database(join(gw.dir, 'redline.db'));
    try {
      db.prepare('UPDATE gate_approvals SET arguments = ? WHERE id = ?').run('{"lat": 0, "lon":0}', id);
    } finally {
      db.close();
    }
    const res = await api('GET', `/v1/approvals/${id}`, gw.clientKey);
    assert.equal(res.status, 500);
    assert.equal(res.json.error.code, 'approval_integrity_failure');
  });
});

describe('approval expiry through the gateway', () => {
  let up: StandIn;
  let gw: TestGateway;

  before(async () => {
    up = await startStandIn(() => ({ text: '', toolCalls: [{ name: 'release_munition', arguments: FIRE_ARGS }] }));
    gw = await startTestGateway(up.url, { approvals: { ttl_seconds: 1 } });
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });

  test('after the TTL an approval is expired and cannot be approved', async () => {
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: gw.clientKey, maxRetries: 0 });
    const { response } = await openai.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: PROMPT }], tools: [weaponOpenAI] })
      .withResponse();
    const id = response.headers.get('x-redline-approval-id')!;
    await new Promise((r) => setTimeout(r, 1_200));
    const res = await fetch(`${gw.url}/v1/approvals/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.operatorKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'too late' }),
    });
    assert.equal(res.status, 409);
    assert.equal(((await res.json()) as any).error.code, 'approval_expired');
    const view = await fetch(`${gw.url}/v1/approvals/${id}`, { headers: { authorization: `Bearer ${gw.clientKey}` } });
    assert.equal(((await view.json()) as any).status, 'expired');
  });
});
