import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { gatewayFixture } from '../helpers/gateway.js';
import type { Reply } from '../helpers/upstreams.js';

/**
 * The optional judge model, end to end: a configured provider (here the stand-in, as model
 * "judge-model") is asked about uncertain screens. The band is set wide so every screen with a
 * non-zero score is uncertain, which makes the judge's answer decide.
 */
describe('judge model through a configured provider', () => {
  const fx = gatewayFixture((url) => ({
    providers: [
      { name: 'vendor-a', kind: 'openai', base_url: `${url}/v1`, api_key: 'k' },
      { name: 'judge', kind: 'openai-compatible', base_url: `${url}/v1`, timeout_ms: 2_000 },
    ],
    routes: [{ model: '*', provider: 'vendor-a' }],
    detector: { judge: { provider: 'judge', model: 'judge-model', timeout_ms: 1_000, uncertain_band: [0, 1.01] } },
  }));
  let client: OpenAI;
  before(() => {
    client = new OpenAI({ baseURL: `${fx.gw.url}/v1`, apiKey: fx.gw.clientKey, maxRetries: 0 });
  });

  const judgeSays = (judge: Reply) => fx.up.setScript((req) => (req.model === 'judge-model' ? judge : { text: 'model answer' }));
  const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Schedule maintenance for the drone fleet next week.' }] });
  const judgeCalls = () => fx.up.received.filter((r) => r.model === 'judge-model');

  test('the judge is given the category definitions, and its "allow" lets the request through', async () => {
    judgeSays({ text: '{"decision":"allow","category":"none"}' });
    const res = await ask();
    assert.equal(res.choices[0]?.message.content, 'model answer');
    const call = judgeCalls()[0];
    assert.ok(call, 'the judge was consulted');
    const system = call.body.messages.find((m: { role: string }) => m.role === 'system')?.content as string;
    assert.match(system, /autonomous_weapons/);
    assert.match(system, /domestic_surveillance/);
  });

  test('a "block" from the judge refuses the request before the upstream sees it', async () => {
    judgeSays({ text: '{"decision":"block","category":"autonomous_weapons"}' });
    await assert.rejects(ask(), OpenAI.PermissionDeniedError);
    assert.equal(fx.up.received.filter((r) => r.model === 'gpt-4o-mini').length, 0);
  });

  test('a failing judge falls back to the stricter outcome', async () => {
    judgeSays({ error: { status: 500 } });
    await assert.rejects(ask(), OpenAI.PermissionDeniedError);
    assert.ok(judgeCalls().length > 0);
  });
});
