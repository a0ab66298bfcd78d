/**
 * A refusal of the approval gate: HTTP status, OpenAI-style error type and a stable code that
 * tests, the CLI and clients can rely on. Kept in the gate (not the server) so the gate depends on
 * nothing but its own contracts; `approvalErrorBody` renders it in the OpenAI error shape.
 */
export class ApprovalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type = 'invalid_request_error',
    readonly param?: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

export const notFound = (id: string) => new ApprovalError(404, 'approval_not_found', `no approval ${id} for this tenant`, 'not_found_error');

export const ledgerDown = () =>
  new ApprovalError(503, 'ledger_unavailable', 'the audit ledger could not record this approval step; nothing was changed (fail closed)', 'ledger_unavailable');

export const tampered = (id: string) =>
  new ApprovalError(500, 'approval_integrity_failure', `approval ${id} failed its integrity check; the held call is not released (fail closed)`, 'internal_error');

/** The OpenAI error shape; anything that is not an ApprovalError becomes a 500 without internals. */
export function approvalErrorBody(e: unknown, requestId: string): { status: number; body: Record<string, unknown> } {
  const err = e instanceof ApprovalError ? e : new ApprovalError(500, 'internal_error', 'internal gateway error', 'internal_error');
  return {
    status: err.status,
    body: { error: { message: err.message, type: err.type, param: err.param ?? null, code: err.code, request_id: requestId } },
  };
}
