import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SseEvent, StreamEvent } from '../../src/canonical/types.js';
import { codecFor } from '../../src/providers/index.js';
import { createOpenAICodec } from '../../src/providers/openai/codec.js';
import { WireError } from '../../src/providers/types.js';

const codec = codecFor('openai');

const request = {
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'developer', content: [{ type: 'text', text: 'Answer in English.' }] },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
        { type: 'image_url', image_url: { url: 'https://example.test/a.jpg', detail: 'low' } },
      ],
    },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', description: 'Look things up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }],
  tool_choice: { type: 'function', function: { name: 'lookup' } },
  max_completion_tokens: 100,
  temperature: 0.2,
  top_p: 0.9,
  stop: 'END',
  stream: true,
  stream_options: { include_usage: true },
  some_future_field: { kept: 'by passthrough, ignored here' },
};

function expectWireError(body: unknown, param: string): void {
  assert.throws(
    () => codec.parseRequest(body),
    (err: unknown) => {
      assert.ok(err instanceof WireError, `expected WireError, got ${String(err)}`);
      assert.equal(err.status, 400);
      assert.equal(err.param, param);
      assert.ok(err.message.includes(`'${param}'`), err.message);
      return true;
    },
  );
}

describe('OpenAI codec: requests', () => {
  it('parses every request feature into canonical form', () => {
    const req = codec.parseRequest(request);
    assert.equal(req.model, 'gpt-4o-mini');
    assert.deepEqual(req.system, ['You are terse.', 'Answer in English.']);
    assert.equal(req.messages.length, 3);
    assert.deepEqual(req.messages[0], {
      role: 'user',
      content: 'What is in this picture?',
      images: [
        { type: 'image', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
        { type: 'image', url: 'https://example.test/a.jpg' },
      ],
    });
    assert.deepEqual(req.messages[1], { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"cat"}' }] });
    assert.deepEqual(req.messages[2], { role: 'tool', content: 'a cat', toolCallId: 'call_1' });
    assert.deepEqual(req.tools, [{ name: 'lookup', description: 'Look things up', parameters: request.tools[0]!.function.parameters }]);
    assert.deepEqual(req.toolChoice, { name: 'lookup' });
    assert.equal(req.maxTokens, 100);
    assert.equal(req.temperature, 0.2);
    assert.equal(req.topP, 0.9);
    assert.deepEqual(req.stop, ['END']);
    assert.equal(req.stream, true);
  });

  it('round-trips: parse → render → parse is stable', () => {
    const req = codec.parseRequest(request);
    const rendered = codec.renderRequest(req);
    assert.deepEqual(codec.parseRequest(rendered), req);
    assert.deepEqual(rendered.stream_options, { include_usage: true });
    assert.equal(rendered.max_tokens, 100);
  });

  it('renders max_completion_tokens for OpenAI proper', () => {
    const req = codec.parseRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], max_tokens: 5 });
    const body = createOpenAICodec({ maxTokensField: 'max_completion_tokens' }).renderRequest(req);
    assert.equal(body.max_completion_tokens, 5);
    assert.equal('max_tokens' in body, false);
  });

  it('rejects malformed requests naming the field', () => {
    expectWireError({ messages: [{ role: 'user', content: 'x' }] }, 'model');
    expectWireError({ model: 'm', messages: 'hello' }, 'messages');
    expectWireError({ model: 'm', messages: [{ role: 'user', content: 'a' }, { role: 'robot', content: 'x' }] }, 'messages[1].role');
    expectWireError({ model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id');
    expectWireError({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] }, 'messages[0].content[0].text');
    expectWireError({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: -1 }, 'max_tokens');
    expectWireError({ model: 'm', messages: [{ role: 'user', content: 'x' }], stream: 'yes' }, 'stream');
    assert.throws(() => codec.parseRequest(null), WireError);
  });
});

describe('OpenAI codec: responses', () => {
  const wire = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] },
        finish_reason: 'tool_calls',
      },
    ],
    usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
  };

  it('parses and renders back', () => {
    const res = codec.parseResponse(wire);
    assert.deepEqual(res, {
      id: 'chatcmpl-1',
      model: 'gpt-4o-mini',
      text: 'Checking.',
      toolCalls: [{ id: 'call_9', name: 'lookup', arguments: '{"q":' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 10, outputTokens: 4 },
    });
    const back = codec.renderResponse(res) as typeof wire;
    assert.equal(back.object, 'chat.completion');
    assert.deepEqual(back.choices[0]!.message.tool_calls, wire.choices[0]!.message.tool_calls);
    assert.deepEqual(back.usage, wire.usage);
    assert.deepEqual(codec.parseResponse(back), res);
  });

  it('maps finish reasons and tolerates a missing usage', () => {
    const body = (fr: string) => ({ choices: [{ message: { content: 'x' }, finish_reason: fr }] });
    assert.equal(codec.parseResponse(body('length')).finishReason, 'length');
    assert.equal(codec.parseResponse(body('content_filter')).finishReason, 'content_filter');
    assert.deepEqual(codec.parseResponse(body('stop')).usage, { inputTokens: 0, outputTokens: 0 });
  });

  it('rejects a body without choices with a 502', () => {
    assert.throws(() => codec.parseResponse({ id: 'x' }), (e: unknown) => e instanceof WireError && e.status === 502 && e.param === 'choices');
  });
});

describe('OpenAI codec: streams', () => {
  const recorded: SseEvent[] = [
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}' },
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}' },
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"f","arguments":""}}]},"logprobs":null,"finish_reason":null}],"usage":null}' },
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"x\\":1}"}}]},"logprobs":null,"finish_reason":null}],"usage":null}' },
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"tool_calls"}],"usage":null}' },
    { data: '{"id":"chatcmpl-7","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}}' },
    { data: '[DONE]' },
  ];
  const canonical: StreamEvent[] = [
    { type: 'start', id: 'chatcmpl-7', model: 'gpt-4o' },
    { type: 'text', text: 'Hi' },
    { type: 'tool_call', index: 0, id: 'call_a', name: 'f', argsDelta: '' },
    { type: 'tool_call', index: 0, argsDelta: '{"x":1}' },
    { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 5, outputTokens: 3 } },
  ];

  it('decodes a recorded stream, finishing at [DONE] with the late usage', () => {
    const decode = codec.streamDecoder();
    assert.deepEqual(recorded.flatMap(decode), canonical);
  });

  it('encodes canonical events that decode back to the same meaning', () => {
    const encode = codec.streamEncoder();
    const wire = canonical.flatMap(encode);
    assert.equal(wire.at(-1)!.data, '[DONE]');
    assert.ok(wire.every((e) => e.event === undefined));
    assert.deepEqual(wire.flatMap(codec.streamDecoder()), canonical);
  });

  it('turns an upstream error chunk into an error finish, and renders stream errors', () => {
    const decode = codec.streamDecoder();
    decode(recorded[0]!);
    assert.deepEqual(decode({ data: '{"error":{"message":"boom","type":"server_error"}}' }), [{ type: 'finish', finishReason: 'error' }]);
    const err = codec.streamError('policy_violation', 'refused', 'redline.x');
    assert.deepEqual(JSON.parse(err[0]!.data), { error: { message: 'refused', type: 'policy_violation', param: null, code: 'redline.x' } });
    assert.equal(err[1]!.data, '[DONE]');
  });

  it('rejects a chunk that is not JSON, or of an impossible shape, with a 502', () => {
    assert.throws(() => codec.streamDecoder()({ data: '{oops' }), (e: unknown) => e instanceof WireError && e.status === 502);
    assert.throws(() => codec.streamDecoder()({ data: '{"choices":[{"delta":{"tool_calls":7}}]}' }), (e: unknown) => e instanceof WireError && e.status === 502);
  });
});
