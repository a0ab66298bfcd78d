/**
 * Stand-in upstream for benchmarks: an OpenAI-format chat completions server with a fixed small
 * answer, a streaming variant, and no logging. Kept as cheap as possible (no JSON parse of the
 * request, pre-serialised answers) so that it measures the gateway in front of it, not itself.
 *
 *   node dist/bench/standin-upstream.js [--port N] [--chunk-delay-ms N]
 * Prints one line `{"port":N}` on stdout once listening on 127.0.0.1 (port 0: a free one).
 * --chunk-delay-ms paces streamed chunks (default 0: the whole stream is written at once).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { STREAM_CHUNKS, completionBody, streamEvents } from './standin-answers.js';

const args = process.argv.slice(2);
const numberArg = (name: string) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : 0);
const port = numberArg('--port');
const chunkDelayMs = numberArg('--chunk-delay-ms');

const COMPLETION = Buffer.from(completionBody());
const EVENTS = streamEvents().map((e) => Buffer.from(e));
// Matches `"stream":true` with optional whitespace, as any client or gateway serialises it.
const STREAMING = /"stream"\s*:\s*true/;

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found","type":"invalid_request_error"}}');
    return;
  }
  if (!STREAMING.test(body)) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': COMPLETION.length }).end(COMPLETION);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  if (chunkDelayMs <= 0) {
    res.end(Buffer.concat(EVENTS));
    return;
  }
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    res.write(EVENTS[i++]);
    if (i < EVENTS.length) setTimeout(next, chunkDelayMs);
    else res.end();
  };
  next();
}

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => answer(req, res, Buffer.concat(parts).toString('latin1')));
});
server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${JSON.stringify({ port: address.port, chunks: STREAM_CHUNKS.length })}\n`);
});
// Nothing to flush: exit at once so keep-alive sockets do not hold the process open.
process.once('SIGTERM', () => process.exit(0));
