import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { RedlineConfig } from '../config/schema.js';
import { readOrCreateSecretFile } from './key-files.js';

/**
 * Classified content never reaches the ledger in clear. Digest mode (default) keeps a keyed
 * HMAC-SHA-256 of each text: someone holding the text and the deployment secret can show it matches
 * a record, but the digest alone reveals nothing (unlike a plain hash, it cannot be brute-forced
 * from guesses without the secret). Encrypted mode also keeps AES-256-GCM ciphertext, readable only
 * with the deployment's content key.
 */

export interface ContentKeys {
  mode: 'digest' | 'encrypted';
  hmacKey: Buffer;
  encryptionKey?: Buffer;
}

export interface SealedText {
  /** "hmac-sha256:<hex>" */
  digest: string;
  /** AES-256-GCM, base64: 12-byte IV, ciphertext, 16-byte tag. Encrypted mode only. */
  ciphertext?: { alg: 'A256GCM'; iv: string; data: string; tag: string };
}

function secret(config: RedlineConfig, env: string | undefined, fileName: string): Buffer {
  let text: string;
  if (env) {
    const value = process.env[env];
    if (!value) throw new Error(`ledger secret: env ${env} is not set`);
    text = value;
  } else {
    text = readOrCreateSecretFile(join(config.data_dir, fileName), () => randomBytes(32).toString('hex') + '\n');
  }
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== 32) throw new Error(`ledger secret: ${env ? `env ${env}` : fileName} must hold 32 bytes (hex or base64)`);
  return key;
}

export function loadContentKeys(config: RedlineConfig): ContentKeys {
  const mode = config.ledger.content;
  return {
    mode,
    hmacKey: secret(config, config.ledger.hmac_key_env, 'ledger-hmac.key'),
    encryptionKey: mode === 'encrypted' ? secret(config, config.ledger.encryption_key_env, 'ledger-content.key') : undefined,
  };
}

/** Loads the content key even when the running mode is `digest`, for reading old encrypted records. */
export function loadDecryptionKey(config: RedlineConfig): Buffer {
  return secret(config, config.ledger.encryption_key_env, 'ledger-content.key');
}

export function sealText(keys: ContentKeys, text: string, aad: string): SealedText {
  const sealed: SealedText = { digest: 'hmac-sha256:' + createHmac('sha256', keys.hmacKey).update(text).digest('hex') };
  if (keys.mode === 'encrypted' && keys.encryptionKey) {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
    // Binding the field name as AAD stops a prompt ciphertext being swapped in as a response.
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
    sealed.ciphertext = { alg: 'A256GCM', iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }
  return sealed;
}

export function openText(key: Buffer, sealed: SealedText, aad: string): string {
  if (!sealed.ciphertext) throw new Error('record holds a digest only; the text was never stored');
  const c = sealed.ciphertext;
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(c.iv, 'base64'));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(c.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(c.data, 'base64')), decipher.final()]).toString('utf8');
}

/** The record's `content` field: sealed prompt/response, absent fields left out. */
export function sealContent(keys: ContentKeys, content: { prompt?: string; response?: string } | undefined) {
  const out: { prompt?: SealedText; response?: SealedText } = {};
  if (typeof content?.prompt === 'string') out.prompt = sealText(keys, content.prompt, 'prompt');
  if (typeof content?.response === 'string') out.response = sealText(keys, content.response, 'response');
  return out;
}
