import type { PolicyEngine, Segment, Verdict } from '../policy/types.js';
import { GatewayError, policyViolation } from '../server/errors.js';
import type { PipelineDeps, ScreenResult } from './types.js';

/**
 * The screening stages (input, output, stream windows) share this: ask the engine, apply the
 * deployment's review mapping, and fail closed when the engine cannot decide.
 */
export async function screen(deps: PipelineDeps, segments: Segment[], tenant: string, stage: string): Promise<ScreenResult> {
  const started = process.hrtime.bigint();
  let verdict: Verdict;
  try {
    verdict = await deps.engine.decide(segments, { tenant });
  } catch (err) {
    verdict = undecided(deps.engine, deps.config.detector.fail_open);
    if (!deps.config.detector.fail_open) {
      throw new GatewayError(503, 'screening_unavailable', 'the policy engine could not decide; request refused (fail closed)');
    }
  } finally {
    deps.metrics.screenSeconds.observe({ stage }, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { verdict, refused: refuses(deps, verdict) };
}

/** Synchronous screen for stream windows: no judge, so the stream is not stalled. */
export function screenSync(deps: PipelineDeps, segments: Segment[], tenant: string): ScreenResult {
  const verdict = deps.engine.evaluate(segments, { tenant });
  return { verdict, refused: refuses(deps, verdict) };
}

function refuses(deps: PipelineDeps, verdict: Verdict): boolean {
  return verdict.decision === 'block' || (verdict.decision === 'review' && deps.config.policy.on_review === 'block');
}

function undecided(engine: PolicyEngine, failOpen: boolean): Verdict {
  return { decision: failOpen ? 'allow' : 'block', categories: [], rules: ['engine_error'], policy: engine.policyHash, stages: [], micros: 0 };
}

/** The refusal a client sees for a verdict, naming the top category but never the matched text. */
export function refusal(verdict: Verdict, where: 'input' | 'output'): GatewayError {
  const category = verdict.categories[0]?.id ?? 'policy';
  const what = verdict.decision === 'review' ? 'needs human review under' : 'violates';
  return policyViolation(category, `Redline: the ${where} ${what} the usage policy (${category}); it was not ${where === 'input' ? 'sent to the model' : 'delivered'}.`);
}
