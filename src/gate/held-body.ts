import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * A held response waits in the state database until its approval ends, and it is classified
 * content. With a deployment content key it is stored as AES-256-GCM ciphertext bound to its
 * approval id (so one row's body cannot be pasted into another): "a256gcm:" + base64(iv | data | tag).
 */
const PREFIX = 'a256gcm:';

export function sealHeldBody(key: Buffer, approvalId: string, body: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(approvalId));
  const data = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, data, cipher.getAuthTag()]).toString('base64');
}

/**
 * The body in clear; undefined when it cannot be opened (wrong key, edited or moved ciphertext),
 * which the gate treats like any other tampering: nothing is released. Rows written without a key
 * are returned as they are.
 */
export function openHeldBody(key: Buffer | undefined, approvalId: string, stored: string): string | undefined {
  if (!stored.startsWith(PREFIX)) return stored;
  if (!key) return undefined;
  try {
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(approvalId));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
