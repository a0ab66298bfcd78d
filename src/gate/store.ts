import { openHeldBody, sealHeldBody } from './held-body.js';
import type { Db } from '../storage/database.js';

/**
 * The approvals table. Portable SQL only (SQLite and PostgreSQL through the storage facade);
 * timestamps are ISO-8601 UTC text, which sorts and compares correctly as text.
 * State changes are conditional UPDATEs on the expected status, so two operators (or an
 * operator and the sweeper) racing on one approval cannot both win.
 */

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'released';

export interface ApprovalRow {
  id: string;
  tenant: string;
  request_id: string;
  requester_key_id: string;
  model: string;
  provider: string;
  call_id: string;
  tool_name: string;
  /** Classified: the model's arguments; shown to operators, never logged. */
  arguments: string;
  /** JSON array of the effector verdict's reasons. */
  reasons: string;
  held_format: string;
  /** Classified: the held response body (JSON); cleared once the approval is finished. */
  held_body: string | null;
  held_sha256: string;
  /** JSON array of call ids taken out of the body on release. */
  strip_call_ids: string;
  binding_hash: string;
  signer_key_id: string;
  hold_sig: string;
  status: ApprovalStatus;
  created_at: string;
  /** Deadline for a decision. */
  expires_at: string;
  decided_at: string | null;
  /** Deadline for the release of an approved call (decided_at + ttl). */
  approval_expires_at: string | null;
  operator_key_id: string | null;
  reason: string | null;
  decision_sig: string | null;
  released_at: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS gate_approvals (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  request_id TEXT NOT NULL,
  requester_key_id TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  call_id TEXT NOT NULL,
  tool_name TEXT NOT NULL,
  arguments TEXT NOT NULL,
  reasons TEXT NOT NULL,
  held_format TEXT NOT NULL,
  held_body TEXT,
  held_sha256 TEXT NOT NULL,
  strip_call_ids TEXT NOT NULL,
  binding_hash TEXT NOT NULL,
  signer_key_id TEXT NOT NULL,
  hold_sig TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  decided_at TEXT,
  approval_expires_at TEXT,
  operator_key_id TEXT,
  reason TEXT,
  decision_sig TEXT,
  released_at TEXT
);
CREATE INDEX IF NOT EXISTS gate_approvals_queue ON gate_approvals (tenant, status, created_at);
`;

const INSERT_COLUMNS = [
  'id', 'tenant', 'request_id', 'requester_key_id', 'model', 'provider', 'call_id', 'tool_name', 'arguments', 'reasons',
  'held_format', 'held_body', 'held_sha256', 'strip_call_ids', 'binding_hash', 'signer_key_id', 'hold_sig', 'status',
  'created_at', 'expires_at',
] as const;

export type NewApprovalRow = Pick<ApprovalRow, (typeof INSERT_COLUMNS)[number]>;

export class ApprovalStore {
  private constructor(
    private readonly db: Db,
    /** AES-256 key for held bodies at rest (held-body.ts); without one they are stored as given. */
    private readonly contentKey?: Buffer,
  ) {}

  static async open(db: Db, contentKey?: Buffer): Promise<ApprovalStore> {
    await db.exec(SCHEMA);
    return new ApprovalStore(db, contentKey);
  }

  async insert(row: NewApprovalRow): Promise<void> {
    const stored = this.contentKey && row.held_body !== null ? { ...row, held_body: sealHeldBody(this.contentKey, row.id, row.held_body) } : row;
    const marks = INSERT_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
    await this.db.run(`INSERT INTO gate_approvals (${INSERT_COLUMNS.join(', ')}) VALUES (${marks})`, INSERT_COLUMNS.map((c) => stored[c]));
  }

  /** Rows as the service sees them: held bodies opened (null when they cannot be, so nothing is released). */
  private opened(rows: ApprovalRow[]): ApprovalRow[] {
    for (const r of rows) if (r.held_body !== null) r.held_body = openHeldBody(this.contentKey, r.id, r.held_body) ?? null;
    return rows;
  }

  async delete(id: string): Promise<void> {
    await this.db.run('DELETE FROM gate_approvals WHERE id = $1', [id]);
  }

  async find(id: string): Promise<ApprovalRow | undefined> {
    return this.opened(await this.db.all<ApprovalRow>('SELECT * FROM gate_approvals WHERE id = $1', [id]))[0];
  }

  async list(tenant: string, opts: { status?: ApprovalStatus; requesterKeyId?: string; limit?: number } = {}): Promise<ApprovalRow[]> {
    const where = ['tenant = $1'];
    const params: unknown[] = [tenant];
    if (opts.status) where.push(`status = $${params.push(opts.status)}`);
    if (opts.requesterKeyId) where.push(`requester_key_id = $${params.push(opts.requesterKeyId)}`);
    params.push(opts.limit ?? 500);
    return this.opened(
      await this.db.all<ApprovalRow>(`SELECT * FROM gate_approvals WHERE ${where.join(' AND ')} ORDER BY created_at, id LIMIT $${params.length}`, params),
    );
  }

  /** Rows whose deadline has passed: pending past expires_at, approved past approval_expires_at. */
  async due(nowIso: string, tenant?: string): Promise<ApprovalRow[]> {
    const params: unknown[] = [nowIso];
    const scope = tenant ? ` AND tenant = $${params.push(tenant)}` : '';
    return this.opened(
      await this.db.all<ApprovalRow>(
        `SELECT * FROM gate_approvals WHERE ((status = 'pending' AND expires_at <= $1) OR (status = 'approved' AND approval_expires_at <= $1))${scope}`,
        params,
      ),
    );
  }

  /** Set `changes` on the row only if it is still in status `from`; true when this caller won. */
  async transition(id: string, from: ApprovalStatus, changes: Partial<ApprovalRow>): Promise<boolean> {
    if (this.contentKey && typeof changes.held_body === 'string') changes = { ...changes, held_body: sealHeldBody(this.contentKey, id, changes.held_body) };
    const cols = Object.keys(changes) as Array<keyof ApprovalRow>;
    const sets = cols.map((c, i) => `${c} = $${i + 3}`).join(', ');
    const res = await this.db.run(`UPDATE gate_approvals SET ${sets} WHERE id = $1 AND status = $2`, [
      id,
      from,
      ...cols.map((c) => changes[c] ?? null),
    ]);
    return res.changes === 1;
  }
}
