import { hostname } from 'node:os';
import type { RedlineConfig } from '../config/schema.js';
import { sealContent, type ContentKeys } from './content.js';
import { exportRecords, type ExportedRecord, type ExportOptions } from './export.js';
import { Frontier } from './merkle.js';
import { proveRequest, type InclusionProof } from './prove.js';
import { RecordText } from './record-text.js';
import type { SigningKey } from './signing-key.js';
import type { LedgerStore } from './stores/types.js';
import { signTreeHead, verifyTreeHead, type SignedTreeHead } from './tree-head.js';
import type { Ledger, LedgerEvent } from './types.js';
import { verifyLedger, type VerifyReport } from './verify.js';

interface Pending {
  text: RecordText;
  timestamp: string;
  type: string;
  requestId: string | null;
  resolve: (v: { index: number; leafHash: string }) => void;
  reject: (err: unknown) => void;
}

/** Upper bound on one group commit, so a burst cannot build one huge transaction. */
const MAX_BATCH = 4096;
const SYNC_PAGE = 50_000;

/**
 * The append path: records are canonicalised and sealed at `append`, collected for
 * `group_commit_ms`, then written in one durable transaction; each `append` resolves only after
 * that commit. The Merkle root is kept incrementally (a frontier of subtree roots), including
 * leaves other nodes appended to a shared store, so a tree head always covers the global order.
 */
export class MerkleLedger implements Ledger {
  private frontier = new Frontier();
  private pending: Pending[] = [];
  private timer?: NodeJS.Timeout | NodeJS.Immediate;
  private flushing?: Promise<void>;
  private readonly headTimer: NodeJS.Timeout;
  /** Serialises every section that reads or moves the frontier. */
  private queue: Promise<unknown> = Promise.resolve();
  private sinceHead = 0;
  private closed = false;

  private constructor(
    private readonly config: RedlineConfig,
    readonly store: LedgerStore,
    readonly key: SigningKey,
    private readonly contentKeys: ContentKeys,
    readonly nodeId: string,
  ) {
    this.headTimer = setInterval(() => void this.head().catch(() => {}), config.ledger.sth_every_ms);
    this.headTimer.unref();
  }

  static async open(config: RedlineConfig, store: LedgerStore, key: SigningKey, contentKeys: ContentKeys, nodeId?: string): Promise<MerkleLedger> {
    const ledger = new MerkleLedger(config, store, key, contentKeys, nodeId ?? `${hostname()}:${process.pid}`);
    try {
      await ledger.sync();
    } catch (err) {
      clearInterval(ledger.headTimer);
      throw err;
    }
    return ledger;
  }

  get size(): number {
    return this.frontier.size;
  }

  append(event: LedgerEvent): Promise<{ index: number; leafHash: string }> {
    if (this.closed) return Promise.reject(new Error('ledger is closed'));
    let entry: Omit<Pending, 'resolve' | 'reject'>;
    try {
      if (typeof event?.type !== 'string' || !event.type) throw new TypeError('ledger event needs a type');
      const { content, ...fields } = event;
      const timestamp = new Date().toISOString();
      // Ledger-owned fields are set last so an event cannot forge its time, deployment or node.
      const body: Record<string, unknown> = { ...fields, timestamp, deployment_id: this.config.deployment_id, node: this.nodeId };
      if (content !== undefined) body.content = sealContent(this.contentKeys, content);
      const requestId = typeof event.request_id === 'string' ? event.request_id : null;
      entry = { text: new RecordText(body), timestamp, type: event.type, requestId };
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ ...entry, resolve, reject });
      this.schedule();
    });
  }

  /** The latest tree head, signing a new one if the newest stored head does not cover the whole log. */
  head(): Promise<SignedTreeHead> {
    return this.exclusive(async () => {
      await this.syncInside();
      const latest = await this.store.latestHead();
      if (latest && latest.tree_size === this.frontier.size && latest.key_id === this.key.keyId) return latest;
      return this.sign();
    });
  }

  /** Inclusion proofs for a request's records against the current head. */
  async prove(requestId: string): Promise<InclusionProof[]> {
    return proveRequest(this.store, await this.head(), requestId);
  }

  /** Full verification of the stored log against every signed tree head. */
  verify(): Promise<VerifyReport> {
    return verifyLedger(this.store, this.key.publicKey, this.key.keyId);
  }

  export(opts?: ExportOptions): AsyncIterable<ExportedRecord> {
    return exportRecords(this.store, opts);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.headTimer);
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = undefined;
    }
    await this.flush();
    try {
      await this.head();
    } finally {
      await this.store.close();
    }
  }

  /**
   * Classic group commit: a commit in flight gathers every append that arrives meanwhile (drain
   * picks them up when it returns), so an idle writer need not wait at all. With
   * `group_commit_ms: 0` the first append flushes on the next turn of the event loop (setImmediate
   * still batches everything appended in the current turn); a positive window waits that long first.
   */
  private schedule(): void {
    if (this.timer || this.flushing) return;
    const ms = this.config.ledger.group_commit_ms;
    const fire = () => {
      this.timer = undefined;
      void this.flush();
    };
    this.timer = ms > 0 ? setTimeout(fire, ms) : setImmediate(fire);
  }

  private flush(): Promise<void> {
    if (!this.flushing) {
      this.flushing = this.drain().finally(() => {
        this.flushing = undefined;
        if (this.pending.length && !this.closed) this.schedule();
      });
    }
    return this.flushing;
  }

  /** Appends that arrive while a commit is in flight wait for it and go in the next one: group commit. */
  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, MAX_BATCH);
      try {
        await this.exclusive(() => this.commit(batch));
      } catch (err) {
        for (const p of batch) p.reject(err);
        continue;
      }
      if (this.sinceHead >= this.config.ledger.sth_every_records) await this.exclusive(() => this.sign()).catch(() => {});
      // Yield to the event loop between batches: a store that commits without I/O (inline SQLite,
      // synchronous=NORMAL) resolves in microtasks, and callers that append again at once would
      // otherwise keep this loop going forever with no I/O (sockets, stdout) ever served.
      if (this.pending.length) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    const pending = batch.map(({ text, timestamp, type, requestId }) => ({ text: { before: text.before, after: text.after }, timestamp, type, requestId }));
    const { start, foreign, leaves } = await this.store.appendBatch(this.frontier.size, pending);
    // Only after commit: the frontier must never hold a leaf the store does not.
    for (const leaf of foreign) this.frontier.push(leaf);
    for (const leaf of leaves) this.frontier.push(leaf);
    this.sinceHead += foreign.length + leaves.length;
    leaves.forEach((leaf, i) => batch[i].resolve({ index: start + i, leafHash: leaf.toString('hex') }));
  }

  private async sign(): Promise<SignedTreeHead> {
    const head = signTreeHead(
      { tree_size: this.frontier.size, timestamp: new Date().toISOString(), root_hash: this.frontier.root().toString('hex'), key_id: this.key.keyId },
      this.key.privateKey,
    );
    await this.store.putHead(head, this.nodeId, this.frontier.snapshot());
    this.sinceHead = 0;
    return head;
  }

  /** Start from the newest checkpoint whose frontier reproduces its own signed root, then read what came after. */
  private sync(): Promise<void> {
    return this.exclusive(async () => {
      const cp = await this.store.latestCheckpoint();
      if (cp && cp.head.key_id === this.key.keyId && verifyTreeHead(cp.head, this.key.publicKey)) {
        try {
          const restored = Frontier.restore(cp.head.tree_size, cp.frontier);
          if (restored.root().toString('hex') === cp.head.root_hash) this.frontier = restored;
        } catch {
          // A damaged checkpoint only costs time: fall back to reading every leaf.
        }
      }
      await this.syncInside();
      this.sinceHead = 0;
    });
  }

  /** Take in leaves other writers appended since we last looked. */
  private async syncInside(): Promise<void> {
    // In pages, so opening a large ledger never holds every leaf hash in memory at once.
    for (;;) {
      const from = this.frontier.size;
      const leaves = await this.store.leafHashesFrom(from, from + SYNC_PAGE);
      for (const leaf of leaves) this.frontier.push(leaf);
      this.sinceHead += leaves.length;
      if (leaves.length < SYNC_PAGE) return;
    }
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}
