import canonicalizeModule from 'canonicalize';

// The package is CommonJS (`module.exports = fn`) with an ESM-style `export default` typing; under
// NodeNext the default import is module.exports itself, so it is the function at runtime.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON: the exact bytes that are hashed and signed. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}
