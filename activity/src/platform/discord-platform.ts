import { Common, DiscordSDK, Events, Platform, RPCCloseCodes } from '@discord/embedded-app-sdk';
import { z } from 'zod';
import { discordPlaceSchema, type DiscordPlace } from '../../../shared/protocol';
import { identitySchema, type Identity } from './guest-identity';
import { postApi } from './api-request';
import { TableError } from '../sync/table-error';
import { discordAvatarUrl } from './discord-avatar';
import { LatestEvery, type Playing } from './rich-presence';

const configSchema = z.object({ clientId: z.string().min(1) });
const exchangeSchema = identitySchema.extend({ access_token: z.string().min(1), sessionId: z.string().min(1), place: discordPlaceSchema });

/** `rpc.activities.write` lets the activity set the players' rich presence (setActivity). */
const SCOPES = ['identify', 'rpc.activities.write'] as const;

/** Discord rate-limits setActivity (about five updates in 20 s): at most one every 5 s. */
const PRESENCE_INTERVAL_MS = 5000;

/** ACTIVITY_LAYOUT_MODE_UPDATE's layout_mode: 0 focused, 1 picture-in-picture, 2 grid. */
const FOCUSED = Common.LayoutModeTypeObject.FOCUSED;

export interface DiscordSignIn {
  identity: Identity;
  /** The table of the channel the activity runs in. */
  sessionId: string;
  place: DiscordPlace;
}

/** Our user id -> how Discord shows that participant. */
export type ParticipantFaces = ReadonlyMap<string, { name: string; avatarUrl: string | null }>;

interface Participant {
  id: string;
  username: string;
  global_name?: string | null;
  nickname?: string;
  avatar?: string | null;
}

/** The SDK once ready, with the app's client id from our server. Loaded only inside Discord. */
export async function connectDiscord(): Promise<DiscordLink> {
  const { clientId } = await getJson('/api/discord/config', configSchema);
  const sdk = new DiscordSDK(clientId);
  await sdk.ready();
  return new DiscordLink(sdk, clientId);
}

/**
 * The activity's side of the Discord client: signing in, and the SDK commands the table uses.
 * Every command but the sign-in is a nicety: its failure never stops the table.
 */
export class DiscordLink {
  private readonly presence: LatestEvery<Playing>;

  constructor(
    private readonly sdk: DiscordSDK,
    private readonly clientId: string,
  ) {
    this.presence = new LatestEvery(PRESENCE_INTERVAL_MS, (playing) => {
      this.sdk.commands.setActivity({ activity: { type: 0, ...playing } }).catch(() => undefined);
    });
  }

  /** The invite dialog exists in servers only: Discord refuses it in (group) DMs. */
  get canInvite(): boolean {
    return this.sdk.guildId !== null;
  }

  /**
   * authorize (a code) -> our server's token exchange (which checks the user is in this instance
   * and answers the channel's table) -> authenticate. Run again when our token is refused.
   */
  async signIn(): Promise<DiscordSignIn> {
    const { code } = await this.sdk.commands.authorize({
      client_id: this.clientId,
      response_type: 'code',
      state: '',
      prompt: 'none',
      scope: [...SCOPES],
    });
    const answer = await postApi('/api/auth/discord', { code, instanceId: this.sdk.instanceId }, exchangeSchema, 'the Discord sign-in');
    await this.sdk.commands.authenticate({ access_token: answer.access_token });
    return { identity: { token: answer.token, user: answer.user }, sessionId: answer.sessionId, place: answer.place };
  }

  /**
   * Feeds the presence list from Discord's participants list: the names and avatars now, and again
   * whenever someone joins or leaves the activity.
   */
  watchParticipants(onChange: (faces: ParticipantFaces) => void): void {
    const apply = ({ participants }: { participants: Participant[] }) =>
      onChange(
        new Map(
          participants.map((p) => [`discord:${p.id}`, { name: p.nickname ?? p.global_name ?? p.username, avatarUrl: discordAvatarUrl(p) }]),
        ),
      );
    this.sdk.commands.getInstanceConnectedParticipants().then(apply, () => undefined);
    this.sdk.subscribe(Events.ACTIVITY_INSTANCE_PARTICIPANTS_UPDATE, apply).catch(() => undefined);
  }

  /** `simple` is true while Discord shows the activity small: picture-in-picture or a grid tile. */
  watchLayoutMode(onChange: (simple: boolean) => void): void {
    const apply = ({ layout_mode }: { layout_mode: number }) => onChange(layout_mode !== FOCUSED);
    this.sdk.subscribe(Events.ACTIVITY_LAYOUT_MODE_UPDATE, apply).catch(() => undefined);
  }

  /**
   * On phones: portrait, the shape the one-column table and a book's pages are made for, in the
   * full view and in picture-in-picture; a grid tile turns with the phone.
   */
  lockOrientation(): void {
    if (this.sdk.platform !== Platform.MOBILE) return;
    const { PORTRAIT, UNLOCKED } = Common.OrientationLockStateTypeObject;
    this.sdk.commands
      .setOrientationLockState({ lock_state: PORTRAIT, picture_in_picture_lock_state: PORTRAIT, grid_lock_state: UNLOCKED })
      .catch(() => undefined);
  }

  openInviteDialog(): Promise<unknown> {
    return this.sdk.commands.openInviteDialog();
  }

  /** Rich presence, throttled: a storm of page flips becomes one update of the last page. */
  showPlaying(playing: Playing): void {
    this.presence.push(playing);
  }

  /** Ends the activity for this player, with the reason Discord may show. */
  close(message: string): void {
    this.presence.stop();
    this.sdk.close(RPCCloseCodes.CLOSE_NORMAL, message);
  }
}

async function getJson<T>(path: string, schema: z.ZodType<T>): Promise<T> {
  const response = await fetch(path).catch(() => null);
  const parsed = schema.safeParse(response?.ok ? await response.json().catch(() => null) : null);
  if (!parsed.success) throw new TableError('internal', 'this server is not set up for Discord');
  return parsed.data;
}
