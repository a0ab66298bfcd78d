import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SseEvent, StreamEvent } from '../../src/canonical/types.js';
import { codecFor } from '../../src/providers/index.js';
import { WireError } from '../../src/providers/types.js';

const codec = codecFor('anthropic');

const request = {
  model: 'claude-sonnet-4-5',
  max_tokens: 512,
  system: [{ type: 'text', text: 'You are terse.' }, { type: 'text', text: 'Cite sources.', cache_control: { type: 'ephemeral' } }],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Describe this.' },
        { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat', n: 2 } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'no results' }], is_error: true },
        { type: 'text', text: 'Try again.' },
      ],
    },
  ],
  tools: [{ name: 'lookup', description: 'Look up', input_schema: { type: 'object', properties: { q: { type: 'string' } } } }],
  tool_choice: { type: 'any' },
  stop_sequences: ['END'],
  temperature: 0.5,
  stream: false,
  metadata: { user_id: 'u1' },
};

function expectWireError(body: unknown, param: string): void {
  assert.throws(
    () => codec.parseRequest(body),
    (err: unknown) => err instanceof WireError && err.status === 400 && err.param === param && err.message.includes(`'${param}'`),
  );
}

describe('Anthropic codec: requests', () => {
  it('parses system blocks, images, tool use and mixed tool results', () => {
    const req = codec.parseRequest(request);
    assert.deepEqual(req.system, ['You are terse.', 'Cite sources.']);
    assert.deepEqual(req.messages, [
      { role: 'user', content: 'Describe this.', images: [{ type: 'image', mediaType: 'image/jpeg', data: '/9j/4AAQ' }] },
      { role: 'assistant', content: 'Let me look.', toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: '{"q":"cat","n":2}' }] },
      { role: 'tool', content: 'no results', toolCallId: 'toolu_1', isError: true },
      { role: 'user', content: 'Try again.' },
    ]);
    assert.equal(req.toolChoice, 'required');
    assert.equal(req.maxTokens, 512);
    assert.deepEqual(req.stop, ['END']);
    assert.equal(req.stream, false);
  });

  it('round-trips: parse → render → parse is stable, tool result and text share one user turn', () => {
    const req = codec.parseRequest(request);
    const rendered = codec.renderRequest(req) as { messages: Array<{ role: string; content: unknown }> };
    assert.equal(rendered.messages.length, 3);
    assert.deepEqual(rendered.messages[2], {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: 'no results', is_error: true },
        { type: 'text', text: 'Try again.' },
      ],
    });
    assert.deepEqual(codec.parseRequest(rendered), req);
  });

  it('reads text carried in documents and search results (so screening sees it)', () => {
    const req = codec.parseRequest({
      model: 'm',
      max_tokens: 10,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain doc' } },
            { type: 'document', source: { type: 'content', content: [{ type: 'text', text: 'content doc' }] } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' } },
            { type: 'search_result', source: 's', title: 't', content: [{ type: 'text', text: 'found it' }] },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    assert.equal(req.messages[0]!.content, 'plain doc\ncontent doc\nfound it\nSummarise.');
  });

  it('rejects malformed requests naming the field', () => {
    expectWireError({ model: 'm', messages: [] }, 'max_tokens');
    expectWireError({ max_tokens: 5, messages: [] }, 'model');
    expectWireError({ model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role');
    expectWireError({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] }, 'messages[0].content[0].tool_use_id');
    expectWireError({ model: 'm', max_tokens: 5, messages: [], tool_choice: { type: 'tool' } }, 'tool_choice.name');
    expectWireError({ model: 'm', max_tokens: 5, messages: {} }, 'messages');
  });
});

describe('Anthropic codec: responses', () => {
  const wire = {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [
      { type: 'text', text: 'Sure.' },
      { type: 'tool_use', id: 'toolu_2', name: 'lookup', input: { q: 'x' } },
    ],
    stop_reason: 'tool_use',
    stop_sequence: null,
    usage: { input_tokens: 20, output_tokens: 6, cache_read_input_tokens: 100 },
  };

  it('parses (cached prompt tokens counted as input) and renders back', () => {
    const res = codec.parseResponse(wire);
    assert.deepEqual(res, {
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      text: 'Sure.',
      toolCalls: [{ id: 'toolu_2', name: 'lookup', arguments: '{"q":"x"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 120, outputTokens: 6 },
    });
    const back = codec.renderResponse(res) as typeof wire;
    assert.deepEqual(back.content, wire.content);
    assert.equal(back.stop_reason, 'tool_use');
  });

  it('keeps invalid tool-call JSON instead of failing the response', () => {
    const body = codec.renderResponse({ id: 'm', model: 'x', text: '', toolCalls: [{ id: 't', name: 'f', arguments: '{"a":' }], finishReason: 'tool_calls', usage: { inputTokens: 0, outputTokens: 0 } }) as {
      content: Array<{ input?: unknown }>;
    };
    assert.deepEqual(body.content, [{ type: 'tool_use', id: 't', name: 'f', input: { _raw: '{"a":' } }]);
  });

  it('maps stop reasons', () => {
    const fr = (stop_reason: string) => codec.parseResponse({ content: [], stop_reason }).finishReason;
    assert.equal(fr('end_turn'), 'stop');
    assert.equal(fr('stop_sequence'), 'stop');
    assert.equal(fr('max_tokens'), 'length');
    assert.equal(fr('refusal'), 'content_filter');
    assert.throws(() => codec.parseResponse({ id: 'x' }), (e: unknown) => e instanceof WireError && e.status === 502);
  });
});

describe('Anthropic codec: streams', () => {
  const ev = (event: string, data: Record<string, unknown>): SseEvent => ({ event, data: JSON.stringify({ type: event, ...data }) });
  const recorded: SseEvent[] = [
    ev('message_start', { message: { id: 'msg_s', type: 'message', role: 'assistant', model: 'claude-x', content: [], stop_reason: null, usage: { input_tokens: 9, output_tokens: 1 } } }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    { event: 'ping', data: '{"type": "ping"}' },
    ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'Hello' } }),
    ev('content_block_stop', { index: 0 }),
    ev('content_block_start', { index: 1, content_block: { type: 'tool_use', id: 'toolu_s', name: 'f', input: {} } }),
    ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
    ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } }),
    ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } }),
    ev('content_block_stop', { index: 1 }),
    ev('message_delta', { delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 12 } }),
    ev('message_stop', {}),
  ];
  const canonical: StreamEvent[] = [
    { type: 'start', id: 'msg_s', model: 'claude-x' },
    { type: 'text', text: 'Hello' },
    { type: 'tool_call', index: 0, id: 'toolu_s', name: 'f', argsDelta: '' },
    { type: 'tool_call', index: 0, argsDelta: '{"a":' },
    { type: 'tool_call', index: 0, argsDelta: '1}' },
    { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 9, outputTokens: 12 } },
  ];

  it('decodes a recorded stream (tool index counts tool blocks only)', () => {
    assert.deepEqual(recorded.flatMap(codec.streamDecoder()), canonical);
  });

  it('encodes sequential blocks with matching event names and types', () => {
    const wire = canonical.flatMap(codec.streamEncoder());
    assert.deepEqual(
      wire.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    for (const e of wire) assert.equal(JSON.parse(e.data).type, e.event);
    assert.deepEqual(wire.flatMap(codec.streamDecoder()), [
      { ...canonical[0], model: 'claude-x' },
      canonical[1],
      canonical[2],
      canonical[3],
      canonical[4],
      { type: 'finish', finishReason: 'tool_calls', usage: { inputTokens: 9, outputTokens: 12 } },
    ]);
  });

  it('decodes an error event as an error finish and renders stream errors', () => {
    const decode = codec.streamDecoder();
    decode(recorded[0]!);
    assert.deepEqual(decode({ event: 'error', data: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }), [
      { type: 'finish', finishReason: 'error' },
    ]);
    assert.deepEqual(codec.streamError('policy_violation', 'refused'), [
      { event: 'error', data: '{"type":"error","error":{"type":"policy_violation","message":"refused"}}' },
    ]);
  });
});
