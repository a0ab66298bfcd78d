import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SseEvent } from '../../src/canonical/types.js';
import { codecFor } from '../../src/providers/index.js';

const openai = codecFor('openai');
const anthropic = codecFor('anthropic');

const clientBody = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'You plan logistics.' },
    { role: 'user', content: 'How much fuel for 3 trucks?' },
    {
      role: 'assistant',
      content: 'Checking consumption.',
      tool_calls: [
        { id: 'call_a', type: 'function', function: { name: 'consumption', arguments: '{"vehicle":"truck"}' } },
        { id: 'call_b', type: 'function', function: { name: 'distance', arguments: '{"route":"A-B"}' } },
      ],
    },
    { role: 'tool', tool_call_id: 'call_a', content: '30 l/100km' },
    { role: 'tool', tool_call_id: 'call_b', content: '250 km' },
  ],
  tools: [
    { type: 'function', function: { name: 'consumption', description: 'Fuel use', parameters: { type: 'object', properties: { vehicle: { type: 'string' } } } } },
    { type: 'function', function: { name: 'distance', description: 'Route length', parameters: { type: 'object', properties: { route: { type: 'string' } } } } },
  ],
  tool_choice: 'auto',
};

describe('translation OpenAI → Anthropic → OpenAI', () => {
  it('keeps system, text, tools, tool calls and tool results', () => {
    const canonical = openai.parseRequest(clientBody);
    const upstream = anthropic.renderRequest(canonical) as Record<string, any>;
    assert.equal(upstream.system, 'You plan logistics.');
    assert.equal(upstream.max_tokens, 4096, 'Anthropic requires max_tokens: a default is supplied');
    assert.deepEqual(upstream.tools[0], { name: 'consumption', description: 'Fuel use', input_schema: clientBody.tools[0]!.function.parameters });
    assert.deepEqual(upstream.tool_choice, { type: 'auto' });
    assert.deepEqual(upstream.messages, [
      { role: 'user', content: 'How much fuel for 3 trucks?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking consumption.' },
          { type: 'tool_use', id: 'call_a', name: 'consumption', input: { vehicle: 'truck' } },
          { type: 'tool_use', id: 'call_b', name: 'distance', input: { route: 'A-B' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_a', content: '30 l/100km' },
          { type: 'tool_result', tool_use_id: 'call_b', content: '250 km' },
        ],
      },
    ]);
    const back = openai.renderRequest(anthropic.parseRequest(upstream)) as Record<string, any>;
    assert.deepEqual(back.messages, clientBody.messages);
    assert.deepEqual(back.tools, clientBody.tools);
    assert.equal(back.tool_choice, 'auto');
  });

  it('translates an Anthropic tool-use response into an OpenAI completion', () => {
    const res = anthropic.parseResponse({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'consumption', input: { vehicle: 'truck' } }],
      stop_reason: 'tool_use',
      usage: { input_tokens: 50, output_tokens: 10 },
    });
    const body = openai.renderResponse(res) as Record<string, any>;
    assert.equal(body.choices[0].finish_reason, 'tool_calls');
    assert.equal(body.choices[0].message.content, null);
    assert.deepEqual(body.choices[0].message.tool_calls, [{ id: 'toolu_1', type: 'function', function: { name: 'consumption', arguments: '{"vehicle":"truck"}' } }]);
    assert.deepEqual(body.usage, { prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 });
  });
});

describe('stream translation', () => {
  const anthropicRecorded = `event: message_start
data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Two "}}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"trucks."}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

event: message_stop
data: {"type":"message_stop"}

`;

  function parseWire(text: string): SseEvent[] {
    return text
      .trim()
      .split('\n\n')
      .map((block) => {
        const ev: SseEvent = { data: '' };
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) ev.event = line.slice(7);
          else if (line.startsWith('data: ')) ev.data = line.slice(6);
        }
        return ev;
      });
  }

  it('re-encodes a recorded Anthropic stream as OpenAI chunks', () => {
    const decode = anthropic.streamDecoder();
    const encode = openai.streamEncoder();
    const out = parseWire(anthropicRecorded).flatMap(decode).flatMap(encode);
    assert.equal(out.at(-1)!.data, '[DONE]');
    const chunks = out.slice(0, -1).map((e) => JSON.parse(e.data));
    assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'msg_01' && c.model === 'claude-sonnet-4-5'));
    assert.equal(chunks.map((c) => c.choices[0].delta.content ?? '').join(''), 'Two trucks.');
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const last = chunks.at(-1);
    assert.equal(last.choices[0].finish_reason, 'stop');
    assert.deepEqual(last.usage, { prompt_tokens: 25, completion_tokens: 4, total_tokens: 29 });
  });

  it('re-encodes an OpenAI tool-call stream as Anthropic events', () => {
    const chunk = (delta: unknown, finish: string | null = null) => ({
      data: JSON.stringify({ id: 'chatcmpl-9', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o', choices: [{ index: 0, delta, finish_reason: finish }] }),
    });
    const recorded: SseEvent[] = [
      chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_q', type: 'function', function: { name: 'distance', arguments: '' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"route":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"A-B"}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_r', type: 'function', function: { name: 'consumption', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
      { data: '[DONE]' },
    ];
    const out = recorded.flatMap(openai.streamDecoder()).flatMap(anthropic.streamEncoder());
    const data = out.map((e) => JSON.parse(e.data));
    assert.deepEqual(
      out.map((e) => e.event),
      ['message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop'],
    );
    assert.deepEqual(data[1].content_block, { type: 'tool_use', id: 'call_q', name: 'distance', input: {} });
    assert.equal(data[2].delta.partial_json + data[3].delta.partial_json, '{"route":"A-B"}');
    assert.equal(data[5].index, 1);
    assert.equal(data[8].delta.stop_reason, 'tool_use');
  });
});
