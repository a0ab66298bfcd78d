import type { SseEvent } from '../canonical/types.js';

/**
 * Server-Sent Events framing (WHATWG HTML §9.2): parse a byte stream into events and format events
 * back. Vendors split events anywhere (mid-line, mid-UTF-8 character, between CR and LF), so the
 * parser keeps partial lines and a streaming TextDecoder across chunks.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buf = '';
  private data: string[] = [];
  private event: string | undefined;

  /** Feed one chunk; returns the events completed by it. */
  push(chunk: Uint8Array | string): SseEvent[] {
    this.buf += typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    return this.drain(false);
  }

  /**
   * The byte stream ended. Browsers drop an event that lacks its closing blank line; sloppy
   * OpenAI-compatible servers end with `data: [DONE]\n`, so a pending event is still delivered.
   */
  end(): SseEvent[] {
    this.buf += this.decoder.decode();
    const out = this.drain(true);
    this.line('', out);
    this.event = undefined;
    return out;
  }

  private drain(final: boolean): SseEvent[] {
    const out: SseEvent[] = [];
    const buf = this.buf;
    let pos = 0;
    // Next LF and CR positions, searched again only once passed: a chunk of many lines and no CR
    // would otherwise rescan to its end for every line.
    let lf = buf.indexOf('\n');
    let cr = buf.indexOf('\r');
    for (;;) {
      if (lf >= 0 && lf < pos) lf = buf.indexOf('\n', pos);
      if (cr >= 0 && cr < pos) cr = buf.indexOf('\r', pos);
      const eol = lf < 0 ? cr : cr < 0 ? lf : Math.min(cr, lf);
      if (eol < 0) break;
      let next = eol + 1;
      if (buf.charCodeAt(eol) === 13) {
        // A CR at the very end may be the first half of CRLF: wait for the next chunk.
        if (eol === buf.length - 1 && !final) break;
        if (buf.charCodeAt(eol + 1) === 10) next++;
      }
      this.line(buf.slice(pos, eol), out);
      pos = next;
    }
    this.buf = pos === 0 ? buf : buf.slice(pos);
    if (final && this.buf) {
      this.line(this.buf, out);
      this.buf = '';
    }
    return out;
  }

  private line(line: string, out: SseEvent[]): void {
    if (line === '') {
      if (this.data.length) {
        const ev: SseEvent = { data: this.data.join('\n') };
        if (this.event !== undefined) ev.event = this.event;
        out.push(ev);
      }
      this.data = [];
      this.event = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' comment (keep-alives)
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    // `id` and `retry` mean nothing to a one-shot HTTP response; ignored.
  }
}

/** Parse a whole byte stream into events. */
export async function* parseSse(stream: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  for await (const chunk of stream) yield* parser.push(chunk);
  yield* parser.end();
}

/** One event on the wire: optional `event:` line, one `data:` line per line of data, blank line. */
export function formatSse(ev: SseEvent): string {
  const head = ev.event === undefined ? '' : `event: ${ev.event}\n`;
  const data = ev.data.includes('\n') ? ev.data.split('\n').join('\ndata: ') : ev.data;
  return `${head}data: ${data}\n\n`;
}
