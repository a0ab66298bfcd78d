import { openText, type SealedText } from './content.js';
import type { LedgerStore } from './stores/types.js';

export interface ExportOptions {
  /** ISO 8601 bounds on the record timestamp: from inclusive, to exclusive. */
  from?: string;
  to?: string;
  /** Content key: replace ciphertext with the text (encrypted mode only). */
  decryptWith?: Buffer;
}

export interface ExportedRecord {
  index: number;
  leaf_hash: string;
  record: Record<string, unknown>;
}

/** Records in log order within a time window, as plain objects (one JSON line each in the CLI). */
export async function* exportRecords(store: LedgerStore, opts: ExportOptions = {}): AsyncIterable<ExportedRecord> {
  const from = opts.from ? Date.parse(opts.from) : -Infinity;
  const to = opts.to ? Date.parse(opts.to) : Infinity;
  for await (const page of store.scan()) {
    for (const row of page) {
      const record = JSON.parse(row.record) as Record<string, unknown>;
      const t = Date.parse(String(record.timestamp));
      if (!(t >= from && t < to)) continue;
      if (opts.decryptWith) decrypt(record, opts.decryptWith);
      yield { index: row.index, leaf_hash: row.leafHash.toString('hex'), record };
    }
  }
}

function decrypt(record: Record<string, unknown>, key: Buffer): void {
  const content = record.content as Record<string, SealedText & { text?: string }> | undefined;
  if (!content) return;
  for (const field of ['prompt', 'response'] as const) {
    const sealed = content[field];
    if (sealed?.ciphertext) content[field] = { digest: sealed.digest, text: openText(key, sealed, field) };
  }
}
