import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatRequest, ToolCall } from '../../src/canonical/types.js';
import { createToolGate } from '../../src/gate/tool-gate.js';
import type { EffectorVerdict, PolicyEngine } from '../../src/policy/types.js';
import { client, FIRE_ARGS, fireCall, harness, openaiBody, operator, weatherCall } from './gate-fixtures.js';

const engine: Pick<PolicyEngine, 'classifyTool'> = {
  classifyTool: (tool): EffectorVerdict =>
    /munition/i.test(tool.description)
      ? { effector: true, action: 'require_approval', reasons: ['rule:munition'] }
      : { effector: false, action: 'require_approval', reasons: [] },
};

const request: ChatRequest = {
  model: 'gpt-test',
  system: [],
  messages: [{ role: 'user', content: 'strike' }],
  tools: [
    { name: 'release_munition', description: 'Release a munition at coordinates', parameters: {} },
    { name: 'get_weather', description: 'Weather for a city', parameters: {} },
  ],
  stream: false,
};

const call = () => ({ requestId: 'req-1', principal: client, format: 'openai' as const });

/** One inspect of a response with these calls, through a gate over the harness' service. */
const inspect = (gate: ReturnType<typeof createToolGate>, toolCalls: ToolCall[], heldResponse: () => unknown = () => openaiBody()) =>
  gate.inspect({ call: call(), model: 'gpt-test', provider: 'stub', tools: request.tools, toolCalls, heldResponse });

test('the pipeline gate holds the effector call, passes the benign one, and the approval releases the exact call', async () => {
  const h = await harness();
  const gate = createToolGate({ service: h.service, engine });
  let snapshots = 0;
  const outcome = await inspect(gate, [fireCall, weatherCall], () => (snapshots++, openaiBody()));
  assert.deepEqual(outcome.passed, [weatherCall]);
  assert.equal(outcome.held.length, 1);
  assert.deepEqual(outcome.held[0]!.call, fireCall);
  assert.equal(snapshots, 1);

  const id = outcome.held[0]!.approvalId;
  await h.service.approve(id, operator, 'approved by battle captain');
  const released = (await h.service.get(id, client)).response as ReturnType<typeof openaiBody>;
  const toolCall = released.choices[0]!.message.tool_calls.find((c) => c.id === fireCall.id);
  assert.equal(toolCall?.function.arguments, FIRE_ARGS);
  assert.deepEqual(h.events[0]!.effector_reasons, ['rule:munition']);
});

test('benign-only responses create no approval and take no snapshot', async () => {
  const h = await harness();
  const gate = createToolGate({ service: h.service, engine });
  const outcome = await inspect(gate, [weatherCall], () => assert.fail('no snapshot needed'));
  assert.deepEqual(outcome, { passed: [weatherCall], held: [], denied: [] });
  assert.equal(h.events.length, 0);
});

test('the deployment list with deny refuses the call without an approval', async () => {
  const h = await harness();
  const gate = createToolGate({ service: h.service, engine, approvals: { effector_tools: ['get_weather'], effector_action: 'deny' } });
  const outcome = await inspect(gate, [weatherCall]);
  assert.deepEqual(outcome.denied, [weatherCall]);
  assert.equal(outcome.held.length, 0);
});
