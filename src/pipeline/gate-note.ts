import type { GateOutcome } from './types.js';

/** The explanation put in the assistant content where effector calls were withheld or refused. */
export function gateNote(outcome: GateOutcome): string {
  const lines = outcome.held.map(
    (h) =>
      `[Redline] The call of effector tool "${h.call.name}" is withheld until an authorised operator approves it. ` +
      `Approval id: ${h.approvalId} (GET /v1/approvals/${h.approvalId}).`,
  );
  for (const d of outcome.denied) lines.push(`[Redline] The call of effector tool "${d.name}" was refused by policy.`);
  return lines.join('\n');
}

export const touchesCalls = (o: GateOutcome) => o.held.length > 0 || o.denied.length > 0;
