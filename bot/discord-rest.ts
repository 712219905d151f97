import { REST } from 'discord.js';
import { ProtocolError } from '../shared/errors';
import type { CommandReply } from './interaction';

const EPHEMERAL = 1 << 6;

/** discord.js's REST options for `apiBase` (`.../api/v10`, or a stand-in's): it adds `/v<version>` itself. */
export function restOptions(apiBase: string): { api: string; version: string } {
  const match = /^(.*)\/v(\d+)$/.exec(apiBase);
  return { api: match?.[1] ?? apiBase, version: match?.[2] ?? '10' };
}

/**
 * A route of Discord's API with each value in it encoded as one path segment, so that no value
 * (an id from a client, a token from an interaction) can add segments. Dot segments are refused:
 * encoding leaves `..` as it is, and the URL parser would then climb out of the route with it.
 */
export function discordRoute(parts: TemplateStringsArray, ...values: string[]): `/${string}` {
  return parts.reduce((route, part, index) => {
    const value = values[index - 1] ?? '';
    if (value === '' || value === '.' || value === '..') throw new ProtocolError('invalid-payload', `"${value}" cannot be a segment of a Discord API route`);
    return `${route}${encodeURIComponent(value)}${part}`;
  }) as `/${string}`;
}

/** discord.js's REST client aimed at `apiBase`. */
export function discordRest(apiBase: string, botToken?: string): REST {
  const rest = new REST(restOptions(apiBase));
  if (botToken) rest.setToken(botToken);
  return rest;
}

/** The message part of a reply, as Discord's interaction and webhook payloads take it. */
export function messageOf(reply: CommandReply): { content: string; flags?: number; allowed_mentions: { parse: [] } } {
  return { content: reply.content, ...(reply.ephemeral ? { flags: EPHEMERAL } : {}), allowed_mentions: { parse: [] } };
}

/** Sends a follow-up message to an interaction already answered (the link after a launch). */
export async function followUp(rest: REST, applicationId: string, interactionToken: string, reply: CommandReply): Promise<void> {
  await rest.post(discordRoute`/webhooks/${applicationId}/${interactionToken}`, { body: messageOf(reply), auth: false });
}
