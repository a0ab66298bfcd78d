import type { Verdict } from '../policy/types.js';
import { GatewayError } from '../server/errors.js';
import type { ChatCall, PipelineDeps } from './types.js';

/** Who and what a record is about: a chat call, or a bare screen. */
export type RecordSubject = Pick<ChatCall, 'requestId' | 'principal' | 'format' | 'startedNs'> & { request: { model: string } };

export type Outcome = 'screened' | 'forwarded' | 'blocked_input' | 'blocked_output' | 'stream_cut' | 'upstream_error' | 'client_error';

export interface DecisionFacts {
  outcome: Outcome;
  provider?: string;
  upstreamModel?: string;
  input?: Verdict;
  output?: Verdict;
  upstreamMs?: number;
  approvals?: string[];
  denied?: number;
  /** Classified text; the ledger keeps keyed digests or ciphertext, never this text. */
  prompt?: string;
  response?: string;
}

/** What is known of a request before its outcome. */
export type BaseFacts = Omit<DecisionFacts, 'outcome'>;

const summary = (v?: Verdict) => v && { decision: v.decision, categories: v.categories, rules: v.rules, stages: v.stages, micros: v.micros };

/** Final decision of a request: the strictest of input and output. */
export function finalDecision(f: DecisionFacts): 'allow' | 'review' | 'block' {
  const order = { allow: 0, review: 1, block: 2 } as const;
  const a = f.input?.decision ?? 'allow';
  const b = f.output?.decision ?? 'allow';
  const d = order[a] >= order[b] ? a : b;
  return f.outcome === 'blocked_input' || f.outcome === 'blocked_output' || f.outcome === 'stream_cut' ? (d === 'allow' ? 'block' : d) : d;
}

/**
 * Stage: record the decision. The gateway answers only after this resolves, so every answer has a
 * durable record; if the ledger cannot record, the request is refused (unless ledger.fail_open).
 */
export async function recordDecision(deps: PipelineDeps, call: RecordSubject, f: DecisionFacts): Promise<void> {
  const decision = finalDecision(f);
  deps.metrics.requests.inc({ api: call.format, provider: f.provider ?? 'none', decision, outcome: f.outcome });
  const totalMs = Number(process.hrtime.bigint() - call.startedNs) / 1e6;
  try {
    await deps.recorder.append({
      type: 'decision',
      request_id: call.requestId,
      tenant: call.principal.tenant,
      key_id: call.principal.keyId,
      api: call.format,
      model: call.request.model,
      provider: f.provider ?? null,
      upstream_model: f.upstreamModel ?? null,
      decision,
      outcome: f.outcome,
      policy: (f.output ?? f.input)?.policy ?? deps.engine.policyHash,
      input: summary(f.input) ?? null,
      output: summary(f.output) ?? null,
      approvals: f.approvals ?? [],
      denied_tool_calls: f.denied ?? 0,
      timing: { total_ms: round(totalMs), upstream_ms: f.upstreamMs === undefined ? null : round(f.upstreamMs) },
      content: { prompt: f.prompt, response: f.response },
    });
  } catch {
    if (!deps.config.ledger.fail_open) {
      throw new GatewayError(503, 'ledger_unavailable', 'the audit ledger could not record this request; refused (fail closed)');
    }
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
