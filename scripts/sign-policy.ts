/**
 * Sign (or verify) a policy file with Ed25519: writes FILE.sig (base64 detached signature).
 *
 *   node dist/scripts/sign-policy.js --generate KEYDIR          # new key pair: KEYDIR/vendor-redlines.key (0600) + .pub
 *   node dist/scripts/sign-policy.js --key PRIVATE.pem FILE     # sign FILE → FILE.sig
 *   node dist/scripts/sign-policy.js --verify PUBLIC.pub FILE   # check FILE.sig
 *
 * The private key never goes into the repository; a vendor re-signing with its own key ships its
 * public key as policies/vendor-redlines.pub (or sets policy.vendor_public_key in the config).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePublicKey, signBytes, verifyBytes } from '../src/policy/signature.js';

function main(argv: string[]): number {
  const [flag, arg, file] = argv;
  if (flag === '--generate' && arg) {
    mkdirSync(arg, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(arg, 'vendor-redlines.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    writeFileSync(join(arg, 'vendor-redlines.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    process.stdout.write(`wrote ${join(arg, 'vendor-redlines.key')} (keep secret) and ${join(arg, 'vendor-redlines.pub')}\n`);
    return 0;
  }
  if (flag === '--key' && arg && file) {
    const sig = signBytes(readFileSync(file), readFileSync(arg, 'utf8'));
    writeFileSync(`${file}.sig`, sig + '\n');
    process.stdout.write(`signed ${file} → ${file}.sig\n`);
    return 0;
  }
  if (flag === '--verify' && arg && file) {
    const ok = verifyBytes(readFileSync(file), readFileSync(`${file}.sig`, 'utf8'), parsePublicKey(readFileSync(arg, 'utf8')));
    process.stdout.write(ok ? `${file}: signature OK\n` : `${file}: signature INVALID\n`);
    return ok ? 0 : 1;
  }
  process.stderr.write('usage: sign-policy --generate KEYDIR | --key PRIVATE.pem FILE | --verify PUBLIC.pub FILE\n');
  return 2;
}

process.exitCode = main(process.argv.slice(2));
