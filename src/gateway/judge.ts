import type { RedlineConfig } from '../config/schema.js';
import type { Provider } from '../providers/types.js';

export type Judge = (req: { system: string; user: string; signal: AbortSignal }) => Promise<string>;

/**
 * The optional judge model: any configured provider, asked through its own codec so the engine
 * never touches HTTP. Returns the model's text; the engine parses it and applies its fallback.
 */
export function judgeFor(config: RedlineConfig, providers: Map<string, Provider>): Judge | undefined {
  const settings = config.detector.judge;
  if (!settings) return undefined;
  const provider = providers.get(settings.provider);
  if (!provider) throw new Error(`detector.judge.provider: no provider named "${settings.provider}"`);
  return async ({ system, user, signal }) => {
    const body = provider.codec.renderRequest({
      model: settings.model,
      system: [system],
      messages: [{ role: 'user', content: user }],
      tools: [],
      maxTokens: 64,
      temperature: 0,
      stream: false,
    });
    const result = await provider.send({ body, model: settings.model, stream: false, signal, requestId: 'judge' });
    if (!result.ok) throw new Error(`judge upstream answered ${result.status}`);
    return provider.codec.parseResponse(result.json).text;
  };
}
