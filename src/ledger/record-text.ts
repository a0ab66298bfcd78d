import { canonicalJson } from '../crypto/canonical-json.js';
import { leafHash } from './merkle.js';

/**
 * A record body canonicalised (RFC 8785) at append time, with its position spliced in at commit.
 * The position is only known inside the store's exclusive section, so this keeps the costly
 * canonicalisation out of that section; and a value JSON cannot carry (NaN, a cycle) rejects the
 * one append that brought it instead of failing a whole group commit.
 *
 * RFC 8785 sorts object keys by UTF-16 code units — JavaScript's default sort — and serialises
 * each member as JSON.stringify(key) ":" canonical(value), so splicing "index" in sorted position
 * yields exactly canonicalJson({...body, index}) (checked by test/unit/ledger-record.test.ts).
 */
export class RecordText {
  /** Canonical members sorting before / after "index" (plain strings). */
  readonly before: string;
  readonly after: string;

  constructor(body: Record<string, unknown>) {
    const before: string[] = [];
    const after: string[] = [];
    for (const key of Object.keys(body).sort()) {
      if (key === 'index') continue;
      const value = body[key];
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      (key < 'index' ? before : after).push(JSON.stringify(key) + ':' + canonicalJson(value));
    }
    this.before = before.join(',');
    this.after = after.join(',');
  }

  at(index: number): string {
    return recordAt(this, index);
  }
}

export function recordAt(text: { before: string; after: string }, index: number): string {
  return '{' + (text.before ? text.before + ',' : '') + '"index":' + index + (text.after ? ',' + text.after : '') + '}';
}

/** A record waiting for its position: canonical text parts plus the columns stored beside it. */
export interface PendingRecord {
  text: { before: string; after: string };
  timestamp: string;
  type: string;
  requestId: string | null;
}

/** The rows for a batch placed at `start`: final canonical text and RFC 9162 leaf hash for each. */
export function renderBatch(start: number, batch: PendingRecord[]) {
  return batch.map((p, i) => {
    const record = recordAt(p.text, start + i);
    return { index: start + i, record, leafHash: leafHash(record), timestamp: p.timestamp, type: p.type, requestId: p.requestId };
  });
}
