import type { Principal } from '../auth/types.js';
import type { ChatRequest, ToolCall, ToolDef, WireFormat } from '../canonical/types.js';
import type { RedlineConfig } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { PolicyEngine, Verdict } from '../policy/types.js';
import type { Router } from './route.js';

/** One chat request as it moves through the pipeline. */
export interface ChatCall {
  requestId: string;
  principal: Principal;
  /** The inbound API the client spoke. */
  format: WireFormat;
  /** The client's body, kept for lossless same-format passthrough. */
  rawBody: Record<string, unknown>;
  request: ChatRequest;
  startedNs: bigint;
  signal: AbortSignal;
}

/** An event for the audit ledger (see src/ledger). Content is classified: the ledger stores digests only. */
export interface RecordEvent {
  type: string;
  request_id?: string;
  tenant?: string;
  content?: { prompt?: string; response?: string };
  [field: string]: unknown;
}

/** The record stage's dependency: resolves once the record is durable, rejects when it cannot be. */
export interface Recorder {
  append(event: RecordEvent): Promise<unknown>;
}

/** Outcome of the effector gate on one response's tool calls. */
export interface GateOutcome {
  /** Calls that go to the client as they are. */
  passed: ToolCall[];
  /** Calls withheld for human approval, each with its approval id. */
  held: Array<{ call: ToolCall; approvalId: string }>;
  /** Calls refused outright (effector rule `deny`). */
  denied: ToolCall[];
}

/** The approval gate as the pipeline sees it. */
export interface ToolGate {
  inspect(args: {
    call: ChatCall;
    model: string;
    provider: string;
    tools: ToolDef[];
    toolCalls: ToolCall[];
    /** The response exactly as the upstream produced it, in the client's format, kept for release on approval. */
    heldResponse: () => unknown;
  }): Promise<GateOutcome>;
}

export interface PipelineDeps {
  config: RedlineConfig;
  engine: PolicyEngine;
  router: Router;
  recorder: Recorder;
  gate?: ToolGate;
  metrics: Metrics;
}

export interface ScreenResult {
  verdict: Verdict;
  /** Did this verdict stop the request (block, or review mapped to block)? */
  refused: boolean;
}
