import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import type { SseEvent } from '../canonical/types.js';
import type { ResponseSink } from '../pipeline/sink.js';
import { formatSse } from '../providers/sse.js';

/** The pipeline's ResponseSink on a Fastify reply: JSON through Fastify, SSE straight on the socket. */
export function replySink(reply: FastifyReply, onClose: () => void): ResponseSink {
  const raw: ServerResponse = reply.raw;
  let opened = false;
  let closed = false;
  raw.once('close', () => {
    if (!raw.writableFinished) {
      closed = true;
      onClose();
    }
  });
  return {
    get opened() {
      return opened;
    },
    get closed() {
      return closed;
    },
    json(status, body, headers) {
      reply.code(status);
      if (headers) reply.headers(headers);
      reply.send(body);
    },
    open(headers) {
      opened = true;
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        ...headers,
      });
    },
    write(events: SseEvent[]) {
      if (closed) return;
      let chunk = '';
      for (const ev of events) chunk += formatSse(ev);
      raw.write(chunk);
    },
    comment(text) {
      if (!closed) raw.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
    },
    end() {
      if (!raw.writableEnded) raw.end();
    },
  };
}
