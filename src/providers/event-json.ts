import type { SseEvent, StreamEvent } from '../canonical/types.js';
import { WireError } from './types.js';

/** The JSON payload of one upstream stream event; a payload that is not JSON is a bad upstream (502). */
export function eventJson<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch {
    throw new WireError(502, 'malformed upstream stream event (not JSON)');
  }
}

/**
 * Stream decoders read vendor JSON without validating every chunk (hot path). Whatever an
 * odd-shaped chunk makes them throw is reported as what it is: a bad upstream (502), not a gateway bug.
 */
export function guardDecoder(decode: (ev: SseEvent) => StreamEvent[]): (ev: SseEvent) => StreamEvent[] {
  return (ev) => {
    try {
      return decode(ev);
    } catch (err) {
      if (err instanceof WireError) throw err;
      throw new WireError(502, 'malformed upstream stream event (unexpected shape)');
    }
  };
}
