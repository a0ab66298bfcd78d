import { existsSync } from 'node:fs';
import type { ToolCall, ToolDef } from '../canonical/types.js';
import type { RedlineConfig } from '../config/schema.js';
import { Classifier } from '../detect/classifier.js';
import { Detector, contributing, severity, actionDecision, type Screening } from '../detect/detector.js';
import { askJudge, judgePrompt, type JudgeFn } from '../detect/judge.js';
import { compileEffectorRules, toolText, type EffectorMatch } from './effectors.js';
import { PolicyError } from './errors.js';
import { loadPolicyStack } from './layers.js';
import { shipped, userPath } from './paths.js';
import type { EffectivePolicy } from './schema.js';
import type { Decision, EffectorVerdict, PolicyEngine, ScreenContext, Segment, Stage, Verdict } from './types.js';

/**
 * The policy engine the gateway calls for every screen: the layered policy (vendor ∪ deployment ∪
 * tenant) plus the detector stack. Decision only; enforcement is the gateway's job.
 */

export const DEFAULT_MODEL = shipped('models', 'detector.json');

export interface EngineOptions {
  judge?: JudgeFn;
}

interface PolicyView {
  hash: string;
  policy: EffectivePolicy;
  detector: Detector;
  effectors: (tool: ToolDef) => EffectorMatch[];
}

export async function createPolicyEngine(config: RedlineConfig, opts: EngineOptions = {}): Promise<PolicyEngine> {
  const stack = loadPolicyStack(config);
  const modelFile = config.detector.model ? userPath(config.detector.model) : DEFAULT_MODEL;
  if (!existsSync(modelFile)) throw new PolicyError(`detector model ${modelFile} not found (build it with npm run train)`);
  const classifier = Classifier.load(modelFile);
  const view = (policy: EffectivePolicy, hash: string): PolicyView => ({
    hash,
    policy,
    detector: new Detector(policy, classifier),
    effectors: compileEffectorRules(policy),
  });
  const base = view(stack.effective, stack.hash);
  const tenants = new Map<string, PolicyView>();
  for (const [name, t] of stack.tenants) tenants.set(name, view(t.effective, t.hash));
  const pick = (ctx?: ScreenContext): PolicyView => (ctx?.tenant ? (tenants.get(ctx.tenant) ?? base) : base);

  const judgeCfg = config.detector.judge;
  const effectorList = new Set(config.approvals.effector_tools);

  function verdictOf(v: PolicyView, s: Screening, started: number, extraStages: Stage[] = []): Verdict {
    return {
      decision: s.decision,
      categories: contributing(s.results),
      rules: s.results.flatMap((r) => r.rules),
      policy: v.hash,
      stages: [...s.stages, ...extraStages],
      micros: Math.round((performance.now() - started) * 1000),
    };
  }

  function evaluate(segments: Segment[], ctx?: ScreenContext): Verdict {
    const started = performance.now();
    const v = pick(ctx);
    return verdictOf(v, v.detector.screen(segments), started);
  }

  async function decide(segments: Segment[], ctx?: ScreenContext): Promise<Verdict> {
    const started = performance.now();
    const v = pick(ctx);
    const s = v.detector.screen(segments);
    if (!opts.judge || !judgeCfg) return verdictOf(v, s, started);
    const [lo, hi] = judgeCfg.uncertain_band;
    // Only categories the rules did not settle and whose score is in the uncertain band go to the judge.
    const uncertain = s.results.filter((r) => !r.ruled && r.score >= lo && r.score < hi && r.category.action !== 'allow' && r.category.action !== 'log');
    if (!uncertain.length) return verdictOf(v, s, started);
    const answer = await askJudge(opts.judge, judgePrompt(uncertain.map((r) => r.category), segments), judgeCfg.timeout_ms, ctx?.signal);
    for (const r of uncertain) {
      // No usable answer → the stricter outcome: the category's own action.
      const ceiling = actionDecision(r.category.action);
      const judged: Decision = answer ?? ceiling;
      r.decision = severity(judged) > severity(ceiling) ? ceiling : judged;
      if (answer === undefined) r.rules.push('judge:unavailable');
    }
    s.decision = s.results.reduce<Decision>((d, r) => (severity(r.decision) > severity(d) ? r.decision : d), 'allow');
    return verdictOf(v, s, started, ['judge']);
  }

  function classifyTool(tool: ToolDef, ctx?: ScreenContext): EffectorVerdict {
    const v = pick(ctx);
    const reasons: string[] = [];
    let action: EffectorVerdict['action'] = 'require_approval';
    if (effectorList.has(tool.name)) {
      reasons.push('config:list');
      if (config.approvals.effector_action === 'deny') action = 'deny';
    }
    for (const m of v.effectors(tool)) {
      reasons.push(m.id);
      if (m.action === 'deny') action = 'deny';
    }
    if (!reasons.length) {
      // A bland name over a lethal description: ask the detector whether it reads as a weapon actuator.
      const s = v.detector.screen([{ scope: 'tool_definition', text: toolText(tool) }]);
      const aw = s.results.find((r) => r.category.id === 'autonomous_weapons');
      if (aw && aw.decision !== 'allow') reasons.push('detector');
    }
    return { effector: reasons.length > 0, action, reasons };
  }

  async function screenToolCall(call: ToolCall, ctx?: ScreenContext): Promise<Verdict> {
    return decide([{ scope: 'tool_call', text: `${call.name} ${call.arguments}`, where: `tool_call ${call.id}` }], ctx);
  }

  return {
    policyHash: stack.hash,
    evaluate,
    decide,
    classifyTool,
    screenToolCall,
    describe: () => ({
      layers: [
        ...stack.layers.map((l, i) => ({ name: i === 0 ? `vendor:${l.name}` : `deployment:${l.name}`, hash: l.hash, signed: l.signed })),
        ...[...stack.tenants].map(([t, x]) => ({ name: `tenant:${t}:${x.layer.name}`, hash: x.layer.hash, signed: false })),
      ],
      categories: stack.effective.categories.map((c) => c.id),
    }),
  };
}
