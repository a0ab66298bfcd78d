import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolDef } from '../../src/canonical/types.js';
import type { EffectorVerdict } from '../../src/policy/types.js';
import { bodyHasCall, splitCalls, stripAnthropicCalls, stripGeminiCalls, stripOpenAICalls, type ClassifyTool } from '../../src/gate/withhold.js';
import { anthropicBody, FIRE_ARGS, fireCall, openaiBody, weatherCall } from './gate-fixtures.js';

/** Stand-in for PolicyEngine.classifyTool: judges the description, like the detector would. */
const classify: ClassifyTool = (tool): EffectorVerdict => {
  if (/munition|fire at/i.test(tool.description) || /munition/i.test(tool.name)) {
    return { effector: true, action: /nuclear/i.test(tool.description) ? 'deny' : 'require_approval', reasons: ['rule:effector'] };
  }
  return { effector: false, action: 'require_approval', reasons: [] };
};

const def = (name: string, description: string): ToolDef => ({ name, description, parameters: { type: 'object' } });
const tools = [def('release_munition', 'Release a munition at coordinates'), def('get_weather', 'Weather for a city')];

test('effector calls are held, benign calls in the same response pass', () => {
  const split = splitCalls(tools, [fireCall, weatherCall], classify);
  assert.deepEqual(split.passed, [weatherCall]);
  assert.deepEqual(split.held.map((h) => h.call), [fireCall]);
  assert.deepEqual(split.denied, []);
});

test('a bland name with a weapon description is an effector', () => {
  const call = { id: 'c1', name: 'do_task', arguments: '{}' };
  const split = splitCalls([def('do_task', 'Fire at the given grid reference')], [call], classify);
  assert.deepEqual(split.held.map((h) => h.call.id), ['c1']);
});

test('deny rules refuse the call outright', () => {
  const call = { id: 'c1', name: 'launch', arguments: '{}' };
  const split = splitCalls([def('launch', 'Release a nuclear munition')], [call], classify);
  assert.deepEqual(split.denied.map((d) => d.call.id), ['c1']);
  assert.equal(split.held.length, 0);
});

test('the deployment list makes a tool an effector with its configured action', () => {
  const call = { id: 'c1', name: 'open_valve', arguments: '{}' };
  const held = splitCalls([def('open_valve', 'Opens a valve')], [call], classify, { effectorTools: ['open_valve'] });
  assert.deepEqual(held.held[0]?.verdict.reasons, ['config:list']);
  const denied = splitCalls([def('open_valve', 'Opens a valve')], [call], classify, { effectorTools: ['open_valve'], effectorAction: 'deny' });
  assert.equal(denied.denied.length, 1);
});

test('fail closed: a classifier that throws holds the call', () => {
  const split = splitCalls(tools, [weatherCall], () => {
    throw new Error('boom');
  });
  assert.deepEqual(split.held[0]?.verdict.reasons, ['classifier_error']);
});

test('a duplicate bland definition does not hide the weapon one; undefined tools are judged by name', () => {
  const call = { id: 'c1', name: 'act', arguments: '{}' };
  const split = splitCalls([def('act', 'Does a thing'), def('act', 'Release a munition')], [call], classify);
  assert.equal(split.held.length, 1);
  const undefinedTool = splitCalls([], [{ id: 'c2', name: 'drop_munition', arguments: '{}' }], classify);
  assert.equal(undefinedTool.held.length, 1);
});

test('OpenAI body: the withheld call is removed, every other field kept, note appended', () => {
  const body = openaiBody();
  const out = stripOpenAICalls(body, ['call_fire_1'], 'NOTE') as ReturnType<typeof openaiBody>;
  const expected = openaiBody([weatherCall]);
  (expected.choices[0]!.message as { content: unknown }).content = 'NOTE';
  assert.deepEqual(out, expected);
  assert.deepEqual(body, openaiBody(), 'input not mutated');
});

test('OpenAI body: no calls left means no tool_calls field and finish_reason stop', () => {
  const out = stripOpenAICalls(openaiBody([fireCall]), ['call_fire_1'], 'NOTE') as { choices: Array<{ message: Record<string, unknown>; finish_reason: string }> };
  assert.equal('tool_calls' in out.choices[0]!.message, false);
  assert.equal(out.choices[0]!.finish_reason, 'stop');
  assert.equal(out.choices[0]!.message.content, 'NOTE');
});

test('Anthropic body: tool_use removed, note before remaining calls, stop_reason fixed when none remain', () => {
  const mixed = stripAnthropicCalls(anthropicBody(), ['call_fire_1'], 'NOTE') as ReturnType<typeof anthropicBody>;
  assert.deepEqual(
    mixed.content.map((b) => b.type + ':' + ('id' in b ? b.id : b.text)),
    ['text:Calling tools.', 'text:NOTE', 'tool_use:call_wx_1'],
  );
  assert.equal(mixed.stop_reason, 'tool_use');
  const none = stripAnthropicCalls(anthropicBody([fireCall]), ['call_fire_1'], 'NOTE') as ReturnType<typeof anthropicBody>;
  assert.equal(none.stop_reason, 'end_turn');
  assert.equal(none.content.some((b) => b.type === 'tool_use'), false);
});

test('bodyHasCall: OpenAI arguments match byte for byte, Anthropic input canonically', () => {
  assert.equal(bodyHasCall('openai', openaiBody(), fireCall), true);
  assert.equal(bodyHasCall('openai', openaiBody(), { ...fireCall, arguments: JSON.stringify(JSON.parse(FIRE_ARGS)) }), false);
  assert.equal(bodyHasCall('openai', openaiBody(), { ...fireCall, name: 'other' }), false);
  assert.equal(bodyHasCall('anthropic', anthropicBody(), fireCall), true);
  assert.equal(bodyHasCall('anthropic', anthropicBody(), { ...fireCall, arguments: '{"lat":1}' }), false);
});

test('Gemini body: calls without ids are matched by the codec\'s synthesised call_<n> ids', () => {
  const body = {
    candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'release_munition', args: { lat: 1 } } }, { functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] }, finishReason: 'STOP' }],
  };
  assert.equal(bodyHasCall('gemini', body, { id: 'call_0', name: 'release_munition', arguments: '{"lat":1}' }), true);
  assert.equal(bodyHasCall('gemini', body, { id: 'call_1', name: 'release_munition', arguments: '{"lat":1}' }), false);
  const out = stripGeminiCalls(body, ['call_0']) as typeof body;
  assert.deepEqual(out.candidates[0]!.content.parts.map((p) => p.functionCall.name), ['get_weather']);
});
