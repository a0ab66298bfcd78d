import { canonicalJson } from './canonical-json.js';

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
  private readonly before: string;
  private readonly after: string;

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
    return '{' + (this.before ? this.before + ',' : '') + '"index":' + index + (this.after ? ',' + this.after : '') + '}';
  }
}
