import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SseEvent } from '../../src/canonical/types.js';
import { formatSse, parseSse, SseParser } from '../../src/providers/sse.js';

async function* bytes(parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

async function collect(parts: Array<string | Uint8Array>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const ev of parseSse(bytes(parts))) out.push(ev);
  return out;
}

describe('SSE parser', () => {
  it('parses named events and plain data events', async () => {
    const evs = await collect(['event: message_start\ndata: {"a":1}\n\ndata: [DONE]\n\n']);
    assert.deepEqual(evs, [{ event: 'message_start', data: '{"a":1}' }, { data: '[DONE]' }]);
  });

  it('reassembles events split at every possible byte boundary', async () => {
    const wire = 'event: x\r\ndata: héllo 🌍\r\n\r\n: keep-alive\n\ndata: second\r\rdata: third\n\n';
    const whole = new TextEncoder().encode(wire);
    const expected = [{ event: 'x', data: 'héllo 🌍' }, { data: 'second' }, { data: 'third' }];
    for (let cut = 1; cut < whole.length; cut++) {
      const evs = await collect([whole.slice(0, cut), whole.slice(cut)]);
      assert.deepEqual(evs, expected, `split at byte ${cut}`);
    }
    // and one byte at a time
    assert.deepEqual(await collect([...whole].map((b) => Uint8Array.of(b))), expected);
  });

  it('does not dispatch twice when CRLF is split across chunks', () => {
    const p = new SseParser();
    assert.deepEqual(p.push('data: a\r'), []);
    assert.deepEqual(p.push('\n\r'), []);
    assert.deepEqual(p.push('\n'), [{ data: 'a' }]);
  });

  it('joins multi-line data with newlines and ignores comments, id and retry', async () => {
    const evs = await collect([': comment\nid: 7\nretry: 100\ndata: line1\ndata:line2\ndata\n\n']);
    assert.deepEqual(evs, [{ data: 'line1\nline2\n' }]);
  });

  it('skips events without data and still delivers a last event that lacks its blank line', async () => {
    assert.deepEqual(await collect(['event: ping\n\ndata: kept\n\n']), [{ data: 'kept' }]);
    assert.deepEqual(await collect(['data: a\n\ndata: [DONE]\n']), [{ data: 'a' }, { data: '[DONE]' }]);
  });

  it('formats events that parse back to themselves', async () => {
    const evs: SseEvent[] = [{ event: 'content_block_delta', data: '{"x":"y"}' }, { data: 'a\nb' }, { data: '' }];
    const wire = evs.map(formatSse).join('');
    assert.equal(formatSse(evs[0]!), 'event: content_block_delta\ndata: {"x":"y"}\n\n');
    assert.deepEqual(await collect([wire]), evs);
  });
});
