import { DiscordSDK, Events } from '@discord/embedded-app-sdk';
import { z } from 'zod';
import { identitySchema, type Identity } from './guest-identity';
import { postAuth } from './auth-request';
import { TableError } from '../sync/table-error';
import { discordAvatarUrl } from './discord-avatar';

const configSchema = z.object({ clientId: z.string().min(1) });
const exchangeSchema = identitySchema.extend({ access_token: z.string().min(1), sessionId: z.string().min(1) });

export interface DiscordStart {
  identity: Identity;
  /** The session of the voice channel the activity runs in. */
  sessionId: string;
  sdk: DiscordSDK;
}

/**
 * The handshake inside Discord: the SDK's ready -> authorize (a code) -> our server's token
 * exchange (which checks the user is in this instance) -> authenticate. The server answers with the
 * voice channel's session; everything then goes through Discord's proxy on this same origin.
 */
export async function discordHandshake(): Promise<DiscordStart> {
  const { clientId } = await getJson('/api/discord/config', configSchema);
  const sdk = new DiscordSDK(clientId);
  await sdk.ready();
  const { code } = await sdk.commands.authorize({
    client_id: clientId,
    response_type: 'code',
    state: '',
    prompt: 'none',
    scope: ['identify'],
  });
  const answer = await postAuth('/api/auth/discord', { code, instanceId: sdk.instanceId }, exchangeSchema, 'the Discord sign-in');
  await sdk.commands.authenticate({ access_token: answer.access_token });
  return { identity: { token: answer.token, user: answer.user }, sessionId: answer.sessionId, sdk };
}

async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(path).catch(() => null);
  const parsed = schema.safeParse(response?.ok ? await response.json().catch(() => null) : null);
  if (!parsed.success) throw new TableError('internal', 'this server is not set up for Discord');
  return parsed.data;
}

interface Participant {
  id: string;
  username: string;
  global_name?: string | null;
  nickname?: string;
  avatar?: string | null;
}

/** How Discord shows a participant: nickname, display name or username, and the avatar (through the proxy). */
export interface ParticipantFace {
  name: string;
  avatarUrl: string | null;
}

/** Our user id -> how Discord shows that participant. */
export type ParticipantFaces = ReadonlyMap<string, ParticipantFace>;

/**
 * Feeds the presence list from Discord's participants list: the names and avatars now, and again
 * whenever someone joins or leaves the activity. Never in the way of joining: failures are ignored.
 */
export function watchParticipants(sdk: DiscordSDK, onChange: (faces: ParticipantFaces) => void): void {
  const apply = ({ participants }: { participants: Participant[] }) =>
    onChange(
      new Map(
        participants.map((p) => [`discord:${p.id}`, { name: p.nickname ?? p.global_name ?? p.username, avatarUrl: discordAvatarUrl(p) }]),
      ),
    );
  sdk.commands.getInstanceConnectedParticipants().then(apply, () => undefined);
  sdk.subscribe(Events.ACTIVITY_INSTANCE_PARTICIPANTS_UPDATE, apply).catch(() => undefined);
}
