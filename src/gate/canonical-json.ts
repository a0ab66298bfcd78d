import canonicalizeModule from 'canonicalize';

// The package is CommonJS (`module.exports = serialize`) but its typings declare an ES default
// export, so under NodeNext the default import is typed as the module; at run time it is the function.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/** RFC 8785 (JCS) canonical JSON text; throws for values without a JSON form. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no canonical JSON form');
  return text;
}
