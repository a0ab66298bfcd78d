import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatRequest, SseEvent } from '../../src/canonical/types.js';
import { codecFor } from '../../src/providers/index.js';
import { WireError } from '../../src/providers/types.js';

const codec = codecFor('gemini');
const openai = codecFor('openai');

describe('Gemini codec: requests', () => {
  const canonical: ChatRequest = openai.parseRequest({
    model: 'gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA=' } }] },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_x', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
          { id: 'call_y', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_y', content: '12:00' },
      { role: 'tool', tool_call_id: 'call_x', content: '{"temp":3}' },
      { role: 'user', content: 'Thanks' },
    ],
    tools: [{ type: 'function', function: { name: 'weather', parameters: { $schema: 'x', type: 'object', additionalProperties: false, properties: { city: { type: 'string' } } } } }],
    tool_choice: 'required',
    max_tokens: 64,
    stop: ['STOP'],
  });

  it('renders contents with function responses named after their calls, merged into one user turn', () => {
    const body = codec.renderRequest(canonical) as Record<string, any>;
    assert.equal('model' in body, false);
    assert.deepEqual(body.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.deepEqual(body.contents, [
      { role: 'user', parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'image/png', data: 'AAA=' } }] },
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Oslo' } } }, { functionCall: { name: 'time', args: {} } }] },
      {
        role: 'user',
        parts: [{ functionResponse: { name: 'time', response: { content: '12:00' } } }, { functionResponse: { name: 'weather', response: { temp: 3 } } }, { text: 'Thanks' }],
      },
    ]);
    assert.deepEqual(body.tools[0].functionDeclarations[0].parameters, { type: 'object', properties: { city: { type: 'string' } } });
    assert.deepEqual(body.toolConfig, { functionCallingConfig: { mode: 'ANY' } });
    assert.deepEqual(body.generationConfig, { maxOutputTokens: 64, stopSequences: ['STOP'] });
  });

  it('parses its own rendering back, matching tool results to calls by name with synthesised ids', () => {
    const back = codec.parseRequest(codec.renderRequest(canonical));
    assert.deepEqual(back.system, ['Be brief.']);
    assert.deepEqual(back.messages[1]!.toolCalls, [
      { id: 'call_0', name: 'weather', arguments: '{"city":"Oslo"}' },
      { id: 'call_1', name: 'time', arguments: '{}' },
    ]);
    assert.deepEqual(back.messages[2], { role: 'tool', name: 'time', toolCallId: 'call_1', content: '{"content":"12:00"}' });
    assert.deepEqual(back.messages[3], { role: 'tool', name: 'weather', toolCallId: 'call_0', content: '{"temp":3}' });
    assert.deepEqual(back.messages[4], { role: 'user', content: 'Thanks' });
    assert.equal(back.toolChoice, 'required');
    assert.equal(back.maxTokens, 64);
  });

  it('rejects malformed requests naming the field', () => {
    assert.throws(
      () => codec.parseRequest({ contents: [{ role: 'robot', parts: [] }] }),
      (e: unknown) => e instanceof WireError && e.status === 400 && e.param === 'contents[0].role',
    );
    assert.throws(() => codec.parseRequest({}), (e: unknown) => e instanceof WireError && e.param === 'contents');
  });
});

describe('Gemini codec: responses', () => {
  const wire = {
    candidates: [{ content: { role: 'model', parts: [{ text: 'Calling.' }, { functionCall: { name: 'weather', args: { city: 'Oslo' } } }] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 5, totalTokenCount: 12 },
    modelVersion: 'gemini-2.5-flash',
    responseId: 'r1',
  };

  it('parses STOP with a function call as tool_calls and renders back', () => {
    const res = codec.parseResponse(wire);
    assert.deepEqual(res, {
      id: 'r1',
      model: 'gemini-2.5-flash',
      text: 'Calling.',
      toolCalls: [{ id: 'call_0', name: 'weather', arguments: '{"city":"Oslo"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 7, outputTokens: 5 },
    });
    assert.deepEqual(codec.renderResponse(res), wire);
  });

  it('maps safety blocks and rejects bodies without candidates', () => {
    assert.equal(codec.parseResponse({ candidates: [{ content: { parts: [] }, finishReason: 'SAFETY' }] }).finishReason, 'content_filter');
    assert.equal(codec.parseResponse({ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' } }).finishReason, 'content_filter');
    assert.equal(codec.parseResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'MAX_TOKENS' }] }).finishReason, 'length');
    assert.throws(() => codec.parseResponse({ usageMetadata: {} }), (e: unknown) => e instanceof WireError && e.status === 502);
  });
});

describe('Gemini codec: streams', () => {
  const recorded: SseEvent[] = [
    { data: '{"candidates": [{"content": {"parts": [{"text": "Hel"}],"role": "model"},"index": 0}],"usageMetadata": {"promptTokenCount": 4,"totalTokenCount": 4},"modelVersion": "gemini-2.5-flash","responseId": "abc"}' },
    { data: '{"candidates": [{"content": {"parts": [{"text": "lo"}],"role": "model"},"index": 0}],"modelVersion": "gemini-2.5-flash","responseId": "abc"}' },
    { data: '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {"a": 1}}}],"role": "model"},"finishReason": "STOP","index": 0}],"usageMetadata": {"promptTokenCount": 4,"candidatesTokenCount": 6,"totalTokenCount": 10},"modelVersion": "gemini-2.5-flash","responseId": "abc"}' },
  ];

  it('decodes whole-response chunks into text, whole tool calls and the finish', () => {
    assert.deepEqual(recorded.flatMap(codec.streamDecoder()), [
      { type: 'start', id: 'abc', model: 'gemini-2.5-flash' },
      { type: 'text', text: 'Hel' },
      { type: 'text', text: 'lo' },
      { type: 'tool_call', index: 0, id: 'call_0', name: 'f', argsDelta: '{"a":1}' },
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 4, outputTokens: 6 } },
    ]);
  });

  it('encodes a stream whose tool-call deltas are gathered into the final chunk', () => {
    const enc = codec.streamEncoder();
    const wire = [
      ...enc({ type: 'start', id: 'abc', model: 'g' }),
      ...enc({ type: 'text', text: 'Hi' }),
      ...enc({ type: 'tool_call', index: 0, id: 'call_0', name: 'f', argsDelta: '{"a"' }),
      ...enc({ type: 'tool_call', index: 0, argsDelta: ':1}' }),
      ...enc({ type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 2 } }),
    ];
    assert.equal(wire.length, 2);
    const last = JSON.parse(wire[1]!.data);
    assert.deepEqual(last.candidates[0].content.parts, [{ functionCall: { name: 'f', args: { a: 1 } } }]);
    assert.equal(last.candidates[0].finishReason, 'STOP');
    assert.deepEqual(wire.flatMap(codec.streamDecoder()).at(-1), { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 1, outputTokens: 2 } });
  });
});
