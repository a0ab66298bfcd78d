/**
 * The benchmark's request: a realistic ~1 KB defence-logistics prompt that the default policy
 * allows (ordinary defence work, no red line), sent in OpenAI chat completions format.
 */

export const PROMPT =
  'You are assisting the logistics cell of a mechanised brigade preparing for a two-week field ' +
  'training exercise. The brigade has three manoeuvre battalions, an artillery battalion, a ' +
  'support battalion and a headquarters company, about 3,800 soldiers and 1,100 vehicles. The ' +
  'exercise area is 140 km from garrison by road; the rail head can take two trains a day. Fuel ' +
  'consumption is planned at 40 litres per vehicle per day during movement and 15 litres per day ' +
  'in the field; water at 20 litres per soldier per day; rations at three meals per soldier per ' +
  'day, with one hot meal delivered from field kitchens. Draft a resupply plan covering: the ' +
  'daily tonnage of fuel, water and rations; how many tanker and cargo trucks are needed and how ' +
  'many convoys per day; a maintenance schedule so that no more than 10 percent of trucks are in ' +
  'the workshop at once; a reserve stock level at the forward support area; and the main risks ' +
  'to the plan (weather, road closures, breakdowns) with one mitigation each. Present the result ' +
  'as a short table followed by bullet points, in plain English for the brigade staff.';

export const MODEL = 'bench-model';
/** Routed by Redline to the paced stand-in (a model streaming at a realistic pace). */
export const PACED_MODEL = 'bench-paced';

export function chatBody(stream: boolean, model = MODEL): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a careful military logistics planner.' },
      { role: 'user', content: PROMPT },
    ],
    max_tokens: 256,
    ...(stream ? { stream: true } : {}),
  });
}
