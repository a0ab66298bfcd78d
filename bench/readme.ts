/** Keeps the "Latest figures" section of bench/README.md in step with the last complete run. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './systems.js';

const START = '<!-- figures:start -->';
const END = '<!-- figures:end -->';

export function updateReadme(section: string): void {
  const file = join(REPO_ROOT, 'bench', 'README.md');
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error('bench/README.md has no figures markers');
  writeFileSync(file, `${text.slice(0, a + START.length)}\n${section.trim()}\n${text.slice(b)}`);
}
