import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const MiB = 1024 * 1024;

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const amount = (fallback: number) => z.coerce.number().positive().default(fallback);

const DAY_MS = 24 * 60 * 60 * 1000;

/** Every setting, from the environment, with the embedded defaults a fresh machine runs on. */
const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  SESSION_SECRET: z.string().min(32).optional(),
  /** This node's name in /metrics and the log; unset: the host name and PORT. */
  NODE_ID: z.string().regex(/^[\w.:-]{1,64}$/, 'letters, digits, . : _ - (1 to 64)').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_UPDATE_BYTES: count(1 * MiB),
  MAX_STATE_BYTES: count(8 * MiB),
  HISTORY_MAX_ENTRIES: count(1000),
  HISTORY_MAX_BYTES: count(4 * MiB),
  MAX_ARRAY_DIFF_CELLS: count(250_000),
  SNAPSHOT_EVERY: count(500),
  UPDATES_PER_SECOND: count(30),
  UPDATES_BURST: count(60),
  /** join-session and full states, per socket: a full state copies the whole table. */
  FULL_STATES_PER_MINUTE: count(20),
  FULL_STATES_BURST: count(10),
  /** What may wait to be written to one socket; unset: one largest full state and 16 MiB more. */
  MAX_QUEUED_BYTES: z.coerce.number().int().positive().optional(),
  /** A text frame of an event other than update-game-state (whose frame may hold MAX_UPDATE_BYTES more). */
  MAX_EVENT_BYTES: count(64 * 1024),
  ACTIVITY_DIST: z.string().default('activity/dist'),
  /** `sqlite` keeps everything in DATA_DIR; `postgres` in DATABASE_URL (nothing on disk); `memory` nothing across restarts. */
  STORAGE: z.enum(['sqlite', 'postgres', 'memory']).default('sqlite'),
  /** Turns on the cross-node fan-out (cluster mode): redis://host:port */
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'a redis:// URL').optional(),
  /** Prefix of every Redis key and channel of this cluster, so that clusters (and tests) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[\w.:-]{1,64}$/, '1 to 64 letters, digits, . : _ -').default('gamebook:'),
  /** STORAGE=postgres: postgres://user:password@host:port/database */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL').optional(),
  /** Connections one server opens to PostgreSQL at most. */
  PG_POOL_SIZE: count(10),
  /** How long a query waits for a PostgreSQL connection before it fails (`internal` to the client). */
  PG_CONNECT_TIMEOUT_MS: count(5000),
  /**
   * How long a query waits for PostgreSQL's answer before it fails: a network that drops packets
   * would otherwise hold every write of the node for TCP's own timeouts (many minutes).
   */
  PG_QUERY_TIMEOUT_MS: count(15_000),
  /** Bytes per stored row of a PDF in PostgreSQL: a range read fetches only the rows it overlaps. */
  PDF_CHUNK_BYTES: count(256 * 1024),
  /**
   * STORAGE=postgres: PDF bytes no record names are spared this long (an upload stores its bytes,
   * then its record); an upload unfinished after it counts as abandoned and is collected.
   */
  PDF_UPLOAD_GRACE_SECONDS: z.coerce.number().min(0).default(3600),
  SQLITE_SYNCHRONOUS: z.enum(['full', 'normal']).default('full'),
  STORAGE_MAX_BYTES: z.coerce.number().int().positive().optional(),
  SESSION_TTL_DAYS: amount(30),
  SESSION_IDLE_SECONDS: amount(600),
  HOUSEKEEPING_SECONDS: amount(60),
  /** How long a stop may take (what is in flight committing, the store closing) before the process exits anyway. */
  STOP_GRACE_SECONDS: amount(20),
  MAX_LAYER_BYTES: count(1 * MiB),
  MAX_SESSION_LAYER_BYTES: count(32 * MiB),
  LAYER_HISTORY_ENTRIES: count(256),
  LAYER_HISTORY_BYTES: count(8 * MiB),
  MAX_LIVE_BYTES: count(64 * 1024),
  LIVE_UPDATES_PER_SECOND: count(60),
  LIVE_UPDATES_BURST: count(120),
  MAX_PDF_BYTES: count(200 * MiB),
  PDF_LINK_SECONDS: count(6 * 60 * 60),
  /** Discord: all four of client id, secret, bot token and public key, or none (browser table only). */
  DISCORD_CLIENT_ID: z.string().regex(/^\d{5,30}$/, 'a Discord snowflake').optional(),
  DISCORD_CLIENT_SECRET: z.string().min(8).optional(),
  DISCORD_BOT_TOKEN: z.string().min(8).optional(),
  DISCORD_PUBLIC_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, '64 hex digits (the Ed25519 key of the portal)').optional(),
  DISCORD_API_BASE: z.url().default('https://discord.com/api/v10'),
  /** `off` serves commands only over the HTTP interactions endpoint, without a gateway connection. */
  DISCORD_GATEWAY: z.enum(['on', 'off']).default('on'),
  /** A player who just launched may not be in the instance's users yet: asked once more after this. */
  DISCORD_INSTANCE_RETRY_MS: z.coerce.number().int().min(0).max(10_000).default(750),
  /** A follow-up message after launching the activity that failed is sent once more after this. */
  DISCORD_FOLLOW_UP_RETRY_MS: z.coerce.number().int().min(0).max(10_000).default(1000),
  /** Where browsers reach this server (join links); http://localhost:PORT when unset. */
  PUBLIC_URL: z.url().optional(),
  JOIN_LINK_HOURS: amount(24),
  /** Per-user and per-address limits (docs/security.md); the defaults leave a real group far below them. */
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  TABLES_PER_USER_PER_HOUR: count(20),
  TABLES_PER_ADDRESS_PER_HOUR: count(60),
  SOCKETS_PER_USER: count(16),
  SOCKETS_PER_ADDRESS: count(64),
  USER_UPDATES_PER_SECOND: count(60),
  USER_UPDATES_BURST: count(240),
  USER_LIVE_UPDATES_PER_SECOND: count(120),
  USER_LIVE_UPDATES_BURST: count(240),
  MAX_TABLE_BYTES: count(32 * MiB),
  MAX_USER_BYTES: count(256 * MiB),
  GUESTS_PER_ADDRESS_PER_MINUTE: count(30),
  DISCORD_SIGNINS_PER_MINUTE: count(300),
  JOIN_LINKS_PER_USER_PER_MINUTE: count(30),
  /** A table whose host and game masters have all been away this long may be claimed by a member. */
  TABLE_CLAIM_SECONDS: amount(600),
  /** One-time codes that link a second device to an identity: lifetime, and tries per address. */
  LINK_CODE_SECONDS: count(300),
  LINK_ATTEMPTS_PER_ADDRESS_PER_MINUTE: count(10),
}).superRefine((env, context) => {
  if (env.MAX_QUEUED_BYTES !== undefined && env.MAX_QUEUED_BYTES < largestFullState(env)) {
    const message = `at least MAX_STATE_BYTES + MAX_SESSION_LAYER_BYTES (${largestFullState(env)}): a full state must fit`;
    context.addIssue({ code: 'custom', path: ['MAX_QUEUED_BYTES'], message });
  }
  if (env.STORAGE === 'postgres') {
    // every node of a cluster must know the database and sign tokens with the same key
    for (const key of ['DATABASE_URL', 'SESSION_SECRET'] as const) {
      if (env[key] === undefined) context.addIssue({ code: 'custom', path: [key], message: 'required with STORAGE=postgres' });
    }
  }
  if (env.REDIS_URL !== undefined && env.STORAGE !== 'postgres') {
    // nodes of a cluster share one database: a table on a node's own SQLite file cannot be followed
    context.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'needs STORAGE=postgres' });
  }
  const discord = ['DISCORD_CLIENT_ID', 'DISCORD_CLIENT_SECRET', 'DISCORD_BOT_TOKEN', 'DISCORD_PUBLIC_KEY'] as const;
  const set = discord.filter((key) => env[key] !== undefined);
  if (set.length === 0 || set.length === discord.length) return;
  for (const key of discord.filter((key) => env[key] === undefined)) {
    context.addIssue({ code: 'custom', path: [key], message: `required with ${set.join(', ')}` });
  }
});

/** A full state holds the game state and every layer of the table. */
function largestFullState(env: Pick<z.infer<typeof configSchema>, 'MAX_STATE_BYTES' | 'MAX_SESSION_LAYER_BYTES'>): number {
  return env.MAX_STATE_BYTES + env.MAX_SESSION_LAYER_BYTES;
}

export type Config = ReturnType<typeof toConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return toConfig(parsed.data);
}

function toConfig(env: z.infer<typeof configSchema>) {
  return {
    port: env.PORT,
    host: env.HOST,
    dataDir: path.resolve(env.DATA_DIR),
    sessionSecret: env.SESSION_SECRET,
    nodeId: env.NODE_ID ?? `${os.hostname()}:${env.PORT}`,
    logLevel: env.LOG_LEVEL,
    stopGraceMs: env.STOP_GRACE_SECONDS * 1000,
    activityDist: path.resolve(env.ACTIVITY_DIST),
    limits: {
      maxUpdateBytes: env.MAX_UPDATE_BYTES,
      maxStateBytes: env.MAX_STATE_BYTES,
      historyMaxEntries: env.HISTORY_MAX_ENTRIES,
      historyMaxBytes: env.HISTORY_MAX_BYTES,
      maxArrayDiffCells: env.MAX_ARRAY_DIFF_CELLS,
      snapshotEvery: env.SNAPSHOT_EVERY,
    },
    storage: {
      kind: env.STORAGE,
      file: path.resolve(env.DATA_DIR, 'gamebook.sqlite'),
      sync: env.SQLITE_SYNCHRONOUS,
      maxBytes: env.STORAGE_MAX_BYTES,
      pdfDir: path.resolve(env.DATA_DIR, 'pdfs'),
      postgres: {
        url: env.DATABASE_URL ?? '',
        poolSize: env.PG_POOL_SIZE,
        connectTimeoutMs: env.PG_CONNECT_TIMEOUT_MS,
        queryTimeoutMs: env.PG_QUERY_TIMEOUT_MS,
        pdfChunkBytes: env.PDF_CHUNK_BYTES,
        pdfGraceMs: env.PDF_UPLOAD_GRACE_SECONDS * 1000,
      },
    },
    cluster: env.REDIS_URL === undefined ? null : { redisUrl: env.REDIS_URL, prefix: env.REDIS_PREFIX },
    housekeeping: {
      idleMs: env.SESSION_IDLE_SECONDS * 1000,
      ttlMs: env.SESSION_TTL_DAYS * DAY_MS,
      everyMs: env.HOUSEKEEPING_SECONDS * 1000,
    },
    rates: {
      updatesPerSecond: env.UPDATES_PER_SECOND,
      updatesBurst: env.UPDATES_BURST,
      fullStatesPerMinute: env.FULL_STATES_PER_MINUTE,
      fullStatesBurst: env.FULL_STATES_BURST,
    },
    sockets: {
      maxQueuedBytes: env.MAX_QUEUED_BYTES ?? largestFullState(env) + 16 * MiB,
      maxEventBytes: env.MAX_EVENT_BYTES,
    },
    layers: {
      maxLayerBytes: env.MAX_LAYER_BYTES,
      maxSessionLayerBytes: env.MAX_SESSION_LAYER_BYTES,
      historyEntries: env.LAYER_HISTORY_ENTRIES,
      historyBytes: env.LAYER_HISTORY_BYTES,
    },
    live: {
      maxBytes: env.MAX_LIVE_BYTES,
      perSecond: env.LIVE_UPDATES_PER_SECOND,
      burst: env.LIVE_UPDATES_BURST,
    },
    pdfs: {
      maxBytes: env.MAX_PDF_BYTES,
      linkSeconds: env.PDF_LINK_SECONDS,
    },
    users: {
      trustedProxyHops: env.TRUST_PROXY_HOPS,
      tablesPerUserPerHour: env.TABLES_PER_USER_PER_HOUR,
      tablesPerAddressPerHour: env.TABLES_PER_ADDRESS_PER_HOUR,
      socketsPerUser: env.SOCKETS_PER_USER,
      socketsPerAddress: env.SOCKETS_PER_ADDRESS,
      userUpdates: { perSecond: env.USER_UPDATES_PER_SECOND, burst: env.USER_UPDATES_BURST },
      userLiveUpdates: { perSecond: env.USER_LIVE_UPDATES_PER_SECOND, burst: env.USER_LIVE_UPDATES_BURST },
      guestsPerAddressPerMinute: env.GUESTS_PER_ADDRESS_PER_MINUTE,
      discordSignInsPerMinute: env.DISCORD_SIGNINS_PER_MINUTE,
      joinLinksPerUserPerMinute: env.JOIN_LINKS_PER_USER_PER_MINUTE,
      linkAttemptsPerAddressPerMinute: env.LINK_ATTEMPTS_PER_ADDRESS_PER_MINUTE,
    },
    roles: { claimAfterMs: env.TABLE_CLAIM_SECONDS * 1000 },
    linkCodeMs: env.LINK_CODE_SECONDS * 1000,
    usage: {
      maxTableBytes: env.MAX_TABLE_BYTES,
      maxUserBytes: env.MAX_USER_BYTES,
    },
    publicUrl: (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    joinLinkMs: env.JOIN_LINK_HOURS * 60 * 60 * 1000,
    discord: discordOf(env),
  };
}

export type DiscordConfig = NonNullable<Config['discord']>;

/** The Discord app's settings; null when none is configured (the product is then a browser table). */
function discordOf(env: z.infer<typeof configSchema>) {
  const { DISCORD_CLIENT_ID: clientId, DISCORD_CLIENT_SECRET: clientSecret, DISCORD_BOT_TOKEN: botToken } = env;
  const publicKey = env.DISCORD_PUBLIC_KEY;
  if (!clientId || !clientSecret || !botToken || !publicKey) return null;
  return {
    clientId,
    clientSecret,
    botToken,
    publicKey: publicKey.toLowerCase(),
    apiBase: env.DISCORD_API_BASE.replace(/\/+$/, ''),
    gateway: env.DISCORD_GATEWAY === 'on',
    instanceRetryMs: env.DISCORD_INSTANCE_RETRY_MS,
    followUpRetryMs: env.DISCORD_FOLLOW_UP_RETRY_MS,
  };
}
