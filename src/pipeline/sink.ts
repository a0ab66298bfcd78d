import type { SseEvent } from '../canonical/types.js';

/** Where the pipeline writes its answer; the HTTP layer implements it, so stages never touch HTTP. */
export interface ResponseSink {
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  /** Start a Server-Sent Events response (headers go out now). */
  open(headers?: Record<string, string>): void;
  write(events: SseEvent[]): void;
  /** An SSE comment line: ignored by clients, visible to people reading the stream. */
  comment(text: string): void;
  end(): void;
  readonly opened: boolean;
  /** True once the client has gone away; the relay stops reading the upstream. */
  readonly closed: boolean;
}
