import type { ApprovalView } from './view.js';

/**
 * A small client of the approval API, for the CLI (and scripts). Errors from the gateway arrive in
 * the OpenAI error shape and are raised with their code so callers can tell refusals apart.
 */
export class ApprovalApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalApiError';
  }
}

export class ApprovalsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
  ) {}

  list(status?: string): Promise<{ object: 'list'; data: ApprovalView[] }> {
    return this.call('GET', `/v1/approvals${status ? `?status=${encodeURIComponent(status)}` : ''}`);
  }

  get(id: string): Promise<ApprovalView> {
    return this.call('GET', `/v1/approvals/${encodeURIComponent(id)}`);
  }

  approve(id: string, reason: string, bindingHash?: string): Promise<ApprovalView> {
    return this.call('POST', `/v1/approvals/${encodeURIComponent(id)}/approve`, { reason, ...(bindingHash ? { binding_hash: bindingHash } : {}) });
  }

  deny(id: string, reason: string): Promise<ApprovalView> {
    return this.call('POST', `/v1/approvals/${encodeURIComponent(id)}/deny`, { reason });
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: { authorization: `Bearer ${this.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const e = (json as { error?: { code?: string | null; message?: string } } | undefined)?.error;
      throw new ApprovalApiError(res.status, e?.code ?? null, e?.message ?? `HTTP ${res.status}`);
    }
    return json as T;
  }
}
