import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { discordRoute } from '../../bot/discord-rest';
import { ProtocolError } from '../../shared/errors';
import { AnswerTooLarge, discardBody, readBoundedJson } from './bounded-json';

const tokenSchema = z.object({ access_token: z.string().min(1), token_type: z.string().optional(), scope: z.string().optional() });
const userSchema = z.object({
  id: z.string().min(1),
  username: z.string(),
  global_name: z.string().nullish(),
  avatar: z.string().nullish(),
});
const instanceSchema = z.object({
  instance_id: z.string().optional(),
  users: z.array(z.string()),
  /** `kind`: `gc` a guild's channel, `pc` a private one (a DM or a group DM). */
  location: z.object({ channel_id: z.string().min(1), guild_id: z.string().nullish(), kind: z.string().optional() }),
});
const channelSchema = z.object({ id: z.string(), type: z.number().int(), name: z.string().nullish() });

export type DiscordUser = z.infer<typeof userSchema>;
export type ActivityInstance = z.infer<typeof instanceSchema>;
export type DiscordChannel = z.infer<typeof channelSchema>;

export interface DiscordApiOptions {
  apiBase: string;
  clientId: string;
  clientSecret: string;
  botToken: string;
  timeoutMs?: number;
  /** A 429 whose `retry_after` is at most this is waited out and the call made once more; a longer one is answered at once. */
  maxRetryWaitMs?: number;
}

/** What Discord answers when the user refused, or the code is not (or no longer) good: 400 invalid_grant, 401, 403. */
const REFUSALS: ReadonlySet<number> = new Set([400, 401, 403]);
const DEFAULT_RETRY_AFTER_MS = 1000;
/** Far above any answer of the calls made here (a token, a user, an instance's users, a channel): more is a broken or hostile peer. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/** The calls the server makes to Discord's HTTP API itself (the bot's go through discord.js). */
export class DiscordApi {
  constructor(private readonly options: DiscordApiOptions) {}

  /** Trades the activity's OAuth2 code for the user's access token. */
  async exchangeCode(code: string): Promise<string> {
    const body = new URLSearchParams({
      client_id: this.options.clientId,
      client_secret: this.options.clientSecret,
      grant_type: 'authorization_code',
      code,
    });
    const answer = await this.call('/oauth2/token', { method: 'POST', body }, tokenSchema, { refusedByUser: true });
    return answer.access_token;
  }

  user(accessToken: string): Promise<DiscordUser> {
    return this.call('/users/@me', { headers: { authorization: `Bearer ${accessToken}` } }, userSchema, { refusedByUser: true });
  }

  /** The activity instance, as the bot sees it; null when Discord does not know it. */
  async activityInstance(instanceId: string): Promise<ActivityInstance | null> {
    const route = discordRoute`/applications/${this.options.clientId}/activity-instances/${instanceId}`;
    try {
      return await this.call(route, { headers: this.botAuthorization() }, instanceSchema);
    } catch (error) {
      if (error instanceof DiscordApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** A channel as the bot sees it (its type and name); a DM of others is not the bot's to read. */
  channel(channelId: string): Promise<DiscordChannel> {
    return this.call(discordRoute`/channels/${channelId}`, { headers: this.botAuthorization() }, channelSchema);
  }

  private botAuthorization(): Record<string, string> {
    return { authorization: `Bot ${this.options.botToken}` };
  }

  /**
   * One call, validated. Refusals (400, 401, 403) are `forbidden` only for the calls made with the
   * user's code or token, `refusedByUser`: a refusal of the bot's own calls is this server's
   * configuration, not the player's fault. Anything else that fails is `discord-unavailable`.
   */
  private async call<T>(route: string, init: RequestInit, schema: z.ZodType<T>, options: { refusedByUser?: boolean } = {}): Promise<T> {
    const response = await this.send(route, init);
    if (!response.ok) await discardBody(response);
    if (options.refusedByUser && REFUSALS.has(response.status)) {
      throw new DiscordApiError(route, response.status, `Discord refused ${route} (${response.status})`, 'forbidden');
    }
    if (!response.ok) throw new DiscordApiError(route, response.status, `Discord failed ${route} (${response.status})`);
    const parsed = schema.safeParse(await answerOf(route, response));
    if (!parsed.success) throw new DiscordApiError(route, response.status, `Discord answered ${route} with an unexpected shape`);
    return parsed.data;
  }

  /** Fetches `route`; a 429 is waited out and tried once more when Discord asks for a short wait. */
  private async send(route: string, init: RequestInit, retried = false): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(`${this.options.apiBase}${route}`, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (error) {
      throw new DiscordApiError(route, 0, `Discord is unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status !== 429) return response;
    const waitMs = await retryAfterMs(route, response);
    if (!retried && waitMs <= (this.options.maxRetryWaitMs ?? 2000)) {
      await sleep(waitMs);
      return this.send(route, init, true);
    }
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    throw new DiscordApiError(route, 429, `Discord is busy (rate limited on ${route}): try again in ${seconds} s`, 'discord-unavailable', seconds);
  }
}

const rateLimitSchema = z.object({ retry_after: z.number().nonnegative() });

/** How long Discord asks to wait: `retry_after` of the body (seconds, fractional), else the Retry-After header. */
async function retryAfterMs(route: string, response: Response): Promise<number> {
  const body = rateLimitSchema.safeParse(await answerOf(route, response));
  if (body.success) return body.data.retry_after * 1000;
  const header = Number(response.headers.get('retry-after'));
  return Number.isFinite(header) && header >= 0 && response.headers.has('retry-after') ? header * 1000 : DEFAULT_RETRY_AFTER_MS;
}

/** The JSON Discord answered (undefined when it is not JSON); `discord-unavailable` past MAX_ANSWER_BYTES, or when the body was cut off. */
async function answerOf(route: string, response: Response): Promise<unknown> {
  try {
    return await readBoundedJson(response, MAX_ANSWER_BYTES);
  } catch (error) {
    const what = error instanceof AnswerTooLarge ? error.message : `a body cut off (${error instanceof Error ? error.message : String(error)})`;
    throw new DiscordApiError(route, response.status, `Discord answered ${route} with ${what}`);
  }
}

/** A failed call to Discord: `forbidden` when the user's code or token was refused, else `discord-unavailable`. */
export class DiscordApiError extends ProtocolError {
  constructor(
    readonly route: string,
    readonly status: number,
    message: string,
    code: 'forbidden' | 'discord-unavailable' = 'discord-unavailable',
    /** When Discord asked to wait (429): how long, in whole seconds, for the client's Retry-After. */
    readonly retryAfterSeconds?: number,
  ) {
    super(code, message);
    this.name = 'DiscordApiError';
  }
}
