import { z } from 'zod';
import { ConfigError } from './errors.js';
import { parseSuppressionKeys, type SuppressionKeys } from './suppression.js';

/**
 * The one place that reads configuration. Entry points call `loadEnv(process.env)`
 * once and pass the result down; tests pass their own object.
 */
const DEV_SECRET = 'lijntje-demo-secret-do-not-use-in-production-0000';
const DEV_SUPPRESSION_KEY = '1:lijntje-demo-suppression-key-not-for-production';
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/lijntje';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

const booleanString = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z
  .object({
    APP_ENV: z.enum(['production', 'demo', 'test']).default('production'),
    // No default here: whether it was given decides if the demo may start local services (bin/local/).
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    // Per process. Under load a transaction holds its connection for a few round trips; a pool of 20 ran
    // dry at 200 messages/s and queued requests behind it. Keep processes x pool below max_connections.
    DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(500).default(40),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    // The demo's embedded PostgreSQL: auto = only when DATABASE_URL is unset and nothing answers on the default address.
    EMBEDDED_POSTGRES: z.enum(['auto', 'always', 'never']).default('auto'),
    DATA_DIR: z.string().min(1).default('.data'),
    // Print-ready card PDFs (personal data: deleted once downloaded plus CARD_PDF_KEEP_DAYS). Web and worker must share it.
    CARD_PDF_DIR: z.string().min(1).optional(),
    CARD_PDF_KEEP_DAYS: z.coerce.number().int().min(1).max(30).default(3),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    SECRET_KEY: z.string().min(32, 'SECRET_KEY must be at least 32 characters').optional(),
    // Keys the opt-out hashes (core/suppression.ts): "<version>:<secret>[,<older version>:<secret>]". Never SECRET_KEY.
    SUPPRESSION_KEY: z.string().min(32, 'SUPPRESSION_KEY must be at least 32 characters').optional(),
    QUEUE_PREFIX: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'QUEUE_PREFIX may only hold a-z, 0-9 and -')
      .default('lijntje'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    TRUST_PROXY: booleanString.default(false),
    TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'TELEGRAM_BOT_TOKEN looks wrong (expected <id>:<secret>)').optional(),
    TELEGRAM_BOT_USERNAME: z.string().regex(/^[A-Za-z0-9_]{5,32}$/, 'TELEGRAM_BOT_USERNAME is the bot name without @').optional(),
    TELEGRAM_MODE: z.enum(['webhook', 'polling']).default('webhook'),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 16-256 chars of A-Za-z0-9_-')
      .optional(),
    TELEGRAM_API_ROOT: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
    WHATSAPP_NUMBER: z
      .string()
      .regex(/^[1-9]\d{7,14}$/, 'WHATSAPP_NUMBER is the international number in digits, e.g. 31612345678')
      .optional(),
    WHATSAPP_SESSION: z.string().regex(/^[a-z0-9-]{1,40}$/).default('default'),
    OUTBOX_SWEEP_INTERVAL_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
    OUTBOX_STALE_SENDING_MS: z.coerce.number().int().min(1000).max(86_400_000).default(120_000),
    // After an opt-out's goodbye is final, erasure waits this long: the web chat reads the goodbye after its signal, and
    // the youngster has a moment to tap why, if they want (a tap after the erasure is not counted). Contact stopped at once.
    ERASURE_DELAY_MS: z.coerce.number().int().min(0).max(3_600_000).default(120_000),
    // An open erasure request older than this is finished by the sweep (a crash between goodbye and erasure).
    ERASURE_GRACE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
    WORKER_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    TELEGRAM_PER_SECOND: z.coerce.number().min(1).max(1000).default(29),
    METRICS_TOKEN: z.string().min(16, 'METRICS_TOKEN must be at least 16 characters').optional(),
    // Throttling of sign-in and the web chat (see web/plugins/rate-limit.ts).
    LOGIN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
    CHAT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
    REQUIRE_ADMIN_TOTP: booleanString.default(false),
  })
  .transform((e, ctx) => {
    if (e.APP_ENV === 'production' && !e.SECRET_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SECRET_KEY'], message: 'SECRET_KEY is required when APP_ENV=production' });
      return z.NEVER;
    }
    if (e.APP_ENV === 'production' && !e.SUPPRESSION_KEY) {
      ctx.addIssue({ code: 'custom', path: ['SUPPRESSION_KEY'], message: 'SUPPRESSION_KEY is required when APP_ENV=production (keep it apart from SECRET_KEY)' });
      return z.NEVER;
    }
    let suppressionKeys: SuppressionKeys;
    try {
      suppressionKeys = parseSuppressionKeys(e.SUPPRESSION_KEY ?? DEV_SUPPRESSION_KEY);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['SUPPRESSION_KEY'], message: (err as Error).message });
      return z.NEVER;
    }
    if (e.TELEGRAM_BOT_TOKEN && !e.TELEGRAM_BOT_USERNAME) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_BOT_USERNAME'], message: 'needed with TELEGRAM_BOT_TOKEN (for t.me links)' });
      return z.NEVER;
    }
    if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_MODE === 'webhook' && !e.TELEGRAM_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_WEBHOOK_SECRET'], message: 'needed in webhook mode (or set TELEGRAM_MODE=polling)' });
      return z.NEVER;
    }
    const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
    return {
      appEnv: e.APP_ENV,
      databaseUrl: e.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      databasePoolSize: e.DATABASE_POOL_SIZE,
      redisUrl: e.REDIS_URL ?? DEFAULT_REDIS_URL,
      /** For `npm run demo` only: explicit URLs always win over local services it could start. */
      local: {
        databaseUrlGiven: e.DATABASE_URL !== undefined,
        redisUrlGiven: e.REDIS_URL !== undefined,
        embeddedPostgres: e.EMBEDDED_POSTGRES,
        dataDir: e.DATA_DIR,
      },
      cards: { pdfDir: e.CARD_PDF_DIR ?? `${e.DATA_DIR}/cards`, keepDays: e.CARD_PDF_KEEP_DAYS },
      host: e.HOST,
      port: e.PORT,
      publicUrl,
      // Cookies get the Secure flag whenever the public address is https (TLS usually ends at a proxy).
      secureCookies: publicUrl.startsWith('https://'),
      secretKey: e.SECRET_KEY ?? DEV_SECRET,
      suppressionKeys,
      queuePrefix: e.QUEUE_PREFIX,
      logLevel: e.LOG_LEVEL,
      trustProxy: e.TRUST_PROXY,
      telegram: e.TELEGRAM_BOT_TOKEN
        ? {
            token: e.TELEGRAM_BOT_TOKEN,
            username: e.TELEGRAM_BOT_USERNAME!,
            mode: e.TELEGRAM_MODE,
            webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? null,
            apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
          }
        : null,
      outbox: { sweepIntervalMs: e.OUTBOX_SWEEP_INTERVAL_MS, staleSendingMs: e.OUTBOX_STALE_SENDING_MS },
      privacy: { erasureDelayMs: e.ERASURE_DELAY_MS, erasureGraceMs: e.ERASURE_GRACE_MS },
      metricsToken: e.METRICS_TOKEN ?? null,
      rateLimits: { loginPerMinute: e.LOGIN_ATTEMPTS_PER_MINUTE, chatPerMinute: e.CHAT_MESSAGES_PER_MINUTE },
      /** Admins must set up a TOTP second factor before they can use any other staff page. */
      requireAdminTotp: e.REQUIRE_ADMIN_TOTP,
      workerLockMs: e.WORKER_LOCK_MS,
      telegramPerSecond: e.TELEGRAM_PER_SECOND,
      whatsapp: e.WHATSAPP_NUMBER ? { number: e.WHATSAPP_NUMBER, session: e.WHATSAPP_SESSION } : null,
    };
  });

export type Env = z.output<typeof schema>;

/**
 * `source` defaults to the process environment; `defaults` fill what it leaves
 * unset (the demo entry point defaults APP_ENV to demo this way).
 */
export function loadEnv(
  source: Record<string, string | undefined> = process.env,
  defaults: Record<string, string> = {},
): Env {
  // Empty strings (e.g. `PUBLIC_URL=` in a compose file) mean "not set".
  const set = (o: Record<string, string | undefined>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ''));
  const cleaned = { ...set(defaults), ...set(source) };
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The environment a child process we start (initdb, redis-server, a PATH lookup)
 * inherits, with a few variables set for it. Kept here so that this file stays the
 * only one that reads `process.env`; nothing in it is configuration of ours.
 */
export function childProcessEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, ...overrides };
}
