import { z } from 'zod';
import { discordRoute } from '../../bot/discord-rest';
import { ProtocolError } from '../../shared/errors';

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
}

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
    const answer = await this.call('/oauth2/token', { method: 'POST', body }, tokenSchema, 'forbidden');
    return answer.access_token;
  }

  user(accessToken: string): Promise<DiscordUser> {
    return this.call('/users/@me', { headers: { authorization: `Bearer ${accessToken}` } }, userSchema, 'forbidden');
  }

  /** The activity instance, as the bot sees it; null when Discord does not know it. */
  async activityInstance(instanceId: string): Promise<ActivityInstance | null> {
    const route = discordRoute`/applications/${this.options.clientId}/activity-instances/${instanceId}`;
    try {
      return await this.call(route, { headers: this.botAuthorization() }, instanceSchema, 'forbidden');
    } catch (error) {
      if (error instanceof DiscordApiError && error.status === 404) return null;
      throw error;
    }
  }

  /** A channel as the bot sees it (its type and name); a DM of others is not the bot's to read. */
  channel(channelId: string): Promise<DiscordChannel> {
    return this.call(discordRoute`/channels/${channelId}`, { headers: this.botAuthorization() }, channelSchema, 'forbidden');
  }

  private botAuthorization(): Record<string, string> {
    return { authorization: `Bot ${this.options.botToken}` };
  }

  private async call<T>(route: string, init: RequestInit, schema: z.ZodType<T>, refusedAs: 'forbidden'): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.options.apiBase}${route}`, { ...init, signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000) });
    } catch (error) {
      throw new DiscordApiError(route, 0, `Discord is unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status >= 400 && response.status < 500) {
      throw new DiscordApiError(route, response.status, `Discord refused ${route} (${response.status})`, refusedAs);
    }
    if (!response.ok) throw new DiscordApiError(route, response.status, `Discord failed ${route} (${response.status})`);
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new DiscordApiError(route, response.status, `Discord answered ${route} with an unexpected shape`);
    return parsed.data;
  }
}

/** A failed call to Discord: `forbidden` when Discord refused it, `discord-unavailable` when it failed or was unreachable. */
export class DiscordApiError extends ProtocolError {
  constructor(
    readonly route: string,
    readonly status: number,
    message: string,
    code: 'forbidden' | 'discord-unavailable' = 'discord-unavailable',
  ) {
    super(code, message);
    this.name = 'DiscordApiError';
  }
}
