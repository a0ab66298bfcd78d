/** A policy that cannot be used: bad file, bad signature, or a layer that would weaken a red line. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}
