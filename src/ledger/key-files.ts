import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Read a secret file, or create it with `make()` if it does not exist yet. Created with mode 0600
 * and O_EXCL ('wx'), so two processes starting at once cannot both write a different secret: the
 * loser of the race reads the winner's file.
 */
export function readOrCreateSecretFile(file: string, make: () => string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, make(), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600); // the umask may have narrowed it further, never widened; make it exact
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return readFileSync(file, 'utf8');
}
