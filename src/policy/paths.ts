import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root (the folder holding package.json), found from this module's location so the
 * shipped policies/ and models/ resolve whether we run from src via tsx or from dist/.
 */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'policies'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
})();

/** A shipped file, relative to the package root. */
export function shipped(...parts: string[]): string {
  return join(PACKAGE_ROOT, ...parts);
}

/** A user-given path: relative paths resolve from the current working directory. */
export function userPath(p: string): string {
  return isAbsolute(p) ? p : resolve(process.cwd(), p);
}
