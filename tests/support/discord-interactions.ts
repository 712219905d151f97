import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair standing in for Discord's: the public key as the portal shows it (hex). */
export function interactionKeys(): { publicKeyHex: string; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { publicKeyHex: der.subarray(der.length - 32).toString('hex'), privateKey };
}

export interface PostOptions {
  timestamp?: number;
  /** Signs with this key instead (a forger's). */
  signWith?: KeyObject;
  tamper?: boolean;
}

/** Posts `body` to the interactions endpoint, signed as Discord signs it. */
export async function postInteraction(
  url: string,
  privateKey: KeyObject,
  body: unknown,
  options: PostOptions = {},
): Promise<{ status: number; json: any }> {
  const text = JSON.stringify(body);
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const signature = sign(null, Buffer.from(timestamp + text), options.signWith ?? privateKey).toString('hex');
  const response = await fetch(`${url}/api/discord/interactions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-ed25519': signature, 'x-signature-timestamp': timestamp },
    body: options.tamper ? text.replace('}', ',"x":1}') : text,
  });
  return { status: response.status, json: await response.json().catch(() => null) };
}

export interface CommandOptions {
  guildId?: string | null;
  channel?: { id: string; type: number } | null;
  userId: string;
  permissions?: bigint;
  /** The `channel:` option, with its resolved channel. */
  chosen?: { id: string; type: number };
}

let counter = 0;

/** A `/table <subcommand>` APPLICATION_COMMAND interaction as Discord would post it. */
export function tableInteraction(applicationId: string, subcommand: string, options: CommandOptions) {
  const chosen = options.chosen;
  return {
    ...base(applicationId, options),
    data: {
      name: 'table',
      type: 1,
      options: [{ name: subcommand, type: 1, options: chosen ? [{ name: 'channel', type: 7, value: chosen.id }] : [] }],
      ...(chosen ? { resolved: { channels: { [chosen.id]: chosen } } } : {}),
    },
  };
}

/** The PRIMARY_ENTRY_POINT command's interaction (the app handles the launch). */
export function entryPointInteraction(applicationId: string, options: CommandOptions) {
  return { ...base(applicationId, options), data: { name: 'launch', type: 4 } };
}

function base(applicationId: string, options: CommandOptions) {
  const id = String(++counter);
  const guildId = options.guildId === undefined ? 'guild-1' : options.guildId;
  return {
    id,
    application_id: applicationId,
    type: 2,
    token: `interaction-token-${id}`,
    version: 1,
    locale: 'en-US',
    entitlements: [],
    context: guildId ? 0 : 2,
    authorizing_integration_owners: guildId ? { '0': guildId } : { '1': options.userId },
    ...(guildId ? { guild_id: guildId } : {}),
    ...(options.channel
      ? { channel_id: options.channel.id, channel: { ...options.channel, ...(guildId ? { guild_id: guildId } : {}) } }
      : {}),
    ...(guildId
      ? { member: { user: { id: options.userId }, permissions: String(options.permissions ?? 0n) } }
      : { user: { id: options.userId } }),
  };
}
