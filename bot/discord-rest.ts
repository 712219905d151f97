import { REST, Routes } from 'discord.js';
import type { CommandReply } from './interaction';

const EPHEMERAL = 1 << 6;

/** discord.js's REST options for `apiBase` (`.../api/v10`, or a stand-in's): it adds `/v<version>` itself. */
export function restOptions(apiBase: string): { api: string; version: string } {
  const match = /^(.*)\/v(\d+)$/.exec(apiBase);
  return { api: match?.[1] ?? apiBase, version: match?.[2] ?? '10' };
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
  await rest.post(Routes.webhook(applicationId, interactionToken), { body: messageOf(reply), auth: false });
}
