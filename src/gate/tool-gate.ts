import type { WireFormat } from '../canonical/types.js';
import type { RedlineConfig } from '../config/schema.js';
import type { GateOutcome, ToolGate } from '../pipeline/types.js';
import type { PolicyEngine } from '../policy/types.js';
import type { ApprovalService } from './service.js';
import { splitCalls } from './withhold.js';

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
          heldResponse: { format: args.call.format as WireFormat, body },
          stripCallIds: removed.filter((c) => c !== call.id),
          reasons: verdict.reasons,
        });
        held.push({ call, approvalId: id });
      }
      return { passed: split.passed, held, denied: split.denied.map((d) => d.call) };
    },
  };
}
