import type { KeyObject } from 'node:crypto';
import { DiscordStandIn } from './discord-stand-in';
import { interactionKeys } from './discord-interactions';
import { startTestServer, type TestServer } from './harness';

export const APP = '100000000000000001';
export const BOT = 'bot-token-for-tests';
export const CLIENT_SECRET = 'client-secret-for-tests';
export const SECRET = 'a-session-secret-of-at-least-32-characters!';
export const PUBLIC_URL = 'https://table.example';

export interface DiscordTestServer {
  server: TestServer;
  discord: DiscordStandIn;
  /** The key pair standing in for Discord's: the server holds the public key, tests sign with the private one. */
  privateKey: KeyObject;
  stop(): Promise<void>;
}

/** The real server as a Discord app (HTTP interactions, no gateway), talking to a fresh stand-in of Discord. */
export async function startDiscordServer(env: Record<string, string> = {}): Promise<DiscordTestServer> {
  const keys = interactionKeys();
  const discord = await new DiscordStandIn(APP, BOT, CLIENT_SECRET).start();
  const server = await startTestServer({
    SESSION_SECRET: SECRET,
    DISCORD_CLIENT_ID: APP,
    DISCORD_CLIENT_SECRET: CLIENT_SECRET,
    DISCORD_BOT_TOKEN: BOT,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_API_BASE: discord.apiBase,
    DISCORD_GATEWAY: 'off',
    PUBLIC_URL,
    ...env,
  });
  return {
    server,
    discord,
    privateKey: keys.privateKey,
    stop: async () => {
      await server.stop();
      await discord.stop();
    },
  };
}

/** POSTs JSON (with a bearer token when given); the status, headers and parsed answer. */
export async function postJson(url: string, body: unknown, token?: string): Promise<{ status: number; headers: Headers; json: any }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, json: await response.json() };
}
