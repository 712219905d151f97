import { z } from 'zod';
import type { KeptEdit } from '../../../shared/edit-queue';
import { intentSchema } from '../../../shared/merge-intents';
import { jsonValueSchema } from '../../../shared/protocol';

const keptEditsSchema = z.array(
  z.object({
    id: z.string().min(1).max(64),
    seq: z.number().int().optional(),
    keys: z.array(z.object({ key: z.string(), base: jsonValueSchema.optional(), value: jsonValueSchema })),
    intents: z.array(intentSchema),
  }),
);

const keyOf = (userId: string, sessionId: string) => `gamebook-studio.pending.${userId}.${sessionId}`;

/**
 * Keeps a player's edits not yet known to be applied while the page goes away (a closed tab, a
 * reload, a phone putting the page to sleep), per player and table (rule S17).
 */
export function keepEdits(storage: Storage, userId: string, sessionId: string, edits: KeptEdit[]): void {
  if (edits.length === 0) storage.removeItem(keyOf(userId, sessionId));
  else storage.setItem(keyOf(userId, sessionId), JSON.stringify(edits));
}

/** The edits an earlier page kept for this player and table; they are handed over once. */
export function takeKeptEdits(storage: Storage, userId: string, sessionId: string): KeptEdit[] {
  const key = keyOf(userId, sessionId);
  const raw = storage.getItem(key);
  storage.removeItem(key);
  try {
    const parsed = keptEditsSchema.safeParse(JSON.parse(raw ?? '[]'));
    return parsed.success ? (parsed.data as KeptEdit[]) : [];
  } catch {
    return [];
  }
}
