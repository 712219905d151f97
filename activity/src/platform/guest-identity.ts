import { z } from 'zod';
import { postApi } from './api-request';

export const identitySchema = z.object({
  token: z.string().min(1),
  user: z.object({ id: z.string(), name: z.string() }),
});

export type Identity = z.infer<typeof identitySchema>;

const STORAGE_KEY = 'gamebook-studio.identity';

/** The browser's guest identity, kept across reloads so a player stays the same person. */
export function loadIdentity(storage: Storage): Identity | null {
  try {
    const parsed = identitySchema.safeParse(JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null'));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function saveIdentity(storage: Storage, identity: Identity): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(identity));
}

export function forgetIdentity(storage: Storage): void {
  storage.removeItem(STORAGE_KEY);
}

/** POST /api/auth/guest: a name in, a token and user out. */
export function guestSignIn(name: string): Promise<Identity> {
  return postApi('/api/auth/guest', { name }, identitySchema, 'sign-in');
}

/** POST /api/auth/rename: a new name on the same user id (a table this player runs stays theirs). */
export function renameIdentity(name: string, token: string): Promise<Identity> {
  return postApi('/api/auth/rename', { name }, identitySchema, 'rename', token);
}

const linkCodeSchema = z.object({ code: z.string(), expiresAt: z.number() });

/** POST /api/auth/link-code: a one-time code another device types in to become this player. */
export function requestLinkCode(token: string): Promise<z.infer<typeof linkCodeSchema>> {
  return postApi('/api/auth/link-code', {}, linkCodeSchema, 'a device code', token);
}

/** POST /api/auth/link: this browser becomes the player whose other device showed `code`. */
export function linkDevice(code: string): Promise<Identity> {
  return postApi('/api/auth/link', { code }, identitySchema, 'linking this device');
}
