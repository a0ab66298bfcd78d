import type { ChatResponse } from '../canonical/types.js';
import { codecFor } from '../providers/index.js';
import { applyGateToResponse } from './gate-response.js';
import { effectorTest } from './effectors.js';
import { callUpstream, isPassthrough, upstreamFailure } from './call-upstream.js';
import { recordDecision } from './record.js';
import { refusal, screen } from './screen.js';
import { inputSegments, promptText, responseSegments } from './segments.js';
import type { ResponseSink } from './sink.js';
import { relayStream } from './stream-relay.js';
import type { ChatCall, PipelineDeps } from './types.js';

/**
 * The request flow, one way: screen input → route → call upstream → screen output and tool calls →
 * record → respond. (Parsing and authentication happen in the HTTP layer before this.)
 * Every path that answers records first.
 */
export async function handleChat(deps: PipelineDeps, call: ChatCall, sink: ResponseSink): Promise<void> {
  const tenant = call.principal.tenant;
  const prompt = promptText(call.request);

  const isEffector = effectorTest(deps, call);
  const input = await screen(deps, inputSegments(call.request, isEffector), tenant, 'input');
  if (input.refused) {
    await recordDecision(deps, call, { outcome: 'blocked_input', input: input.verdict, prompt });
    throw refusal(input.verdict, 'input');
  }

  const route = deps.router.resolve(call.request.model);
  const provider = route.provider.name;
  const facts = { provider, upstreamModel: route.upstreamModel, input: input.verdict, prompt };

  let upstream;
  try {
    upstream = await callUpstream(deps, call, route);
  } catch (err) {
    await recordDecision(deps, call, { ...facts, outcome: 'upstream_error' });
    throw err;
  }
  const { result, ms } = upstream;
  if (!result.ok) {
    await recordDecision(deps, call, { ...facts, outcome: 'upstream_error', upstreamMs: ms });
    throw upstreamFailure(provider, result);
  }

  if (result.events) {
    return relayStream(deps, call, route, result.events, sink, { ...facts, upstreamMs: ms }, isEffector);
  }

  const passthrough = isPassthrough(call, route.provider);
  let response: ChatResponse;
  try {
    response = route.provider.codec.parseResponse(result.json);
  } catch (err) {
    await recordDecision(deps, call, { ...facts, outcome: 'upstream_error', upstreamMs: ms });
    throw err;
  }
  const output = await screen(deps, responseSegments(response, isEffector), tenant, 'output');
  if (output.refused) {
    await recordDecision(deps, call, { ...facts, outcome: 'blocked_output', output: output.verdict, upstreamMs: ms, response: response.text });
    throw refusal(output.verdict, 'output');
  }

  const clientBody = passthrough ? result.json : codecFor(call.format).renderResponse(response);
  const gated = await applyGateToResponse(deps, call, provider, route.upstreamModel, response, clientBody);
  await recordDecision(deps, call, {
    ...facts,
    outcome: 'forwarded',
    output: output.verdict,
    upstreamMs: ms,
    response: response.text,
    approvals: gated.approvalIds,
    denied: gated.denied,
  });
  sink.json(200, gated.body, gated.headers);
}
