import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/types.js';
import type { ToolCall, WireFormat } from '../canonical/types.js';
import type { RecordEvent } from '../pipeline/types.js';
import type { Db } from '../storage/database.js';
import { bindingHash, canonicalSha256, decisionPayload, holdPayload, type GateDecision } from './binding.js';
import { ApprovalError, ledgerDown, notFound, tampered } from './errors.js';
import type { Signer } from './signer.js';
import { ApprovalStore, type ApprovalRow, type ApprovalStatus } from './store.js';
import { bodyHasCall, stripCalls } from './strip-calls.js';
import { isOperator, toView, type ApprovalView } from './view.js';

/**
 * Human approval of effector tool calls. A withheld call is stored with its response, bound to
 * tenant, request, tool, exact arguments and call id by a hash, and sealed by the gateway key.
 * An operator of the same tenant (not the key that made the request) approves or denies it with a
 * reason; the decision is signed naming the operator. The approved response is released once, to
 * the requester, before the approval expires. Every step goes to the ledger (ids, operator and
 * reason; never arguments or content in clear).
 */

/** One ledger event of the gate: the pipeline's record event (content is digested by the ledger). */
export type GateEvent = RecordEvent;

/** The ledger's append, as an object (the ledger / pipeline Recorder) or a bare function. */
export type ApprovalRecorder = { append(event: GateEvent): Promise<unknown> } | ((event: GateEvent) => Promise<unknown>);

export interface ApprovalServiceOptions {
  db: Db;
  signer: Signer;
  recorder: ApprovalRecorder;
  /** Time to decide, and time to fetch once approved (config approvals.ttl_seconds). */
  ttlSeconds?: number;
  /** Injected clock (ms since epoch), for tests. */
  now?: () => number;
  /** AES-256 key that keeps held responses encrypted at rest (the deployment's content key). */
  contentKey?: Buffer;
}

export interface HoldInput {
  principal: Principal;
  requestId: string;
  model: string;
  provider: string;
  toolCall: ToolCall;
  /** The response exactly as the upstream produced it, in the client's wire format. */
  heldResponse: { format: WireFormat; body: unknown };
  /** Other withheld or refused calls in the same response: taken out of the body on release. */
  stripCallIds?: string[];
  /** Why the tool is an effector (policy rule ids, "config:list", "detector"). */
  reasons?: string[];
}

const MAX_REASON = 2000;
const err = (status: number, code: string, message: string, type?: string) => new ApprovalError(status, code, message, type);

export class ApprovalService {
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly record: (event: GateEvent) => Promise<unknown>;

  private constructor(
    private readonly store: ApprovalStore,
    private readonly opts: ApprovalServiceOptions,
  ) {
    this.ttlMs = (opts.ttlSeconds ?? 600) * 1000;
    this.now = opts.now ?? Date.now;
    const r = opts.recorder;
    this.record = typeof r === 'function' ? r : (event) => r.append(event);
  }

  static async open(opts: ApprovalServiceOptions): Promise<ApprovalService> {
    return new ApprovalService(await ApprovalStore.open(opts.db, opts.contentKey), opts);
  }

  private iso(offsetMs = 0): string {
    return new Date(this.now() + offsetMs).toISOString();
  }

  async hold(input: HoldInput): Promise<{ id: string; expiresAt: string; bindingHash: string }> {
    const { principal, toolCall, heldResponse } = input;
    const id = `apr_${randomBytes(16).toString('hex')}`;
    const createdAt = this.iso();
    const expiresAt = this.iso(this.ttlMs);
    const binding = bindingHash({
      tenant: principal.tenant,
      requestId: input.requestId,
      toolName: toolCall.name,
      arguments: toolCall.arguments,
      callId: toolCall.id,
    });
    const heldSha256 = canonicalSha256(heldResponse.body);
    const stripCallIds = (input.stripCallIds ?? []).filter((c) => c !== toolCall.id);
    const seal = this.opts.signer.sign(
      holdPayload({ approvalId: id, bindingHash: binding, heldSha256, stripCallIds, requesterKeyId: principal.keyId, createdAt, expiresAt }),
    );
    await this.store.insert({
      id,
      tenant: principal.tenant,
      request_id: input.requestId,
      requester_key_id: principal.keyId,
      model: input.model,
      provider: input.provider,
      call_id: toolCall.id,
      tool_name: toolCall.name,
      arguments: toolCall.arguments,
      reasons: JSON.stringify(input.reasons ?? []),
      held_format: heldResponse.format,
      held_body: JSON.stringify(heldResponse.body),
      held_sha256: heldSha256,
      strip_call_ids: JSON.stringify(stripCallIds),
      binding_hash: binding,
      signer_key_id: this.opts.signer.keyId,
      hold_sig: seal.toString('base64'),
      status: 'pending',
      created_at: createdAt,
      expires_at: expiresAt,
    });
    try {
      await this.record({
        type: 'approval_held',
        request_id: input.requestId,
        tenant: principal.tenant,
        approval_id: id,
        key_id: principal.keyId,
        tool_name: toolCall.name,
        call_id: toolCall.id,
        binding_hash: binding,
        effector_reasons: input.reasons ?? [],
        expires_at: expiresAt,
        // The ledger keeps only a keyed digest (or ciphertext) of content fields.
        content: { response: toolCall.arguments },
      });
    } catch {
      // Without a record the hold does not exist; the call stays withheld because the request fails.
      await this.store.delete(id);
      throw ledgerDown();
    }
    return { id, expiresAt, bindingHash: binding };
  }

  /**
   * Status of one approval. When the caller is the key that made the request and the approval is
   * approved, this is the release: the held response is returned, once.
   */
  async get(id: string, principal: Principal): Promise<ApprovalView> {
    const row = await this.load(id, principal);
    if (row.status === 'approved' && row.requester_key_id === principal.keyId) return this.release(row, principal);
    if (row.status === 'released' && row.requester_key_id === principal.keyId) {
      throw err(409, 'approval_already_used', `approval ${id} was already used at ${row.released_at}; an approval releases its call once`);
    }
    return toView(row, principal);
  }

  /** The tenant's approvals: operators see the whole tenant's queue, clients only their own requests. */
  async list(principal: Principal, status?: ApprovalStatus): Promise<ApprovalView[]> {
    await this.expireDue(principal.tenant);
    const rows = await this.store.list(principal.tenant, {
      status,
      requesterKeyId: isOperator(principal) ? undefined : principal.keyId,
    });
    return rows.map((r) => toView(r, principal));
  }

  approve(id: string, operator: Principal, reason: string, expectedBindingHash?: string): Promise<ApprovalView> {
    return this.decide(id, operator, reason, 'approved', expectedBindingHash);
  }

  deny(id: string, operator: Principal, reason: string): Promise<ApprovalView> {
    return this.decide(id, operator, reason, 'denied');
  }

  /** Expire everything past its deadline; returns how many. Run periodically by `startSweeper`. */
  async sweep(): Promise<number> {
    return this.expireDue();
  }

  startSweeper(intervalMs = 30_000): () => void {
    const timer = setInterval(() => void this.sweep().catch(() => {}), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  private async decide(id: string, operator: Principal, reason: string, decision: GateDecision, expected?: string): Promise<ApprovalView> {
    if (!isOperator(operator)) throw err(403, 'operator_required', 'approving or denying needs an operator key of this tenant', 'permission_error');
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (!why) throw err(400, 'reason_required', 'a reason is required for every approval decision');
    if (why.length > MAX_REASON) throw err(400, 'reason_too_long', `reason is longer than ${MAX_REASON} characters`);
    const row = await this.load(id, operator);
    if (row.requester_key_id === operator.keyId) {
      throw err(403, 'self_approval', 'the key that made the request cannot decide its approval', 'permission_error');
    }
    if (row.status === 'expired') throw err(409, 'approval_expired', `approval ${id} expired at ${row.expires_at}`);
    if (row.status !== 'pending') throw err(409, 'approval_not_pending', `approval ${id} is already ${row.status}`);
    if (expected !== undefined && expected !== row.binding_hash) {
      throw err(409, 'binding_mismatch', 'the binding hash does not match this call (other tool, arguments, request or tenant); refused');
    }
    // An operator must not approve a row that was edited after the gateway sealed it.
    if (!this.sealIntact(row)) throw tampered(id);
    const decidedAt = this.iso();
    const approvalExpiresAt = decision === 'approved' ? this.iso(this.ttlMs) : row.expires_at;
    const sig = this.opts.signer.sign(
      decisionPayload({ approvalId: id, bindingHash: row.binding_hash, decision, operatorKeyId: operator.keyId, decidedAt, expiresAt: approvalExpiresAt }),
    );
    const changes = {
      status: decision as ApprovalStatus,
      decided_at: decidedAt,
      approval_expires_at: decision === 'approved' ? approvalExpiresAt : null,
      operator_key_id: operator.keyId,
      reason: why,
      decision_sig: sig.toString('base64'),
    };
    const step = await this.step(row, changes, {
      type: decision === 'approved' ? 'approval_approved' : 'approval_denied',
      operator_key_id: operator.keyId,
      reason: why,
      binding_hash: row.binding_hash,
      decided_at: decidedAt,
      expires_at: approvalExpiresAt,
      signer_key_id: this.opts.signer.keyId,
      signature: changes.decision_sig,
    });
    if (step === 'lost') {
      const now = await this.store.find(id);
      throw err(409, 'approval_not_pending', `approval ${id} is already ${now?.status ?? 'gone'}`);
    }
    if (step === 'unrecorded') throw ledgerDown();
    return toView({ ...row, ...changes }, operator);
  }

  private async release(row: ApprovalRow, principal: Principal): Promise<ApprovalView> {
    const body = this.verifiedBody(row);
    const releasedAt = this.iso();
    const step = await this.step(row, { status: 'released', released_at: releasedAt }, {
      type: 'approval_released',
      key_id: principal.keyId,
      operator_key_id: row.operator_key_id,
      binding_hash: row.binding_hash,
      released_at: releasedAt,
    });
    if (step === 'lost') throw err(409, 'approval_already_used', `approval ${row.id} was already used; an approval releases its call once`);
    if (step === 'unrecorded') throw ledgerDown();
    const released = stripCalls(row.held_format as WireFormat, body, JSON.parse(row.strip_call_ids) as string[]);
    return { ...toView({ ...row, status: 'released', released_at: releasedAt }, principal), format: row.held_format, response: released };
  }

  /** The seal, binding and stored body all agree; otherwise the row was edited outside the gateway. */
  private sealIntact(row: ApprovalRow): boolean {
    try {
      const binding = bindingHash({ tenant: row.tenant, requestId: row.request_id, toolName: row.tool_name, arguments: row.arguments, callId: row.call_id });
      if (binding !== row.binding_hash || row.held_body === null) return false;
      const body: unknown = JSON.parse(row.held_body);
      if (canonicalSha256(body) !== row.held_sha256) return false;
      if (!bodyHasCall(row.held_format as WireFormat, body, { id: row.call_id, name: row.tool_name, arguments: row.arguments })) return false;
      const seal = holdPayload({
        approvalId: row.id,
        bindingHash: row.binding_hash,
        heldSha256: row.held_sha256,
        stripCallIds: JSON.parse(row.strip_call_ids) as string[],
        requesterKeyId: row.requester_key_id,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      });
      return this.opts.signer.verify(seal, Buffer.from(row.hold_sig, 'base64'));
    } catch {
      return false;
    }
  }

  /** Fail closed: the held body is released only when seal and operator signature both verify. */
  private verifiedBody(row: ApprovalRow): unknown {
    if (!this.sealIntact(row) || !row.decision_sig || !row.operator_key_id || !row.decided_at || !row.approval_expires_at) throw tampered(row.id);
    const payload = decisionPayload({
      approvalId: row.id,
      bindingHash: row.binding_hash,
      decision: 'approved',
      operatorKeyId: row.operator_key_id,
      decidedAt: row.decided_at,
      expiresAt: row.approval_expires_at,
    });
    if (row.operator_key_id === row.requester_key_id || !this.opts.signer.verify(payload, Buffer.from(row.decision_sig, 'base64'))) {
      throw tampered(row.id);
    }
    return JSON.parse(row.held_body!) as unknown;
  }

  /** Load for this caller: another tenant's approval is "not found", never "forbidden" (no existence leak). */
  private async load(id: string, principal: Principal): Promise<ApprovalRow> {
    const row = await this.store.find(id);
    if (!row || row.tenant !== principal.tenant) throw notFound(id);
    return (await this.expireIfDue(row)) ?? row;
  }

  private deadline(row: ApprovalRow): string | null {
    if (row.status === 'pending') return row.expires_at;
    if (row.status === 'approved') return row.approval_expires_at;
    return null;
  }

  /** Lazy expiry on read; returns the expired row, or undefined when the row is not due. */
  private async expireIfDue(row: ApprovalRow): Promise<ApprovalRow | undefined> {
    const deadline = this.deadline(row);
    if (!deadline || deadline > this.iso()) return undefined;
    await this.expire(row);
    // Past its deadline a row acts as expired even if the ledger could not record the expiry yet.
    const current = (await this.store.find(row.id)) ?? row;
    return this.deadline(current) ? { ...current, status: 'expired' } : current;
  }

  private async expireDue(tenant?: string): Promise<number> {
    let n = 0;
    for (const row of await this.store.due(this.iso(), tenant)) if (await this.expire(row)) n++;
    return n;
  }

  private async expire(row: ApprovalRow): Promise<boolean> {
    // If the ledger refuses, the row is put back so the next read or sweep records it; deadlines are checked on every use anyway.
    const step = await this.step(row, { status: 'expired' }, {
      type: 'approval_expired',
      previous_status: row.status,
      operator_key_id: row.operator_key_id,
      expired_at: this.deadline(row),
    });
    return step === 'done';
  }

  /**
   * One recorded state change: move the row out of its current status (conditional, so concurrent
   * callers cannot both win), then record it. If the ledger refuses, the change is undone (fail
   * closed: nothing happens without a record). Once recorded, a finished approval's held content is dropped.
   */
  private async step(
    row: ApprovalRow,
    changes: Partial<ApprovalRow> & { status: ApprovalStatus },
    event: { type: string; [field: string]: unknown },
  ): Promise<'done' | 'lost' | 'unrecorded'> {
    if (!(await this.store.transition(row.id, row.status, changes))) return 'lost';
    try {
      await this.record({ ...event, request_id: row.request_id, tenant: row.tenant, approval_id: row.id });
    } catch {
      const undo = Object.fromEntries(Object.keys(changes).map((k) => [k, row[k as keyof ApprovalRow]]));
      await this.store.transition(row.id, changes.status, undo);
      return 'unrecorded';
    }
    if (changes.status !== 'approved') await this.store.transition(row.id, changes.status, { held_body: null });
    return 'done';
  }
}
