/** Human approval of effector tool calls: see docs/approvals.md. */
export { ApprovalService, type ApprovalRecorder, type ApprovalServiceOptions, type GateEvent, type HoldInput } from './service.js';
export { ApprovalError, approvalErrorBody } from './errors.js';
export { createToolGate, type GateOutcome, type InspectArgs, type ToolGate } from './tool-gate.js';
export { ed25519Signer, ephemeralSigner, type Signer } from './signer.js';
export { bindingHash, decisionPayload, holdPayload, canonicalSha256, type BindingFields, type DecisionFields } from './binding.js';
export { splitCalls, judgeTool, withheldNote, type ClassifyTool, type Split, type WithholdOptions } from './withhold.js';
export { stripCalls, stripOpenAICalls, stripAnthropicCalls, stripGeminiCalls, bodyHasCall, callIds } from './strip-calls.js';
export type { ApprovalView } from './view.js';
export type { ApprovalStatus } from './store.js';
