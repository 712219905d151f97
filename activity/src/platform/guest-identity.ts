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
