import { z } from 'zod';
import { DICE_LOG_KEY } from './dice';
import type { Delta } from './diff';
import type { Ack } from './ack';
import type { ErrorBody } from './errors';
import type { JsonObject, JsonValue } from './json';
import { DELTA_MARKER_KEY, isSafeJson } from './json-shape';
import { intentSchema, MAX_INTENTS } from './merge-intents';
import { changeSchema, MAX_CHANGES } from './path-changes';
import type { TableSnapshot } from './layers-protocol';

export type { PageView } from './layers-protocol';

/** Event names of the wire contract (docs/protocol.md). */
export const ClientEvent = {
  createSession: 'create-session',
  joinSession: 'join-session',
  updateGameState: 'update-game-state',
  requestMissingUpdates: 'request-missing-updates',
} as const;

export const ServerEvent = {
  fullGameState: 'full-game-state',
  gameStateDelta: 'game-state-delta',
  missingUpdates: 'missing-updates',
  sessionError: 'session-error',
} as const;

export const sessionIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'a session id is made of letters, digits, - and _');

export const versionSchema = z.number().int().min(0);

/**
 * `join-session` takes the bare id (the contract's form) or `{ sessionId, fromVersion? }`: a client
 * that rejoins with the version it holds gets `missing-updates` instead of the full state when
 * the history still covers it.
 */
export const joinSessionSchema = z.union([
  sessionIdSchema.transform((sessionId) => ({ sessionId, fromVersion: undefined, crc: undefined, clientKey: undefined })),
  z.object({
    sessionId: sessionIdSchema,
    fromVersion: versionSchema.optional(),
    /** The CRC of the state the client holds at `fromVersion`: deltas only if the server's matches. */
    crc: z.number().int().min(0).max(0xffffffff).optional(),
    /** The key in this client's update ids: a full state then says which of its updates it holds. */
    clientKey: z.string().min(1).max(48).optional(),
  }),
]);
export type JoinSession = z.output<typeof joinSessionSchema>;

export const jsonValueSchema = z.custom<JsonValue>((value) => isSafeJson(value), {
  message: 'must be plain JSON, at most 64 levels deep and 500 000 values, without __proto__ or _t keys',
});

const stateKeySchema = z
  .string()
  .min(1)
  .max(256)
  .refine((key) => key !== DELTA_MARKER_KEY, 'the key _t has a meaning in deltas: choose another name');

/** Top-level state keys that only the server writes: the dice log, so that nobody can fake a roll. */
export const SERVER_OWNED_KEYS: ReadonlySet<string> = new Set([DICE_LOG_KEY]);

/**
 * z.record skips a `__proto__` key without a word (assigning it would replace its output's
 * prototype), so it is refused before: else the update would be acknowledged without it.
 */
const updatesSchema = z
  .custom<unknown>((value) => typeof value !== 'object' || value === null || !Object.hasOwn(value, '__proto__'), {
    message: 'a state key may not be __proto__',
  })
  .pipe(z.record(stateKeySchema, jsonValueSchema));

/**
 * **extension** `changes` (P-rules): path-level edits, so an edit deep inside a large key costs
 * what it changes on the wire and on the server. `updates` (the contract's whole keys) may then be
 * left out; a key may not be in both.
 */
export const updateGameStateFields = z.object({
  updates: updatesSchema.optional(),
  changes: z.array(changeSchema(jsonValueSchema)).min(1).max(MAX_CHANGES).optional(),
  baseVersion: versionSchema.optional(),
  /**
   * Our client's idempotency key, `<client>-<n>` with n growing per client: an update whose n is
   * not above the last one applied for that client is a resend, acknowledged and not applied again.
   */
  updateId: z.string().min(1).max(64).optional(),
  /** How the values merge with what others changed since `baseVersion` (steps, text); absent: the later edit wins. */
  intents: z.array(intentSchema).max(MAX_INTENTS).optional(),
});

export const updateGameStateSchema = updateGameStateFields
  .refine((update) => update.updates !== undefined || update.changes !== undefined, 'an update holds updates or changes')
  .refine(
    ({ updates, changes }) => !updates || !changes || changes.every((change) => !Object.hasOwn(updates, change.path[0] as string)),
    'a key is either replaced whole in updates or changed in changes, not both',
  );
export type UpdateGameState = z.infer<typeof updateGameStateSchema>;

export const requestMissingUpdatesSchema = z.object({
  fromVersion: versionSchema,
  /** Ask for the full state whatever the history holds (after a CRC mismatch). */
  full: z.boolean().optional(),
});
export type RequestMissingUpdates = z.infer<typeof requestMissingUpdatesSchema>;

export const guestLoginSchema = z.object({
  name: z.string().trim().min(1).max(64),
});

/** **extension** POST /api/auth/link: the one-time code another device of the same user showed. */
export const linkDeviceSchema = z.object({
  code: z.string().min(1).max(32),
});

export type { Role } from './roles-protocol';
import type { Role } from './roles-protocol';

/** The complete picture: game state, and the table's layers, PDFs and last view (TableSnapshot). */
export interface FullGameState extends TableSnapshot {
  sessionId: string;
  state: JsonObject;
  version: number;
  crc: number;
  /** For a client that joined with its `clientKey`: the number of its last update this state holds. */
  appliedSeq?: number;
}

export interface GameStateDelta {
  delta: Delta;
  version: number;
  fromVersion: number;
  crc: number;
  /** The update this delta applied, when it carried an id: its sender knows it is confirmed. */
  updateId?: string;
}

export interface MissingUpdates {
  deltas: GameStateDelta[];
}

export interface SessionErrorEvent extends ErrorBody {
  event: string;
}

export type { Ack, AckError, AckOk } from './ack';

export type CreateSessionAck = Ack<{ sessionId: string }>;
export type JoinSessionAck = Ack<{ sessionId: string; role: Role; maxUpdateBytes?: number }>;
export type UpdateGameStateAck = Ack<{ version: number }>;

/**
 * POST /api/auth/discord: the activity's OAuth2 code and the instance it runs in. The instance id
 * goes into the path of a call the server makes with its bot token, so it is held to the shape of
 * an id (Discord's look like `i-<digits>-gc-<digits>-<digits>`): it can be no dot segment or slash.
 */
export const discordLoginSchema = z.object({
  code: z.string().min(1).max(512),
  instanceId: z.string().max(128).regex(/^[A-Za-z0-9_-]+$/, 'an instance id is made of letters, digits, - and _'),
});

/**
 * Where a Discord activity runs, as POST /api/auth/discord answers it: each channel (voice, text,
 * DM, group DM) has its own table. `name` is null when the bot cannot read the channel (DMs).
 */
export const discordPlaceSchema = z.object({
  kind: z.enum(['voice', 'text', 'dm']),
  channelId: z.string().min(1),
  guildId: z.string().nullable(),
  name: z.string().nullable(),
});

export type DiscordPlace = z.infer<typeof discordPlaceSchema>;

/** POST /api/auth/invite: a signed join link's invitation, and a name when the caller has no token yet. */
export const inviteLoginSchema = z.object({
  invite: z.string().min(1).max(1024),
  name: z.string().trim().min(1).max(64).optional(),
});
