import type { Principal } from '../auth/types.js';
import type { ToolCall, ToolDef, WireFormat } from '../canonical/types.js';
import type { RedlineConfig } from '../config/schema.js';
import type { PolicyEngine } from '../policy/types.js';
import type { ApprovalService } from './service.js';
import { splitCalls } from './withhold.js';

/** What the pipeline hands the gate for one response (structurally the pipeline's ToolGate contract). */
export interface InspectArgs {
  call: { requestId: string; principal: Principal; format: WireFormat };
  model: string;
  provider: string;
  /** The request's tool definitions. */
  tools: ToolDef[];
  /** The response's tool calls. */
  toolCalls: ToolCall[];
  /** The response exactly as the upstream produced it, in the client's format; taken only when a call is held. */
  heldResponse: () => unknown;
}

export interface GateOutcome {
  /** Calls that go to the client as they are. */
  passed: ToolCall[];
  /** Calls withheld for human approval, each with its approval id. */
  held: Array<{ call: ToolCall; approvalId: string }>;
  /** Calls refused outright (effector action `deny`). */
  denied: ToolCall[];
}

export interface ToolGate {
  inspect(args: InspectArgs): Promise<GateOutcome>;
}

/**
 * The pipeline's effector gate (`PipelineDeps.gate`): classify each called tool, hold the
 * `require_approval` ones in the approval service, refuse the `deny` ones, pass the rest.
 * If holding fails (storage or ledger down) this throws and the request fails: fail closed,
 * the call is never delivered.
 */
export function createToolGate(deps: {
  service: ApprovalService;
  engine: Pick<PolicyEngine, 'classifyTool'>;
  approvals?: Pick<RedlineConfig['approvals'], 'effector_tools' | 'effector_action'>;
}): ToolGate {
  return {
    async inspect(args): Promise<GateOutcome> {
      const tenant = args.call.principal.tenant;
      const split = splitCalls(args.tools, args.toolCalls, (tool) => deps.engine.classifyTool(tool, { tenant }), {
        effectorTools: deps.approvals?.effector_tools,
        effectorAction: deps.approvals?.effector_action,
      });
      if (!split.held.length) return { passed: split.passed, held: [], denied: split.denied.map((d) => d.call) };
      const body = args.heldResponse();
      // Each held call gets its own approval; on release the other withheld/refused calls are taken out,
      // so approving one effector call never releases another.
      const removed = [...split.held, ...split.denied].map((j) => j.call.id);
      const held: GateOutcome['held'] = [];
      for (const { call, verdict } of split.held) {
        const { id } = await deps.service.hold({
          principal: args.call.principal,
          requestId: args.call.requestId,
          model: args.model,
          provider: args.provider,
          toolCall: call,
          heldResponse: { format: args.call.format, body },
          stripCallIds: removed.filter((c) => c !== call.id),
          reasons: verdict.reasons,
        });
        held.push({ call, approvalId: id });
      }
      return { passed: split.passed, held, denied: split.denied.map((d) => d.call) };
    },
  };
}
