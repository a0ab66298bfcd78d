import { z } from 'zod';

/**
 * The gateway's configuration: one YAML file, validated at start. Unknown keys are rejected
 * (strict objects) so a typo is reported by name instead of silently ignored.
 * `redline config schema` / schema/redline.config.schema.json are generated from this.
 */

const provider = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(['openai', 'anthropic', 'gemini', 'openai-compatible']),
  base_url: z.url(),
  api_key: z.string().optional(),
  api_key_env: z.string().optional(),
  timeout_ms: z.number().int().positive().default(60_000),
  headers: z.record(z.string(), z.string()).optional(),
});

const route = z.strictObject({
  /** Glob on the requested model name ("*" and "?" wildcards). */
  model: z.string().min(1),
  provider: z.string().min(1),
  /** Rewrite the model name sent upstream. */
  upstream_model: z.string().optional(),
});

const storage = z.union([
  z.strictObject({ sqlite: z.string().min(1) }),
  z.strictObject({ postgres: z.string().min(1) }),
]);

const policy = z.strictObject({
  /** The vendor red lines (signed). Defaults to the shipped policies/vendor-redlines.yaml. */
  vendor: z.string().optional(),
  /** Public key (PEM or base64 raw Ed25519) that must have signed the vendor file. Defaults to the shipped vendor key. */
  vendor_public_key: z.string().optional(),
  /** Deployment layer: may add categories and tighten actions, never relax a vendor red line. */
  deployment: z.string().optional(),
  /** Tenant layers: tenant name → policy file; may only tighten further. */
  tenants: z.record(z.string(), z.string()).default({}),
  /** What the gateway does with a `review` decision in the request path. */
  on_review: z.enum(['block', 'allow']).default('block'),
});

const judge = z.strictObject({
  provider: z.string(),
  model: z.string(),
  timeout_ms: z.number().int().positive().default(3_000),
  /** Scores inside [low, high) are uncertain and go to the judge. */
  uncertain_band: z.tuple([z.number(), z.number()]).default([0.35, 0.75]),
});

const detector = z.strictObject({
  judge: judge.optional(),
  /** Fail closed by default: if screening throws, the request is refused. */
  fail_open: z.boolean().default(false),
  /** Classifier artefact; defaults to the shipped models/detector.json. */
  model: z.string().optional(),
});

const ledger = z.strictObject({
  /** `digest`: keyed HMAC-SHA-256 digests of content only; `encrypted`: AES-256-GCM ciphertext of content. */
  content: z.enum(['digest', 'encrypted']).default('digest'),
  /** Signed tree head at least every N records … */
  sth_every_records: z.number().int().positive().default(1000),
  /** … or every T milliseconds, whichever comes first. */
  sth_every_ms: z.number().int().positive().default(5_000),
  /** Group-commit window in ms. 0 (default): flush on the next event-loop turn; appends arriving while a commit is in flight share the next one. */
  group_commit_ms: z.number().nonnegative().default(0),
  /**
   * SQLite ledger durability. `full` (default): every group commit fsyncs the WAL, so an
   * acknowledged record survives power loss. `normal`: no fsync at commit, so an acknowledged
   * record survives a process crash or SIGKILL but the last commits can be lost on power loss or
   * an OS crash; commits then skip the fsync (which runs off the event loop either way).
   * PostgreSQL ignores this (its durability is the server's synchronous_commit).
   */
  synchronous: z.enum(['full', 'normal']).default('full'),
  /** Signing key: file (created mode 0600 at first start if missing) or env var holding a PKCS#8 PEM. */
  signing_key_file: z.string().optional(),
  signing_key_env: z.string().optional(),
  /** Deployment secret for HMAC digests / AES key: env var names (hex or base64, 32 bytes). Generated into the data folder if unset. */
  hmac_key_env: z.string().optional(),
  encryption_key_env: z.string().optional(),
  /** Fail closed by default: if the record cannot be made durable, the request is refused. */
  fail_open: z.boolean().default(false),
});

const approvals = z.strictObject({
  ttl_seconds: z.number().int().positive().default(600),
  /** Tool names that are always effectors, in addition to what the policy detects. */
  effector_tools: z.array(z.string()).default([]),
  /** Action for effector calls found by the deployment list. */
  effector_action: z.enum(['require_approval', 'deny']).default('require_approval'),
});

export const configSchema = z.strictObject({
  deployment_id: z.string().default('redline-local'),
  server: z
    .strictObject({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8787),
      body_limit_bytes: z.number().int().positive().default(4 * 1024 * 1024),
      /** Upper bound for a whole upstream call, streaming included. */
      request_timeout_ms: z.number().int().positive().default(300_000),
    })
    .prefault({}),
  storage: storage.default({ sqlite: './data/redline.db' }),
  /** Folder for generated secrets (signing key, HMAC key) when not given otherwise. */
  data_dir: z.string().default('./data'),
  providers: z.array(provider).default([]),
  routes: z.array(route).default([]),
  policy: policy.prefault({}),
  detector: detector.prefault({}),
  ledger: ledger.prefault({}),
  approvals: approvals.prefault({}),
  streaming: z
    .strictObject({
      /** Characters of model output held back and screened before they are released to the client. */
      holdback_chars: z.number().int().min(16).default(200),
      /**
       * The first characters of an answer go out as soon as a screen of everything so far passes,
       * without waiting for holdback_chars more to follow, so the first token is not delayed by
       * the hold-back. At most this many characters ever leave with less than the full hold-back
       * behind them; 0 holds every character back.
       */
      lead_chars: z.number().int().min(0).default(32),
    })
    .prefault({}),
  logging: z
    .strictObject({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
});

export type RedlineConfig = z.infer<typeof configSchema>;
export type ProviderSettings = z.infer<typeof provider>;
export type RouteSettings = z.infer<typeof route>;
