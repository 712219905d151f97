/**
 * Discord avatars for the presence list. Inside Discord the activity may only load from its own
 * origin: Discord's CDN is reached through the URL mapping `/discord-cdn` -> `cdn.discordapp.com`
 * (docs/discord.md), so the URL is built on that prefix, as the SDK's `patchUrlMappings` would
 * rewrite it.
 */
export const DISCORD_CDN_PREFIX = '/discord-cdn';
export const DISCORD_CDN = 'https://cdn.discordapp.com';

const SNOWFLAKE = /^\d{1,20}$/;
const AVATAR_HASH = /^(a_)?[0-9a-f]{32}$/i;

/**
 * The avatar of a Discord user, 64 px: their own (`avatar` hash) or Discord's default one
 * (index from the id, the rule for users without a discriminator). Null when there is no hash and
 * the id is not a Discord id (the presence list then draws initials). `base` is the CDN origin,
 * or the proxy prefix.
 */
export function discordAvatarUrl(user: { id: string; avatar?: string | null }, base: string = DISCORD_CDN_PREFIX): string | null {
  if (user.avatar && AVATAR_HASH.test(user.avatar)) return `${base}/avatars/${encodeURIComponent(user.id)}/${user.avatar}.png?size=64`;
  if (!SNOWFLAKE.test(user.id)) return null;
  return `${base}/embed/avatars/${(BigInt(user.id) >> 22n) % 6n}.png`;
}
