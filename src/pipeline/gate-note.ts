import { withheldNote } from '../gate/withhold.js';
import type { GateOutcome } from './types.js';

/** The explanation put in the assistant content where effector calls were withheld or refused. */
export const gateNote = (outcome: GateOutcome): string =>
  withheldNote(
    outcome.held.map((h) => ({ name: h.call.name, approvalId: h.approvalId })),
    outcome.denied,
  );

export const touchesCalls = (o: GateOutcome) => o.held.length > 0 || o.denied.length > 0;
