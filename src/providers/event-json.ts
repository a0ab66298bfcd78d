import { WireError } from './types.js';

/** The JSON payload of one upstream stream event; a payload that is not JSON is a bad upstream (502). */
export function eventJson<T>(data: string): T {
  try {
    return JSON.parse(data) as T;
  } catch {
    throw new WireError(502, 'malformed upstream stream event (not JSON)');
  }
}
